"""Loading one page of a ``filesystem`` source: read under the root, then prepare it as its site shows it.

:class:`FolderLoader` is what both the connector's ``load`` and a conversion worker run (see
:class:`ingest.connector.LoadsElsewhere`): the same checks (a locator relative to the root, the
real path still inside it, no symlink when ``follow_symlinks`` is false, a regular file, a FIFO
never blocking) wherever the page is read, so a worker reads nothing the connector would not.
"""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import UTC, datetime
from pathlib import PurePosixPath

from connectors.filesystem.options import FilesystemOptions
from connectors.filesystem.tree import find_on_disk, fingerprint, inside, reason
from ingest.document import DocumentRef, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.sites import Site
from ingest.sites.source import load_page, refold

#: Dialects whose opened site a worker process can prepare pages with: it pickles small (Hugo's
#: 789-page gohugo.io docs 2.2 MB, Docusaurus' pnpm.io 1.1 MB) and prepares each page from what it
#: holds, whatever the order and whichever copy (every page of those sites equal, loaded in
#: reverse by two unpickled copies taking turns). Left here: MkDocs (its macros run in processes
#: of its own) and Obsidian (a vault's site pickles to 36 MB for 5,882 notes, held again by
#: each worker).
LOADS_IN_WORKERS = frozenset({"plain", "hugo", "docusaurus"})


def source_root(options: FilesystemOptions) -> str:
    """The source folder's real path; :class:`ConnectorError` when it is missing or no folder."""
    root = options.path
    try:
        real = os.path.realpath(root, strict=True)
    except FileNotFoundError as exc:
        raise ConnectorError(f"source folder {root} does not exist") from exc
    except OSError as exc:
        raise ConnectorError(f"source folder {root} cannot be read: {reason(exc)}") from exc
    if not os.path.isdir(real):
        raise ConnectorError(f"source folder {root} is not a folder")
    return real


def read_file(options: FilesystemOptions, locator: RelativePath) -> tuple[bytes, os.stat_result] | Failure:
    """The bytes at ``locator`` under the source folder and the status they were read with."""
    if not locator or PurePosixPath(locator).is_absolute() or "\0" in locator:
        return Failure(locator, f"{locator}: not a path relative to the source folder")
    try:
        root = source_root(options)
    except ConnectorError as exc:
        return Failure(locator, f"{locator}: {exc}")
    on_disk = find_on_disk(root, locator)
    real = os.path.realpath(on_disk)
    if not inside(root, real):
        return Failure(locator, f"{locator}: resolves outside the source folder")
    if not options.follow_symlinks and real != os.path.normpath(on_disk):
        return Failure(locator, f"{locator}: goes through a symlink and follow_symlinks is false")
    try:
        # O_NONBLOCK: a FIFO named like a document must not block this thread in open().
        with open(os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            # fstat before reading: an edit during the read then shows in the next scan.
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Failure(locator, f"cannot read {locator}: not a regular file")
            raw = file.read()
    except OSError as exc:
        return Failure(locator, f"cannot read {locator}: {reason(exc)}")
    return raw, info


class FolderLoader:
    """Satisfies :class:`ingest.connector.DocumentLoader`: a page of the folder read and prepared
    by its opened ``site``. ``threaded``: read on a thread (the event loop of the process that
    sends must not wait on the disk; a worker has nothing else to do)."""

    def __init__(self, options: FilesystemOptions, site: Site, *, threaded: bool = True) -> None:
        self._options = options
        self._site = site
        self._threaded = threaded

    def elsewhere(self) -> FolderLoader:
        """This loader, for a worker process: it reads in the worker's own thread."""
        return FolderLoader(self._options, self._site, threaded=False)

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        if self._threaded:
            read = await asyncio.to_thread(read_file, self._options, ref.locator)
        else:
            read = read_file(self._options, ref.locator)
        if isinstance(read, Failure):
            return read
        return await self.prepare(ref, *read)

    async def prepare(
        self, ref: DocumentRef, raw: bytes, info: os.stat_result
    ) -> SourceDocument | SkippedDocument | Failure:
        """The page read as ``raw`` (with status ``info``) prepared as its site shows it."""
        return await load_page(
            self._site,
            raw,
            path=ref.locator,
            fingerprint=refold(fingerprint(info), ref.fingerprint),
            modified=datetime.fromtimestamp(info.st_mtime_ns / 1e9, tz=UTC),
            locale=self._options.locale,
        )
