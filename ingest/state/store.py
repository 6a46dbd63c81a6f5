"""The state file: one SQLite file (WAL mode) that remembers what fin-ingest sent.

Per source: the connector's checkpoint. Per source and target (:class:`TargetStore`): the
documents sent, the documents left out on purpose, the settings last used, and what a
target keeps to find its remote content again (a Content Import Source, collections,
intents). Per run: counts and failures. The watch daemon's pending work. Nothing here is a
secret; the token is never stored.
"""

from __future__ import annotations

from pathlib import Path

from ingest.state.connection import open_state_file
from ingest.state.documents import TargetStore
from ingest.state.runs import RunLog


class StateStore:
    """The SQLite state file. One instance per process; not shared across threads."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the state file, upgrading it in place; ConfigError (naming
        ``state.path``) when it cannot be used or a newer release wrote it."""
        self.path = path
        self._db = open_state_file(path)
        self._targets: dict[tuple[str, str], TargetStore] = {}
        #: What each run did, and the failures of the latest (for ``ingest status``).
        self.runs = RunLog(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def target(self, source: str, target: str) -> TargetStore:
        """What is kept for ``source`` in ``target``."""
        key = (source, target)
        if key not in self._targets:
            self._targets[key] = TargetStore(self._db, source, target)
        return self._targets[key]

    def checkpoint(self, source: str) -> str | None:
        """Where a resumable connector may start from: stored after the last run without failure."""
        row = self._db.execute("SELECT checkpoint FROM sources WHERE name = ?", (source,)).fetchone()
        return row[0] if row else None

    def set_checkpoint(self, source: str, checkpoint: str | None) -> None:
        self._db.execute(
            "INSERT INTO sources (name, checkpoint) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint",
            (source, checkpoint),
        )

    def known_sources(self) -> list[str]:
        """Every source state knows of: synced, or with a remembered Content Import Source."""
        rows = self._db.execute(
            "SELECT name FROM sources UNION SELECT source FROM import_sources "
            "UNION SELECT DISTINCT source FROM runs ORDER BY 1"
        )
        return [row[0] for row in rows]
