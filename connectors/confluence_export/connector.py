"""The ``confluence_export`` connector: one document per page of a Confluence HTML space export.

A page's ``external_id`` is its Confluence page id, so a page renamed between two exports
stays the same External Page. Its fingerprint hashes what the page itself says once mapped
(title, ancestors, body), never the file's date or the export's chrome, since every export
rewrites every file: a nightly re-export of unchanged pages costs no conversion and no
request.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import os
import re
import sys
import threading
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from connectors.confluence_export.archive import INDEX, Export, ExportReadError, open_export
from connectors.confluence_export.links import PageLinks, SiteLinks
from connectors.confluence_export.listings import Listings
from connectors.confluence_export.macros import MacroMapper, has_content
from connectors.confluence_export.options import ConfluenceExportOptions, template_fields
from connectors.confluence_export.page import PageError, ParsedPage, parse_document, parse_page, text_of
from connectors.confluence_export.space import SpaceTree
from connectors.confluence_export.tree import Element
from ingest.connector import Affected, WatchedFile, WatchedFolder, WatchedPath
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError

#: Changes whenever the body built for the same page changes, so every page is built again.
MAPPING_VERSION = "3"
#: The scan builds every document to fingerprint it; up to this many characters of bodies are
#: kept for the loads that follow (a first sync loads them all), instead of building them twice.
_KEPT_BODY_CHARS = 64 * 1024 * 1024

Found = DocumentRef | SkippedDocument | Failure


@dataclass(frozen=True, slots=True)
class SpaceInfo:
    """What the export says about its space (``index.html``)."""

    key: str | None = None
    name: str | None = None
    #: The page tree ``index.html`` draws; None without one (the breadcrumbs are read instead).
    tree: SpaceTree | None = None


class ConfluenceExportConnector:
    """Pages of a Confluence HTML space export, zipped or unpacked; see the module docstring.
    Satisfies the Connector, Closeable and Watchable protocols of :mod:`ingest.connector`."""

    options_model: ClassVar[type[ConfluenceExportOptions]] = ConfluenceExportOptions
    url_variables: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, options: ConfluenceExportOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._tree_lock = threading.Lock()
        self._tree: SpaceTree | None = None
        self._export: Export | None = None
        self._space = SpaceInfo()
        self._site: SiteLinks | None = None
        self._digest = ""
        self._include = _patterns(options.include_titles)
        self._exclude = _patterns(options.exclude_titles)
        self._kept: dict[str, SourceDocument] = {}
        self._kept_chars = 0

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        """Every page, sorted by file name, with a fingerprint of its own mapped content.

        Raises :class:`ConnectorError` when the export cannot be read or a zip is refused.
        """
        found = await asyncio.to_thread(self._scan_all)
        for item in found:
            yield item

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        """The page at ``ref.locator``, its body mapped; any problem is a :class:`Failure`."""
        return await asyncio.to_thread(self._load, ref)

    def watched_paths(self) -> Sequence[WatchedPath]:
        """The unpacked export folder, recursively; else the zip, which must stop growing before
        it is read (a copy still being written is not an export yet)."""
        path = self.options.path
        if os.path.isdir(path):  # not Path.is_dir: an unmounted disk's stat() error must not raise
            return (WatchedFolder(path),)
        return (WatchedFile(path, settles=True),)

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        """Any change to the export affects the whole source: every export rewrites every file, and
        page fingerprints make the pages that did not change free."""
        return Affected(whole=True)

    def close(self) -> None:
        """Close the export (a zip stays open between scan and load) and drop the pages kept."""
        with self._lock:
            if self._export is not None:
                self._export.close()
            self._export = None
            self._kept, self._kept_chars = {}, 0

    def _open(self, fresh: bool) -> Export:
        with self._lock:
            if self._export is not None and not fresh:
                return self._export
            options = self.options
            export = open_export(options.path, options.zip_limits())
            space = _space_info(export, options.space_key)
            templates = template_fields(options.page_url_template) | template_fields(
                options.attachment_url_template
            )
            if "space_key" in templates and space.key is None:
                export.close()
                raise ConnectorError(
                    f"{export.name}: a URL template uses {{space_key}} but the export does not name its "
                    "space; set space_key"
                )
            if self._export is not None:
                self._export.close()
            self._export, self._space = export, space
            with self._tree_lock:
                self._tree = space.tree
            self._kept, self._kept_chars = {}, 0
            self._site = SiteLinks(
                options.base_url, options.page_url_template, options.attachment_url_template, space.key
            )
            self._digest = _digest([MAPPING_VERSION, repr(self._site)])
            return export

    def _scan_all(self) -> list[Found]:
        export = self._open(fresh=True)
        # One thread: the mapping is Python, so more threads only contend for the GIL (measured).
        found: list[Found] = []
        for locator in export.pages():
            item = self._build(export, locator)
            if isinstance(item, SourceDocument):
                found.append(DocumentRef(locator, item.fingerprint))
                if self._kept_chars + len(item.body) <= _KEPT_BODY_CHARS:
                    self._kept[locator] = item
                    self._kept_chars += len(item.body)
            else:
                found.append(item)
        return found

    def _load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        with self._lock:
            kept = self._kept.pop(ref.locator, None)
        if kept is not None and kept.fingerprint == ref.fingerprint:
            return kept
        try:
            export = self._open(fresh=False)
        except ConnectorError as exc:
            return Failure(ref.locator, str(exc))
        return self._build(export, ref.locator)

    def _build(self, export: Export, locator: str) -> SourceDocument | SkippedDocument | Failure:
        try:
            raw = export.read(locator)
            page = parse_page(raw, locator, space_name=self._space.name)
        except (ExportReadError, PageError) as exc:
            return Failure(locator, str(exc))
        reason = self._left_out(page)
        if reason is not None:
            return SkippedDocument(locator, reason)
        assert self._site is not None  # set by _open
        links = PageLinks(self._site, page.attachments)
        listings = Listings(page.page_id, self._space_tree, self._site, links)
        try:
            main = MacroMapper(links, listings).map(page.main)
        except RecursionError:  # the mapper follows the page's nesting; Python's stack is shorter
            return Failure(
                locator,
                f"{locator}: nested too deeply for its macros to be read (more than about "
                f"{sys.getrecursionlimit()} levels); nothing of it is sent",
            )
        if self.options.skip_empty and not has_content(main):
            return SkippedDocument(locator, f"{page.title!r} has no content of its own (skip_empty)")
        body = etree.tostring(main, encoding="unicode", method="html")
        modified = page.modified
        return SourceDocument(
            external_id=page.page_id,
            title=page.title,
            body=body,
            format=BodyFormat.HTML,
            path=locator,
            fingerprint=_digest([self._digest, page.title, page.ancestors, page.ancestor_ids, body]),
            modified=datetime(modified.year, modified.month, modified.day, tzinfo=UTC) if modified else None,
            url=self._site.page_url(page.page_id),
            metadata=self._metadata(page),
        )

    def _space_tree(self) -> SpaceTree:
        """The export's page tree: ``index.html``'s, else the pages' breadcrumbs, read once
        and only when a page lists pages."""
        with self._tree_lock:
            if self._tree is None:
                export = self._export
                self._tree = _tree_from_breadcrumbs(export) if export is not None else SpaceTree(())
            return self._tree

    def _left_out(self, page: ParsedPage) -> str | None:
        names = [*page.ancestors, page.title]
        if self._include and not any(_matches(self._include, name) for name in names):
            return f"{page.title!r} is not under include_titles"
        for position, name in enumerate(names):
            pattern = _matches(self._exclude, name)
            if pattern is not None:
                where = "its title" if position == len(names) - 1 else f"ancestor {name!r}"
                return f"{page.title!r} is excluded by exclude_titles {pattern!r} ({where})"
        return None

    def _metadata(self, page: ParsedPage) -> dict[str, Any]:
        values: dict[str, Any] = {
            "page_id": page.page_id,
            "space_key": self._space.key,
            "ancestors": list(page.ancestors),
            "ancestor_ids": list(page.ancestor_ids) if page.ancestor_ids is not None else None,
            "author": page.author,
            "last_modified_by": page.last_modified_by,
            "last_modified": page.modified.isoformat() if page.modified else None,
            "last_modified_text": page.modified_text if page.modified is None else None,
        }
        return {key: value for key, value in values.items() if value is not None}


def _space_info(export: Export, configured_key: str | None) -> SpaceInfo:
    key, name, tree = None, None, None
    document: Element | None = None
    if export.has(INDEX):
        try:
            document = parse_document(export.read(INDEX), INDEX)
        except (ExportReadError, PageError):
            document = None
    if document is not None:
        rows = {
            text_of(row[0]).casefold(): text_of(row[1])
            for row in document.xpath('//table[contains(@class, "confluenceTable")]//tr')
            if len(row) >= 2
        }
        key, name = rows.get("key") or None, rows.get("name") or None
        tree = SpaceTree.from_index(document) or None  # an index listing no page: read breadcrumbs
    return SpaceInfo(key=configured_key or key, name=name, tree=tree)


def _tree_from_breadcrumbs(export: Export) -> SpaceTree:
    pages: list[tuple[str, str, tuple[str, ...]]] = []
    for locator in export.pages():
        try:
            page = parse_page(export.read(locator), locator)
        except (ExportReadError, PageError):
            continue  # the page fails on its own when it is built
        pages.append((page.page_id, page.title, page.ancestor_ids or ()))
    return SpaceTree.from_ancestors(pages)


def _patterns(globs: Iterable[str]) -> list[tuple[str, re.Pattern[str]]]:
    return [(glob, re.compile(fnmatch.translate(" ".join(glob.split()).casefold()))) for glob in globs]


def _matches(patterns: list[tuple[str, re.Pattern[str]]], title: str) -> str | None:
    folded = title.casefold()
    return next((glob for glob, pattern in patterns if pattern.match(folded)), None)


def _digest(parts: list[Any]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:40]
