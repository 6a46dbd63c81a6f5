"""What ``[notify]`` remembers between processes: which scopes are failing, since when, and when
they were last alerted. A scope is a source's name, or :data:`RUN_SCOPE` for a run that failed
before reaching any source (a refused token, every source locked)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ingest.state.store import StateStore
from ingest.state.transaction import transaction

#: A source name is never empty, so the empty string can mean "the run, before any source".
RUN_SCOPE = ""


@dataclass(frozen=True)
class AlertRecord:
    """One failing scope: failing since ``failing_since``, alerted last at ``alerted_at`` (epoch seconds)."""

    scope: str
    failing_since: float
    alerted_at: float


class AlertBook:
    """The ``alerts`` table of a state file."""

    def __init__(self, state: StateStore) -> None:
        # The stores of the state package share the file's one connection.
        self._db: sqlite3.Connection = state._db

    def failing(self) -> dict[str, AlertRecord]:
        """Every scope failing now, by scope."""
        rows = self._db.execute("SELECT scope, failing_since, alerted_at FROM alerts ORDER BY scope")
        return {row[0]: AlertRecord(row[0], row[1], row[2]) for row in rows}

    def save(self, failing: list[AlertRecord], recovered: list[str]) -> None:
        """Record ``failing`` (new, or alerted again) and forget ``recovered``, in one transaction."""
        if not failing and not recovered:
            return
        with transaction(self._db):
            self._db.executemany(
                "INSERT INTO alerts (scope, failing_since, alerted_at) VALUES (?, ?, ?) "
                "ON CONFLICT (scope) DO UPDATE SET failing_since = excluded.failing_since, "
                "alerted_at = excluded.alerted_at",
                [(record.scope, record.failing_since, record.alerted_at) for record in failing],
            )
            self._db.executemany("DELETE FROM alerts WHERE scope = ?", [(scope,) for scope in recovered])
