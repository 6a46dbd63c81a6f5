"""The files of a ``filesystem`` source as its docs site reads them (:class:`ingest.sites.SiteFiles`).

Only files the scan listed can be read (so the same rules hold: no hidden names, no symlink
leading out of the folder), and each read checks again that the file is still inside it. The
hidden names the scan saw at the root and in top-level folders (``.obsidian/``) are among the
paths, so a dialect can tell what the source is, but they cannot be read.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection

from connectors.filesystem.tree import find_on_disk, inside


class FolderFiles:
    """Satisfies :class:`ingest.sites.SiteFiles` for a folder on disk."""

    def __init__(self, root: str, listed: Collection[str], hidden: Collection[str] = ()) -> None:
        self._root = root
        self._listed = frozenset(listed)
        self._paths = self._listed | frozenset(hidden)

    def paths(self) -> Collection[str]:
        return self._paths

    async def read(self, path: str) -> bytes | None:
        if path not in self._listed:
            return None
        return await asyncio.to_thread(self._read, path)

    def _read(self, path: str) -> bytes | None:
        real = os.path.realpath(find_on_disk(self._root, path))
        if not inside(self._root, real):
            return None
        try:
            with open(real, "rb") as file:
                return file.read()
        except OSError:
            return None
