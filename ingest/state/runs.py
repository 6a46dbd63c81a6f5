"""The history of runs: what each run of a source and target did, and the latest failures.

Kept in the state file beside what was sent; read by ``ingest status``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ingest.state.transaction import transaction


class RunOutcome(StrEnum):
    """How one run of a source and target ended, as ``ingest status`` shows it."""

    #: Started and not finished: still going, or killed (the next run redoes what it had left).
    RUNNING = "running"
    #: Everything planned was done.
    OK = "ok"
    #: Some documents (or the whole source) failed; the rest was done.
    FAILED = "failed"
    #: The mass-delete guard stopped it before anything was sent.
    REFUSED = "refused"
    #: Stopped before it could be carried out (another target's fatal error, a cancelled batch).
    ABORTED = "aborted"


@dataclass(frozen=True, slots=True)
class RunCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    #: Remote twins whose availability (AI Agent, Copilot, Fin for sales) was set without
    #: sending them again (a bulk action).
    availability: int = 0
    #: Remote twins whose owner tag was added, moved or removed (a bulk action).
    tagged: int = 0
    #: Remote twins withdrawn (made unavailable to every Fin surface: ``on_delete = "withdraw"``).
    withdrawn: int = 0
    #: Withdrawn twins whose document came back, sent again and available as it wants.
    restored: int = 0
    #: Withdrawn twins deleted once their document stayed gone for ``withdraw_days``.
    expired: int = 0


@dataclass(frozen=True, slots=True)
class RunRecord:
    source: str
    started_at: float
    finished_at: float | None
    #: A word a later release added (read from a file it wrote) stays the word it wrote.
    outcome: RunOutcome | str
    counts: RunCounts


@dataclass(frozen=True, slots=True)
class FailureRecord:
    locator: str
    message: str
    at: float


class RunLog:
    """The ``runs`` and ``failures`` tables of a state file."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def start(self, source: str, target: str) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (source, target, started_at) VALUES (?, ?, ?)", (source, target, time.time())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish(self, run_id: int, outcome: RunOutcome, counts: RunCounts) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at = ?, outcome = ?, created = ?, updated = ?, deleted = ?, "
            "unchanged = ?, skipped = ?, failed = ?, availability = ?, tagged = ?, withdrawn = ?, "
            "restored = ?, expired = ? WHERE id = ?",
            (
                time.time(),
                outcome.value,
                counts.created,
                counts.updated,
                counts.deleted,
                counts.unchanged,
                counts.skipped,
                counts.failed,
                counts.availability,
                counts.tagged,
                counts.withdrawn,
                counts.restored,
                counts.expired,
                run_id,
            ),
        )

    def last(self, source: str, target: str) -> RunRecord | None:
        row = self._db.execute(
            "SELECT source, started_at, finished_at, outcome, created, updated, deleted, unchanged, "
            "skipped, failed, availability, tagged, withdrawn, restored, expired FROM runs "
            "WHERE source = ? AND target = ? "
            "ORDER BY id DESC LIMIT 1",
            (source, target),
        ).fetchone()
        if row is None:
            return None
        return RunRecord(row[0], row[1], row[2], _read_outcome(row[3]), RunCounts(*row[4:]))

    def replace_failures(self, source: str, failures: Iterable[tuple[str, str]]) -> None:
        """The failures of the latest run of a source (locator, message), replacing older ones."""
        now = time.time()
        with transaction(self._db):
            self._db.execute("DELETE FROM failures WHERE source = ?", (source,))
            self._db.executemany(
                "INSERT OR REPLACE INTO failures (source, locator, message, at) VALUES (?, ?, ?, ?)",
                [(source, locator, message, now) for locator, message in failures],
            )

    def failures(self, source: str) -> list[FailureRecord]:
        rows = self._db.execute(
            "SELECT locator, message, at FROM failures WHERE source = ? ORDER BY locator", (source,)
        )
        return [FailureRecord(*row) for row in rows]


def _read_outcome(value: str) -> RunOutcome | str:
    try:
        return RunOutcome(value)
    except ValueError:
        return value
