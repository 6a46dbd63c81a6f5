"""A database's rows, from the CSV Notion writes of it, as one table.

The CSV starts with a UTF-8 byte order mark; its first column is the rows' titles. A row whose
page has a body links to that page; a row with nothing but its properties is only a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from connectors.notion_export.blocks import Element, new


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
                cell.text = value
            line.append(cell)
        body.append(line)
    element.append(body)
    return element
