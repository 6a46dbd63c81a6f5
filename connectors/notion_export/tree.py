"""The export's pages by id, and where each sits: the page tree Notion's folders draw.

A page's subpages (a database's rows) are in the folder named as the page file is, without its
suffix: ``Guide <id>.html`` and ``Guide <id>/``; older HTML exports leave the id out of folder
names (``Guide/``), and the page of that folder is then its sibling of that title. A database
is its CSV (``Tasks <id>.csv`` or ``Tasks <id>_all.csv``, which holds every row and is read
first), its page file in the HTML export.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from connectors.notion_export.names import PAGE_SUFFIXES, TABLE_SUFFIX, read_name


@dataclass(slots=True)
class Entry:
    """One page or database of the export."""

    page_id: str
    #: Its title as the file name gives it (the page's own title is read from the page).
    name_title: str
    #: The page file (``.html`` or ``.md``), if any.
    path: str | None = None
    #: The database's CSV, if any (``_all.csv`` preferred: it holds every row).
    table: str | None = None
    all_rows: bool = False
    parent: str | None = None

    @property
    def locator(self) -> str:
        located = self.path or self.table
        assert located is not None
        return located


def catalog(files: list[str]) -> dict[str, Entry]:
    """Every page and database of the export by id, each with its parent's id."""
    entries: dict[str, Entry] = {}
    for path in files:
        name = read_name(posixpath.basename(path))
        if name.page_id is None or not name.suffix:
            continue
        entry = entries.setdefault(name.page_id, Entry(name.page_id, name.title))
        if name.suffix in PAGE_SUFFIXES:
            if entry.path is None or path < entry.path:
                entry.path = path
        elif name.suffix == TABLE_SUFFIX and (entry.table is None or (name.all_rows and not entry.all_rows)):
            entry.table, entry.all_rows = path, name.all_rows
    by_folder = _pages_by_folder(entries)
    for entry in entries.values():
        entry.parent = _parent(entry, entries, by_folder)
    return entries


def ancestors(page_id: str, entries: dict[str, Entry]) -> list[str]:
    """The ids above a page, the top one first; where a hostile export's folders loop, the chain
    stops before it comes back to the page or to a page already in it."""
    chain: list[str] = []
    parent = entries[page_id].parent
    while parent is not None and parent != page_id and parent not in chain:
        chain.append(parent)
        parent = entries[parent].parent
    return chain[::-1]


def _pages_by_folder(entries: dict[str, Entry]) -> dict[tuple[str, str], str]:
    """(folder, title) to the id of the page of that title in that folder, the first by path."""
    found: dict[tuple[str, str], str] = {}
    for entry in sorted(entries.values(), key=lambda entry: entry.locator):
        found.setdefault((posixpath.dirname(entry.locator), entry.name_title), entry.page_id)
    return found


def _parent(entry: Entry, entries: dict[str, Entry], by_folder: dict[tuple[str, str], str]) -> str | None:
    folder = posixpath.dirname(entry.locator)
    while folder:
        base, above = posixpath.basename(folder), posixpath.dirname(folder)
        name = read_name(base)
        if name.page_id is not None and name.page_id in entries and name.page_id != entry.page_id:
            return name.page_id
        if name.page_id is None:
            found = by_folder.get((above, name.title))
            if found is not None and found != entry.page_id:
                return found
        folder = above
    return None
