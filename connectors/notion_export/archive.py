"""A Notion export read in place: the ``.zip`` Notion delivers, or the folder it unpacks to.

No page is extracted to disk. Notion delivers a large export as a zip of zips
(``Export-<uuid>.zip`` holding ``Export-<uuid>-Part-1.zip``, ...; a part may be several GB): a
``.zip`` at the top of the export (never one attached to a page, which lives in a page's folder)
is spooled to a temporary file (never held in memory, bounded by ``max_nested_zip_size``, not by
what a page may be), opened from there, and its files join the export's, each level checked by
:mod:`ingest.zipsafety` against one total. The spools go when the export is closed or refused.
An unpacked folder is read the same way, its top-level zips included. The wrapper folders
Notion puts around the pages (``Export-<uuid>/``) are not part of any file's path, so two
exports of the same pages name every file alike.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from connectors.notion_export.names import PAGE_SUFFIXES, TABLE_SUFFIX, read_name
from ingest.errors import ConnectorError
from ingest.storage import storage_problem
from ingest.zipsafety import MemberReadError, SpoolError, ZipLimits, check_zip, read_member, spool_member

#: How deep zips may nest: Notion nests one level; more is not an export.
MAX_NESTING = 3

#: What an open export must close: its zips and the temporary files its parts are spooled to.
Opened = zipfile.ZipFile | IO[bytes]


class ExportReadError(Exception):
    """One file of the export could not be read; the message says which and why."""


@dataclass(frozen=True, slots=True)
class _ZipEntry:
    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    container: str


@dataclass(frozen=True, slots=True)
class _FileEntry:
    real: str
    #: The file the walk found (device, inode): a file swapped since, for a link out of the export
    #: or through a linked folder, is another file and is not read.
    identity: tuple[int, int]


class NotionExport:
    """The files of one export by their path within it (POSIX, wrapper folders left out)."""

    def __init__(self, name: str, entries: dict[str, _ZipEntry | _FileEntry], max_size: int) -> None:
        self.name = name
        self._max_size = max_size
        self._archives: list[Opened] = []
        prefix = _wrapper(list(entries))
        self._entries = {
            (path[len(prefix) :] if path.startswith(prefix) else path): entry
            for path, entry in entries.items()
        }

    def files(self) -> list[str]:
        """Every file's path, sorted."""
        return sorted(self._entries)

    def has(self, path: str) -> bool:
        return path in self._entries

    def read(self, path: str) -> bytes:
        """The bytes of one file; :class:`ExportReadError` when it cannot be read."""
        entry = self._entries.get(path)
        if entry is None:
            raise ExportReadError(f"{path} is not in {self.name}")
        if isinstance(entry, _ZipEntry):
            try:
                return read_member(entry.archive, entry.info, entry.container, self._max_size)
            except MemberReadError as exc:
                raise ExportReadError(str(exc)) from exc
        return _read_file(entry, path, self._max_size)

    def keep_open(self, archives: list[Opened]) -> None:
        self._archives = archives

    def close(self) -> None:
        for archive in reversed(self._archives):  # each zip before the spool it is read from
            archive.close()
        self._archives = []


def open_export(path: Path, limits: ZipLimits) -> NotionExport:
    """The export at ``path``; :class:`ConnectorError` (one sentence) when it cannot be read or is
    refused."""
    # os.path, not Path: a path stat() answers with an error (an unmounted disk) is said by the open.
    if os.path.isdir(path):
        return _open_folder(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise ConnectorError(f"export {path} does not exist") from exc
    except OSError as exc:
        raise ConnectorError(f"export {path} cannot be read: {exc.strerror or exc}") from exc
    except zipfile.BadZipFile as exc:
        raise ConnectorError(f"export {path} cannot be read as a zip: {exc}") from exc
    archives: list[Opened] = [archive]
    entries: dict[str, _ZipEntry | _FileEntry] = {}
    try:
        _add_zip(archive, str(path), limits, 0, 0, entries, archives)
    except BaseException:
        for opened in reversed(archives):
            opened.close()
        raise
    export = NotionExport(str(path), entries, limits.max_entry_size)
    export.keep_open(archives)
    return export


def _add_zip(
    archive: zipfile.ZipFile,
    name: str,
    limits: ZipLimits,
    depth: int,
    spent: int,
    entries: dict[str, _ZipEntry | _FileEntry],
    archives: list[Opened],
) -> int:
    infos = archive.infolist()
    spent = check_zip(infos, name, limits, spent, nested=_is_part)
    for info in infos:
        if info.is_dir():
            continue
        posix = info.filename.replace("\\", "/").lstrip("/")
        if _not_exported(posix):
            continue
        if _is_part(info):
            spent = _add_inner(archive, info, name, limits, depth, spent, entries, archives)
            continue
        _put(entries, posix, _ZipEntry(archive, info, name), name)
    return spent


def _add_inner(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    limits: ZipLimits,
    depth: int,
    spent: int,
    entries: dict[str, _ZipEntry | _FileEntry],
    archives: list[Opened],
) -> int:
    inner_name = f"{name}!{info.filename}"
    if depth + 1 >= MAX_NESTING:
        raise ConnectorError(f"{inner_name}: zips nested more than {MAX_NESTING} deep; the export is refused")
    bound = limits.max_entry_size if limits.max_nested_zip_size is None else limits.max_nested_zip_size
    try:
        spool = spool_member(archive, info, name, bound)
    except MemberReadError as exc:
        raise ConnectorError(f"{exc}; the export is refused") from exc
    except SpoolError as exc:  # one sentence naming the export, the folder and the space left
        reason = exc.error.strerror or str(exc.error)
        raise ConnectorError(
            f"{name}: {storage_problem(f'spool {exc.entry} to', exc.folder, reason)}; the export is refused"
        ) from exc
    archives.append(spool)  # closed with the export, or by open_export when it is refused
    try:
        inner = zipfile.ZipFile(spool)
    except zipfile.BadZipFile as exc:
        raise ConnectorError(f"{inner_name} cannot be read as a zip: {exc}; the export is refused") from exc
    archives.append(inner)
    return _add_zip(inner, inner_name, limits, depth + 1, spent, entries, archives)


def _is_part(info: zipfile.ZipInfo) -> bool:
    """A zip at the top of a zip: a part of the export, read through."""
    posix = info.filename.replace("\\", "/").lstrip("/")
    return "/" not in posix and posix.lower().endswith(".zip") and not _not_exported(posix)


def _put(
    entries: dict[str, _ZipEntry | _FileEntry], path: str, entry: _ZipEntry | _FileEntry, name: str
) -> None:
    if path in entries:
        raise ConnectorError(f"{name}: {path!r} appears twice in the export; the export is refused")
    entries[path] = entry


def _open_folder(path: Path, limits: ZipLimits) -> NotionExport:
    try:
        top = os.path.realpath(path, strict=True)
    except OSError as exc:
        raise ConnectorError(f"export folder {path} cannot be read: {exc.strerror or exc}") from exc
    entries: dict[str, _ZipEntry | _FileEntry] = {}
    archives: list[Opened] = []
    spent = 0
    try:
        for folder, dirs, names in os.walk(top, onerror=_raise_unreadable):
            dirs[:] = sorted(
                d for d in dirs if not _not_exported(d) and not os.path.islink(os.path.join(folder, d))
            )
            relative = os.path.relpath(folder, top).replace(os.sep, "/")
            for file_name in sorted(names):
                real = os.path.join(folder, file_name)
                if file_name.startswith("."):
                    continue
                found = _lstat(real)
                if found is None or stat.S_ISLNK(found.st_mode):
                    continue
                posix = file_name if relative == "." else f"{relative}/{file_name}"
                if relative == "." and file_name.lower().endswith(".zip"):
                    spent = _add_folder_zip(real, posix, limits, spent, entries, archives)
                else:
                    _put(entries, posix, _FileEntry(real, (found.st_dev, found.st_ino)), str(path))
    except BaseException:
        for opened in reversed(archives):
            opened.close()
        raise
    export = NotionExport(str(path), entries, limits.max_entry_size)
    export.keep_open(archives)
    return export


def _add_folder_zip(
    real: str,
    posix: str,
    limits: ZipLimits,
    spent: int,
    entries: dict[str, _ZipEntry | _FileEntry],
    archives: list[Opened],
) -> int:
    try:
        archive = zipfile.ZipFile(real)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ConnectorError(f"{real} cannot be read as a zip: {exc}; the export is refused") from exc
    archives.append(archive)
    return _add_zip(archive, real, limits, 1, spent, entries, archives)


def _raise_unreadable(error: OSError) -> None:
    raise ConnectorError(f"export folder {error.filename} cannot be read: {error.strerror or error}")


def _lstat(real: str) -> os.stat_result | None:
    try:
        return os.lstat(real)
    except FileNotFoundError:  # gone since the folder was listed: not part of the export
        return None
    except OSError as exc:
        raise ConnectorError(f"export file {real} cannot be read: {exc.strerror or exc}") from exc


def _read_file(entry: _FileEntry, path: str, max_size: int) -> bytes:
    # O_NONBLOCK: a FIFO named like a page must not block this thread in open(); O_NOFOLLOW: a
    # symlink put in the file's place since the scan is not followed out of the export.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        with open(os.open(entry.real, flags), "rb") as file:
            info = os.fstat(file.fileno())
            if (info.st_dev, info.st_ino) != entry.identity:
                raise ExportReadError(
                    f"{path} was replaced since the export was scanned (by another file, or through "
                    "a link); it is read again at the next sync"
                )
            if not stat.S_ISREG(info.st_mode):
                raise ExportReadError(f"{path} is not a regular file")
            # At most the file's size: read(n) allocates n bytes first, and n = max_size + 1 was
            # a 256 MiB allocation for every page of an unpacked export.
            data = file.read(min(info.st_size, max_size) + 1)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ExportReadError(
                f"{path} was replaced by a symlink since the export was scanned; it is not followed"
            ) from exc
        raise ExportReadError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from exc
    if len(data) > max_size:
        raise ExportReadError(f"{path} is larger than max_entry_size ({max_size} bytes)")
    return data


def _not_exported(path: str) -> bool:
    """A file or folder Notion never writes: hidden ones (``.DS_Store``) and what a Mac adds when
    it zips a folder again (``__MACOSX/``, whose ``._<page>`` twins carry a page's name)."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _wrapper(paths: list[str]) -> str:
    """The folders around every page that are no page's (``Export-<uuid>/``), as a path prefix."""
    pages = [
        path
        for path in paths
        if path.lower().endswith((*PAGE_SUFFIXES, TABLE_SUFFIX))
        and read_name(path.rsplit("/", 1)[-1]).page_id
    ]
    if not pages:
        return ""
    prefix: list[str] = []
    for parts in zip(*(path.split("/")[:-1] for path in pages), strict=False):
        if len(set(parts)) != 1 or read_name(parts[0]).page_id is not None:
            break
        prefix.append(parts[0])
    return "".join(f"{part}/" for part in prefix)
