"""Lines of Markdown: where code fences open and close, and indentation."""

from __future__ import annotations

import re

#: An open code fence: its marker run (```` ``` ````, ``~~~~``) and its indentation.
Fence = tuple[str, int]
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?:>[ \t]?)*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def track_fence(line: str, fence: Fence | None) -> Fence | None:
    """The code fence open after ``line`` (its marker run and indentation), or None outside code.

    A fence closes with a run of its character at least as long, indented less than four
    spaces past the opening (deeper, it is text of the code, as in CommonMark)."""
    match = _FENCE.match(line) if "```" in line or "~~~" in line else None
    if fence is None:
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            return match["fence"], len(match["indent"].expandtabs(4))
        return None
    marker, indent = fence
    if (
        match
        and match["fence"][0] == marker[0]
        and len(match["fence"]) >= len(marker)
        and not match["info"].strip()
        and len(match["indent"].expandtabs(4)) < indent + 4
    ):
        return None
    return fence


def strip_indent(line: str, width: int) -> str:
    return line[min(width, indent_of(line)) :]


def indentation(line: str) -> str:
    return line[: indent_of(line)]


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def dedent(lines: list[str], base: int) -> list[str]:
    widths = [indent_of(line) for line in lines if line.strip()]
    cut = max(0, min(widths, default=base) - base)
    return [line[cut:] if line.strip() else "" for line in lines]
