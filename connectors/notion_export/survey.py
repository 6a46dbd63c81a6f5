"""The export surveyed: every page read once, for what building the others needs of it.

A page's link text and URL need every page's title, and a database row without a body is no
page to link to; so before any page is built, each is read for its title and whether it has a
body, and its parsed body is let go. Building a page reads it again (:func:`parse_entry`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from connectors.notion_export.archive import ExportReadError, NotionExport
from connectors.notion_export.database import TableError, read_table
from connectors.notion_export.names import read_name
from connectors.notion_export.pages import PageError, ParsedPage, parse_html_page, parse_markdown_page
from connectors.notion_export.tree import Entry, catalog
from ingest.document import Failure


@dataclass(frozen=True, slots=True)
class Summary:
    """What building other pages needs to know of one page."""

    title: str
    has_body: bool
    #: The page is a database's own page (its table is the database).
    database: bool
    #: The text of this page's links to databases known only by their CSV, by their id: their full
    #: title, where their file name cuts it.
    link_titles: dict[str, str] = field(default_factory=dict)
    #: A row's linked property values as its page shows them, ``(text, href)`` by property: its
    #: database's CSV keeps only the URL.
    property_links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass(slots=True)
class Survey:
    """What the export holds, surveyed once per scan: no page's body is kept."""

    entries: dict[str, Entry]
    pages: dict[str, Summary | Failure]
    #: Each database's column names, from its CSV.
    headers: dict[str, list[str] | Failure]
    files: frozenset[str]


def survey(export: NotionExport) -> Survey:
    entries = catalog(export.files())
    headers: dict[str, list[str] | Failure] = {}
    for entry in entries.values():
        if entry.table is not None:
            try:
                headers[entry.page_id] = read_table(export.read(entry.table), entry.table).header
            except (ExportReadError, TableError) as exc:
                headers[entry.page_id] = Failure(entry.table, str(exc))
    pages: dict[str, Summary | Failure] = {}
    #: Databases with no page file: their title is only in their (cut) file name.
    titleless = {page_id for page_id, entry in entries.items() if entry.path is None}
    for entry in entries.values():
        page = parse_entry(export, entry, headers)
        if isinstance(page, ParsedPage):
            titles = _link_titles(page, titleless) if titleless else {}
            shown = _property_links(page) if entry.parent in headers else {}
            pages[entry.page_id] = Summary(page.title, has_body(page), page.database, titles, shown)
        elif page is not None:
            pages[entry.page_id] = page
    return Survey(entries, pages, headers, frozenset(export.files()))


def parse_entry(
    export: NotionExport, entry: Entry, headers: dict[str, list[str] | Failure]
) -> ParsedPage | Failure | None:
    """The page file of ``entry`` read, None when it has none (a database known by its CSV)."""
    if entry.path is None:
        return None
    header = headers.get(entry.parent) if entry.parent is not None else None
    columns = header[1:] if isinstance(header, list) else ()
    try:
        data = export.read(entry.path)
        if entry.path.lower().endswith(".md"):
            return parse_markdown_page(data, entry.path, columns)
        return parse_html_page(data, entry.path)
    except (ExportReadError, PageError) as exc:
        return Failure(entry.path, str(exc))
    except RecursionError:
        return Failure(entry.path, f"{entry.path}: nested too deeply to be read")


def _link_titles(page: ParsedPage, wanted: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for anchor in page.body.iter("a"):
        href = anchor.get("href") or ""
        name = read_name(posixpath.basename(unquote(urlsplit(href).path)))
        text = " ".join(anchor.text_content().split())
        if name.page_id in wanted and name.suffix and text:
            found.setdefault(name.page_id, text)
    return found


def _property_links(page: ParsedPage) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for name, cell in page.properties:
        for anchor in cell.iter("a"):
            href, text = anchor.get("href") or "", " ".join(anchor.text_content().split())
            if href and text:
                found.setdefault(name, []).append((text, href))
    return found


def has_body(page: ParsedPage) -> bool:
    body = page.body
    return bool(body.text_content().strip()) or any(
        True for element in body.iter("img", "table", "hr", "pre") if element is not body
    )
