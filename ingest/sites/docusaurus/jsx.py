"""JSX as MDX writes it: a tag's name and attributes, and where a braced expression ends.

Braces are matched as JavaScript reads them: strings, template literals (and the
expressions inside them) and comments are skipped, so ``{'}'}`` ends where it should.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

_MAX_TAG = 20_000
_ATTR_NAME = re.compile(r"[A-Za-z_:][\w:.-]*")
_TAG_NAME = re.compile(r"[A-Za-z][\w.:-]*")


@dataclass(slots=True)
class Expr:
    """A JavaScript expression in braces (``{props.name}``), its source without the braces."""

    source: str


VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def only_comments(source: str) -> bool:
    stripped = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    stripped = re.sub(r"//[^\n]*", "", stripped)
    return not stripped.strip()


def parse_tag(text: str, start: int) -> tuple[str, dict[str, Any], bool, int] | None:
    """``<Name attr="x" other={expr} flag>``: name, attributes, self-closing, end; None if no tag."""
    if text.startswith("<>", start):
        return "", {}, False, start + 2
    name = _TAG_NAME.match(text, start + 1)
    if name is None:
        return None
    position = name.end()
    if position < len(text) and text[position] not in " \t\n/>":
        return None
    attrs: dict[str, Any] = {}
    limit = min(len(text), start + _MAX_TAG)
    while position < limit:
        while position < limit and text[position] in " \t\n":
            position += 1
        if text.startswith("/>", position):
            return name.group(0), attrs, True, position + 2
        if position < limit and text[position] == ">":
            return name.group(0), attrs, False, position + 1
        if position < limit and text[position] == "{":
            position = scan_braces(text, position)  # a spread, {...props}
            if position < 0:
                return None
            continue
        attr = _ATTR_NAME.match(text, position)
        if attr is None:
            return None
        position = attr.end()
        if not text.startswith("=", position):
            attrs[attr.group(0)] = True
            continue
        position += 1
        if position < limit and text[position] in "\"'":
            close = text.find(text[position], position + 1)
            if close < 0:
                return None
            attrs[attr.group(0)] = html.unescape(text[position + 1 : close])
            position = close + 1
        elif position < limit and text[position] == "{":
            close = scan_braces(text, position)
            if close < 0:
                return None
            attrs[attr.group(0)] = Expr(text[position + 1 : close - 1])
            position = close
        else:
            return None
    return None


def scan_braces(text: str, start: int) -> int:
    """The index after the ``}`` matching the ``{`` at ``start`` (JavaScript strings, template
    literals and comments skipped), or -1 when it is never closed."""
    depth = 0
    position = start
    length = len(text)
    while position < length:
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        elif char in "\"'":
            position = _string_end(text, position, char)
            if position < 0:
                return -1
            continue
        elif char == "`":
            position = _template_end(text, position)
            if position < 0:
                return -1
            continue
        elif text.startswith("/*", position):
            close = text.find("*/", position + 2)
            if close < 0:
                return -1
            position = close + 2
            continue
        position += 1
    return -1


def _string_end(text: str, start: int, quote: str) -> int:
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == quote:
            return position + 1
        if char == "\n":
            return -1
        position += 1
    return -1


def _template_end(text: str, start: int) -> int:
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "`":
            return position + 1
        if text.startswith("${", position):
            position = scan_braces(text, position + 1)
            if position < 0:
                return -1
            continue
        position += 1
    return -1
