"""State keeps the owner tag each remote twin carries: an older file upgraded keeps its records, and a
twin recreated under a new id is known to carry none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ingest.availability import Availability
from ingest.state import RunCounts, RunOutcome, StateStore, TargetStore
from ingest.state.migrations import LATEST_VERSION, MIGRATIONS, schema_version, upgrade


def send(pages: TargetStore, remote_id: str, name: str = "a.md") -> None:
    pages.record_sent(
        external_id=name,
        locator=name,
        fingerprint="fp",
        content_hash="h",
        remote_id=remote_id,
        title="A",
        html="<p>A</p>",
        availability=Availability(True, True, False),
    )


def test_a_file_of_the_previous_release_keeps_its_records_and_knows_no_tag(tmp_path: Path) -> None:
    """A file at version 3 keeps its documents (with what their twins hold) and runs; no twin is known
    to carry an owner tag, so a configured one is put on every twin once; past runs tagged nothing."""
    path = tmp_path / "v3.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[:3])
    for statement in (
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, sent_html, synced_at, declared, ai_agent, ai_copilot, ai_sales_agent) VALUES ('docs', "
        "'external_pages', 'a.md', 'a.md', 'fp', 'hash', '11', 'A', NULL, 1.0, 'f--', 0, 1, 0)",
        "INSERT INTO target_settings VALUES ('docs', 'external_pages', 'digest')",
        "INSERT INTO sources VALUES ('docs', 'checkpoint')",
        "INSERT INTO runs (source, target, started_at, outcome, created, availability) "
        "VALUES ('docs', 'external_pages', 1.0, 'ok', 1, 1)",
    ):
        db.execute(statement)
    assert schema_version(db) == 3
    db.close()
    with StateStore(path) as state:
        pages = state.target("docs", "external_pages")
        (record,) = pages.records().values()
        assert (record.external_id, record.content_hash, record.remote_id) == ("a.md", "hash", "11")
        assert record.availability == Availability(False, True, False)
        assert record.declared == Availability(ai_agent=False)
        assert record.owner_tag is None
        # Nothing else is forgotten: an unchanged document is not even read again.
        assert pages.settings_digest() == "digest" and state.checkpoint("docs") == "checkpoint"
        last = state.runs.last("docs", "external_pages")
        assert last is not None and (last.counts.created, last.counts.availability, last.counts.tagged) == (
            1,
            1,
            0,
        )
    db = sqlite3.connect(path)
    assert schema_version(db) == LATEST_VERSION
    db.close()


def test_a_run_remembers_how_many_twins_it_tagged(tmp_path: Path) -> None:
    """The run log keeps the count beside the others."""
    with StateStore(tmp_path / "s.db") as state:
        run = state.runs.start("docs", "external_pages")
        state.runs.finish(run, RunOutcome.OK, RunCounts(created=2, tagged=2))
        last = state.runs.last("docs", "external_pages")
        assert last is not None and last.counts.tagged == 2


def test_the_tag_a_twin_carries_survives_its_updates_but_not_its_replacement(tmp_path: Path) -> None:
    """An update of the same twin keeps what state knows of its tag; a send that answers another id (the
    twin was deleted in Intercom and made again) carries none, so the next run tags it again."""
    with StateStore(tmp_path / "s.db") as state:
        pages = state.target("docs", "external_pages")
        send(pages, "11")
        send(pages, "12", name="b.md")
        assert pages.records()["a.md"].owner_tag is None
        pages.record_tags([("a.md", 7), ("b.md", 7)])
        send(pages, "11")
        assert pages.records()["a.md"].owner_tag == 7
        send(pages, "21")
        records = pages.records()
        assert (records["a.md"].remote_id, records["a.md"].owner_tag) == ("21", None)
        assert records["b.md"].owner_tag == 7
        pages.record_tags([("b.md", None)])
        assert pages.records()["b.md"].owner_tag is None
