"""The ``filesystem`` connector itself: scan, load, and what the watch daemon observes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from connectors.filesystem.files import FolderFiles
from connectors.filesystem.loading import LOADS_IN_WORKERS, FolderLoader, read_file, source_root
from connectors.filesystem.options import FilesystemOptions
from connectors.filesystem.sitewatch import SiteView
from connectors.filesystem.tree import Found, Walker, unique
from connectors.filesystem.watching import ChangeMap
from ingest.connector import Affected, WatchedFolder, WatchedPath
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.sites import Site, SiteLinks
from ingest.sites.dependencies import folded_page_refs
from ingest.sites.source import open_site, reads_every_file


class FilesystemConnector:
    """Documents from a folder on disk; see the package docstring for what is found. Satisfies
    the Connector, ProvidesSiteLinks, Resumable and Watchable protocols of :mod:`ingest.connector`."""

    options_model: ClassVar[type[FilesystemOptions]] = FilesystemOptions

    def __init__(self, options: FilesystemOptions) -> None:
        self.options = options
        self._changes = ChangeMap(options.path, follow_symlinks=options.follow_symlinks)
        self._site: Site | None = None
        self._watched_site = SiteView(options, self._changes)
        self._remembered: str | None = None
        self._remember: str | None = None

    def resume_from(self, checkpoint: str | None) -> None:
        """What the scan of the last fully successful sync found its docs site's pages to read of
        each other (:mod:`ingest.sites.dependencies`), so that an unchanged site is not read to
        find it again."""
        self._remembered = checkpoint

    def checkpoint(self) -> str | None:
        """What this scan found the site's pages to read of each other (None for plain Markdown)."""
        return self._remember

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        """Every page of the folder's site, sorted by locator, with a ``size-mtime_ns``
        fingerprint (folded with the site's structure digest). Plain Markdown: every document.

        Raises :class:`ConnectorError` when the root itself cannot be listed, or the site's
        config cannot be read.
        """
        walked = await asyncio.to_thread(self._scan_all)
        root, found, hidden = walked.root, walked.found, walked.hidden
        walked.found = []  # the finished thread's future outlives the scan: it keeps nothing per file
        files = {item.locator: item.fingerprint for item in found if isinstance(item, DocumentRef)}
        site = await open_site(self.options, FolderFiles(root, files, hidden))
        folded = await folded_page_refs(site, files, remembered=self._remembered)
        pages, self._remember = folded.refs, folded.remembered
        self._site = site
        self._watched_site.know(site, {ref.locator for ref in pages})
        others = [item for item in found if not isinstance(item, DocumentRef)]
        # The pages come in path order already: only the scan's skips and failures need placing.
        for item in sorted([*pages, *others], key=lambda item: item.locator) if others else pages:
            yield item

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        """Read the page at ``ref.locator`` and prepare it as its site shows it; any problem is a
        :class:`Failure`."""
        read = await asyncio.to_thread(read_file, self.options, ref.locator)
        if isinstance(read, Failure):
            return read
        try:
            site = self._site or await self._open_site()
        except ConnectorError as exc:
            return Failure(ref.locator, f"{ref.locator}: {exc}")
        return await FolderLoader(self.options, site).prepare(ref, *read)

    async def read_source_file(self, path: str) -> bytes | None:
        """The file at ``path`` under the folder, with the checks a document gets (inside the
        root, symlinks, a regular file); None when there is none."""
        if not await asyncio.to_thread(os.path.lexists, os.path.join(self._root(), path)):
            return None
        read = await asyncio.to_thread(read_file, self.options, path)
        if isinstance(read, Failure):
            raise ConnectorError(read.message)
        return read[0]

    def loader(self) -> FolderLoader | None:
        """What loads this folder's pages in a conversion worker (after a scan): for a site that
        holds nothing but its settings (:data:`LOADS_IN_WORKERS`), else None."""
        if self._site is None or self._site.dialect not in LOADS_IN_WORKERS:
            return None
        return FolderLoader(self.options, self._site).elsewhere()

    @property
    def site(self) -> Site | None:
        """The site the last scan opened (None before a scan)."""
        return self._site

    async def site_links(self) -> SiteLinks | None:
        """How the site links its pages (after a scan); None before one."""
        return await self._site.links() if self._site is not None else None

    def watched_paths(self) -> Sequence[WatchedPath]:
        """The folder, recursively, as configured (a symlink to it stays one, so that a link moved
        to a new release counts as a replaced folder)."""
        return (WatchedFolder(self.options.path),)

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        """The locators naming the changed file, as the scan lists them (a file reached through
        symlinks has several); the whole source for a folder or a symlink; nothing for a file the
        scan does not list (hidden, not a document). For a docs site (not plain), an edit of a
        page is that page, and any other change (a partial, the config, a page made, removed or
        renamed) the whole source: it may change every page; in a site whose pages show each
        other, an edit of a page is the whole source too, synced by the pages' fingerprints."""
        if os.fspath(path) == os.path.realpath(self.options.path):
            # The daemon starts observing the folder (or lost events): what the site is may have changed.
            self._watched_site.read(os.fspath(path))
        return self._watched_site.affected_by(path, folder=folder)

    def _root(self) -> str:
        return source_root(self.options)

    def _scan_all(self) -> _Walked:
        """The root, what the walk found, and the hidden names it saw (see :class:`Walker`)."""
        root = self._root()
        walker = Walker(root, self.options.follow_symlinks, every_file=reads_every_file(self.options))
        found = sorted(walker.walk(), key=lambda item: item.locator)
        return _Walked(root, list(unique(found)), walker.hidden)

    async def _open_site(self) -> Site:
        """The site, for a load without a scan before it (the scan opens it otherwise)."""
        walked = await asyncio.to_thread(self._scan_all)
        root, found, hidden = walked.root, walked.found, walked.hidden
        walked.found = []
        files = [item.locator for item in found if isinstance(item, DocumentRef)]
        self._site = await open_site(self.options, FolderFiles(root, files, hidden))
        return self._site


@dataclass
class _Walked:
    """What :meth:`FilesystemConnector._scan_all` found; ``found`` is emptied once taken."""

    root: str
    found: list[Found]
    hidden: set[str]
