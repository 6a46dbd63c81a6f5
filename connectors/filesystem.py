"""The ``filesystem`` connector: every Markdown, HTML and text file under one folder.

A document's locator (and default external id) is its POSIX path relative to the root,
NFC-normalised so that macOS and Linux name the same file alike. Hidden files and
folders (names starting with ``.``) are ignored. Symlinks are followed only while their
target stays inside the root; a symlink leading out of it is reported as skipped.
"""

from __future__ import annotations

import asyncio
import os
import stat
import unicodedata
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import ClassVar

from pydantic import Field, field_validator

from ingest.connector import ConfigPath, ConnectorOptions
from ingest.document import DocumentRef, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.textdoc import format_for, read_text_document

Found = DocumentRef | SkippedDocument | Failure


class FilesystemOptions(ConnectorOptions):
    """Options of a ``filesystem`` source."""

    path: ConfigPath = Field(
        description="The folder to sync; relative paths start at the config file's folder."
    )
    follow_symlinks: bool = Field(
        default=True,
        description="Follow symlinks whose target is inside the folder; when false every symlink is ignored.",
    )

    @field_validator("path")
    @classmethod
    def _must_be_a_folder(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError(f"path {value} does not exist")
        if not value.is_dir():
            raise ValueError(f"path {value} is not a folder")
        return value


class FilesystemConnector:
    """Documents from a folder on disk; see the module docstring for what is found."""

    options_model: ClassVar[type[FilesystemOptions]] = FilesystemOptions

    def __init__(self, options: FilesystemOptions) -> None:
        self.options = options

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

    def _root(self) -> str:
        root = self.options.path
        try:
            real = os.path.realpath(root, strict=True)
        except FileNotFoundError as exc:
            raise ConnectorError(f"source folder {root} does not exist") from exc
        except OSError as exc:
            raise ConnectorError(f"source folder {root} cannot be read: {_reason(exc)}") from exc
        if not os.path.isdir(real):
            raise ConnectorError(f"source folder {root} is not a folder")
        return real

    def _scan_all(self) -> list[Found]:
        walker = _Walker(self._root(), self.options.follow_symlinks)
        found = sorted(walker.walk(), key=lambda item: item.locator)
        return list(_unique(found))

    def _load(self, locator: RelativePath) -> SourceDocument | SkippedDocument | Failure:
        if not locator or PurePosixPath(locator).is_absolute() or "\0" in locator:
            return Failure(locator, f"{locator}: not a path relative to the source folder")
        try:
            root = self._root()
        except ConnectorError as exc:
            return Failure(locator, f"{locator}: {exc}")
        on_disk = _find_on_disk(root, locator)
        real = os.path.realpath(on_disk)
        if not _inside(root, real):
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
            return Failure(locator, f"cannot read {locator}: {_reason(exc)}")
        return read_text_document(
            raw,
            path=locator,
            fingerprint=_fingerprint(info),
            modified=datetime.fromtimestamp(info.st_mtime_ns / 1e9, tz=UTC),
        )


@dataclass(slots=True)
class _Walker:
    """One walk of the tree; ``ancestors`` holds the real folders above the one being listed."""

    root: str
    follow_symlinks: bool

    def walk(self) -> Iterator[Found]:
        # An explicit stack: deep trees cannot hit the recursion limit.
        stack: list[tuple[str, str, frozenset[str]]] = [(self.root, "", frozenset({self.root}))]
        while stack:
            real_dir, prefix, ancestors = stack.pop()
            try:
                with os.scandir(real_dir) as entries:
                    listed = list(entries)
            except OSError as exc:
                if not prefix:
                    raise ConnectorError(
                        f"source folder {self.root} cannot be listed: {_reason(exc)}"
                    ) from exc
                folder = prefix.rstrip("/")
                yield Failure(folder, f"cannot list folder {folder}: {_reason(exc)}")
                continue
            for entry in listed:
                if entry.name.startswith("."):
                    continue
                if _has_undecodable(entry.name):
                    locator = _printable(prefix + entry.name)
                    if format_for(locator) or entry.is_dir():
                        yield Failure(locator, f"{locator}: file name is not valid UTF-8")
                    continue
                locator = prefix + _nfc(entry.name)
                if entry.is_symlink():
                    yield from self._symlink(entry, locator, ancestors, stack)
                elif entry.is_dir(follow_symlinks=False):
                    real = os.path.join(real_dir, entry.name)
                    stack.append((real, locator + "/", ancestors | {real}))
                elif format_for(locator) and entry.is_file(follow_symlinks=False):
                    ref = _ref(locator, entry)
                    if ref is not None:
                        yield ref

    def _symlink(
        self,
        entry: os.DirEntry[str],
        locator: str,
        ancestors: frozenset[str],
        stack: list[tuple[str, str, frozenset[str]]],
    ) -> Iterator[Found]:
        if not self.follow_symlinks:
            return
        target = os.path.realpath(entry.path)
        try:
            info = os.stat(target)
        except OSError as exc:
            if format_for(locator):
                yield SkippedDocument(locator, f"broken symlink ({_reason(exc)}): {target}")
            return
        is_dir = stat.S_ISDIR(info.st_mode)
        if not _inside(self.root, target):
            if is_dir or format_for(locator):
                yield SkippedDocument(locator, f"symlink points outside the source root: {target}")
        elif is_dir and target in ancestors:
            yield SkippedDocument(locator, f"symlink loop: {target} is a folder above it")
        elif is_dir:
            stack.append((target, locator + "/", ancestors | {target}))
        elif format_for(locator) and stat.S_ISREG(info.st_mode):
            yield DocumentRef(locator, _fingerprint(info))


def _ref(locator: str, entry: os.DirEntry[str]) -> DocumentRef | Failure | None:
    try:
        info = entry.stat(follow_symlinks=False)
    except FileNotFoundError:
        return None  # deleted while we walked: it is simply not there any more
    except OSError as exc:
        return Failure(locator, f"cannot read {locator}: {_reason(exc)}")
    return DocumentRef(locator, _fingerprint(info))


def _unique(found: list[Found]) -> Iterator[Found]:
    """Two files whose names differ only in Unicode normalisation would share a locator."""
    index = 0
    while index < len(found):
        end = index + 1
        while end < len(found) and found[end].locator == found[index].locator:
            end += 1
        if end - index == 1 or not all(isinstance(item, DocumentRef) for item in found[index:end]):
            yield from found[index:end]
        else:
            locator = found[index].locator
            yield Failure(locator, f"{locator}: several files have this name after Unicode normalisation")
        index = end


def _find_on_disk(root: str, locator: str) -> str:
    """The on-disk path for an NFC locator, matching names stored in another normal form."""
    direct = os.path.join(root, *locator.split("/"))
    if os.path.lexists(direct):
        return direct
    current = root
    for part in locator.split("/"):
        candidate = os.path.join(current, part)
        if not os.path.lexists(candidate):
            try:
                names = os.listdir(current)
            except OSError:
                return direct
            match = next((name for name in names if _nfc(name) == part), None)
            if match is None:
                return direct
            candidate = os.path.join(current, match)
        current = candidate
    return current


def _inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _fingerprint(info: os.stat_result) -> str:
    return f"{info.st_size}-{info.st_mtime_ns}"


def _nfc(name: str) -> str:
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def _has_undecodable(name: str) -> bool:
    # os.scandir hands back bytes that are not UTF-8 as lone surrogates.
    return not name.isascii() and any("\udc80" <= char <= "\udcff" for char in name)


def _printable(locator: str) -> str:
    return locator.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
