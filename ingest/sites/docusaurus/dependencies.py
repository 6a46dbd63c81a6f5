"""What a Docusaurus page shows of other pages, so that it is read again when they change.

* From paths alone: a category's index page (``index``, ``README``, or named as its folder)
  with no text of its own lists its category's pages and subcategories (their cards: titles,
  descriptions, order).
* From the pages' text: a link reads its target's route (front matter ``slug``, ``id``) and
  whether it is published (``draft``, ``unlisted``); ``<DocCardList />`` lists the cards of its
  page's category; an ``import`` of a Markdown file (or of any file through ``!!raw-loader!``)
  shows that file, and what it imports.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable

from ingest.sites.docusaurus.layout import Content, Layout, Place, is_markdown, is_section
from ingest.sites.docusaurus.links import Entry
from ingest.sites.docusaurus.mdxrender import import_path

_IMPORT = re.compile(r"""^[ \t]*import\s[^'";]*?\bfrom\s*(['"])(?P<source>[^'"]+)\1""", re.MULTILINE)
_RAW = "!!raw-loader!"
_CARD_LIST = re.compile(r"<DocCardList\b")

#: Reads a file of the source as text (None when there is none).
Read = Callable[[str], Awaitable[str | None]]


class CategoryPages:
    """The pages each category lists as cards (a folder's pages, its subfolders' index pages),
    from paths alone."""

    def __init__(self, layout: Layout, pages: Iterable[str]) -> None:
        """``pages``: the site's pages (of the versions taken: a category's cards are of its own)."""
        self._layout = layout
        self._cards: dict[tuple[Content, str], list[str]] = defaultdict(list)
        for path in pages:
            place = layout.place(path)
            if place is None or place.locale is not None:
                continue
            folder = posixpath.dirname(place.relative)
            self._cards[(place.content, folder)].append(path)
            if folder and is_section(place):
                self._cards[(place.content, posixpath.dirname(folder))].append(path)

    def of(self, place: Place) -> list[str]:
        """The cards of the category ``place`` is in, with their translations in its locale."""
        found = [
            path
            for path in self._cards.get((place.content, posixpath.dirname(place.relative)), ())
            if path != place.original
        ]
        if place.locale is None:
            return found
        translated = [self._layout.localized(path, place.locale) for path in found]
        return [*found, *(path for path in translated if path is not None)]


def link_digest(entries: Iterable[Entry]) -> str:
    """A digest of what links read of their targets: each published page's locale and route."""
    digest = hashlib.sha256(b"docusaurus links 1")
    for entry in sorted(entries, key=lambda entry: entry.path):
        digest.update(f"\n{entry.path}\0{entry.place.locale or ''}\0{entry.route}".encode())
    return digest.hexdigest()


async def shown_by_text(path: str, read: Read, cards: Callable[[], list[str]]) -> frozenset[str]:
    """The files the text of the page at ``path`` shows: those it imports (and they import), and
    its category's cards when it, or a file it imports, lists them."""
    shown: set[str] = set()
    waiting = [path]
    lists_cards = False
    while waiting:
        file = waiting.pop()
        text = await read(file) or ""
        lists_cards = lists_cards or bool(_CARD_LIST.search(text))
        for match in _IMPORT.finditer(text):
            source = match["source"]
            raw = source.startswith(_RAW)
            if not raw and not is_markdown(source):
                continue  # a component: no file of the source is shown
            target = import_path(file, source.removeprefix(_RAW))
            if target not in shown and target != path:
                shown.add(target)
                if not raw:
                    waiting.append(target)
    return frozenset(shown.union(cards()) if lists_cards else shown)
