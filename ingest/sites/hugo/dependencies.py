"""What a Hugo page shows of other pages, so that it is read again when they change.

* From paths alone: a section page (the home page, a folder's ``_index.md``) lists the pages and
  subsections it is the parent section of, with their titles and descriptions.
* From the pages' text: a link reads its target's published path (front matter ``slug``,
  ``url``, dates in permalinks) and whether it is published at all; an ``include`` (``readfile``,
  ``content``...) shows the file it names and what that includes; a shortcode of the Hugo docs
  that lists a section, describes a page or shows the glossary (:data:`.docs.SHOWING_OTHER_PAGES`)
  shows pages only its arguments name, so its page is read again whenever a file changes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping

from ingest.sites.contract import CrossPageReads
from ingest.sites.hugo.content import CONTENT_SUFFIXES, ContentFile
from ingest.sites.hugo.docs import SHOWING_OTHER_PAGES
from ingest.sites.hugo.frontmatter import FrontMatterError, split_front_matter
from ingest.sites.hugo.links import ContentKeys, PageIndex, parent_section
from ingest.sites.hugo.render import INCLUDES, source_path
from ingest.sites.hugo.shortcodes import NestedTooDeeply, Node, Shortcode, parse

#: Finds a content file by a ``GetPage`` path, seen from a file, in a language.
Find = Callable[[str, str, str], ContentFile | None]
#: Reads a file of the source as text (None when there is none).
Read = Callable[[str], Awaitable[str | None]]


class SectionMembers:
    """The pages and subsections each section lists, from paths alone."""

    def __init__(self, pages: Iterable[ContentFile], keys: ContentKeys) -> None:
        self._members: dict[tuple[str, str], list[str]] = defaultdict(list)
        for item in pages:
            parent = parent_section(item, keys)
            if parent is not None:
                self._members[(item.language, parent)].append(item.path)

    def of(self, item: ContentFile) -> list[str]:
        """The files the section page ``item`` lists (none for a regular page)."""
        if item.kind == "page":
            return []
        return [path for path in self._members.get((item.language, item.key), ()) if path != item.path]


def link_digest(index: PageIndex) -> str:
    """A digest of what links read of their targets: each page's published path, and why it is
    not published when it is not."""
    digest = hashlib.sha256(b"hugo links 1")
    for path, entry in sorted(index.by_path.items()):
        digest.update(f"\n{path}\0{entry.path}\0{entry.hidden or ''}".encode())
    return digest.hexdigest()


class ShownFiles:
    """What each page's text shows of other files: the files it includes (and they include),
    and whether it calls a shortcode showing other pages."""

    def __init__(self, find: Find, read: Read) -> None:
        self._find = find
        self._read = read
        self._direct: dict[tuple[str, str], tuple[frozenset[str], bool]] = {}

    async def reads(self, links: str, pages: Mapping[str, ContentFile]) -> CrossPageReads:
        shows: dict[str, frozenset[str]] = {}
        shows_any: set[str] = set()
        for path, item in pages.items():
            included, any_page = await self._closure(path, item.language)
            if included:
                shows[path] = included
            if any_page:
                shows_any.add(path)
        return CrossPageReads(links=links, shows=shows, shows_any=frozenset(shows_any))

    async def _closure(self, path: str, language: str) -> tuple[frozenset[str], bool]:
        """Every file ``path`` includes, directly or not, and whether one of them (or it) calls a
        shortcode showing other pages."""
        seen: set[str] = set()
        any_page = False
        waiting = [path]
        while waiting:
            included, calls = await self._direct_reads(waiting.pop(), language)
            any_page = any_page or calls
            for each in included - seen - {path}:
                seen.add(each)
                waiting.append(each)
        return frozenset(seen), any_page

    async def _direct_reads(self, path: str, language: str) -> tuple[frozenset[str], bool]:
        key = (path, language)
        if key not in self._direct:
            # What is not content (a code sample readfile shows) shows as written.
            text = await self._read(path) if path.lower().endswith(CONTENT_SUFFIXES) else None
            found = self._calls(path, _body(text), language) if text and "{{" in text else None
            self._direct[key] = found or (frozenset(), False)
        return self._direct[key]

    def _calls(self, path: str, body: str, language: str) -> tuple[frozenset[str], bool]:
        included: set[str] = set()
        any_page = False
        try:
            nodes = parse(body)
        except NestedTooDeeply:
            return frozenset(), False  # the page fails when it is loaded, whatever it includes
        for node in _shortcodes(nodes):
            name = node.tag.name.lower()
            if name in SHOWING_OTHER_PAGES:
                any_page = True
            elif name in INCLUDES and (target := node.arg(0, "file", "path", "src")):
                found = self._find(target, path, language)
                included.add(found.path if found is not None else source_path(target, path))
        return frozenset(included), any_page


def _shortcodes(nodes: list[Node]) -> Iterable[Shortcode]:
    for node in nodes:
        if isinstance(node, Shortcode):
            yield node
            yield from _shortcodes(node.inner or [])


def _body(text: str) -> str:
    try:
        return split_front_matter(text)[1]
    except FrontMatterError:
        return text
