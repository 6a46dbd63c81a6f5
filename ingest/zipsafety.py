"""A zip read in place, never trusted: the checks every export connector makes before reading one.

Nothing is extracted to disk. Before a zip is read its whole directory is checked, and the zip
is refused (a :class:`ConnectorError` naming the entry) when an entry would land outside it
(``../``, an absolute path, a drive letter: zip-slip), is a symlink, appears twice, or when the
entries are too many, too large, or expand suspiciously well (a zip bomb). Directory entries,
including the bare ``/`` some exporters write, are tolerated. A zip inside a zip (Notion nests
them) is checked the same way, its sizes counted against the same total; it may be larger than a
page (``max_nested_zip_size``), so it is never held in memory but spooled to a temporary file
(:func:`spool_member`), removed when it is closed.
"""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ingest.errors import ConnectorError

#: Entries smaller than this cannot be bombs worth the name: their ratio is not checked.
RATIO_FLOOR = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
#: Bit 0 of a zip entry's general purpose flags: the entry is encrypted.
_ENCRYPTED = 0x1
#: Bytes copied at a time into a spool: what reading a nested zip costs in memory.
SPOOL_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Bounds a zip must keep to be read at all."""

    max_entries: int
    max_total_size: int
    max_entry_size: int
    max_compression_ratio: float
    #: The bound of a zip inside the zip (a Notion export's part, up to several GB), in place of
    #: ``max_entry_size``, which bounds a page; None: ``max_entry_size`` for it too.
    max_nested_zip_size: int | None = None


class MemberReadError(Exception):
    """One entry of a checked zip could not be read; the message says which and why."""


class SpoolError(Exception):
    """A nested zip could not be written to its spool (a full disk, a quota, an unwritable
    temporary folder): ``folder`` is where, ``error`` the write's error, for the caller to say."""

    def __init__(self, entry: str, folder: Path, error: OSError) -> None:
        super().__init__(f"cannot spool {entry} to {folder}: {error.strerror or error}")
        self.entry = entry
        self.folder = folder
        self.error = error


def unsafe_entry_name(name: str) -> str | None:
    """Why a zip entry name must not be used, or None when it is safe."""
    if "\0" in name:
        return "has a NUL byte in its name"
    posix = name.replace("\\", "/")
    if posix.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(posix):
        return "names a drive (an absolute Windows path)"
    if ".." in posix.split("/"):
        return "climbs out of the export with '..' (zip-slip)"
    return None


def _is_bare_root(info: zipfile.ZipInfo) -> bool:
    # Confluence Server 7 writes a directory entry named "/": harmless, nothing lands there.
    return info.is_dir() and info.filename.replace("\\", "/").strip("/") in ("", ".")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def check_zip(
    infos: list[zipfile.ZipInfo],
    name: str,
    limits: ZipLimits,
    spent: int = 0,
    nested: Callable[[zipfile.ZipInfo], bool] | None = None,
) -> int:
    """Refuse the zip (ConnectorError naming the entry) unless every entry keeps the limits.

    ``spent`` is what enclosing zips already expand to; the total, with this zip's, is returned.
    An entry ``nested`` says will be read as a zip is bounded by ``max_nested_zip_size``.
    """
    if len(infos) > limits.max_entries:
        raise ConnectorError(
            f"{name}: {len(infos)} entries, more than max_entries ({limits.max_entries}); "
            "the export is refused"
        )
    total = spent
    seen: set[str] = set()
    for info in infos:
        entry = info.filename
        if _is_bare_root(info):
            continue
        problem = unsafe_entry_name(entry) or ("is a symlink" if _is_symlink(info) else None)
        if problem is not None:
            raise ConnectorError(f"{name}: entry {entry!r} {problem}; the export is refused")
        if info.is_dir():
            continue
        posix = entry.replace("\\", "/")
        if posix in seen:
            raise ConnectorError(f"{name}: entry {entry!r} appears twice; the export is refused")
        seen.add(posix)
        size = info.file_size
        bound, bound_name = limits.max_entry_size, "max_entry_size"
        if limits.max_nested_zip_size is not None and nested is not None and nested(info):
            bound, bound_name = limits.max_nested_zip_size, "max_nested_zip_size"
        if size > bound:
            raise ConnectorError(
                f"{name}: entry {entry!r} expands to {size} bytes, more than {bound_name} "
                f"({bound}); the export is refused"
            )
        if size >= RATIO_FLOOR and size > limits.max_compression_ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise ConnectorError(
                f"{name}: entry {entry!r} expands {ratio:.0f} times, more than max_compression_ratio "
                f"({limits.max_compression_ratio:g}): a zip bomb? the export is refused"
            )
        total += size
        if total > limits.max_total_size:
            raise ConnectorError(
                f"{name}: entries up to {entry!r} expand to more than max_total_size "
                f"({limits.max_total_size} bytes); the export is refused"
            )
    return total


def _refuse_encrypted(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & _ENCRYPTED:  # zipfile's own refusal would show a <ZipInfo ...> repr
        raise MemberReadError(
            f"cannot read {info.filename} from {name}: the entry is encrypted "
            "(password-protected); export again without a password"
        )


def spool_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_size: int) -> IO[bytes]:
    """One entry of a checked zip (a zip inside it) copied a chunk at a time into an anonymous
    temporary file in the system temporary folder, positioned at its start: never more than
    ``max_size`` bytes whatever the directory said, never held in memory. The file is gone when
    closed, or at once when this raises: :class:`MemberReadError` when the entry cannot be read,
    :class:`SpoolError` when the spool cannot be written, as on a full disk."""
    _refuse_encrypted(info, name)
    folder = Path(tempfile.gettempdir())
    try:
        # Not a with: the spool outlives this call, closed by the caller with the zip read from it.
        spool = tempfile.TemporaryFile(prefix="ingest-zip-")  # noqa: SIM115
    except OSError as exc:
        raise SpoolError(info.filename, folder, exc) from exc
    try:
        copied = 0
        with archive.open(info) as member:
            while chunk := member.read(SPOOL_CHUNK):
                copied += len(chunk)
                if copied > max_size:
                    raise MemberReadError(f"{info.filename} is larger than {max_size} bytes, its bound")
                try:
                    spool.write(chunk)
                except OSError as exc:
                    raise SpoolError(info.filename, folder, exc) from exc
            try:
                spool.flush()
            except OSError as exc:
                raise SpoolError(info.filename, folder, exc) from exc
        spool.seek(0)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
        spool.close()
        raise MemberReadError(f"cannot read {info.filename} from {name}: {exc}") from exc
    except BaseException:
        spool.close()
        raise
    return spool


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_size: int) -> bytes:
    """The bytes of one entry of a checked zip, never more than ``max_size`` whatever the directory
    said; :class:`MemberReadError` when it cannot be read."""
    _refuse_encrypted(info, name)
    try:
        with archive.open(info) as member:
            data = member.read(max_size + 1)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
        raise MemberReadError(f"cannot read {info.filename} from {name}: {exc}") from exc
    if len(data) > max_size:
        raise MemberReadError(f"{info.filename} is larger than max_entry_size ({max_size} bytes)")
    return data
