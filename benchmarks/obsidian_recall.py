"""Text recall of Obsidian pages against their source, for vaults that cannot be built here.

Obsidian Publish renders notes in the browser, so there is no built site to compare with. Instead,
a page's **source words** are the words a reader of the published note sees, read from its file
by this module's own, deliberately simple reading of Obsidian Markdown (it shares no code with
the dialect, so it checks the dialect rather than repeating it):

* front matter (Publish shows no properties), comments (``%%...%%``, ``<!-- -->``), block ids
  (``^id``), link targets, image alt text, footnote labels, reference-link definitions and math
  are not words readers see; dynamic blocks (``dataview``, ``query``, ``base``, ``tasks``) are the
  site's to compute: all left out;
* fenced code and code spans are words as written (readers see code);
* ``![[note]]``, ``![[note#heading]]`` and ``![[note#^block]]`` are the embedded note's source
  words (the section down to the next heading of its level, the block's paragraph or list item),
  read the same way, to any depth; an embed of an attachment has none;
* ``[[target|alias]]`` is its alias, ``[[target#heading]]`` its target and heading, ``[text](url)``
  its text, ``> [!type] Title`` its title (untitled: its type);
* an ordered list's numbers and a task's box are list markers, not words; HTML tags are not
  words either (their text is), entities are the characters they stand for;
* text runs on across inline markup (a link, emphasis, a ``<span>``) as a browser lays it out,
  on both sides: a Korean particle after a link is part of the word; emphasis marks (``*``, ``~``,
  ``=``) are taken out of both texts, parsed as emphasis or not;
* words are runs of letters and digits, compared case-insensitively; in scripts written without
  spaces (Chinese, Japanese, Thai, Khmer...) each character is a word.

A page's recall is the share of its source words (with their counts) that our page's text (its
HTML's text, code included, and its title) holds. The other way round, the words of our text that
the source reading does not hold are counted too (callout labels, a title taken from the file
name, an image's alt text standing in for it): a comment or a dynamic block leaking would show
there.
"""

from __future__ import annotations

import html
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from ingest.document import Page

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)
# A backtick fence's info string holds no backtick (```` ```a``` b ```` is code spans).
_FENCE = re.compile(r"^[ \t>]*(`{3,}(?!`)(?![^\n]*`)|~{3,})[ \t]*([\w-]*)")
_FENCE_CLOSE = re.compile(r"^[ \t>]*(`{3,}|~{3,})[ \t]*$")
_RAW_PRE = re.compile(r"^[ \t]*<pre[\s>]", re.IGNORECASE)
_DYNAMIC = frozenset({"dataview", "dataviewjs", "query", "base", "tasks"})
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_EMBED = re.compile(r"!\[\[([^\[\]\n]+?)\]\]")
_WIKILINK = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^)\n]*\)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:<[^>\n]*>|[^)\n]*)\)")
# A footnote's label: readers see its number (and its definition's text).
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]+\]:?")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE)
_CALLOUT = re.compile(r"^((?:[ \t]*>)+[ \t]*)\[!([^\]\n]+)\][+-]?[ \t]*(.*)$", re.MULTILINE)
_BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]))\^[A-Za-z0-9-]+[ \t]*$", re.MULTILINE)
_MATH = re.compile(r"\$\$.*?\$\$|(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>\n]*>")
#: HTML elements that end a run of text (the others, a link, a span, run on with the text beside).
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol"}
    | {"p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"}
    | {"sup"}  # a footnote's number sets it apart from the word it follows
)
# An ordered list's numbers are the list's markers, not text of its items.
_ORDERED_ITEM = re.compile(r"^((?:[ \t]*>)*[ \t]*)\d{1,9}[.)](?=[ \t]|$)")
_TASK_BOX = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[.\](?=[ \t]|$)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_WORD = re.compile(r"[^\W_]+")
# Emphasis, strikethrough and highlight marks, on both sides: ``**설정**을`` is one word whether
# or not a parser took the marks for emphasis.
_INLINE_MARKS = re.compile(r"[*~=]")
#: Scripts written without spaces between words: each character counts as a word.
_UNSPACED = "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
#: A word's pieces: each character of an unspaced script, and the runs of other letters between.
_PIECE = re.compile(f"{_UNSPACED}|(?:(?!{_UNSPACED}).)+")
_MAX_DEPTH = 10


def words(text: str) -> Counter[str]:
    """The words of ``text``, case folded; a character of an unspaced script is a word."""
    found: Counter[str] = Counter()
    for word in _WORD.findall(_INLINE_MARKS.sub("", text)):
        found.update(piece.casefold() for piece in _PIECE.findall(word))
    return found


class Vault:
    """The notes of a folder, found by name as Obsidian finds them (nearest first), or by alias."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._notes = sorted(
            path.relative_to(folder).as_posix() for path in folder.rglob("*.md") if path.is_file()
        )
        self._aliases: dict[str, str] | None = None

    def find(self, name: str, from_note: str) -> str | None:
        wanted = name.strip().casefold()
        wanted = wanted if wanted.endswith(".md") else wanted + ".md"
        matches = [note for note in self._notes if f"/{note.casefold()}".endswith(f"/{wanted}")]
        if matches:
            return max(matches, key=lambda note: (_shared(note, from_note), -note.count("/")))
        return self._alias_index().get(name.strip().casefold())

    def text(self, note: str) -> str:
        raw = (self.folder / note).read_text(encoding="utf-8", errors="replace")
        return _FRONT_MATTER.sub("", raw.replace("\r\n", "\n"), count=1)

    def _alias_index(self) -> dict[str, str]:
        if self._aliases is None:
            self._aliases = {}
            for note in self._notes:
                raw = (self.folder / note).read_text(encoding="utf-8", errors="replace")
                front = _FRONT_MATTER.match(raw)
                try:
                    data = yaml.safe_load(front.group(0).strip("-\n")) if front else None
                except yaml.YAMLError:
                    data = None
                aliases = data.get("aliases") if isinstance(data, dict) else None
                for alias in [aliases] if isinstance(aliases, str) else aliases or []:
                    if isinstance(alias, str):
                        self._aliases.setdefault(alias.strip().casefold(), note)
        return self._aliases


def _shared(note: str, other: str) -> int:
    shared = 0
    for mine, theirs in zip(note.split("/")[:-1], other.split("/")[:-1], strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


@dataclass
class Reader:
    """Reads notes of ``vault`` as their readers see them; counts embeds it could not find."""

    vault: Vault
    missing_embeds: Counter[str] = field(default_factory=Counter)

    def note(self, note: str, subpath: str = "", depth: int = 0) -> str:
        lines = self.vault.text(note).split("\n")
        if subpath.startswith("^"):
            lines = _block(lines, subpath[1:])
        elif subpath:
            lines = _section(lines, subpath.split("#")[-1])
        return self._lines(lines, note, depth)

    def _lines(self, lines: list[str], note: str, depth: int) -> str:
        out: list[str] = []
        fence: str | None = None
        dynamic = in_comment = in_pre = False
        for line in lines:
            if in_pre or (not in_comment and fence is None and _RAW_PRE.match(line)):
                in_pre = "</pre>" not in line.lower()
                out.append(html.unescape(_TAG.sub("", line)))  # raw HTML code: its text, as written
                continue
            opening = _FENCE.match(line)
            if fence is not None:
                closing = _FENCE_CLOSE.match(line)
                if closing is not None and closing.group(1).startswith(fence):
                    fence = None
                elif not dynamic:
                    out.append(line)
                continue
            if opening is not None and not in_comment:
                fence, dynamic = opening.group(1), opening.group(2).lower() in _DYNAMIC
                continue
            spans: list[str] = []  # code spans and embedded notes, read no further
            # Comments (%%...%%, also over lines) are looked for outside code only.
            segments = _CODE_SPAN.sub(lambda match, spans=spans: _aside(spans, match.group(2)), line).split(
                "%%"
            )
            kept = []
            for number, segment in enumerate(segments):
                in_comment = in_comment if number == 0 else not in_comment
                if not in_comment:
                    kept.append(segment)
            shown = self._line(" ".join(kept), note, depth, spans)
            out.append(re.sub("\0(\\d+)\0", lambda match, spans=spans: spans[int(match.group(1))], shown))
        return "\n".join(out)

    def _line(self, line: str, note: str, depth: int, spans: list[str]) -> str:
        line = _ORDERED_ITEM.sub(r"\1", _TASK_BOX.sub(r"\1", _HTML_COMMENT.sub(" ", line)))
        line = _EMBED.sub(lambda match: self._embed(match.group(1), note, spans, depth), line)
        line = _WIKILINK.sub(lambda match: _shown(match.group(1)), line)
        line = _IMAGE.sub(" ", line)
        line = _LINK.sub(lambda match: match.group(1), line)
        line = _REFERENCE_DEFINITION.sub(" ", _FOOTNOTE_LABEL.sub(" ", line))
        line = _CALLOUT.sub(lambda match: match.group(1) + (match.group(3) or match.group(2)), line)
        line = _TAG.sub(lambda match: " " if match.group(2).lower() in _BLOCKS else "", line)
        return html.unescape(_BLOCK_ID.sub(" ", _MATH.sub(" ", line)))

    def _embed(self, inner: str, note: str, spans: list[str], depth: int) -> str:
        """An embedded note's text, apart from the text beside it; an attachment (an image,
        an icon in a sentence) is nothing, and the text beside it runs on."""
        target, _, subpath = inner.partition("|")[0].partition("#")
        found = self.vault.find(target, note) if target.strip() else note
        if found is None and "." in target.rsplit("/", 1)[-1]:
            return ""
        if found is None or depth >= _MAX_DEPTH:
            self.missing_embeds[inner] += 1
            return ""
        return _aside(spans, self.note(found, subpath.strip(), depth + 1), "\n")


def _aside(spans: list[str], text: str, apart: str = "") -> str:
    """A placeholder for ``text``, put back once the line is read (``apart``: around it)."""
    spans.append(text)
    return f"{apart}\0{len(spans) - 1}\0{apart}"


def visible_text(page_html: str) -> str:
    """The text of ``page_html`` as a browser lays it out: blocks apart, inline elements run on
    with the text beside them (``<a>설치</a>할`` is one word, as readers see it)."""
    soup = BeautifulSoup(page_html, "lxml")
    for element in soup.find_all(_BLOCKS):
        element.insert_before("\n")
        element.insert_after("\n")
    return soup.get_text("")


def _shown(inner: str) -> str:
    """What a wikilink shows: its alias, else its target and headings."""
    target, _, alias = inner.replace("\\|", "|").partition("|")
    return alias or " ".join(part for part in target.split("#") if part and not part.startswith("^"))


def _section(lines: list[str], heading: str) -> list[str]:
    wanted = " ".join(re.sub(r"[^\w\s]", " ", heading).split()).casefold()
    for number, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and " ".join(re.sub(r"[^\w\s]", " ", match.group(2)).split()).casefold() == wanted:
            level = len(match.group(1))
            end = next(
                (
                    later
                    for later in range(number + 1, len(lines))
                    if (other := _HEADING.match(lines[later])) and len(other.group(1)) <= level
                ),
                len(lines),
            )
            return lines[number:end]
    return []


def _block(lines: list[str], block_id: str) -> list[str]:
    marker = re.compile(rf"(?:^|[ \t]|(?<=\]))\^{re.escape(block_id)}[ \t]*$")
    for number, line in enumerate(lines):
        if not marker.search(line):
            continue
        if not marker.sub("", line).strip():  # on a line of its own: the block above
            end = number
            while end > 0 and not lines[end - 1].strip():
                end -= 1
            number = end - 1
        if re.match(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]", lines[number]):
            return [lines[number]]
        start, end = number, number + 1
        while start > 0 and lines[start - 1].strip():
            start -= 1
        while end < len(lines) and lines[end].strip():
            end += 1
        return lines[start:end]
    return []


@dataclass(frozen=True, slots=True)
class Recall:
    """Per page its recall, and the words left out of our text, over a whole source."""

    scores: list[tuple[float, str]]
    total: int
    found: int
    missing: dict[str, Counter[str]]
    missing_embeds: Counter[str]
    #: Words of our text the source reading does not hold, over every page.
    extra: Counter[str]
    ours: int


def source_recall(folder: Path, pages: Sequence[Page]) -> Recall:
    reader = Reader(Vault(folder))
    scores: list[tuple[float, str]] = []
    missing: dict[str, Counter[str]] = {}
    extra: Counter[str] = Counter()
    total = found = all_ours = 0
    for page in pages:
        theirs = words(reader.note(page.locator))
        ours = words(visible_text(page.html) + " " + page.title)
        extra.update({word: number - theirs[word] for word, number in ours.items() if number > theirs[word]})
        all_ours += ours.total()
        count = sum(theirs.values())
        if not count:
            continue
        kept = sum(min(number, ours[word]) for word, number in theirs.items())
        scores.append((kept / count, page.locator))
        missing[page.locator] = Counter(
            {word: number - ours[word] for word, number in theirs.items() if number > ours[word]}
        )
        total, found = total + count, found + kept
    return Recall(sorted(scores), total, found, missing, reader.missing_embeds, extra, all_ours)


def report(recall: Recall) -> list[str]:
    if not recall.scores:
        return ["  text recall against the source: no page with words"]
    values = [score for score, _ in recall.scores]
    lines = [
        f"  text recall against the source (benchmarks/obsidian_recall.py) over {len(values)} pages: "
        f"{recall.found / recall.total:.4f} of {recall.total} words; "
        f"per page mean {statistics.mean(values):.4f}, "
        f"median {statistics.median(values):.4f}, min {values[0]:.4f}; "
        f"{sum(value < 0.995 for value in values)} pages below 0.995",
        f"    embeds not found by the reference reading: {sum(recall.missing_embeds.values())}",
    ]
    lines += [f"      {count:>5}  ![[{inner}]]" for inner, count in recall.missing_embeds.most_common(5)]
    lines.append(
        f"    words of our text not in the source reading: {recall.extra.total()} of {recall.ours} ("
        + ", ".join(f"{word} x{count}" for word, count in recall.extra.most_common(8))
        + ")"
    )
    for score, locator in recall.scores[:10]:
        if score < 1:
            shown = ", ".join(f"{word} x{count}" for word, count in recall.missing[locator].most_common(8))
            lines.append(f"    {score:.3f}  {locator}  missing: {shown}")
    return lines
