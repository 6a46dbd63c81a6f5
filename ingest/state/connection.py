"""Opening the state file: WAL mode, upgraded in place, refused when a newer release wrote it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError, StorageError
from ingest.state.migrations import LATEST_VERSION, schema_version, upgrade
from ingest.storage import NO_SPACE_ERRNOS, storage_problem

#: SQLite's primary result codes that say the disk under the file failed, not the statement.
_STORAGE_CODES = {
    sqlite3.SQLITE_FULL: "write",
    sqlite3.SQLITE_IOERR: "read or write",
    sqlite3.SQLITE_READONLY: "write",
}


class StateConnection(sqlite3.Connection):
    """A connection whose storage failures (a full disk, an I/O error, a file made read-only under
    it) are :class:`StorageError`, one sentence naming the file and the space left, rather than a
    ``sqlite3.OperationalError`` deep in a run; every statement of the state store passes here."""

    #: Set once the file is open: failures while opening it are told apart by open_state_file.
    path: Path | None = None

    def _storage(self, exc: sqlite3.Error) -> StorageError | None:
        return _storage_error(self.path, exc) if self.path is not None else None

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            storage = self._storage(exc)
            if storage is None:
                raise
            raise storage from exc

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as exc:
            storage = self._storage(exc)
            if storage is None:
                raise
            raise storage from exc

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(sql_script)
        except sqlite3.Error as exc:
            storage = self._storage(exc)
            if storage is None:
                raise
            raise storage from exc


def _storage_error(path: Path, exc: sqlite3.Error | OSError) -> StorageError | None:
    """The StorageError ``exc`` amounts to, or None when it is not about the disk."""
    if isinstance(exc, OSError):
        if exc.errno not in NO_SPACE_ERRNOS:
            return None
        return StorageError(storage_problem("write the state file", path, exc.strerror or str(exc)))
    code = getattr(exc, "sqlite_errorcode", None)
    doing = _STORAGE_CODES.get(code & 0xFF) if isinstance(code, int) else None
    if doing is None:
        return None
    return StorageError(storage_problem(f"{doing} the state file", path, str(exc)))


def open_state_file(path: Path) -> sqlite3.Connection:
    """The state file at ``path`` (created when missing) in WAL mode, upgraded to this release's
    schema; ConfigError naming ``state.path`` when it cannot be used, or when a newer release
    wrote it (then the file is left exactly as it was); StorageError when its disk is full."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30.0, isolation_level=None, factory=StateConnection)
    except (OSError, sqlite3.Error) as exc:
        if (storage := _storage_error(path, exc)) is not None:
            raise storage from exc
        raise ConfigError(f"state.path: cannot open the state file {path}: {_reason(path, exc)}") from exc
    try:
        found = schema_version(db)
        if found > LATEST_VERSION:
            raise ConfigError(
                f"state.path: {path} was written by a newer fin-ingest (schema {found}; this release "
                f"reads up to {LATEST_VERSION}); upgrade fin-ingest or use another state file"
            )
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across process kills in WAL mode; only an OS crash may lose
        # the last commits, which the next run then simply redoes (upserts are idempotent).
        db.execute("PRAGMA synchronous=NORMAL")
        upgrade(db)
        # A file SQLite may only read (its permissions, a read-only mount) opens without error;
        # every command may write, so it is refused now, not at a run's first write. This
        # statement takes the write lock and changes nothing.
        db.execute("DELETE FROM sources WHERE 0")
    except sqlite3.Error as exc:
        db.close()
        # A full disk is no configuration mistake (exit 1, and the next run recovers); a file
        # SQLite may only read is one (its permissions, a read-only mount), found at once.
        storage = _storage_error(path, exc)
        if storage is not None and _is_code(exc, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
            raise storage from exc
        raise ConfigError(f"state.path: cannot use {path} as the state file: {_reason(path, exc)}") from exc
    except BaseException:
        db.close()
        raise
    if isinstance(db, StateConnection):  # a test may hand back a plain connection
        db.path = path
    return db


def _is_code(exc: sqlite3.Error, *codes: int) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in codes


def _reason(path: Path, exc: OSError | sqlite3.Error) -> str:
    """Why; sqlite says only "unable to open database file", so name the likely cause."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if os.path.isdir(path):
        return "it is a folder"
    if not os.access(path.parent, os.W_OK):
        return f"its folder is not writable ({exc})"
    return str(exc)
