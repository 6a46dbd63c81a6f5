"""The ``filesystem`` connector itself: scan, load, and what the watch daemon observes."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import ClassVar

from connectors.filesystem.options import FilesystemOptions
from connectors.filesystem.tree import Found, Walker, find_on_disk, fingerprint, inside, reason, unique
from connectors.filesystem.watching import ChangeMap
from ingest.connector import Affected, WatchedFolder, WatchedPath
from ingest.document import DocumentRef, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.textdoc import read_text_document


class FilesystemConnector:
    """Documents from a folder on disk; see the package docstring for what is found. Satisfies
    the Connector and Watchable protocols of :mod:`ingest.connector`."""

    options_model: ClassVar[type[FilesystemOptions]] = FilesystemOptions

    def __init__(self, options: FilesystemOptions) -> None:
        self.options = options
        self._changes = ChangeMap(options.path, follow_symlinks=options.follow_symlinks)

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        """Every document under the root, sorted by locator, with a ``size-mtime_ns`` fingerprint.

        Raises :class:`ConnectorError` when the root itself cannot be listed.
        """
        found = await asyncio.to_thread(self._scan_all)
        for item in found:
            yield item

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        """Read and parse the document at ``ref.locator``; any problem is a :class:`Failure`."""
        return await asyncio.to_thread(self._load, ref.locator)

    def watched_paths(self) -> Sequence[WatchedPath]:
        """The folder, recursively, as configured (a symlink to it stays one, so that a link moved
        to a new release counts as a replaced folder)."""
        return (WatchedFolder(self.options.path),)

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        """The locators naming the changed file, as the scan lists them (a file reached through
        symlinks has several); the whole source for a folder or a symlink; nothing for a file the
        scan does not list (hidden, not a document)."""
        return self._changes.affected_by(path, folder=folder)

    def _root(self) -> str:
        root = self.options.path
        try:
            real = os.path.realpath(root, strict=True)
        except FileNotFoundError as exc:
            raise ConnectorError(f"source folder {root} does not exist") from exc
        except OSError as exc:
            raise ConnectorError(f"source folder {root} cannot be read: {reason(exc)}") from exc
        if not os.path.isdir(real):
            raise ConnectorError(f"source folder {root} is not a folder")
        return real

    def _scan_all(self) -> list[Found]:
        walker = Walker(self._root(), self.options.follow_symlinks)
        found = sorted(walker.walk(), key=lambda item: item.locator)
        return list(unique(found))

    def _load(self, locator: RelativePath) -> SourceDocument | SkippedDocument | Failure:
        if not locator or PurePosixPath(locator).is_absolute() or "\0" in locator:
            return Failure(locator, f"{locator}: not a path relative to the source folder")
        try:
            root = self._root()
        except ConnectorError as exc:
            return Failure(locator, f"{locator}: {exc}")
        on_disk = find_on_disk(root, locator)
        real = os.path.realpath(on_disk)
        if not inside(root, real):
            return Failure(locator, f"{locator}: resolves outside the source folder")
        if not self.options.follow_symlinks and real != os.path.normpath(on_disk):
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
        return read_text_document(
            raw,
            path=locator,
            fingerprint=fingerprint(info),
            modified=datetime.fromtimestamp(info.st_mtime_ns / 1e9, tz=UTC),
        )
