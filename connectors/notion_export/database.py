"""A database's rows, from the CSV Notion writes of it, as one table.

The CSV starts with a UTF-8 byte order mark; its first column is the rows' titles. A row whose
page has a body links to that page; a row with nothing but its properties is only a row. A
relation (in the CSV and in a Markdown row's property lines) is written ``Title (path%20<id>.md)``,
items apart by ", ": each becomes a link titled ``Title`` to that path, which links map to the page.
A "Files & media" value (Markdown: its files' paths, apart by ", ", from the row's folder or, in
the CSV, from the export's top; HTML: links named by each file) links each file under the
attachment template, named by the file, or is dropped with the same report as a body's file.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from connectors.notion_export.blocks import Element, new, remove, xml_text
from connectors.notion_export.links import PageLinks

_URL = re.compile(r"^https?://\S+$")
_RELATION = re.compile(
    r"(?:^|(?<=, ))(?P<title>[^,]*?) \((?P<path>\S*?[0-9a-f]{32}\.(?:md|html|csv))\)(?=, |$)"
)


def relations(value: str) -> list[str | tuple[str, str]]:
    """The value as text and ``(title, path)`` relations, in order; a value that is no relation is
    its text alone."""
    parts: list[str | tuple[str, str]] = []
    position = 0
    for match in _RELATION.finditer(value):
        if match.start() > position:
            parts.append(value[position : match.start()])
        parts.append((match["title"], match["path"]))
        position = match.end()
    if position < len(value):
        parts.append(value[position:])
    return parts


def fill_cell(cell: Element, value: str) -> None:
    """``value`` into ``cell``, its relations as links."""
    last: Element | None = None
    for part in relations(value):
        if isinstance(part, str):
            if last is None:
                cell.text = (cell.text or "") + part
            else:
                last.tail = (last.tail or "") + part
        else:
            last = new("a", part[0], href=part[1])
            cell.append(last)


def link_files(cell: Element, links: PageLinks, *, from_top: bool = False) -> None:
    """The files of a "Files & media" value in ``cell`` linked under the attachment template, each
    named by its file, or dropped (reported by ``links``); anything else in the cell is left."""
    if not len(cell) and cell.text and cell.text.strip():
        items = cell.text.strip().split(", ")
        paths = [links.export_file(item, from_top=from_top) for item in items]
        if not all(paths):
            return
        cell.text = None
        shown: list[Element] = []
        for path in paths:
            assert path is not None
            url = links.file_url(path)
            if url is not None:
                shown.append(new("a", posixpath.basename(path), href=url))
        for anchor in shown:
            if len(cell):
                cell[-1].tail = ", "
            cell.append(anchor)
        return
    for anchor in list(cell.iter("a")):
        path = links.export_file(anchor.get("href") or "", from_top=from_top)
        if path is None:
            continue
        url = links.file_url(path)
        if url is None:
            holder = anchor.getparent()
            remove(anchor)
            if holder is not None and holder is not cell and not holder.text_content().strip():
                remove(holder)  # the span Notion wraps each file in
        else:
            anchor.attrib.clear()
            anchor.set("href", url)
            anchor.text = posixpath.basename(path)
            for child in list(anchor):
                remove(child)


class TableError(Exception):
    """A CSV that cannot be read as a database's table; the message says why."""


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def read_table(data: bytes, path: str) -> Table:
    try:
        text = xml_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TableError(f"{path} is not UTF-8 text: {exc}") from exc
    try:
        lines = [
            row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise TableError(f"{path} cannot be read as CSV: {exc}") from exc
    if not lines:
        return Table([], [])
    return Table(lines[0], lines[1:])


@dataclass(frozen=True, slots=True)
class Rows:
    """What a database's table needs of its rows' pages."""

    #: The id of the next row of this title (a title may repeat: one row each, in order).
    row_of: Callable[[str], str | None]
    #: The URL of a row's page, None for a row that is no page.
    url: Callable[[str], str | None]
    #: A row's linked values of a property as its page shows them, ``(text, href)``.
    shown: Callable[[str, str], list[tuple[str, str]]]


def _urls_with_text(cell: Element, value: str, shown: list[tuple[str, str]]) -> None:
    """A value of URLs alone (the CSV keeps only a link's URL) as links: with the text the row's
    page shows for it, else the URL itself."""
    urls = value.split()
    if not urls or not all(_URL.match(url) for url in urls):
        return
    texts = {href: text for text, href in shown}
    cell.text = None
    for url in urls:
        if len(cell):
            cell[-1].tail = ", "
        cell.append(new("a", texts.get(url, url), href=url))


def table_element(table: Table, rows: Rows, links: PageLinks | None = None) -> Element:
    """The rows as an HTML table, each title linked to its row's page where it is one, URLs
    linked with the text the rows' pages show, files linked or dropped by ``links``."""
    element = new("table")
    head = new("thead")
    heading_row = new("tr")
    for name in table.header:
        heading_row.append(new("th", name))
    head.append(heading_row)
    element.append(head)
    body = new("tbody")
    for row in table.rows:
        line = new("tr")
        row_id = rows.row_of(row[0]) if row else None
        for index, value in enumerate(row):
            cell = new("td")
            url = rows.url(row_id) if index == 0 and row_id is not None else None
            if url is not None:
                cell.append(new("a", value, href=url))
                line.append(cell)
                continue
            fill_cell(cell, value)
            if index and not len(cell):
                column = table.header[index] if index < len(table.header) else ""
                _urls_with_text(cell, value, rows.shown(row_id, column) if row_id is not None else [])
            if links is not None and index:
                link_files(cell, links, from_top=True)
            line.append(cell)
        body.append(line)
    element.append(body)
    return element
