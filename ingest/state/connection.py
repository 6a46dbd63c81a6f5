"""Opening the state file: WAL mode, upgraded in place, refused when a newer release wrote it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ingest.errors import ConfigError
from ingest.state.migrations import LATEST_VERSION, schema_version, upgrade


def open_state_file(path: Path) -> sqlite3.Connection:
    """The state file at ``path`` (created when missing) in WAL mode, upgraded to this release's
    schema; ConfigError naming ``state.path`` when it cannot be used, or when a newer release
    wrote it (then the file is left exactly as it was)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
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
        raise ConfigError(f"state.path: cannot use {path} as the state file: {_reason(path, exc)}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _reason(path: Path, exc: OSError | sqlite3.Error) -> str:
    """Why; sqlite says only "unable to open database file", so name the likely cause."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if os.path.isdir(path):
        return "it is a folder"
    if not os.access(path.parent, os.W_OK):
        return f"its folder is not writable ({exc})"
    return str(exc)
