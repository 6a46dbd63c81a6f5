"""The ``notion_export`` connector: one document per page of a Notion export, HTML or Markdown & CSV.

A page's ``external_id`` is the Notion page id its file name ends with, so a page renamed or
moved between two exports stays the same External Page. Its fingerprint hashes what the page
says once mapped (title, place in the tree, body), never a file's date or the export's name:
Notion rewrites every file of every export, and an unchanged re-export costs no conversion and
no request.

The scan reads every page twice, one at a time: once for what other pages need of it (its
title, whether it has a body), once to build it; it keeps up to ``kept_body_chars`` of bodies
for the loads that follow, as the Confluence connector does, and a load of any other page builds
that page alone again. Memory thus grows with the number of pages, not with their size.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from connectors.notion_export.archive import ExportReadError, NotionExport, open_export
from connectors.notion_export.blocks import BlockMapper, Element, new, serialize
from connectors.notion_export.database import Rows, Table, TableError, link_files, read_table, table_element
from connectors.notion_export.links import PageLinks, SiteLinks
from connectors.notion_export.options import NotionExportOptions
from connectors.notion_export.survey import Summary, Survey, parse_entry, survey
from connectors.notion_export.tree import Entry, ancestors
from ingest.connector import Affected, WatchedFile, WatchedFolder, WatchedPath
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument

#: Changes whenever the body built for the same page changes, so every page is built again.
MAPPING_VERSION = "1"

Found = DocumentRef | SkippedDocument | Failure
Built = SourceDocument | SkippedDocument | Failure


class NotionExportConnector:
    """Pages of a Notion export, zipped or unpacked; see the module docstring.
    Satisfies the Connector, Closeable and Watchable protocols of :mod:`ingest.connector`."""

    options_model: ClassVar[type[NotionExportOptions]] = NotionExportOptions
    url_variables: ClassVar[frozenset[str]] = frozenset()

    #: Characters of bodies the scan keeps for the loads that follow (a first sync loads every
    #: page); a page past it is built again when loaded.
    kept_body_chars: ClassVar[int] = 64 * 1024 * 1024

    def __init__(self, options: NotionExportOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._kept: dict[str, SourceDocument] = {}
        #: The export and its builder, open from a scan until close(), for the pages not kept.
        self._export: NotionExport | None = None
        self._builder: _Builder | None = None

    async def scan(self) -> AsyncIterator[Found]:
        """Every page and database, sorted by path, with a fingerprint of its mapped content.

        Raises :class:`ConnectorError` when the export cannot be read or a zip is refused.
        """
        found = await asyncio.to_thread(self._scan_all)
        for item in found:
            yield item

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        """The page at ``ref.locator``, its body mapped; any problem is a :class:`Failure`."""
        with self._lock:
            kept = self._kept.pop(ref.locator, None)
        if kept is not None and kept.fingerprint == ref.fingerprint:
            return kept
        return await asyncio.to_thread(self._load, ref)

    def watched_paths(self) -> Sequence[WatchedPath]:
        """The unpacked export folder, recursively; else the zip, which must stop growing before
        it is read (a copy still being written is not an export yet)."""
        path = self.options.path
        if os.path.isdir(path):  # not Path.is_dir: an unmounted disk's stat() error must not raise
            return (WatchedFolder(path),)
        return (WatchedFile(path, settles=True),)

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        """Any change affects the whole source: every export rewrites every file, and page
        fingerprints make the pages that did not change free."""
        return Affected(whole=True)

    def close(self) -> None:
        """Drop the pages kept between scan and load, and close the export."""
        with self._build_lock, self._lock:
            self._kept = {}
            export, self._export, self._builder = self._export, None, None
        if export is not None:
            export.close()

    def _load(self, ref: DocumentRef) -> Built:
        with self._lock:
            opened = self._export is not None
        if not opened:  # closed since the scan: survey the export again
            try:
                self._scan_all()
            except Exception as exc:  # the export went away or turned hostile since the scan
                return Failure(ref.locator, str(exc))
        # One build at a time: the export's zips are read through shared file objects.
        with self._build_lock:
            export, builder = self._export, self._builder
            if export is None or builder is None:
                return Failure(ref.locator, f"{ref.locator}: the export was closed while it was read")
            page_id = builder.page_at(ref.locator)
            if page_id is None:
                return Failure(ref.locator, f"{ref.locator} is no longer in the export")
            return builder.build(page_id, export)

    def _scan_all(self) -> list[Found]:
        options = self.options
        limits = options.zip_limits()
        self.close()
        export = open_export(options.path, limits)
        try:
            builder = _Builder(options, survey(export))
            found: list[Found] = []
            kept: dict[str, SourceDocument] = {}
            kept_chars = 0
            for locator, page_id in sorted(builder.locators.items()):
                item = builder.build(page_id, export)
                if not isinstance(item, SourceDocument):
                    found.append(item)
                    continue
                found.append(DocumentRef(locator, item.fingerprint))
                if kept_chars + len(item.body) <= self.kept_body_chars:
                    kept[locator] = item
                    kept_chars += len(item.body)
        except BaseException:
            export.close()
            raise
        with self._lock:
            self._kept, self._export, self._builder = kept, export, builder
        return found


class _Builder:
    """Builds any document of one export surveyed, one at a time."""

    def __init__(self, options: NotionExportOptions, read: Survey) -> None:
        self._options = options
        self._read = read
        self.locators = {entry.locator: page_id for page_id, entry in read.entries.items()}
        self._titles = {page_id: self._title(page_id) for page_id in read.entries}
        self._site = SiteLinks(options.page_url_template, options.attachment_url_template, self._titles)
        self._databases = {
            page_id
            for page_id, entry in read.entries.items()
            if entry.table is not None
            or (isinstance(page := read.pages.get(page_id), Summary) and page.database)
        }
        self._bodyless = frozenset(
            page_id
            for page_id, entry in read.entries.items()
            if entry.parent in self._databases and not self._has_body(page_id)
        )
        self._unlinked = frozenset() if options.rows_without_body_as_pages else self._bodyless
        #: Each row that is no page, to its database's page, where links to it go.
        self._moved = {
            row: parent for row in self._unlinked if (parent := read.entries[row].parent) is not None
        }
        self._digest = _digest([MAPPING_VERSION, repr(self._site), options.rows_without_body_as_pages])
        #: Each database's rows, in path order, indexed once: walking every entry for each
        #: database cost pages x databases.
        self._rows: dict[str, list[str]] = {}
        for row_id, entry in sorted(read.entries.items(), key=lambda item: item[1].locator):
            if entry.parent is not None and entry.parent in self._databases:
                self._rows.setdefault(entry.parent, []).append(row_id)

    def page_at(self, locator: str) -> str | None:
        return self.locators.get(locator)

    def build(self, page_id: str, export: NotionExport) -> Built:
        entry = self._read.entries[page_id]
        try:
            built = self._build(page_id, entry, export)
        except RecursionError:
            built = Failure(
                entry.locator,
                f"{entry.locator}: nested too deeply to be mapped (more than about "
                f"{sys.getrecursionlimit()} levels); nothing of it is sent",
            )
        # The page's id, for the planner: a page renamed or moved since the last run is recorded
        # at its old path, and must keep its External Page when it fails at the new one.
        return replace(built, external_id=page_id) if isinstance(built, Failure) else built

    def _title(self, page_id: str) -> str:
        page = self._read.pages.get(page_id)
        title = page.title if isinstance(page, Summary) else ""
        entry = self._read.entries[page_id]
        if not title and entry.path is None and entry.parent is not None:
            # A database known by its CSV: its file name cuts a long title, its parent's link does not.
            parent = self._read.pages.get(entry.parent)
            title = parent.link_titles.get(page_id, "") if isinstance(parent, Summary) else ""
        return title or entry.name_title or "Untitled"

    def _has_body(self, page_id: str) -> bool:
        page = self._read.pages.get(page_id)
        if not isinstance(page, Summary):
            return page is not None  # a page that fails says so on its own
        return page.has_body

    def _table(self, entry: Entry, export: NotionExport) -> Table | Failure | None:
        if entry.table is None:
            return None
        try:
            return read_table(export.read(entry.table), entry.table)
        except (ExportReadError, TableError) as exc:
            return Failure(entry.table, str(exc))

    def _build(self, page_id: str, entry: Entry, export: NotionExport) -> Built:
        locator = entry.locator
        page = parse_entry(export, entry, self._read.headers)
        if isinstance(page, Failure):
            return page
        table = self._table(entry, export)
        if isinstance(table, Failure) and not (page is not None and page.database):
            # The rows are only in the CSV (an HTML database's page holds its own table): the page
            # is not sent without them.
            return Failure(locator, table.message)
        title = self._titles[page_id]
        if page_id in self._bodyless and not self._options.rows_without_body_as_pages:
            return SkippedDocument(
                locator, f"{title!r} is a row of its database with no body (rows_without_body_as_pages)"
            )
        links = PageLinks(self._site, locator, page_id, self._read.files, self._moved)
        body = new("div")
        if page is not None:
            properties = _properties_table(page.properties, links)
            if len(properties[0]):  # a row whose every property is empty shows no table
                body.append(properties)
            if page.body.text:
                body.append(new("p", page.body.text.strip()))
            for child in list(page.body):
                body.append(child)
        if isinstance(table, Table) and not (page is not None and page.database):
            body.append(table_element(table, self._table_rows(page_id), links))
        if page is not None and page.database:
            for cell in body.xpath('./table[contains(concat(" ", @class, " "), " collection-content ")]//td'):
                link_files(cell, links)
        html = serialize(BlockMapper(links).map(body))
        if not html:
            return SkippedDocument(locator, f"{title!r} has nothing to read")
        above = ancestors(page_id, self._read.entries)
        titles = [self._titles[ancestor] for ancestor in above]
        warnings = list(dict.fromkeys(links.dropped))
        metadata: dict[str, Any] = {"page_id": page_id, "ancestors": titles, "ancestor_ids": above}
        if entry.parent in self._databases:
            metadata["database"] = self._titles[entry.parent] if entry.parent else None
        if warnings:
            metadata["warnings"] = warnings
        return SourceDocument(
            external_id=page_id,
            title=title,
            body=html,
            format=BodyFormat.HTML,
            path=locator,
            fingerprint=_digest([self._digest, title, titles, above, html, warnings]),
            url=self._site.page_url(page_id),
            metadata=metadata,
        )

    def _table_rows(self, database_id: str) -> Rows:
        waiting: dict[str, list[str]] = {}
        for page_id in self._rows.get(database_id, []):
            waiting.setdefault(self._titles[page_id], []).append(page_id)

        def row_of(title: str) -> str | None:
            queue = waiting.get(title)
            return queue.pop(0) if queue else None

        def url(page_id: str) -> str | None:
            return None if page_id in self._unlinked else self._site.page_url(page_id)

        def shown(page_id: str, column: str) -> list[tuple[str, str]]:
            page = self._read.pages.get(page_id)
            return page.property_links.get(column, []) if isinstance(page, Summary) else []

        return Rows(row_of, url, shown)


def _properties_table(properties: list[tuple[str, Element]], links: PageLinks) -> Element:
    table = new("table")
    body = new("tbody")
    for name, cell in properties:
        link_files(cell, links)
        if not cell.text_content().strip() and not len(cell):
            continue
        row = new("tr")
        row.append(new("th", name))
        value = new("td")
        value.text = cell.text
        for child in list(cell):
            value.append(child)
        row.append(value)
        body.append(row)
    table.append(body)
    return table


def _digest(parts: list[Any]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:40]
