"""Obsidian Markdown as standard Markdown: callouts, wikilinks, embeds, comments, math...

A :class:`Renderer` turns one page's lines into what the converter reads: callouts become
admonitions, wikilinks ordinary links whose targets are paths from the page (or the name as
written, when no file has it, for :class:`~ingest.sites.obsidian.links.ObsidianLinks` to look
up among aliases), embedded notes their text, attachments images or links; comments, block
ids and dynamic blocks (Dataview, search queries, Bases) go. Notes it embeds must be loaded
beforehand (:func:`embedded_links` says which).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ingest.sites.budget import IncludeBudget
from ingest.sites.obsidian.lines import (
    block,
    code_lines,
    code_spans,
    drop_block_id,
    fence_opened_by,
    section,
    sub_outside_code,
)
from ingest.sites.obsidian.notes import Note, VaultFiles

#: Code blocks whose content the site computes from other notes: left out, counted.
DYNAMIC_BLOCKS = frozenset({"dataview", "dataviewjs", "query", "base", "tasks"})
IMAGES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".avif", ".tif", ".tiff", ".ico"}
)
#: Embedded files the site draws (canvases, Bases views): no text to keep, counted.
DRAWN = frozenset({".canvas", ".base", ".excalidraw"})

WIKILINK = re.compile(r"(?P<bang>!?)\[\[(?P<inner>[^\[\]\n]+?)\]\]")
# A ``[[`` left once wikilinks are read: never closed on its line; with what follows, to name it.
_UNCLOSED = re.compile(r"(?P<open>(?<!\\)!?\[\[)(?P<rest>[^\[\n`]{0,32})(?P<more>[^\[\n`])?")
_QUOTE = re.compile(r"(?P<indent>[ \t]*)>[ \t]?")
_CALLOUT = re.compile(r"\[!(?P<kind>[^\]\n]+)\](?P<fold>[+-]?)(?:[^\S\n]+(?P<title>.*?))?\s*")
_BLOCK_ID_LINE = re.compile(r"[ \t]*\^[A-Za-z0-9-]+[ \t]*")
_LEAD = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?")
_HIGHLIGHT = re.compile(r"==(?=\S)(?P<text>.+?)(?<=\S)==")
_MATH = re.compile(r"(?<![\\$])(?P<fence>\${1,2})(?=\S)(?P<tex>[^$\n]+?)(?<=\S)(?P=fence)(?!\d)")
_INLINE_FOOTNOTE = re.compile(r"\^\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])+)\]")
_SIZE = re.compile(r"\d+(?:x\d+)?")
_KIND = re.compile(r"[^\w-]+")


@dataclass(frozen=True, slots=True)
class Wikilink:
    """``[[path#heading#sub|alias]]`` taken apart."""

    path: str
    subpath: tuple[str, ...]
    alias: str

    @staticmethod
    def parse(inner: str) -> Wikilink:
        target, _, alias = inner.replace("\\|", "|").partition("|")
        path, *subpath = target.split("#")
        return Wikilink(path.strip(), tuple(part.strip() for part in subpath if part.strip()), alias.strip())

    @property
    def block(self) -> str | None:
        return self.subpath[-1][1:] if self.subpath and self.subpath[-1].startswith("^") else None

    @property
    def heading(self) -> str | None:
        return self.subpath[-1] if self.subpath and self.block is None else None


def embedded_links(lines: list[str]) -> Iterator[Wikilink]:
    """The ``![[...]]`` embeds of a note's lines, outside code."""
    for line, code in zip(lines, code_lines(lines), strict=True):
        if code or "![[" not in line:
            continue
        spans = code_spans(line)
        for match in WIKILINK.finditer(line):
            if match["bang"] and not any(start <= match.start() < end for start, end in spans):
                yield Wikilink.parse(match["inner"])


#: Block quotes and callouts inside each other (the converter reads no deeper either).
MAX_QUOTES = 100


class NestedTooDeeply(ValueError):
    """Block quotes or callouts nested more than :data:`MAX_QUOTES` deep."""


@dataclass
class Renderer:
    """Renders the page at ``host`` (vault-relative) of a vault whose files are ``files``;
    ``notes`` holds every note it embeds (None: could not be read)."""

    files: VaultFiles
    notes: Mapping[str, Note | None]
    host: str
    unknown: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    #: What makes the page unpreparable (embed cycles, embedded notes that do not exist).
    problems: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    budget: IncludeBudget = field(default_factory=IncludeBudget)
    _quotes: int = 0

    def page(self, lines: list[str]) -> str:
        rendered = self._blocks(lines, self.host, ((self.host, ""),))
        if self.footnotes:
            rendered += ["", *self.footnotes]
        return "\n".join(_squash_blank_lines(rendered)).strip("\n") + "\n"

    def _blocks(self, lines: list[str], note: str, stack: tuple[tuple[str, str], ...]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            if _QUOTE.match(line):
                end = index + 1
                while end < len(lines) and _QUOTE.match(lines[end]):
                    end += 1
                out += self._quote(lines[index:end], note, stack)
                index = end
            elif (fence := fence_opened_by(line)) is not None:
                end = index + 1
                while end < len(lines) and not fence.closed_by(lines[end]):
                    end += 1
                language = fence.info.split()[0].lower() if fence.info.split() else ""
                if language in DYNAMIC_BLOCKS:
                    self.unknown[f"codeblock:{language}"] += 1
                else:
                    out += lines[index : end + 1]
                index = end + 1
            elif line.lstrip().startswith("$$") and (last := self._math_end(lines, index)) is not None:
                out += _math_block(lines[index : last + 1])
                index = last + 1
            else:
                if not _BLOCK_ID_LINE.fullmatch(line):
                    out += self._text_line(line, note, stack)
                index += 1
        return out

    def _quote(self, lines: list[str], note: str, stack: tuple[tuple[str, str], ...]) -> list[str]:
        if self._quotes >= MAX_QUOTES:
            raise NestedTooDeeply(f"block quotes and callouts are nested more than {MAX_QUOTES} deep")
        self._quotes += 1
        try:
            return self._quoted(lines, note, stack)
        finally:
            self._quotes -= 1

    def _quoted(self, lines: list[str], note: str, stack: tuple[tuple[str, str], ...]) -> list[str]:
        first = _QUOTE.match(lines[0])
        indent = first["indent"] if first else ""
        content = [_QUOTE.sub("", line, count=1) for line in lines]
        callout = _CALLOUT.fullmatch(content[0])
        if callout is None:
            inner = self._blocks(content, note, stack)
            return [f"{indent}> {line}".rstrip() for line in inner]
        kind = _KIND.sub("-", callout["kind"].strip().lower()).strip("-") or "note"
        marker = {"": "!!!", "-": "???", "+": "???+"}[callout["fold"]]
        title = self._inline(callout["title"] or "", note).replace("\n", " ").strip()
        header = f"{indent}{marker} {kind}" + (f' "{title}"' if title else "")
        inner = self._blocks(content[1:], note, stack)
        return ["", header, *[f"{indent}    {line}" if line.strip() else "" for line in inner], ""]

    @staticmethod
    def _math_end(lines: list[str], start: int) -> int | None:
        """The last line of the ``$$`` block opening at ``start``, or None when it never closes."""
        if lines[start].strip()[2:].rstrip().endswith("$$"):
            return start
        for end in range(start + 1, len(lines)):
            if lines[end].rstrip().endswith("$$"):
                return end
        return None

    def _text_line(self, line: str, note: str, stack: tuple[tuple[str, str], ...]) -> list[str]:
        """A line of text; a note embedded in it becomes its own lines."""
        if "![[" not in line:
            return [self._inline(line, note)]
        spans = code_spans(line)
        out: list[str] = []
        lead = _LEAD.match(line)
        prefix = lead.group() if lead else ""
        position = 0
        for match in WIKILINK.finditer(line):
            if not match["bang"] or any(start <= match.start() < end for start, end in spans):
                continue
            embedded = self._embed(Wikilink.parse(match["inner"]), note, stack)
            if embedded is None:
                continue
            before = line[position : match.start()]
            if position == 0 and match.start() == len(prefix):
                first, rest = prefix, " " * len(prefix)
            else:
                if before.strip():
                    out += [
                        self._inline(before if position == 0 else " " * len(prefix) + before.strip(), note)
                    ]
                first = rest = " " * len(prefix)
                out.append("")
            out += [
                (first if number == 0 else rest) + text if text.strip() else ""
                for number, text in enumerate(embedded)
            ]
            out.append("")
            position = match.end()
        if position == 0:
            return [self._inline(line, note)]
        if line[position:].strip():
            out.append(self._inline(" " * len(prefix) + line[position:].strip(), note))
        return out

    def _embed(self, link: Wikilink, note: str, stack: tuple[tuple[str, str], ...]) -> list[str] | None:
        """The lines a note embed stands for; None when ``link`` embeds no note (an attachment)."""
        target = self.files.find(link.path, note) if link.path else note
        suffix = posixpath.splitext(link.path)[1].lower()
        if target is None:
            if suffix and suffix != ".md":
                return None
            self.problems.append(f"embeds ![[{link.path}]], which is not a note of the vault")
            return []
        if not target.lower().endswith(".md"):
            return None
        key = (target, "#".join(link.subpath))
        if key in stack:
            chain = " -> ".join(_named(*item) for item in (*stack, key))
            self.problems.append(f"embeds form a cycle: {chain}")
            return []
        source = self.notes.get(target)
        if source is None:
            self.problems.append(f"embeds {target}, which cannot be read")
            return []
        if not source.published:
            self.warnings.append(f"embeds {target}, which is not published: left out")
            return []
        lines = source.lines
        if link.subpath:
            found = block(lines, link.block) if link.block is not None else section(lines, list(link.subpath))
            if found is None:
                self.warnings.append(f"embeds {_named(*key)}, which {target} does not have: left out")
                return []
            lines = lines[found[0] : found[1]]
        self.budget.charge(target, "\n".join(lines))
        rendered = self._blocks(lines, target, (*stack, key))
        while rendered and not rendered[-1].strip():
            rendered.pop()
        while rendered and not rendered[0].strip():
            rendered.pop(0)
        return rendered

    def _inline(self, text: str, note: str) -> str:
        # Each pattern is tried only when the text holds the characters it needs: most hold none.
        if "[[" in text:
            text = sub_outside_code(WIKILINK, lambda match: self._link(match, note), text)
            text = sub_outside_code(_UNCLOSED, lambda match: self._unclosed(match, note), text)
        if "==" in text:
            text = sub_outside_code(_HIGHLIGHT, lambda match: match["text"], text)
        if "$" in text:
            text = sub_outside_code(_MATH, lambda match: _code(match["tex"]), text)
        if "^[" in text:
            text = sub_outside_code(_INLINE_FOOTNOTE, self._footnote, text)
        return drop_block_id(text) if "^" in text else text

    def _unclosed(self, match: re.Match[str], note: str) -> str:
        """An unclosed ``[[``: Obsidian shows it as written, so the converter must read no link."""
        shown = match["open"] + match["rest"].rstrip() + ("…" if match["more"] else "")
        where = f" (in {note})" if note != self.host else ""
        self.warnings.append(f"{shown} is never closed: shown as written{where}")
        return match["open"].replace("[", "\\[") + match["rest"] + (match["more"] or "")

    def _footnote(self, match: re.Match[str]) -> str:
        label = f"^obsidian-{len(self.footnotes) + 1}"
        self.footnotes.append(f"[{label}]: {match['text'].strip()}")
        return f"[{label}]"

    def _link(self, match: re.Match[str], note: str) -> str:
        link = Wikilink.parse(match["inner"])
        target = self.files.find(link.path, note) if link.path else note
        suffix = posixpath.splitext(link.path)[1].lower()
        if match["bang"]:
            if suffix in DRAWN:
                self.unknown[f"embed:{suffix[1:]}"] += 1
                return ""
            href = self._href(target, link.path, None)
            if suffix in IMAGES:
                alt = link.alias if link.alias and not _SIZE.fullmatch(link.alias) else ""
                return f"![{_escape(alt)}](<{href}>)"
            return f"[{_escape(link.alias or posixpath.basename(link.path))}](<{href}>)"
        text = link.alias or _display(link, target or note)
        return f"[{_escape(text)}](<{self._href(target, link.path, link.heading)}>)"

    def _href(self, target: str | None, written: str, heading: str | None) -> str:
        """A path from the page to ``target``, or the path as written when no file has it."""
        path = written if target is None else posixpath.relpath(target, posixpath.dirname(self.host) or ".")
        href = path + (f"#{heading}" if heading else "")
        return href.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")


def _squash_blank_lines(lines: list[str]) -> list[str]:
    """Runs of blank lines (left by what was dropped) as one, except in code."""
    kept: list[str] = []
    for line, code in zip(lines, code_lines(lines), strict=True):
        if code or line.strip() or (kept and kept[-1].strip()):
            kept.append(line)
    return kept


def _display(link: Wikilink, target: str) -> str:
    """What Obsidian shows for a link without an alias: the path as written, then its headings
    (``Note > Heading``); a block reference shows the note."""
    path = link.path[:-3] if link.path.lower().endswith(".md") else link.path
    headings = [part for part in link.subpath if not part.startswith("^")]
    shown = [path] if path else []
    if not shown and not headings:
        shown = [posixpath.splitext(posixpath.basename(target))[0]]
    return " > ".join(shown + headings)


def _named(target: str, subpath: str) -> str:
    return f"![[{target}{'#' + subpath if subpath else ''}]]"


def _escape(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _code(text: str) -> str:
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _math_block(lines: list[str]) -> list[str]:
    """A ``$$`` block as a ``math`` code block holding its LaTeX."""
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    text = "\n".join(line.strip() for line in lines).strip()
    tex = text[2:-2].strip() if text.endswith("$$") else text[2:].strip()
    return [f"{indent}```math", *[indent + line for line in tex.split("\n")], f"{indent}```"]
