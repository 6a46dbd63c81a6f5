"""pymdownx.arithmatex: math kept as the TeX it is written in, as code the rewriting leaves alone.

The site renders math with MathJax or KaTeX from its TeX; Fin can only read the TeX. Left as
text, the TeX would be read as site syntax (``x^{2k}`` as superscript, ``_{k=0}`` as an
attribute list) and as Markdown (``a_1 ... b_1`` as emphasis). So a block (``$$ ... $$``,
``\\[ ... \\]``, ``\\begin{env} ... \\end{env}``, a paragraph of its own) becomes a ``latex``
code block of its TeX, and inline math (``$...$``, ``\\(...\\)``) a code span of it, for the
syntaxes the extension's ``block_syntax`` and ``inline_syntax`` turn on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ingest.sites.mkdocs.lines import Fence, indent_of, track_fence

_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`).+?(?<!`)\1(?!`)")
_INLINE = {
    "dollar": r"(?<![\\$])\$(?![\s$])(?P<dollar>(?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?!\$)",
    "round": r"\\\((?P<round>.+?)\\\)",
}
_BLOCK_CLOSE = {"dollar": "$$", "square": "\\]"}
_BEGIN = re.compile(r"^\\begin\{(?P<env>[A-Za-z]+\*?)\}")


class Arithmatex:
    """How one site writes math (the extension's options)."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        blocks = options.get("block_syntax", ["dollar", "square", "begin"])
        inline = options.get("inline_syntax", ["dollar", "round"])
        self.blocks = frozenset(blocks if isinstance(blocks, list) else [])
        patterns = [_INLINE[name] for name in _INLINE if isinstance(inline, list) and name in inline]
        self.inline = re.compile("|".join(patterns)) if patterns else None

    def as_code(self, lines: list[str]) -> list[str]:
        """``lines`` with their math as code (fenced code left as it is)."""
        out: list[str] = []
        fence: Fence | None = None
        index = 0
        while index < len(lines):
            line = lines[index]
            was_fenced = fence is not None
            fence = track_fence(line, fence)
            if was_fenced or fence is not None:
                out.append(line)
                index += 1
                continue
            end = self._block_end(lines, index) if not out or not out[-1].strip() else None
            if end is not None:
                out.extend(_latex_block(lines[index : end + 1], self._opening(line.strip())))
                index = end + 1
                continue
            out.append(self._inline(line))
            index += 1
        return out

    def _opening(self, stripped: str) -> str:
        if stripped.startswith("$$") and "dollar" in self.blocks:
            return "dollar"
        if stripped.startswith("\\[") and "square" in self.blocks:
            return "square"
        return "begin" if _BEGIN.match(stripped) and "begin" in self.blocks else ""

    def _block_end(self, lines: list[str], start: int) -> int | None:
        """The index of the line closing the math block opened at ``start``, or None."""
        stripped = lines[start].strip()
        kind = self._opening(stripped)
        if not kind:
            return None
        begin = _BEGIN.match(stripped)
        close = f"\\end{{{begin['env']}}}" if kind == "begin" and begin else _BLOCK_CLOSE.get(kind, "")
        if len(stripped) > 2 and stripped.endswith(close) and (kind == "begin" or len(stripped) >= 4):
            return start
        for index in range(start + 1, len(lines)):
            if not lines[index].strip():
                return None  # a blank line ends the paragraph: no math block after all
            if lines[index].strip().endswith(close):
                return index
        return None

    def _inline(self, line: str) -> str:
        if self.inline is None or ("$" not in line and "\\(" not in line):
            return line
        spans = list(_CODE_SPAN.finditer(line))
        pieces: list[str] = []
        last = 0
        for span in [*spans, None]:
            stop = span.start() if span is not None else len(line)
            pieces.append(self.inline.sub(_code_span, line[last:stop]))
            if span is not None:
                pieces.append(span[0])
                last = span.end()
        return "".join(pieces)


def _code_span(match: re.Match[str]) -> str:
    tex = match["dollar"] if match["dollar"] is not None else match["round"]
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", tex)), default=0) + 1)
    padding = " " if tex.startswith("`") or tex.endswith("`") else ""
    return f"{ticks}{padding}{tex}{padding}{ticks}"


def _latex_block(lines: list[str], kind: str) -> list[str]:
    margin = " " * indent_of(lines[0])
    body = "\n".join(line[min(len(margin), indent_of(line)) :] for line in lines).strip()
    if kind in ("dollar", "square"):
        body = body[2:-2]  # the delimiters: $$ ... $$, \[ ... \]
    inner = [line.rstrip() for line in body.strip("\n").split("\n")]
    while inner and not inner[0].strip():
        inner.pop(0)
    return [f"{margin}```latex", *(margin + line if line else "" for line in inner), f"{margin}```"]
