"""A zip read in place, never trusted: the checks every export connector makes before reading one.

Nothing is extracted to disk. Before a zip is read its whole directory is checked, and the zip
is refused (a :class:`ConnectorError` naming the entry) when an entry would land outside it
(``../``, an absolute path, a drive letter: zip-slip), is a symlink, appears twice, or when the
entries are too many, too large, or expand suspiciously well (a zip bomb). Directory entries,
including the bare ``/`` some exporters write, are tolerated. A zip inside a zip (Notion nests
them) is checked the same way, its sizes counted against the same total.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass

from ingest.errors import ConnectorError

#: Entries smaller than this cannot be bombs worth the name: their ratio is not checked.
RATIO_FLOOR = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
#: Bit 0 of a zip entry's general purpose flags: the entry is encrypted.
_ENCRYPTED = 0x1


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Bounds a zip must keep to be read at all."""

    max_entries: int
    max_total_size: int
    max_entry_size: int
    max_compression_ratio: float


class MemberReadError(Exception):
    """One entry of a checked zip could not be read; the message says which and why."""


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


def check_zip(infos: list[zipfile.ZipInfo], name: str, limits: ZipLimits, spent: int = 0) -> int:
    """Refuse the zip (ConnectorError naming the entry) unless every entry keeps the limits.

    ``spent`` is what enclosing zips already expand to; the total, with this zip's, is returned.
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
        if size > limits.max_entry_size:
            raise ConnectorError(
                f"{name}: entry {entry!r} expands to {size} bytes, more than max_entry_size "
                f"({limits.max_entry_size}); the export is refused"
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


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_size: int) -> bytes:
    """The bytes of one entry of a checked zip, never more than ``max_size`` whatever the directory
    said; :class:`MemberReadError` when it cannot be read."""
    if info.flag_bits & _ENCRYPTED:  # zipfile's own refusal would show a <ZipInfo ...> repr
        raise MemberReadError(
            f"cannot read {info.filename} from {name}: the entry is encrypted "
            "(password-protected); export again without a password"
        )
    try:
        with archive.open(info) as member:
            data = member.read(max_size + 1)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
        raise MemberReadError(f"cannot read {info.filename} from {name}: {exc}") from exc
    if len(data) > max_size:
        raise MemberReadError(f"{info.filename} is larger than max_entry_size ({max_size} bytes)")
    return data
