"""A Confluence HTML space export read in place: a ``.zip`` or the folder it unpacks to.

Nothing is extracted to disk. Before a zip is read its whole directory is checked by
:mod:`ingest.zipsafety` (zip-slip, symlinks, entry count, sizes, compression ratio), which
the Notion export connector shares.

The export's root is the folder holding ``index.html`` (the export itself, or the one
folder named after the space inside it). Pages are the other ``.html`` files directly in
that root; ``attachments/``, ``images/`` and ``styles/`` are never read. A page's locator
is its file name, so the zip and the unpacked folder of one export name pages alike.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path
from typing import Protocol

from ingest.errors import ConnectorError
from ingest.zipsafety import ZipLimits, check_zip, unsafe_entry_name

__all__ = [
    "INDEX",
    "Export",
    "ExportReadError",
    "FolderExport",
    "ZipExport",
    "ZipLimits",
    "check_zip",
    "find_root",
    "open_export",
    "unsafe_entry_name",
]

INDEX = "index.html"


class ExportReadError(Exception):
    """One file of the export could not be read; the message says which and why."""


class Export(Protocol):
    """**Protocol**: the files of one export, whatever holds them."""

    #: The zip or folder, for messages.
    name: str

    def pages(self) -> list[str]:
        """Locators (file names) of the page files, sorted."""
        ...

    def read(self, locator: str) -> bytes:
        """The bytes of a page file or ``index.html``; :class:`ExportReadError` if it cannot be read."""
        ...

    def has(self, locator: str) -> bool:
        """Whether the export holds this file (relative to its root)."""
        ...

    def close(self) -> None: ...


def open_export(path: Path, limits: ZipLimits) -> Export:
    """The export at ``path``; :class:`ConnectorError` when it cannot be read or is refused."""
    # os.path, not Path: a path stat() answers with an error (an unmounted disk) is said by the open.
    if os.path.isdir(path):
        return FolderExport(path, limits.max_entry_size)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise ConnectorError(f"export {path} does not exist") from exc
    except OSError as exc:  # an unmounted disk, a file not to be read: said as the system says it
        raise ConnectorError(f"export {path} cannot be read: {exc.strerror or exc}") from exc
    except zipfile.BadZipFile as exc:
        raise ConnectorError(f"export {path} cannot be read as a zip: {exc}") from exc
    try:
        return ZipExport(archive, str(path), limits)
    except BaseException:
        archive.close()
        raise


#: Bit 0 of a zip entry's general purpose flags: the entry is encrypted.
_ENCRYPTED = 0x1


def find_root(files: list[str], name: str) -> str:
    """The folder (``""`` or ``"SPACE/"``) holding the export's ``index.html``.

    Without an ``index.html`` the root is the one top folder every file shares, if any.
    """
    indexes = sorted(path for path in files if path.count("/") <= 1 and path.rsplit("/", 1)[-1] == INDEX)
    if INDEX in indexes:
        return ""
    if len(indexes) > 1:
        raise ConnectorError(
            f"{name} holds several exports ({', '.join(indexes)}); point path at one of them"
        )
    if indexes:
        return indexes[0][: -len(INDEX)]
    tops = {path.split("/", 1)[0] if "/" in path else "" for path in files}
    return f"{tops.pop()}/" if len(tops) == 1 and "" not in tops else ""


def is_page_name(file_name: str) -> bool:
    return file_name.lower().endswith(".html") and file_name != INDEX and not file_name.startswith(".")


class ZipExport:
    """An export read from a zip that passed :func:`check_zip`."""

    def __init__(self, archive: zipfile.ZipFile, name: str, limits: ZipLimits) -> None:
        self.name = name
        self._archive = archive
        self._max_size = limits.max_entry_size
        infos = archive.infolist()
        check_zip(infos, name, limits)
        # Zips made on Windows may separate folders with backslashes.
        files = {info.filename.replace("\\", "/"): info for info in infos if not info.is_dir()}
        self._root = find_root(list(files), name)
        self._files = {
            path[len(self._root) :]: info for path, info in files.items() if path.startswith(self._root)
        }
        self._pages = sorted(
            locator for locator in self._files if "/" not in locator and is_page_name(locator)
        )

    def pages(self) -> list[str]:
        return list(self._pages)

    def has(self, locator: str) -> bool:
        return locator in self._files

    def read(self, locator: str) -> bytes:
        info = self._files.get(locator)
        if info is None:
            raise ExportReadError(f"{locator} is not in {self.name}")
        if info.flag_bits & _ENCRYPTED:  # zipfile's own refusal would show a <ZipInfo ...> repr
            raise ExportReadError(
                f"cannot read {locator} from {self.name}: its entry {info.filename} is encrypted "
                "(password-protected); export the space again without a password"
            )
        try:
            with self._archive.open(info) as member:
                # The directory was checked, but read no more than the bound whatever it said.
                data = member.read(self._max_size + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
            raise ExportReadError(f"cannot read {locator} from {self.name}: {exc}") from exc
        if len(data) > self._max_size:
            raise ExportReadError(f"{locator} is larger than max_entry_size ({self._max_size} bytes)")
        return data

    def close(self) -> None:
        self._archive.close()


class FolderExport:
    """An export unpacked into a folder; files are read only while they stay inside it."""

    def __init__(self, path: Path, max_size: int) -> None:
        self.name = str(path)
        self._max_size = max_size
        try:
            top = os.path.realpath(path, strict=True)
            names = sorted(os.listdir(top))
        except OSError as exc:
            raise ConnectorError(f"export folder {path} cannot be read: {exc.strerror or exc}") from exc
        children = [name for name in names if not name.startswith(".")]
        nested = [f"{child}/{INDEX}" for child in children if os.path.isfile(os.path.join(top, child, INDEX))]
        root = find_root([*children, *nested], self.name)
        self._root = os.path.realpath(os.path.join(top, root)) if root else top
        if not self._inside(top, self._root):
            raise ConnectorError(f"export folder {path}: {root} leads outside it")
        try:
            listed = sorted(os.listdir(self._root)) if root else names
        except OSError as exc:
            raise ConnectorError(f"export folder {self._root} cannot be listed: {exc.strerror}") from exc
        self._pages = [name for name in listed if is_page_name(name)]

    @staticmethod
    def _inside(root: str, real: str) -> bool:
        return real == root or real.startswith(root.rstrip(os.sep) + os.sep)

    def pages(self) -> list[str]:
        return list(self._pages)

    def has(self, locator: str) -> bool:
        return os.path.isfile(os.path.join(self._root, *locator.split("/")))

    def read(self, locator: str) -> bytes:
        if not locator or "/" in locator or "\\" in locator or "\0" in locator or locator in (".", ".."):
            raise ExportReadError(f"{locator!r} is not a file name in the export")
        real = os.path.realpath(os.path.join(self._root, locator))
        if not self._inside(self._root, real):
            raise ExportReadError(f"{locator} resolves outside the export folder")
        try:
            # O_NONBLOCK: a FIFO named like a page must not block this thread in open().
            with open(os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
                info = os.fstat(file.fileno())
                if not stat.S_ISREG(info.st_mode):
                    raise ExportReadError(f"{locator} is not a regular file")
                if info.st_size > self._max_size:
                    raise ExportReadError(f"{locator} is larger than max_entry_size ({self._max_size} bytes)")
                return file.read(self._max_size + 1)
        except OSError as exc:
            raise ExportReadError(f"cannot read {locator}: {(exc.strerror or str(exc)).lower()}") from exc

    def close(self) -> None:
        """Nothing to release: files are opened per read."""
