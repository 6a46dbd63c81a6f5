"""A database's rows, from the CSV Notion writes of it, as one table.

The CSV starts with a UTF-8 byte order mark; its first column is the rows' titles. A row whose
page has a body links to that page; a row with nothing but its properties is only a row. A
relation (in the CSV and in a Markdown row's property lines) is written ``Title (path%20<id>.md)``,
items apart by ", ": each becomes a link titled ``Title`` to that path, which links map to the page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from connectors.notion_export.blocks import Element, new

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


class TableError(Exception):
    """A CSV that cannot be read as a database's table; the message says why."""


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def read_table(data: bytes, path: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
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


def table_element(table: Table, row_link: Callable[[str], str | None]) -> Element:
    """The rows as an HTML table, each title linked where ``row_link`` gives a URL for it."""
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
        for index, value in enumerate(row):
            cell = new("td")
            url = row_link(value) if index == 0 else None
            if url is not None:
                cell.append(new("a", value, href=url))
            else:
                fill_cell(cell, value)
            line.append(cell)
        body.append(line)
    element.append(body)
    return element
