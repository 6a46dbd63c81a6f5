"""Front matter: the metadata block a Markdown page may open with, split from its body.

Three forms, as docs sites write them: YAML between ``---`` lines (every generator), TOML
between ``+++`` lines (Hugo) and a JSON object as the very first thing (Hugo). All three are
held to the same limits: no YAML aliases (the "billion laughs" bombs), nesting no deeper than
:data:`MAX_DEPTH`, a mapping at the top. Text is already decoded, with LF line ends.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Collection
from typing import Any, Final, Literal, NoReturn

import yaml
from yaml.composer import Composer

from ingest.sites import yamlparser

#: How a page's front matter is written.
FrontMatterFormat = Literal["yaml", "toml", "json"]

#: Every form; a plain Markdown source reads YAML only, as it always has.
ALL_FORMATS: Final[tuple[FrontMatterFormat, ...]] = ("yaml", "toml", "json")

#: Deeper front matter is refused: no real metadata comes close, and PyYAML composes recursively.
MAX_DEPTH: Final = 32

_YAML_OPEN = re.compile(r"---[ \t]*(?:\n|$)")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*(?:\n|$)")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
# A JSON object opens with a key or closes at once; ``{{< shortcode >}}`` and ``{% tag %}`` do not.
_JSON_OPEN = re.compile(r"\{\s*[\"}]")


class FrontMatterError(ValueError):
    """Front matter that cannot be accepted; the message says why (without the path)."""


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that front matter does not allow."""


class _FrontMatterBounds(yamlparser.BoundedComposer):
    """Composing without aliases and with bounded nesting.

    Front matter never needs aliases, and they are the YAML bombs: ``&a [*a]`` refers to
    itself, and a few nested aliases expand to gigabytes once copied out as plain data.
    """

    def __init__(self) -> None:
        Composer.__init__(self)  # by name: in the pure-Python loader, super() is the whole SafeLoader
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # check_event peeks at the node's first event, which peek_event then returns.
        if self.check_event(yaml.AliasEvent):
            self._refuse(f"aliases such as *{self.peek_event().anchor} are not allowed; write the value out")
        if self._depth >= MAX_DEPTH:
            self._refuse(f"nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _refuse(self, problem: str) -> NoReturn:
        raise _Refused(problem=problem, problem_mark=self.peek_event().start_mark)


class _FrontMatterLoader(_FrontMatterBounds, yaml.SafeLoader):
    """``yaml.SafeLoader`` without aliases and with bounded nesting, in pure Python."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        _FrontMatterBounds.__init__(self)


#: The same loader on libyaml's parser, where PyYAML has it.
_CFrontMatterLoader = yamlparser.c_loader(_FrontMatterBounds, "_CFrontMatterLoader")


def split(
    text: str, formats: Collection[FrontMatterFormat] = ALL_FORMATS
) -> tuple[dict[str, Any], str, FrontMatterFormat | None]:
    """``(front matter, body, its format)`` of ``text``; ``({}, text, None)`` when it opens with none
    of ``formats``. Raises :class:`FrontMatterError` for front matter that cannot be read."""
    if "yaml" in formats and (opening := _YAML_OPEN.match(text)):
        source, body = _delimited(text, opening.end(), _YAML_CLOSE, "---")
        return _mapping(_load_yaml(source)), body, "yaml"
    if "toml" in formats and (opening := _TOML_OPEN.match(text)):
        source, body = _delimited(text, opening.end(), _TOML_CLOSE, "+++")
        return _mapping(_load_toml(source)), body, "toml"
    if "json" in formats and _JSON_OPEN.match(text):
        loaded, end = _load_json(text)
        return _mapping(loaded), text[end:].lstrip("\n"), "json"
    return {}, text, None


def _delimited(text: str, start: int, closing_line: re.Pattern[str], fence: str) -> tuple[str, str]:
    closing = closing_line.search(text, start)
    if closing is None:
        raise FrontMatterError(f"front matter opened on line 1 is never closed with '{fence}'")
    body = text[closing.end() :]
    return text[start : closing.start()], body[1:] if body.startswith("\n") else body


def _load_yaml(source: str) -> Any:
    try:
        return yamlparser.load(source, _FrontMatterLoader, _CFrontMatterLoader)
    except _Refused as exc:
        raise FrontMatterError(f"front matter{_line_of(exc)}: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        raise FrontMatterError(
            f"front matter is not valid YAML{_line_of(exc)}: {exc.problem or exc}"
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {exc}") from None


def _line_of(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    # +2: the YAML starts on the line after the opening '---', and marks count from 0.
    return f" at line {mark.line + 2}" if mark is not None else ""


def _load_toml(source: str) -> Any:
    try:
        loaded = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"front matter is not valid TOML: {exc}") from None
    except RecursionError:
        raise FrontMatterError(f"front matter is nested more than {MAX_DEPTH} levels deep") from None
    _check_depth(loaded)
    return loaded


def _load_json(text: str) -> tuple[Any, int]:
    try:
        loaded, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise FrontMatterError(f"front matter is not valid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise FrontMatterError(f"front matter is nested more than {MAX_DEPTH} levels deep") from None
    _check_depth(loaded)
    return loaded, end


def _check_depth(value: Any) -> None:
    # Iterative: a value nested deeply enough to matter must not exhaust the stack here either.
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FrontMatterError(f"front matter is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _mapping(loaded: Any) -> dict[str, Any]:
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise FrontMatterError(f"front matter must be a mapping of keys to values, not {kind(loaded)}")
    return loaded


_KINDS: Final = {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number"}


def kind(value: object) -> str:
    """How a value reads in a message: ``a list``, ``text``, ``true/false``..."""
    return "true/false" if isinstance(value, bool) else _KINDS.get(type(value), type(value).__name__)
