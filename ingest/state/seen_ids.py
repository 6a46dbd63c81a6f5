"""External ids a run has seen, kept on disk: a first sync of 200,000 documents checks every new
page's id against every one before it (two documents may not share a twin), which as a Python
set holds about 110 bytes a document to the end of the run.

A private temporary SQLite database (the empty file name): SQLite creates it in the system's
temporary folder, unlinked as soon as it is open, so it is gone when the run ends, a crash
included; only its page cache (2 MB by default) is in memory.
"""

from __future__ import annotations

import sqlite3
import weakref

from ingest.errors import StorageError


class SeenIds:
    """A set of strings that grows on disk: ``add`` says whether the id is new."""

    def __init__(self) -> None:
        # One user at a time, but not always the thread that made it (a plan is let go anywhere).
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute("CREATE TABLE seen (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._count = 0
        weakref.finalize(self, self._db.close)  # the plan holding it may outlive the run

    def add(self, external_id: str) -> bool:
        """Add ``external_id``; False when it was there already."""
        try:
            added = (
                self._db.execute("INSERT OR IGNORE INTO seen (id) VALUES (?)", (external_id,)).rowcount == 1
            )
        except sqlite3.OperationalError as exc:  # the temporary folder is full or cannot be written
            raise StorageError(
                f"cannot keep this run's list of documents in the temporary folder: {exc}"
            ) from exc
        self._count += added
        return added

    def __contains__(self, external_id: object) -> bool:
        row = self._db.execute("SELECT 1 FROM seen WHERE id = ?", (external_id,)).fetchone()
        return row is not None

    def __len__(self) -> int:
        return self._count
