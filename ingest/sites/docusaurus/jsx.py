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


def parse_tag(
    text: str, start: int, braces: Braces | None = None
) -> tuple[str, dict[str, Any], bool, int] | None:
    """``<Name attr="x" other={expr} flag>``: name, attributes, self-closing, end; None if no tag.
    ``braces``: where the text's braces close, shared by the tags and expressions of one page."""
    braces = braces or Braces(text)
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
            position = braces.end(position)  # a spread, {...props}
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
            close = braces.end(position)
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
    return Braces(text).end(start)


class Braces:
    """Where the braces of one text close, each ``{`` looked for once.

    Looking for the ``}`` of every ``{`` afresh made a page of braces that never close quadratic
    (each looked to the page's end). A scan from one ``{`` passes the others as a scan from each
    would, so it records where each it passes closes, and those still open when it fails as never
    closing. A budget of steps over the whole text bounds what the rest could cost.
    """

    def __init__(self, text: str, budget: int | None = None) -> None:
        self.text = text
        self._ends: dict[int, int] = {}
        self._budget = budget if budget is not None else 20 * len(text) + 10_000
        # Past these, no comment or template literal can close: no scan looks to the end for one.
        self._last_comment_end = text.rfind("*/")
        self._last_tick = text.rfind("`")

    def end(self, start: int) -> int:
        """The index after the ``}`` matching the ``{`` at ``start``, or -1 when it is never closed."""
        known = self._ends.get(start)
        if known is not None:
            return known
        text, length = self.text, len(self.text)
        opened: list[int] = []
        position = start
        while position < length:
            self._budget -= 1
            if self._budget < 0:
                break
            if position in self._ends and position != start:
                ends = self._ends[position]
                if ends < 0:
                    break
                position = ends
                continue
            char = text[position]
            if char == "{":
                opened.append(position)
            elif char == "}":
                self._ends[opened.pop()] = position + 1
                if not opened:
                    return position + 1
            elif char in "\"'":
                position = _string_end(text, position, char)
                if position < 0:
                    break
                continue
            elif char == "`":
                position = self._template_end(position)
                if position < 0:
                    break
                continue
            elif text.startswith("/*", position):
                close = text.find("*/", position + 2) if position + 2 <= self._last_comment_end else -1
                if close < 0:
                    break
                position = close + 2
                continue
            position += 1
        for still_open in opened:
            self._ends[still_open] = -1
        return self._ends.get(start, -1)

    def _template_end(self, start: int) -> int:
        text = self.text
        if start >= self._last_tick:
            return -1
        position = start + 1
        while position < len(text):
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "`":
                return position + 1
            if text.startswith("${", position):
                position = self.end(position + 1)
                if position < 0:
                    return -1
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
