"""The Content Import Source a source's External Pages live under, as state remembers it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RememberedImportSource:
    remote_id: int
    #: The source's ``url`` when the Content Import Source was found or created.
    url: str


class ImportSourceRecord:
    """The remembered Content Import Source of one source."""

    def __init__(self, db: sqlite3.Connection, source: str) -> None:
        self._db = db
        self._source = source

    def get(self) -> RememberedImportSource | None:
        row = self._db.execute(
            "SELECT remote_id, url FROM import_sources WHERE source = ?", (self._source,)
        ).fetchone()
        return RememberedImportSource(int(row[0]), str(row[1])) if row else None

    def remember(self, remote_id: int, url: str) -> None:
        """Remember the source's Content Import Source (another one has no audiences applied yet)."""
        self._db.execute(
            "INSERT INTO import_sources (source, remote_id, url) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET url = excluded.url, "
            "audiences = CASE WHEN remote_id = excluded.remote_id THEN audiences END, "
            "remote_id = excluded.remote_id",
            (self._source, remote_id, url),
        )

    def applied_audiences(self) -> list[str | int] | None:
        """The audiences, as the configuration named them, applied to the remembered Content Import
        Source (None: none by fin-ingest)."""
        row = self._db.execute(
            "SELECT audiences FROM import_sources WHERE source = ?", (self._source,)
        ).fetchone()
        return None if row is None or row[0] is None else list(json.loads(row[0]))

    def record_audiences(self, said: Sequence[str | int]) -> None:
        """Remember the audiences just applied, as the configuration names them."""
        self._db.execute(
            "UPDATE import_sources SET audiences = ? WHERE source = ?", (json.dumps(list(said)), self._source)
        )

    def every_remembered_id(self) -> set[int]:
        """The Content Import Sources every source of this state file remembers (its own too)."""
        return {int(row[0]) for row in self._db.execute("SELECT remote_id FROM import_sources")}

    def forget(self) -> None:
        self._db.execute("DELETE FROM import_sources WHERE source = ?", (self._source,))
