"""Block syntax of Python-Markdown, pymdownx and Material, rewritten as the converter reads it.

- pymdownx.blocks (``/// note | Title`` ... ``///``, ``//// tab | Label``, ``/// details``)
  become ``!!!`` admonitions, ``===`` tabs and ``???`` details, their content indented;
  ``html``, ``caption`` and ``define`` blocks keep their content; other blocks too, counted.
- md_in_html: an element opened on a line of its own with a ``markdown`` attribute
  (``<div class="grid cards" markdown>``) is unwrapped so its content is read as Markdown.
- attr_list: a heading keeps its ``#id`` as ``{#id}`` and loses its classes; a line holding
  only an attribute list (``{ .annotate }``) goes; one ending a list item or paragraph too.
- abbreviations (``*[HTML]: ...``) and ``[TOC]`` lines go; a link reference definition to a
  script (``[Demo]: javascript:...``) points to nothing; Material's badge comments
  (``<!-- md:version 9.2 -->``) read as what the badge says; markdown-callouts paragraphs
  (``NOTE: ...``, when that extension is on) become admonitions; mkdocstrings' ``::: module``
  (API docs generated from code) cannot be rendered here: dropped and counted (in its heading
  form, ``#### ::: module.Class``, the heading naming the object stays);
  arithmatex's math is kept as its TeX, in code (:mod:`.arithmatex`).

Fenced code is left alone (blocks convert around it and indent it with their content).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ingest.sites.mkdocs.arithmatex import Arithmatex
from ingest.sites.mkdocs.html import material_badges, unwrap_md_in_html
from ingest.sites.mkdocs.inline import InlineRewriter
from ingest.sites.mkdocs.lines import Fence, indent_of, indentation, strip_indent, track_fence

_BLOCK = re.compile(
    r"^(?P<indent>[ ]*)(?P<slashes>/{3,})[ \t]*(?P<name>[\w-]+)?[ \t]*(?:\|[ \t]*(?P<title>.*?))?[ \t]*$"
)
_BLOCK_OPTION = re.compile(r"^[ ]{4,}[\w-]+:")
_ADMONITION_KINDS = frozenset({
    "admonition", "note", "attention", "caution", "danger", "error", "tip", "hint", "warning",
    "info", "check", "done", "success", "question", "failure", "fail", "missing", "bug", "example",
    "abstract", "summary", "tldr", "quote", "cite", "important", "todo", "seealso", "settings",
    "new",
})  # fmt: skip
_KEEP_CONTENT = frozenset({"html", "caption", "figure-caption", "table-caption", "define", "figure"})
_HEADING = re.compile(r"^(?P<head>[ ]{0,3}#{1,6}[ \t]+.*?)[ \t]+(?P<attrs>\{:?[ \t]*[^{}]*\})[ \t]*#*[ \t]*$")
_ATTR_TOKENS = re.compile(
    r"^\{:?[ \t]*(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)|[\w-]+)[ \t]*)+\}$"
)
_ID = re.compile(r"(?:^|[\s{:])#(?P<id>[\w:.+-]+)")
# Only from the start of a run of spaces: tried from each space of a long run, it was quadratic.
_TRAILING_ATTRS = re.compile(
    r"(?<![ \t])[ \t]+\{:?[ \t]*(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))[ \t]*)"
    r"(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)|[\w-]+)[ \t]*)*\}[ \t]*$"
)
_CODE_TITLE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}).*?\btitle=(?:\"(?P<title>[^\"]+)\"|'(?P<alt>[^']+)')")
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_\[\]<>#|]")
_EMPTY_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^[^\]]+\]:[ \t]*$")
_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[[^\]]+\]:")
#: A link reference definition to a script (``[Demo]: javascript:...``), which Python-Markdown
#: takes as a definition and markdown-it refuses, leaving it and its links as text.
_SCRIPT_REFERENCE = re.compile(
    r"^(?P<label>[ ]{0,3}\[[^\]]+\]:)[ \t]*<?[ \t]*(?:javascript|vbscript|data):.*$", re.IGNORECASE
)
_AUTODOC = re.compile(
    r"^(?P<indent>[ ]*(?:>[ ]?)*)(?P<heading>#{1,6}[ \t]*)?:::[ \t]+(?P<target>[^\s#]+)[ \t]*$"
)
_CALLOUT = re.compile(r"^(?P<indent>[ ]{0,3})(?P<kind>[A-Z]+):[ \t]+(?P<rest>\S.*)$")
_CALLOUT_KINDS = frozenset({
    "NOTE", "TIP", "HINT", "IMPORTANT", "WARNING", "CAUTION", "DANGER", "ERROR", "INFO",
    "ATTENTION", "SUCCESS", "QUESTION", "FAILURE", "BUG", "EXAMPLE", "QUOTE", "ABSTRACT", "SEEALSO",
    "TODO", "CHECK",
})  # fmt: skip


class BlockRewriter:
    """Rewrites a page's Markdown line by line; ``unknown`` counts what it did not know."""

    def __init__(
        self, *, callouts: bool = False, critic_mode: str = "view", math: Arithmatex | None = None
    ) -> None:
        self.unknown: Counter[str] = Counter()
        self.callouts = callouts
        self.math = math
        #: Link reference definitions the page's badges make (:func:`material_badges`).
        self.references: list[str] = []
        self.inline = InlineRewriter(self.unknown, critic_mode=critic_mode)

    def rewrite(self, text: str) -> str:
        lines = text.split("\n")
        if self.math is not None:
            lines = self.math.as_code(lines)
        lines = _footnotes_on_their_line(self._blocks(lines))
        lines = unwrap_md_in_html(lines)
        text = "\n".join(self._lines(lines))
        return text + "".join(f"\n\n{reference}" for reference in self.references)

    # -- pymdownx.blocks -------------------------------------------------------------------

    def _blocks(self, lines: list[str]) -> list[str]:
        """``/// name | title`` ... ``///`` as the converter's admonitions and tabs."""
        if not any(line.lstrip().startswith("///") for line in lines):
            return lines
        out: list[str] = []
        index = 0
        fence: Fence | None = None
        while index < len(lines):
            line = lines[index]
            fence = track_fence(line, fence)
            opening = _BLOCK.match(line) if fence is None else None
            if opening is None or opening["name"] is None:
                out.append(line)
                index += 1
                continue
            end = _block_end(lines, index + 1, opening["slashes"])
            header, content = self._block_header(opening, lines[index + 1 : end])
            inner = self._blocks(content)
            indent = opening["indent"]
            if header is None:
                out.extend(["", *inner, ""])
            else:
                body = (
                    indent + "    " + strip_indent(item, len(indent)) if item.strip() else ""
                    for item in inner
                )
                out.extend([indent + header, *body, ""])
            index = end + 1
        return out

    def _block_header(self, opening: re.Match[str], body: list[str]) -> tuple[str | None, list[str]]:
        name = opening["name"].lower()
        title = (opening["title"] or "").strip().replace('"', "'")
        options: dict[str, str] = {}
        while body and _BLOCK_OPTION.match(body[0]):
            key, _, value = body.pop(0).strip().partition(":")
            options[key.strip()] = value.strip().strip("\"'")
        if name == "tab":
            return f'=== "{title or "Tab"}"', body
        if name == "details":
            kind = options.get("type", "note")
            marker = "???+" if options.get("open", "").lower() == "true" else "???"
            return f'{marker} {kind} "{title}"' if title else f"{marker} {kind}", body
        if name in _ADMONITION_KINDS:
            kind = options.get("type", "note") if name == "admonition" else name
            return (f'!!! {kind} "{title}"' if title else f"!!! {kind}"), body
        if name not in _KEEP_CONTENT:
            self.unknown[f"block:{name}"] += 1
        return None, ([title, ""] if title and name not in ("html", "figure") else []) + body

    # -- line by line ----------------------------------------------------------------------

    def _lines(self, lines: list[str]) -> Iterator[str]:
        fence: Fence | None = None
        previous_blank = True
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            was_fenced = fence is not None
            fence = track_fence(line, fence)
            if was_fenced or fence is not None:
                title = _CODE_TITLE.search(line) if not was_fenced else None
                if title and not line.lstrip().startswith(">"):
                    # The site shows a code block's title above it (often its file name).
                    yield indentation(line) + _MARKDOWN_SPECIALS.sub(
                        r"\\\g<0>", title["title"] or title["alt"]
                    )
                    yield ""
                yield line
                previous_blank = False
                continue
            stripped = line.strip()
            if (
                (stripped.startswith("{") and _ATTR_TOKENS.match(stripped))
                or ("*[" in line and _ABBREVIATION.match(line))
                or stripped == "[TOC]"
            ):
                continue
            autodoc = _AUTODOC.match(line) if ":::" in line else None
            if autodoc:
                target = autodoc["target"]
                self.unknown["mkdocs-click" if target == "mkdocs-click" else "mkdocstrings"] += 1
                if autodoc["heading"]:  # "#### ::: pkg.Class": the site heads the object with its name
                    escaped = _MARKDOWN_SPECIALS.sub(r"\\\g<0>", target)
                    yield f"{autodoc['indent']}{autodoc['heading'].strip()} {escaped} {{#{target}}}"
                while (
                    index < len(lines)
                    and lines[index].strip()
                    and indent_of(lines[index]) > len(autodoc["indent"])
                ):
                    index += 1
                continue
            callout = _CALLOUT.match(line) if self.callouts and previous_blank and ":" in line else None
            if callout and callout["kind"] in _CALLOUT_KINDS:
                yield f"{callout['indent']}!!! {callout['kind'].lower()}"
                yield f"{callout['indent']}    {self.inline.line(callout['rest'])}"
                while index < len(lines) and lines[index].strip():
                    yield f"{callout['indent']}    {self.inline.line(lines[index].strip())}"
                    index += 1
                continue
            previous_blank = not stripped
            yield self._line(line)

    def _line(self, line: str) -> str:
        if "<!--" in line and "md:" in line:
            line = material_badges(line, self.unknown, self.references)
        if "{" in line:  # an attribute list may close a heading or a block
            heading = _HEADING.match(line)
            if heading and _ATTR_TOKENS.match(heading["attrs"]):
                found = _ID.search(heading["attrs"])
                head = self.inline.line(heading["head"])
                return f"{head} {{#{found['id']}}}" if found else head
            line = _TRAILING_ATTRS.sub("", line)
        script = _SCRIPT_REFERENCE.match(line) if "]:" in line else None
        if script:
            return f"{script['label']} <>"  # an empty destination: its links read as their text
        return self.inline.line(line)


def _footnotes_on_their_line(lines: list[str]) -> list[str]:
    """``[^1]:`` alone on its line, its text indented below (as Python-Markdown allows), with
    the first line of that text moved up beside it, where CommonMark footnotes expect it."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _EMPTY_FOOTNOTE.match(line):
            following = index
            while following < len(lines) and not lines[following].strip():
                following += 1
            if following < len(lines) and indent_of(lines[following]) >= 4:
                out.append(f"{line.rstrip()} {lines[following].strip()}")
                index = following + 1
                continue
        out.append(line)
    return out


def _block_end(lines: list[str], start: int, slashes: str) -> int:
    """The index of the ``///`` closing a block opened with ``slashes`` (or the end)."""
    fence: Fence | None = None
    depth = 0
    for index in range(start, len(lines)):
        fence = track_fence(lines[index], fence)
        if fence is not None:
            continue
        match = _BLOCK.match(lines[index])
        if match and match["slashes"] == slashes:
            if match["name"] is not None:
                depth += 1
            elif depth:
                depth -= 1
            else:
                return index
    return len(lines)
