"""Line-level reading of Obsidian Markdown: fenced code, comments, code spans, headings, blocks.

Obsidian syntax is never looked for inside code (fenced blocks, also inside callouts, and
inline code spans), so every pass of the dialect asks this module where code is first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_FENCE_OPEN = re.compile(r"(?P<prefix>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)")
# HTML blocks CommonMark keeps raw up to their closing tag, blank lines and all (type 1).
_RAW_HTML_OPEN = re.compile(r"[ \t]*<(?P<tag>pre|script|style|textarea)(?:[\s>]|$)", re.IGNORECASE)
_QUOTE_PREFIX = re.compile(r"(?:[ \t]*>)*[ \t]*")
_HEADING = re.compile(r"(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))??(?:[ \t]+#+)?[ \t]*")
_BACKTICKS = re.compile(r"`+")
_HTML_CODE = re.compile(r"<(code|kbd|pre)\b[^>]*>.*?</\1\s*>", re.IGNORECASE)
_COMMENT_OR_CODE = re.compile(r"`+|%%")
# After a space, or right after an embed (``![[image.png]]^id``), at the end of a line.
_BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]))\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Fence:
    """An open fenced code block: its character, length and info string; or a raw HTML block
    (``<pre>``...): ``char`` ``<``, ``info`` the tag."""

    char: str
    length: int
    info: str

    def closed_by(self, line: str) -> bool:
        if self.char == "<":
            return f"</{self.info}>" in line.lower()
        rest = _QUOTE_PREFIX.match(line)
        body = line[rest.end() :] if rest else line
        return re.fullmatch(f"{re.escape(self.char)}{{{self.length},}}[ \t]*", body) is not None


def fence_opened_by(line: str) -> Fence | None:
    """The fence ``line`` opens (also inside a quote or list item), or None."""
    if (html := _RAW_HTML_OPEN.match(line)) is not None:
        raw = Fence("<", 0, html["tag"].lower())
        return None if raw.closed_by(line) else raw
    match = _FENCE_OPEN.fullmatch(line)
    if match is None:
        return None
    fence, info = match["fence"], match["info"].strip()
    if fence[0] == "`" and "`" in info:
        return None
    return Fence(fence[0], len(fence), info)


def code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (fence lines included)."""
    mask: list[bool] = []
    fence: Fence | None = None
    for line in lines:
        if fence is not None:
            mask.append(True)
            if fence.closed_by(line):
                fence = None
        else:
            fence = fence_opened_by(line)
            mask.append(fence is not None)
    return mask


def code_spans(line: str) -> list[tuple[int, int]]:
    """Where the inline code spans of ``line`` are (start, end), HTML ``<code>`` included."""
    spans = [match.span() for match in _HTML_CODE.finditer(line)]
    position = 0
    while (opening := _BACKTICKS.search(line, position)) is not None:
        closing = re.compile(r"(?<!`)" + re.escape(opening.group()) + r"(?!`)").search(line, opening.end())
        if closing is None:
            position = opening.end()
            continue
        spans.append((opening.start(), closing.end()))
        position = closing.end()
    return sorted(spans)


def sub_outside_code(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], line: str) -> str:
    """``pattern.sub(replace, line)`` as if the content of code spans were not there: nothing
    matches inside one (a match may hold one whole: ``[[Note|`code`]]``)."""
    if not pattern.search(line):
        return line
    masked = line
    for start, end in code_spans(line):
        masked = masked[:start] + "\0" * (end - start) + masked[end:]
    out: list[str] = []
    position = 0
    for found in pattern.finditer(masked):
        match = pattern.fullmatch(line, found.start(), found.end())
        if match is None:
            continue
        out += [line[position : found.start()], replace(match)]
        position = found.end()
    return "".join(out) + line[position:]


def strip_comments(text: str) -> str:
    """``text`` without Obsidian comments (``%% ... %%``, inline or over lines); a line that was
    all comment goes. Comments are not looked for in code."""
    out: list[str] = []
    fence: Fence | None = None
    in_comment = False
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            if fence.closed_by(line):
                fence = None
            continue
        if not in_comment and (fence := fence_opened_by(line)) is not None:
            out.append(line)
            continue
        kept, in_comment_after = _uncomment(line, in_comment)
        if kept == line or kept.strip() or not (in_comment or in_comment_after or "%%" in line):
            out.append(kept if kept == line else kept.rstrip())
        in_comment = in_comment_after
    return "\n".join(out)


def _uncomment(line: str, in_comment: bool) -> tuple[str, bool]:
    kept: list[str] = []
    position = 0
    while position < len(line):
        if in_comment:
            end = line.find("%%", position)
            if end < 0:
                return "".join(kept), True
            position, in_comment = end + 2, False
            continue
        found = _COMMENT_OR_CODE.search(line, position)
        if found is None:
            kept.append(line[position:])
            break
        if found.group() == "%%":
            kept.append(line[position : found.start()])
            position, in_comment = found.end(), True
            continue
        closing = re.compile(r"(?<!`)" + re.escape(found.group()) + r"(?!`)").search(line, found.end())
        end = closing.end() if closing else found.end()
        kept.append(line[position:end])
        position = end
    return "".join(kept), in_comment


@dataclass(frozen=True, slots=True)
class Heading:
    line: int
    level: int
    text: str


def headings(lines: list[str]) -> Iterator[Heading]:
    """The ATX headings of a note, outside code."""
    for number, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        if not code and line.startswith("#") and (match := _HEADING.fullmatch(line)) is not None:
            yield Heading(number, len(match["hashes"]), (match["text"] or "").strip())


def heading_key(text: str) -> str:
    """How Obsidian matches a heading named in a link: without Markdown and link punctuation,
    spaces squashed, case ignored; hyphens count as spaces, so a slug written by hand
    (``#verify-the-install``) finds its heading too."""
    return " ".join(re.sub(r"[#|^:%\[\]`*_=-]", " ", text).split()).casefold()


def section(lines: list[str], path: list[str]) -> tuple[int, int] | None:
    """The lines (start, end) of the section under the heading ``path`` names (``["A", "B"]``:
    heading B inside A), up to the next heading of the same or a higher level."""
    found_headings = list(headings(lines))
    start, end = -1, len(lines)
    for name in path:
        key = heading_key(name)
        found = next((h for h in found_headings if start < h.line < end and heading_key(h.text) == key), None)
        if found is None:
            return None
        start = found.line
        end = min(
            end, next((h.line for h in found_headings if h.line > start and h.level <= found.level), end)
        )
    return (start, end) if start >= 0 else None


def block(lines: list[str], block_id: str) -> tuple[int, int] | None:
    """The lines (start, end) of the block marked ``^block_id``: the paragraph or list item it
    ends, or, on a line of its own, the block just above it."""
    mask = code_lines(lines)
    for number, line in enumerate(lines):
        match = _BLOCK_ID.search(line)
        if mask[number] or match is None or match["id"] != block_id:
            continue
        if not line[: match.start()].strip():
            end = number
            while end > 0 and not lines[end - 1].strip():
                end -= 1
            return _paragraph_start(lines, end - 1), end
        if _LIST_ITEM.match(line):
            indent = len(line) - len(line.lstrip())
            end = number + 1
            while (
                end < len(lines)
                and lines[end].strip()
                and len(lines[end]) - len(lines[end].lstrip()) > indent
            ):
                end += 1
            return number, end
        end = number + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        return _paragraph_start(lines, number), end
    return None


def _paragraph_start(lines: list[str], last: int) -> int:
    start = last
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return max(start, 0)


def drop_block_id(line: str) -> str:
    """``line`` without a block id (`` ^abc123``) at its end."""
    match = _BLOCK_ID.search(line)
    return line if match is None else line[: match.start()].rstrip()
