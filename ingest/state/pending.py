"""The watch daemon's pending work, kept in the state file so that it survives a restart.

A batch's locators are written here *before* the batch starts and removed only once every
target synced them; what failed because the API was away stays for the next attempt. A
row's ``seq`` grows with every change: a locator changed again while its batch ran gets a
higher one, so finishing the batch does not clear the newer change. The empty locator
:data:`WHOLE_SOURCE` stands for "scan the whole source".
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ingest.state.store import StateStore
from ingest.state.transaction import transaction

#: A locator is never empty, so the empty string can mean "the whole source".
WHOLE_SOURCE = ""


@dataclass(frozen=True)
class Pending:
    """Everything pending for one source, up to ``seq``."""

    locators: frozenset[str]
    whole: bool
    seq: int

    @property
    def empty(self) -> bool:
        return not self.locators and not self.whole


class PendingWork:
    """The ``watch_pending`` table of a state file."""

    def __init__(self, state: StateStore) -> None:
        # The stores of the state package share the file's one connection.
        self._db: sqlite3.Connection = state._db

    def add(self, source: str, locators: Iterable[str], *, whole: bool = False) -> None:
        """Remember that ``locators`` (or, with ``whole``, the whole source) need syncing."""
        rows = [*locators, *([WHOLE_SOURCE] if whole else [])]
        if not rows:
            return
        now = time.time()
        with transaction(self._db):
            (seq,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM watch_pending").fetchone()
            self._db.executemany(
                "INSERT INTO watch_pending (source, locator, seq, since) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source, locator) DO UPDATE SET seq = excluded.seq",
                [(source, locator, seq, now) for locator in rows],
            )

    def load(self, source: str) -> Pending:
        """Everything pending for ``source`` now."""
        query = "SELECT locator, seq FROM watch_pending WHERE source = ?"
        rows = self._db.execute(query, (source,)).fetchall()
        locators = frozenset(locator for locator, _ in rows if locator != WHOLE_SOURCE)
        whole = any(locator == WHOLE_SOURCE for locator, _ in rows)
        return Pending(locators, whole, max((seq for _, seq in rows), default=0))

    def done(self, source: str, pending: Pending, *, keep: Collection[str] = ()) -> None:
        """``pending`` was synced, except ``keep`` (locators that failed): forget the rest.

        Rows changed after ``pending`` was loaded carry a higher ``seq`` and stay.
        """
        now = time.time()
        with transaction(self._db):
            self._db.execute(
                "DELETE FROM watch_pending WHERE source = ? AND seq <= ? AND locator NOT IN "
                "(SELECT value FROM json_each(?))",
                (source, pending.seq, json.dumps(list(keep))),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO watch_pending (source, locator, seq, since) VALUES (?, ?, ?, ?)",
                [(source, locator, pending.seq, now) for locator in keep],
            )

    def counts(self) -> dict[str, int]:
        """Pending rows per source (a whole-source row counts as one), for status displays."""
        rows = self._db.execute("SELECT source, COUNT(*) FROM watch_pending GROUP BY source")
        return {source: int(count) for source, count in rows}
