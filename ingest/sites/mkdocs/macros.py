"""mkdocs-macros' Jinja, reduced to text when the ``macros`` plugin is on.

The plugin renders every page as a Jinja template before Markdown sees it. Without running
Jinja (or the project's Python macros), what can be known is kept: ``{{ name }}`` and
``{{ config.site_name }}`` read from the config (``extra`` is where macros finds variables),
``{% raw %}`` keeps its text. Everything else is reduced and counted in ``unknown``:
``{{ macro(...) }}`` and unknown variables become nothing, ``{% if %}``/``{% for %}`` keep
their content without the tags, ``{% set %}``/``{% include %}`` go, ``{# comments #}`` too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(?P<text>.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_JINJA = re.compile(
    r"\{\{-?\s*(?P<expr>.*?)\s*-?\}\}|\{%-?\s*(?P<tag>\w+)(?P<args>.*?)-?%\}|\{#.*?#\}",
    re.DOTALL,
)
_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


def reduce_macros(text: str, variables: Mapping[str, Any], unknown: Counter[str]) -> str:
    """``text`` with its Jinja reduced as above; ``variables``: what ``{{ name }}`` may read."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    kept: list[str] = []

    def keep_raw(match: re.Match[str]) -> str:
        kept.append(match["text"])
        return f"\x03{len(kept) - 1}\x03"

    def reduce(match: re.Match[str]) -> str:
        if match["expr"] is not None:
            expression = match["expr"].split("|", 1)[0].strip()
            value = _lookup(expression, variables) if _NAME.match(expression) else None
            if value is not None:
                return str(value)
            name = re.match(r"[A-Za-z_][\w.]*", expression)
            unknown[f"macro:{name[0] if name else 'expression'}"] += 1
            return ""
        if match["tag"] is not None:
            tag = match["tag"]
            if not tag.startswith("end") and tag not in ("else", "elif"):
                unknown[f"macro:{tag}"] += 1
            return ""
        return ""

    reduced = _JINJA.sub(reduce, _RAW.sub(keep_raw, text))
    return re.sub(r"\x03(\d+)\x03", lambda m: kept[int(m[1])], reduced)


def _lookup(expression: str, variables: Mapping[str, Any]) -> Any:
    value: Any = variables
    for part in expression.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, str | int | float) and not isinstance(value, bool) else None
