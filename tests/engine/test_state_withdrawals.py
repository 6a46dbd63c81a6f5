"""State keeps when each remote twin was withdrawn (``on_delete = "withdraw"``): an older file upgraded
keeps its records, none withdrawn; a withdrawal is recorded with its time and forgets the
fingerprint (so a document back is read again); a send ends it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ingest.availability import Availability
from ingest.state import RunCounts, RunOutcome, StateStore, TargetStore
from ingest.state.migrations import LATEST_VERSION, MIGRATIONS, _withdrawals, schema_version, upgrade

#: How many migrations a file had before this one (another may be appended after it).
BEFORE = next(index for index, migration in enumerate(MIGRATIONS) if migration.apply is _withdrawals)


def send(pages: TargetStore, name: str = "a.md") -> None:
    pages.record_sent(
        external_id=name,
        locator=name,
        fingerprint="fp",
        content_hash="h",
        remote_id="11",
        title="A",
        html="<p>A</p>",
        availability=Availability(True, True, False),
    )


def test_a_file_of_the_previous_release_keeps_its_records_none_withdrawn(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[:BEFORE])
    for statement in (
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, sent_html, synced_at, declared, ai_agent, ai_copilot, ai_sales_agent, owner_tag) VALUES "
        "('docs', 'external_pages', 'a.md', 'a.md', 'fp', 'hash', '11', 'A', NULL, 1.0, '---', 1, 1, 0, 7)",
        "INSERT INTO target_settings VALUES ('docs', 'external_pages', 'digest')",
        "INSERT INTO sources VALUES ('docs', 'checkpoint')",
        "INSERT INTO runs (source, target, started_at, outcome, created, deleted) "
        "VALUES ('docs', 'external_pages', 1.0, 'ok', 1, 2)",
    ):
        db.execute(statement)
    assert schema_version(db) == BEFORE
    db.close()

    with StateStore(path) as state:
        pages = state.target("docs", "external_pages")
        (record,) = pages.records().values()
        assert (record.external_id, record.fingerprint, record.content_hash, record.remote_id) == (
            "a.md",
            "fp",
            "hash",
            "11",
        )
        assert record.availability == Availability(True, True, False) and record.owner_tag == 7
        assert record.withdrawn_at is None and pages.withdrawn_count() == 0
        # Nothing else is forgotten: an unchanged document is not even read again.
        assert pages.settings_digest() == "digest" and state.checkpoint("docs") == "checkpoint"
        last = state.runs.last("docs", "external_pages")
        assert last is not None
        assert (last.counts.created, last.counts.deleted) == (1, 2)
        assert (last.counts.withdrawn, last.counts.restored, last.counts.expired) == (0, 0, 0)
    db = sqlite3.connect(path)
    assert schema_version(db) == LATEST_VERSION
    db.close()


def test_a_withdrawal_is_recorded_with_its_time_and_ended_by_a_send(tmp_path: Path) -> None:
    with StateStore(tmp_path / "ingest.db") as state:
        pages = state.target("docs", "external_pages")
        send(pages)
        send(pages, "b.md")

        pages.record_withdrawn(["a.md"], at=1234.5)

        withdrawn = pages.record("a.md")
        assert withdrawn is not None and withdrawn.withdrawn_at == 1234.5
        assert withdrawn.availability == Availability(False, False, False)
        assert withdrawn.fingerprint == "" and withdrawn.content_hash == "h" and withdrawn.remote_id == "11"
        assert pages.withdrawn_count() == 1 and pages.count() == 2
        other = pages.record("b.md")
        assert other is not None and other.withdrawn_at is None and other.fingerprint == "fp"

        send(pages)
        back = pages.record("a.md")
        assert back is not None and back.withdrawn_at is None and back.fingerprint == "fp"
        assert back.availability == Availability(True, True, False) and pages.withdrawn_count() == 0


def test_a_run_remembers_what_it_withdrew_restored_and_expired(tmp_path: Path) -> None:
    with StateStore(tmp_path / "ingest.db") as state:
        run = state.runs.start("docs", "external_pages")
        state.runs.finish(run, RunOutcome.OK, RunCounts(withdrawn=3, restored=2, expired=1))
        last = state.runs.last("docs", "external_pages")
        assert last is not None
        assert (last.counts.withdrawn, last.counts.restored, last.counts.expired) == (3, 2, 1)
