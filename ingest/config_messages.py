"""pydantic's validation errors said as a person would say them about a config file.

pydantic writes "Input should be greater than or equal to 1" or "Input should be a valid
boolean, unable to interpret input"; a config key deserves "must be at least 1, not 0" and
"must be true or false, not "yes please"". Errors of a kind not listed here keep pydantic's
wording, its "Value error, " prefix dropped (checks of our own write their sentences themselves).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import ErrorDetails

__all__ = ["plain_message"]

#: Longest rendering of a value that was refused; a longer one is cut with an ellipsis.
_SHOWN = 60

_KINDS = {
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be a number",
    "string_type": 'must be text in quotes, e.g. "value"',
    "list_type": 'must be a list, e.g. ["a", "b"]',
    "tuple_type": 'must be a list, e.g. ["a", "b"]',
    "set_type": 'must be a list, e.g. ["a", "b"]',
    "dict_type": "must be a table of keys and values",
    "model_type": "must be a table of keys and values",
    "model_attributes_type": "must be a table of keys and values",
    "byte_size_parsing": 'must be a size, e.g. 256 or "256 MiB"',
    "byte_size_unit": 'must be a size with a unit like "KiB", "MiB" or "GiB"',
}

_BOUNDS = {
    "greater_than": ("gt", "must be more than {}"),
    "greater_than_equal": ("ge", "must be at least {}"),
    "less_than": ("lt", "must be less than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "too_short": ("min_length", "must hold at least {} item(s)"),
    "too_long": ("max_length", "must hold at most {} item(s)"),
    "string_too_short": ("min_length", "must be at least {} character(s) long"),
    "string_too_long": ("max_length", "must be at most {} character(s) long"),
}


def plain_message(error: ErrorDetails, *, show_input: bool = True) -> str:
    """One error's message, in plain words, with the refused value unless ``show_input`` is False
    (its model hides input: a value may hold a password)."""
    kind = error["type"]
    context: dict[str, Any] = dict(error.get("ctx") or {})
    if kind in _KINDS:
        message = _KINDS[kind]
    elif kind in _BOUNDS:
        key, wording = _BOUNDS[kind]
        message = wording.format(_shown(context.get(key)))
    elif kind in ("literal_error", "enum"):
        # pydantic quotes the choices as Python does ('us'); a TOML file writes "us".
        message = (
            f"must be {str(context.get('expected', 'one of the values listed')).replace(chr(39), chr(34))}"
        )
    else:
        return error["msg"].removeprefix("Value error, ")
    if show_input and "input" in error and not isinstance(error["input"], dict):
        message += f", not {_shown(error['input'])}"
    return message


def _shown(value: object) -> str:
    """``value`` as a config file writes it: strings in double quotes, true/false, lists."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a bound of 1.0 reads as 1
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
