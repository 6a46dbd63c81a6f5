"""What ``[notify]`` keeps in the state file: an older file keeps its records and knows no failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ingest.state import RUN_SCOPE, AlertBook, AlertRecord, StateStore
from ingest.state.migrations import LATEST_VERSION, MIGRATIONS, schema_version, upgrade


def _alerts_migration() -> int:
    return next(m.version for m in MIGRATIONS if m.apply.__name__ == "_alerts")


def test_a_file_from_before_alerts_keeps_its_records_and_knows_no_failure(tmp_path: Path) -> None:
    """A file at the version before the alerts table keeps its documents; nothing is failing."""
    path = tmp_path / "before.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[: _alerts_migration() - 1])
    db.execute(
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, sent_html, synced_at) VALUES ('docs', 'external_pages', 'a.md', 'a.md', 'fp', 'hash', '11', "
        "'A', NULL, 1.0)"
    )
    db.execute("INSERT INTO sources (name, checkpoint) VALUES ('docs', 'cp-1')")
    db.close()
    with StateStore(path) as state:
        (record,) = state.target("docs", "external_pages").records().values()
        assert (record.fingerprint, record.content_hash, record.remote_id) == ("fp", "hash", "11")
        assert state.checkpoint("docs") == "cp-1"
        assert AlertBook(state).failing() == {}
    db = sqlite3.connect(path)
    assert schema_version(db) == LATEST_VERSION
    db.close()


def test_failing_scopes_survive_reopening_and_recovery_forgets_them(tmp_path: Path) -> None:
    """Saved in one process, read in the next; a recovered scope is gone, the others stay."""
    path = tmp_path / "ingest.db"
    with StateStore(path) as state:
        AlertBook(state).save([AlertRecord("docs", 10.0, 11.0), AlertRecord(RUN_SCOPE, 12.0, 0.0)], [])
    with StateStore(path) as state:
        book = AlertBook(state)
        assert book.failing() == {
            "docs": AlertRecord("docs", 10.0, 11.0),
            RUN_SCOPE: AlertRecord(RUN_SCOPE, 12.0, 0.0),
        }
        book.save([AlertRecord("docs", 10.0, 99.0)], [RUN_SCOPE])
    with StateStore(path) as state:
        assert AlertBook(state).failing() == {"docs": AlertRecord("docs", 10.0, 99.0)}
