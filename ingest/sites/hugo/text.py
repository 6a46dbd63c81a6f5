"""Markdown-level rules of a Hugo site outside shortcodes: Goldmark attributes, glossary links,
heading ids.

Goldmark reads ``{.class #id}`` after a heading as its attributes and, with
``markup.goldmark.parser.attribute.block``, a ``{...}`` line after a block as that block's: the
reader never sees them. A heading's ``{#id}`` is kept (the converter honours it); the rest goes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection

import emoji

from ingest.sites.hugo.config import HugoConfig
from ingest.sites.hugo.urls import make_path
from ingest.sites.slugs import github_slug, unique

_ATTRIBUTE = r"(?:[.#][\w:-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))"
_ATTRIBUTES = re.compile(r"\{\s*" + _ATTRIBUTE + r"(?:\s+" + _ATTRIBUTE + r")*\s*\}")
_BLOCK_ATTRIBUTES = re.compile(r"[ \t>]*" + _ATTRIBUTES.pattern + r"[ \t]*")
_HEADING = re.compile(
    r"(?P<head>[ \t>]*#{1,6}[ \t]+.*?)[ \t]*(?P<attributes>" + _ATTRIBUTES.pattern + r")[ \t]*"
)
_ID = re.compile(r"#([\w:-]+)")
_FENCE = re.compile(r"[ \t>]*(`{3,}|~{3,})")
# A fence's info string with Goldmark attributes: ```go {file="main.go" linenos=table}
_FENCE_ATTRIBUTES = re.compile(
    r"(?P<open>[ \t>]*(?:`{3,}|~{3,})[ \t]*[^\s{`]*)[ \t]*\{(?P<attributes>[^}]*)\}[ \t]*"
)
_FILE_ATTRIBUTE = re.compile(r"\b(?:file|filename|title)=(?:\"([^\"]*)\"|'([^']*)'|([^\s,}]+))")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_GLOSSARY_LINK = re.compile(r"\[([^\[\]\n]+)\]\(g\)")
_BLACKFRIDAY_DROPPED = re.compile(r"[^\w]+")
#: Hugo's blockquote alerts: GitHub's ``> [!NOTE]``, also with a title (and a fold marker) after it.
_ALERT = re.compile(r"(?P<quote>[ \t]*>[ \t]?)\[!(?P<kind>[A-Za-z]+)\][-+]?[ \t]*(?P<title>.*)")
_GITHUB_ALERTS = frozenset({"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"})


def tidy(body: str, config: HugoConfig, glossary_href: Callable[[str], str | None]) -> str:
    """The page's Markdown outside code blocks: Goldmark attributes settled, ``[term](g)``
    glossary links pointed at the glossary's entry, blank runs made one blank line."""

    def glossary(match: re.Match[str]) -> str:
        href = glossary_href(_plain(match.group(1)))
        return match.group(0) if href is None else f"[{match.group(1)}](<{href}>)"

    lines: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            closes = opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence)
            if closes and not line[opening.end() :].strip():  # type: ignore[union-attr]
                fence = None
            lines.append(line)
            continue
        if opening:
            fence = opening.group(1)
            if attributed := _FENCE_ATTRIBUTES.fullmatch(line):
                line = _captioned_fence(attributed)
        elif config.block_attributes and "{" in line and _BLOCK_ATTRIBUTES.fullmatch(line):
            continue
        elif "{" in line and (heading := _HEADING.fullmatch(line)):
            identifier = _ID.search(heading.group("attributes"))
            line = heading.group("head") + (f" {{#{identifier.group(1)}}}" if identifier else "")
        elif (
            "[!" in line
            and (alert := _ALERT.fullmatch(line))
            and not (lines and lines[-1].lstrip().startswith(">"))
        ):
            line = _alert(alert)
        if "](g)" in line:
            line = _GLOSSARY_LINK.sub(glossary, line)
        if config.emoji and ":" in line:
            line = _outside_code(line, lambda part: emoji.emojize(part, language="alias"))
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip() if not line.strip() else line)
    return "\n".join(lines).strip("\n") + "\n"


def _alert(marker: re.Match[str]) -> str:
    """A quote opening with an alert marker, as the converter reads it: GitHub's five kinds stay
    a marker alone on its line (the converter labels the quote), any other kind becomes a bold
    label; a title after the marker (Hugo allows one) becomes a bold line of its own."""
    quote, kind, title = marker.group("quote"), marker.group("kind"), marker.group("title").strip()
    if kind.upper() in _GITHUB_ALERTS and not title:
        return marker.group(0)  # the converter reads it as it is
    label = f"[!{kind.upper()}]" if kind.upper() in _GITHUB_ALERTS else f"**{kind.capitalize()}**"
    lines = [quote + label]
    if title:
        lines += [quote.rstrip(), f"{quote}**{title}**"]
    return "\n".join([*lines, quote.rstrip()])


def _captioned_fence(attributed: re.Match[str]) -> str:
    """A fence opening without its Goldmark attributes; a file name among them (shown above the
    code by the sites that set it) becomes a line of its own before the fence."""
    opening = attributed.group("open")
    named = _FILE_ATTRIBUTE.search(attributed.group("attributes"))
    if named is None:
        return opening
    name = next(group for group in named.groups() if group is not None)
    prefix = opening[: len(opening) - len(opening.lstrip(" \t>"))]
    return f"{prefix}`{name}`\n{prefix.rstrip()}\n{opening}"


def _outside_code(line: str, change: Callable[[str], str]) -> str:
    """``line`` with ``change`` applied to its text, its inline code spans left as written."""
    parts: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(line):
        parts.extend((change(line[position : span.start()]), span.group(0)))
        position = span.end()
    return "".join([*parts, change(line[position:])])


def urlize(value: str) -> str:
    """Hugo's ``urlize``: a path segment made of ``value``."""
    return make_path(value.strip())


def anchor(value: str, config: HugoConfig, taken: Collection[str] = ()) -> str:
    """The id the site gives a heading (or ``anchorize`` gives a term) reading ``value``."""
    if config.heading_ids == "blackfriday":
        slug = _BLACKFRIDAY_DROPPED.sub("-", value.lower()).strip("-")
        return unique(slug, taken)
    if config.heading_ids == "github-ascii":
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return github_slug(value, taken)


def _plain(markdown: str) -> str:
    return re.sub(r"[*_`]", "", markdown).strip().lower()


def term_keys(term: str) -> list[str]:
    """The glossary file names a term may have: as written, singular, without its ending
    (``chaining`` -> ``chain``), or as the ``-ization`` noun of a ``-ize`` verb."""
    key = urlize(term)
    stems = [key, re.sub(r"[^\w-]", "", key)]
    for ending, replacements in (
        ("ies", ("y",)),
        ("es", ("", "e")),
        ("s", ("",)),
        ("ing", ("", "e")),
        ("ed", ("", "e")),
        ("d", ("",)),
    ):
        if key.endswith(ending):
            stems.extend(key[: -len(ending)] + replacement for replacement in replacements)
    stems.extend(stem[: -len("ize")] + "ization" for stem in list(stems) if stem.endswith("ize"))
    return list(dict.fromkeys(stems))
