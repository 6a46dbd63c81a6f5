"""One target's records as a run sees them: those it may touch built as objects, the rest left in
the file.

A nightly run over an unchanged corpus compares every document the scan lists with what was
last sent. Building every record as an object for that costs more than the rest of the run
(about 34 MB and 0.3 s at 50,000 documents), so the scan is compared with the records' locators,
fingerprints and external ids read as rows, a slice of the scan at a time
(:meth:`RunRecords.unchanged_at`), and only the records of documents not found unchanged are
built (:meth:`RunRecords.load_all_but`). What is settled apart from the upserts (availability,
owner tags) is asked of the records left in the file per distinct :class:`RecordKind`, not per
record (:meth:`RunRecords.untouched_where`).

The functions at the bottom take any mapping of records: a plain dict (a test, a whole plan)
counts as every record touched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import NamedTuple

from ingest.availability import Availability
from ingest.state.records import RECORD_COLUMNS, DocumentRecord, held_from, record_from_row, stored_declared


class RecordKind(NamedTuple):
    """What decides whether a record left untouched by a run has anything settled apart for it."""

    #: What the document declared of its availability when it was last read.
    declared: Availability | None
    #: What its remote twin is known to hold.
    availability: Availability
    #: The owner tag its remote twin is known to carry.
    owner_tag: int | None
    #: Whether it is a translation (written into its original's twin).
    translation: bool


#: Documents of a scan compared with state in one statement.
_COMPARED_AT_ONCE = 2_000

#: The columns a kind is made of, as stored (see :func:`_kind`).
_KIND_COLUMNS = "declared, ai_agent, ai_copilot, ai_sales_agent, owner_tag, locale IS NOT NULL"


def _kind(stored: tuple[str | None, int | None, int | None, int | None, int | None, int]) -> RecordKind:
    declared, ai_agent, ai_copilot, ai_sales_agent, owner_tag, translation = stored
    held = held_from(ai_agent, ai_copilot, ai_sales_agent)
    return RecordKind(stored_declared(declared), held, owner_tag, bool(translation))


class RunRecords(Mapping[str, DocumentRecord]):
    """Every record of one source in one target, by external id, as a mapping; until
    :meth:`load_all_but` is told which documents the scan found unchanged, the first look at it
    builds them all."""

    def __init__(self, db: sqlite3.Connection, source: str, target: str) -> None:
        self._db = db
        self._key = (source, target)
        self._touched: dict[str, DocumentRecord] | None = None
        self._untouched: Collection[str] = frozenset()
        self._kinds: list[tuple[str | None, int | None, int | None, int | None, int | None, int]] | None = (
            None
        )

    # The scan ---------------------------------------------------------------------

    def unchanged_at(self, scanned: Sequence[tuple[str, str | None]]) -> list[str | None]:
        """For each document scanned (locator, effective fingerprint; None: any fingerprint), the
        external id it is recorded under at that locator with that fingerprint (the last recorded,
        when several are), or None."""
        unchanged: list[str | None] = [None] * len(scanned)
        # A slice at a time, each compared with the records in its range of locators, read in
        # the order of the (source, target, locator) index. A scan comes in locator order, so the
        # ranges do not overlap and every record is read once; in a slice where nothing changed
        # the records read equal the slice itself, a comparison made in C.
        for start in range(0, len(scanned), _COMPARED_AT_ONCE):
            part = scanned[start : start + _COMPARED_AT_ONCE]
            locators = [locator for locator, _ in part]
            rows = self._db.execute(
                "SELECT locator, fingerprint, NULLIF(external_id, locator) FROM documents "
                "WHERE source = ? AND target = ? AND locator BETWEEN ? AND ? ORDER BY locator, rowid",
                (*self._key, min(locators), max(locators)),
            ).fetchall()
            if rows == [(locator, fingerprint, None) for locator, fingerprint in part]:
                # Most external ids are their locator: the scan's string is held for both.
                unchanged[start : start + len(part)] = locators
                continue
            recorded: dict[str, list[tuple[str, str | None]]] = {}
            for locator, fingerprint, other in rows:
                recorded.setdefault(locator, []).append((fingerprint, other))
            for offset, (locator, wanted) in enumerate(part):
                for fingerprint, other in recorded.get(locator, ()):
                    if wanted is None or wanted == fingerprint:
                        unchanged[start + offset] = locator if other is None else other
        return unchanged

    def load_all_but(self, untouched: Collection[str]) -> None:
        """Build every record but those of ``untouched`` (external ids the scan found unchanged,
        which the run neither upserts, refreshes nor deletes); ``untouched`` is kept, not copied."""
        if not untouched:
            self._touched, self._untouched = None, frozenset()
            self._load()
            return
        self._untouched = untouched
        (recorded,) = self._db.execute(
            "SELECT COUNT(*) FROM documents WHERE source = ? AND target = ?", self._key
        ).fetchone()
        if recorded == len(untouched):  # every record unchanged (``untouched`` are recorded ids)
            self._touched = {}
            return
        rows = self._db.execute(
            f"SELECT {RECORD_COLUMNS} FROM documents WHERE source = ? AND target = ? "  # noqa: S608 - constant
            "AND external_id NOT IN (SELECT value FROM json_each(?))",
            (*self._key, json.dumps(list(untouched))),
        )
        self._touched = {row[0]: record_from_row(row) for row in rows}

    # What a run may touch, and the rest by kind ------------------------------------

    def touched(self) -> Mapping[str, DocumentRecord]:
        """The records built: all but those the scan found unchanged."""
        return self._load()

    def untouched_where(self, wanted: Callable[[RecordKind], bool]) -> list[DocumentRecord]:
        """The records left in the file whose kind is ``wanted`` (asked once per distinct kind)."""
        if not self._untouched:
            return []
        if self._kinds is None:  # a run leaves untouched records as they are: asked once
            self._kinds = self._db.execute(
                f"SELECT DISTINCT {_KIND_COLUMNS} FROM documents WHERE source = ? AND target = ?",  # noqa: S608 - constant
                self._key,
            ).fetchall()
        untouched = self._untouched
        found: list[DocumentRecord] = []
        for stored in self._kinds:
            if not wanted(_kind(stored)):
                continue
            rows = self._db.execute(
                f"SELECT {RECORD_COLUMNS} FROM documents WHERE source = ? AND target = ? "  # noqa: S608 - constant
                "AND declared IS ? AND ai_agent IS ? AND ai_copilot IS ? AND ai_sales_agent IS ? "
                "AND owner_tag IS ? AND (locale IS NOT NULL) = ?",
                (*self._key, *stored),
            )
            # Not "not touched": a record the run wrote since (a page it created) is neither.
            found += (record_from_row(row) for row in rows if row[0] in untouched)
        return found

    # The mapping ------------------------------------------------------------------

    def __getitem__(self, external_id: str) -> DocumentRecord:
        touched = self._load()
        if external_id in touched:
            return touched[external_id]
        if external_id in self._untouched:
            row = self._db.execute(
                f"SELECT {RECORD_COLUMNS} FROM documents "  # noqa: S608 - constant
                "WHERE source = ? AND target = ? AND external_id = ?",
                (*self._key, external_id),
            ).fetchone()
            if row is not None:
                return record_from_row(row)
        raise KeyError(external_id)

    def __contains__(self, external_id: object) -> bool:
        return external_id in self._load() or external_id in self._untouched

    def __iter__(self) -> Iterator[str]:
        yield from self._load()
        yield from self._untouched

    def __len__(self) -> int:
        return len(self._load()) + len(self._untouched)

    def __bool__(self) -> bool:
        """Whether the target holds any record, asked of the file until the records are built (a
        scan asks before it knows which are unchanged: building them all would undo the point)."""
        if self._touched is not None:
            return bool(self._touched) or bool(self._untouched)
        held = self._db.execute(
            "SELECT 1 FROM documents WHERE source = ? AND target = ? LIMIT 1", self._key
        ).fetchone()
        return held is not None

    def _load(self) -> dict[str, DocumentRecord]:
        if self._touched is None:
            rows = self._db.execute(
                f"SELECT {RECORD_COLUMNS} FROM documents WHERE source = ? AND target = ?",  # noqa: S608 - constant
                self._key,
            )
            self._touched = {row[0]: record_from_row(row) for row in rows}
        return self._touched


def touched_records(records: Mapping[str, DocumentRecord]) -> Mapping[str, DocumentRecord]:
    """The records a run may touch: all of a plain mapping, the built ones of :class:`RunRecords`."""
    return records.touched() if isinstance(records, RunRecords) else records


def untouched_records_where(
    records: Mapping[str, DocumentRecord], wanted: Callable[[RecordKind], bool]
) -> list[DocumentRecord]:
    """The records left untouched by a run (none of a plain mapping) whose kind is ``wanted``."""
    return records.untouched_where(wanted) if isinstance(records, RunRecords) else []


def unchanged_at(
    records: Mapping[str, DocumentRecord], scanned: Sequence[tuple[str, str | None]]
) -> list[str | None]:
    """:meth:`RunRecords.unchanged_at` of any mapping of records (a plain one compared here)."""
    if isinstance(records, RunRecords):
        return records.unchanged_at(scanned)
    by_locator = {record.locator: record for record in records.values()}
    unchanged: list[str | None] = []
    for locator, fingerprint in scanned:
        record = by_locator.get(locator)
        matches = record is not None and (fingerprint is None or record.fingerprint == fingerprint)
        unchanged.append(record.external_id if record is not None and matches else None)
    return unchanged
