"""Block syntax of Python-Markdown, pymdownx and Material, rewritten as the converter reads it.

- pymdownx.blocks (``/// note | Title`` ... ``///``, ``//// tab | Label``, ``/// details``)
  become ``!!!`` admonitions, ``===`` tabs and ``???`` details, their content indented;
  ``html``, ``caption`` and ``define`` blocks keep their content; other blocks too, counted.
- md_in_html: an element opened on a line of its own with a ``markdown`` attribute
  (``<div class="grid cards" markdown>``) is unwrapped so its content is read as Markdown.
- attr_list: a heading keeps its ``#id`` as ``{#id}`` and loses its classes; a line holding
  only an attribute list (``{ .annotate }``) goes; one ending a list item or paragraph too.
- abbreviations (``*[HTML]: ...``) and ``[TOC]`` lines go; Material's badge comments
  (``<!-- md:version 9.2 -->``) read as what the badge says; markdown-callouts paragraphs
  (``NOTE: ...``, when that extension is on) become admonitions; mkdocstrings' ``::: module``
  (API docs generated from code) cannot be rendered here: dropped and counted.

Fenced code is left alone (blocks convert around it and indent it with their content).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ingest.sites.mkdocs.inline import InlineRewriter

#: An open code fence: its marker run (```` ``` ````, ``~~~~``) and its indentation.
Fence = tuple[str, int]
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?:>[ \t]?)*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_BLOCK = re.compile(
    r"^(?P<indent>[ ]*)(?P<slashes>/{3,})[ \t]*(?P<name>[\w-]+)?[ \t]*(?:\|[ \t]*(?P<title>.*?))?[ \t]*$"
)
_BLOCK_OPTION = re.compile(r"^[ ]{4,}[\w-]+:")
_ADMONITION_KINDS = frozenset(
    [
        "admonition",
        "note",
        "attention",
        "caution",
        "danger",
        "error",
        "tip",
        "hint",
        "warning",
        "info",
        "check",
        "done",
        "success",
        "question",
        "failure",
        "fail",
        "missing",
        "bug",
        "example",
        "abstract",
        "summary",
        "tldr",
        "quote",
        "cite",
        "important",
        "todo",
        "seealso",
        "settings",
        "new",
    ]
)
_KEEP_CONTENT = frozenset({"html", "caption", "figure-caption", "table-caption", "define", "figure"})
_HEADING = re.compile(r"^(?P<head>[ ]{0,3}#{1,6}[ \t]+.*?)[ \t]+(?P<attrs>\{:?[ \t]*[^{}]*\})[ \t]*#*[ \t]*$")
_ATTR_TOKENS = re.compile(
    r"^\{:?[ \t]*(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)|[\w-]+)[ \t]*)+\}$"
)
_ID = re.compile(r"(?:^|[\s{:])#(?P<id>[\w:.+-]+)")
_TRAILING_ATTRS = re.compile(
    r"[ \t]+\{:?[ \t]*(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))[ \t]*)"
    r"(?:(?:[#.][\w:.+-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)|[\w-]+)[ \t]*)*\}[ \t]*$"
)
_CODE_TITLE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}).*?\btitle=(?:\"(?P<title>[^\"]+)\"|'(?P<alt>[^']+)')")
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_\[\]<>#|]")
_EMPTY_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^[^\]]+\]:[ \t]*$")
_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[[^\]]+\]:")
_MD_IN_HTML = re.compile(
    r"^(?P<indent>[ ]*)<(?P<tag>[A-Za-z][\w-]*)"
    r"(?P<attrs>[^<>]*?\bmarkdown(?:=(?:\"[^\"]*\"|'[^']*'|[\w-]+))?[^<>]*)>[ \t]*$"
)
_MD_IN_HTML_LINE = re.compile(
    r"^(?P<indent>[ ]*)<(?P<tag>[A-Za-z][\w-]*)[^<>]*?\bmarkdown\b[^<>]*>(?P<content>.*)</(?P=tag)\s*>[ \t]*$"
)
_BADGE = re.compile(r"<!--\s*md:(?P<name>[\w-]+)(?P<args>.*?)\s*-->")
_AUTODOC = re.compile(r"^(?P<indent>[ ]*):::[ \t]+(?P<target>\S+)")
_CALLOUT = re.compile(r"^(?P<indent>[ ]{0,3})(?P<kind>[A-Z]+):[ \t]+(?P<rest>\S.*)$")
_CALLOUT_KINDS = frozenset(
    [
        "NOTE",
        "TIP",
        "HINT",
        "IMPORTANT",
        "WARNING",
        "CAUTION",
        "DANGER",
        "ERROR",
        "INFO",
        "ATTENTION",
        "SUCCESS",
        "QUESTION",
        "FAILURE",
        "BUG",
        "EXAMPLE",
        "QUOTE",
        "ABSTRACT",
        "SEEALSO",
        "TODO",
        "CHECK",
    ]
)
#: What Material's badge comments say (its shortcodes hook renders them as badges).
_BADGE_LABELS = {
    "version": "Version", "default": "Default", "plugin": "Plugin", "extension": "Markdown extension",
    "feature": "Optional feature", "utility": "Third-party utility", "demo": "Demo", "example": "Example",
}  # fmt: skip
_FLAG_LABELS = {
    "experimental": "Experimental", "required": "Required value", "customization": "Customization",
    "metadata": "Metadata property", "multiple": "Multiple instances",
}  # fmt: skip


class BlockRewriter:
    """Rewrites a page's Markdown line by line; ``unknown`` counts what it did not know."""

    def __init__(self, *, callouts: bool = False, critic_mode: str = "view") -> None:
        self.unknown: Counter[str] = Counter()
        self.callouts = callouts
        self.inline = InlineRewriter(self.unknown, critic_mode=critic_mode)

    def rewrite(self, text: str) -> str:
        lines = _footnotes_on_their_line(self._blocks(text.split("\n")))
        lines = self._unwrap_md_in_html(lines)
        return "\n".join(self._lines(lines))

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
            fence = _track_fence(line, fence)
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
                    indent + "    " + _strip_indent(item, len(indent)) if item.strip() else ""
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

    # -- md_in_html ------------------------------------------------------------------------

    def _unwrap_md_in_html(self, lines: list[str]) -> list[str]:
        if not any("markdown" in line for line in lines):
            return lines
        out: list[str] = []
        index = 0
        fence: Fence | None = None
        while index < len(lines):
            line = lines[index]
            fence = _track_fence(line, fence)
            opening = _MD_IN_HTML.match(line) if fence is None else None
            if opening is None:
                whole = _MD_IN_HTML_LINE.match(line) if fence is None else None
                out.extend(["", whole["indent"] + whole["content"].strip(), ""] if whole else [line])
                index += 1
                continue
            end = _element_end(lines, index + 1, opening["tag"])
            inner = _dedent(lines[index + 1 : end], len(opening["indent"]))
            out.extend(["", *self._unwrap_md_in_html(inner), ""])
            index = end + 1
        return out

    # -- line by line ----------------------------------------------------------------------

    def _lines(self, lines: list[str]) -> Iterator[str]:
        fence: Fence | None = None
        previous_blank = True
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            was_fenced = fence is not None
            fence = _track_fence(line, fence)
            if was_fenced or fence is not None:
                title = _CODE_TITLE.search(line) if not was_fenced else None
                if title and not line.lstrip().startswith(">"):
                    # The site shows a code block's title above it (often its file name).
                    yield _indentation(line) + _MARKDOWN_SPECIALS.sub(
                        r"\\\g<0>", title["title"] or title["alt"]
                    )
                    yield ""
                yield line
                previous_blank = False
                continue
            stripped = line.strip()
            if _ATTR_TOKENS.match(stripped) or _ABBREVIATION.match(line) or stripped == "[TOC]":
                continue
            autodoc = _AUTODOC.match(line)
            if autodoc:
                self.unknown["mkdocs-click" if autodoc["target"] == "mkdocs-click" else "mkdocstrings"] += 1
                while (
                    index < len(lines)
                    and lines[index].strip()
                    and _indent(lines[index]) > len(autodoc["indent"])
                ):
                    index += 1
                continue
            callout = _CALLOUT.match(line) if self.callouts and previous_blank else None
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
            line = self._badges(line)
        heading = _HEADING.match(line)
        if heading and _ATTR_TOKENS.match(heading["attrs"]):
            found = _ID.search(heading["attrs"])
            head = self.inline.line(heading["head"])
            return f"{head} {{#{found['id']}}}" if found else head
        line = _TRAILING_ATTRS.sub("", line)
        return self.inline.line(line)

    def _badges(self, line: str) -> str:
        only_badges = not _BADGE.sub("", line).strip(" \t#")

        def badge(match: re.Match[str]) -> str:
            name, args = match["name"], match["args"].strip()
            if name in ("option", "setting"):
                key = args.split()[0] if args else ""
                short = re.split(r"[.:*]", key)[-1] if key else ""
                return f"`{short}` {{#{key}}}" if key else ""
            if name == "flag":
                return _FLAG_LABELS.get(args.split()[0] if args else "", "")
            if name == "sponsors":
                return "Sponsors only"
            if name in _BADGE_LABELS:
                return f"{_BADGE_LABELS[name]}: {args}" if args else ""
            self.unknown[f"md:{name}"] += 1
            return ""

        rewritten = _BADGE.sub(badge, line)
        if only_badges and not line.lstrip().startswith("#"):
            rewritten = rewritten.rstrip() + ("  " if rewritten.strip() else "")
        return rewritten


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
            if following < len(lines) and _indent(lines[following]) >= 4:
                out.append(f"{line.rstrip()} {lines[following].strip()}")
                index = following + 1
                continue
        out.append(line)
    return out


def _strip_indent(line: str, width: int) -> str:
    return line[min(width, _indent(line)) :]


def _indentation(line: str) -> str:
    return line[: _indent(line)]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _track_fence(line: str, fence: Fence | None) -> Fence | None:
    """The code fence open after ``line`` (its marker run and indentation), or None outside code.

    A fence closes with a run of its character at least as long, indented less than four
    spaces past the opening (deeper, it is text of the code, as in CommonMark)."""
    match = _FENCE.match(line)
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


def _block_end(lines: list[str], start: int, slashes: str) -> int:
    """The index of the ``///`` closing a block opened with ``slashes`` (or the end)."""
    fence: Fence | None = None
    depth = 0
    for index in range(start, len(lines)):
        fence = _track_fence(lines[index], fence)
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


def _element_end(lines: list[str], start: int, tag: str) -> int:
    """The index of the line closing the element ``tag`` opened just before ``start`` (or the
    end); content sharing that line with the closing tag is kept on a line of its own."""
    opening = re.compile(rf"<{re.escape(tag)}(?=[\s>/])", re.IGNORECASE)
    closing = re.compile(rf"</{re.escape(tag)}\s*>", re.IGNORECASE)
    depth = 1
    for index in range(start, len(lines)):
        line = lines[index]
        depth += len(opening.findall(line)) - len(closing.findall(line))
        if depth > 0:
            continue
        last = list(closing.finditer(line))[-1]
        rest = line[: last.start()] + line[last.end() :]
        if not rest.strip():
            return index
        lines[index] = rest
        lines.insert(index + 1, "")
        return index + 1
    return len(lines)


def _dedent(lines: list[str], base: int) -> list[str]:
    widths = [_indent(line) for line in lines if line.strip()]
    cut = max(0, min(widths, default=base) - base)
    return [line[cut:] if line.strip() else "" for line in lines]
