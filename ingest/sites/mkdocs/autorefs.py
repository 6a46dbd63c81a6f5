"""mkdocs-autorefs: ``[text][identifier]`` and ``[identifier][]`` link across the site.

With the ``autorefs`` plugin (mkdocstrings turns it on), a reference link the page does not
define itself names an anchor anywhere on the site: an object mkdocstrings documents
(``::: package.module.Class`` on a page; its members are documented there too, at
``#package.module.Class.member``) or any heading's id. Such references become links to that
page and anchor; one nobody documents is left as written, as the site shows it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable

from ingest.sites.mkdocs.lines import Fence, track_fence

Slugger = Callable[[str, Collection[str]], str]

_REFERENCE = re.compile(
    r"(?<![\]\\!])\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\[(?P<id>[^\[\]\n]*)\](?![\[(:])"
)
_DEFINITION = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]\n]+)\]:", re.MULTILINE)
_AUTODOC = re.compile(r"^[ ]*(?:>[ ]?)*(?:#{1,6}[ \t]*)?:::[ \t]+(?P<id>[A-Za-z_][\w.]*)[ \t]*$")
_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(?P<text>.*?)[ \t]*#*[ \t]*$")
_HEADING_ATTRS = re.compile(r"[ \t]*\{:?[ \t]*(?P<attrs>[^{}]*)\}[ \t]*$")
_ID = re.compile(r"(?:^|\s)#(?P<id>[\w:.+-]+)")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_MARKUP = re.compile(r"[`*_]|<[^>]+>|!?\[([^\]]*)\]\([^)]*\)")


class Autorefs:
    """Where each identifier and heading id of a site is documented (docs-relative pages)."""

    def __init__(self, pages: Iterable[tuple[str, str]], slug: Slugger) -> None:
        """``pages``: each published page's docs-relative path and Markdown."""
        self.objects: dict[str, str] = {}
        self.anchors: dict[str, str] = {}
        for rel, text in pages:
            taken: list[str] = []
            for line in _prose(text.split("\n")):
                autodoc = _AUTODOC.match(line)
                if autodoc:
                    self.objects.setdefault(autodoc["id"], rel)
                heading = _HEADING.match(line)
                if heading:
                    anchor = _heading_id(heading["text"], taken, slug)
                    taken.append(anchor)
                    self.anchors.setdefault(anchor, rel)

    def page_of(self, identifier: str) -> str | None:
        """The page documenting ``identifier``: the heading with that id, the object, else the
        closest documented object it is a member of."""
        found = self.anchors.get(identifier) or self.objects.get(identifier)
        parts = identifier.split(".")
        while found is None and len(parts) > 1:
            parts.pop()
            found = self.objects.get(".".join(parts))
        return found

    def rewrite(self, text: str, page: str) -> str:
        """``text`` (of the page at the docs-relative ``page``) with its references to identifiers
        it does not define linked to where the site documents them."""
        if "][" not in text:
            return text
        folder = posixpath.dirname(page)

        def link(text: str, identifier: str, whole: str) -> str:
            target = self.page_of(identifier)
            if target is None:
                return whole
            where = posixpath.relpath(target, folder or ".") if target != page else ""
            return f"[{text}](<{where}#{identifier}>)"

        return _with_references(text, link)


def references(text: str) -> set[str]:
    """The identifiers ``text`` refers to without defining them: those :meth:`Autorefs.rewrite`
    looks up on other pages."""
    found: set[str] = set()

    def collect(text: str, identifier: str, whole: str) -> str:
        found.add(identifier)
        return whole

    if "][" in text:
        _with_references(text, collect)
    return found


def _with_references(text: str, link: Callable[[str, str, str], str]) -> str:
    """``text`` with each reference to an identifier it does not define, outside fenced code,
    replaced by what ``link(text, identifier, whole)`` says."""
    defined = {_label(match["label"]) for match in _DEFINITION.finditer(text)}

    def undefined(text: str, written: str, whole: str) -> str:
        identifier = written.strip() or _plain(text)
        return whole if _label(identifier) in defined else link(text, identifier, whole)

    out = []
    fence: Fence | None = None
    for line in text.split("\n"):
        was_fenced = fence is not None
        fence = track_fence(line, fence)
        out.append(line if was_fenced or fence is not None or "][" not in line else _linked(line, undefined))
    return "\n".join(out)


def _linked(line: str, link: Callable[[str, str, str], str]) -> str:
    """``line`` with each reference outside code spans (its text may hold code: ``[`File`][]``)
    replaced by what ``link(text, identifier, whole)`` says."""
    masked = _CODE_SPAN.sub(lambda span: "\x00" * len(span[0]), line)
    out, last = [], 0
    for match in _REFERENCE.finditer(masked):
        if "\x00" in match["id"]:
            continue
        out.append(line[last : match.start()])
        text = line[match.start("text") : match.end("text")]
        out.append(link(text, match["id"], line[match.start() : match.end()]))
        last = match.end()
    out.append(line[last:])
    return "".join(out)


def _prose(lines: list[str]) -> Iterable[str]:
    fence: Fence | None = None
    for line in lines:
        was_fenced = fence is not None
        fence = track_fence(line, fence)
        if not was_fenced and fence is None:
            yield line


def _heading_id(text: str, taken: Collection[str], slug: Slugger) -> str:
    attrs = _HEADING_ATTRS.search(text)
    if attrs:
        found = _ID.search(attrs["attrs"])
        if found:
            return found["id"]
        text = text[: attrs.start()]
    return slug(_plain(text), taken)


def _plain(text: str) -> str:
    return _MARKUP.sub(lambda match: match[1] or "", text).strip()


def _label(label: str) -> str:
    """A reference label as Markdown matches it: case and inner spacing ignored."""
    return " ".join(label.split()).casefold()
