"""Optional persistence of the store to one JSON file, replaced atomically on every save."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from ingest.emulator.store import Store
from ingest.errors import ConfigError


class DataFile:
    """Loads a :class:`Store` from ``path`` and saves it whenever it changed since the last save.

    A save writes a temporary file beside ``path`` and ``os.replace``-s it, so a reader
    (or a crash) never sees half a file. No fsync: this is an emulator, not a database.
    """

    def __init__(self, path: Path, store: Store) -> None:
        self.path = path
        self.store = store
        self._saved_version: int | None = None

    def load(self) -> None:
        """Fill the store from the file if it exists; a malformed file is a ConfigError."""
        if self.path.exists():
            try:
                self.store.load(json.loads(self.path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"emulator data file {self.path} cannot be loaded: {exc}") from exc
        self._saved_version = self.store.version

    def save_if_changed(self) -> None:
        """Write the store out if any write happened since the last save or load."""
        if self.store.version == self._saved_version:
            return
        version = self.store.version
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.store.dump(), out, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._saved_version = version
