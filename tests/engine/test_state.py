"""The SQLite state: what is recorded survives a reopen, and each success is committed at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.availability import Availability
from ingest.state import RememberedImportSource, RememberedSkip, RunCounts, RunOutcome, StateStore
from ingest.state.transaction import transaction


def record(store: StateStore, external_id: str, html: str = "<p>x</p>") -> None:
    store.target("docs", "external_pages").record_sent(
        external_id=external_id,
        locator=f"{external_id}.md",
        fingerprint="fp",
        content_hash="hash",
        remote_id="7",
        title="T",
        html=html,
    )


def test_record_is_visible_to_another_connection_at_once(tmp_path: Path) -> None:
    """A recorded send is committed before record_sent returns (a kill right after loses nothing)."""
    with StateStore(tmp_path / "s.db") as store:
        record(store, "a")
        other = sqlite3.connect(tmp_path / "s.db")
        assert other.execute("SELECT external_id, remote_id FROM documents").fetchall() == [("a", "7")]
        other.close()


def test_documents_survive_reopen_and_keep_sent_html(tmp_path: Path) -> None:
    """Records and the HTML sent are there after the file is reopened."""
    with StateStore(tmp_path / "s.db") as store:
        record(store, "a", "<p>héllo</p>")
        store.target("docs", "external_pages").import_source.remember(42, "https://docs.example.com")
    with StateStore(tmp_path / "s.db") as store:
        pages = store.target("docs", "external_pages")
        assert list(pages.records()) == ["a"]
        assert pages.sent_html("a") == "<p>héllo</p>"
        assert pages.import_source.get() == RememberedImportSource(42, "https://docs.example.com")
        assert store.target("other", "external_pages").records() == {}


def test_remote_ids_elsewhere_are_other_sources_in_the_same_target(tmp_path: Path) -> None:
    """What other sources recorded in this target (ids only, none missing), never this source's
    own nor another target's: how a target without a per-source container tells their content apart."""
    with StateStore(tmp_path / "s.db") as store:
        for source, target, external_id, remote_id in (
            ("docs", "internal_articles", "a", "1"),
            ("wiki", "internal_articles", "b", "2"),
            ("wiki", "internal_articles", "c", None),
            ("wiki", "articles", "d", "3"),
        ):
            store.target(source, target).record_sent(
                external_id=external_id,
                locator=external_id,
                fingerprint="fp",
                content_hash="hash",
                remote_id=remote_id,
                title="T",
                html="",
            )
        assert store.target("docs", "internal_articles").remote_ids_elsewhere() == {"2"}
        assert store.target("wiki", "internal_articles").remote_ids_elsewhere() == {"1"}


def test_wal_mode(tmp_path: Path) -> None:
    """The state file is in WAL mode, so readers (ingest status) never block a run."""
    with StateStore(tmp_path / "s.db"):
        pass
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_delete_refresh_and_forget(tmp_path: Path) -> None:
    """Deleting forgets one document; refreshing changes fingerprints only; forgetting a target drops all."""
    with StateStore(tmp_path / "s.db") as store:
        pages = store.target("docs", "external_pages")
        record(store, "a")
        record(store, "b")
        pages.record_deleted("a")
        pages.refresh_fingerprints([("b", "moved/b.md", "fp2", Availability(ai_agent=False), None)])
        (only,) = pages.records().values()
        assert (only.external_id, only.locator, only.fingerprint, only.content_hash) == (
            "b",
            "moved/b.md",
            "fp2",
            "hash",
        )
        assert only.declared == Availability(ai_agent=False)
        pages.set_settings_digest("d")
        pages.replace_skips([RememberedSkip("x.md", "fp", "skip: true")], within=None)
        pages.forget()
        assert (pages.records(), pages.settings_digest(), pages.skips()) == ({}, None, {})


def test_runs_and_failures(tmp_path: Path) -> None:
    """The last run and its failures are kept for ingest status; failures are replaced per run."""
    with StateStore(tmp_path / "s.db") as store:
        run = store.runs.start("docs", "external_pages")
        store.runs.finish(run, RunOutcome.FAILED, RunCounts(created=2, failed=1))
        store.runs.replace_failures("docs", [("x.md", "boom")])
        store.runs.replace_failures("docs", [("y.md", "bang")])
        last = store.runs.last("docs", "external_pages")
        assert store.runs.last("docs", "articles") is None
        assert last is not None and last.outcome is RunOutcome.FAILED and last.counts.created == 2
        assert [(f.locator, f.message) for f in store.runs.failures("docs")] == [("y.md", "bang")]
        assert store.known_sources() == ["docs"]


def test_a_run_killed_before_it_finished_reads_as_running(tmp_path: Path) -> None:
    """A run that was started and never finished (the process was killed) has the outcome ``running``."""
    with StateStore(tmp_path / "s.db") as store:
        store.runs.start("docs", "external_pages")
    with StateStore(tmp_path / "s.db") as store:
        last = store.runs.last("docs", "external_pages")
        assert last is not None and last.outcome is RunOutcome.RUNNING and last.finished_at is None


def test_an_outcome_this_release_does_not_know_is_shown_as_written(tmp_path: Path) -> None:
    """``ingest status`` does not fail on a run outcome a later release wrote without a schema change."""
    with StateStore(tmp_path / "s.db") as store:
        store.runs.start("docs", "external_pages")
    db = sqlite3.connect(tmp_path / "s.db")
    with db:
        db.execute("UPDATE runs SET outcome = 'partial'")
    db.close()
    with StateStore(tmp_path / "s.db") as store:
        last = store.runs.last("docs", "external_pages")
        assert last is not None and last.outcome == "partial"


def test_checkpoint_is_kept_per_source_and_forgotten_with_it(tmp_path: Path) -> None:
    """A connector checkpoint is stored per source and dropped when a target of the source is
    forgotten (its documents must all be read again)."""
    with StateStore(tmp_path / "s.db") as store:
        assert store.checkpoint("repo") is None
        store.set_checkpoint("repo", "abc")
        store.set_checkpoint("other", "xyz")
        assert store.checkpoint("repo") == "abc"
        store.set_checkpoint("repo", None)
        assert store.checkpoint("repo") is None
        store.set_checkpoint("repo", "def")
        store.target("repo", "external_pages").forget()
        assert (store.checkpoint("repo"), store.checkpoint("other")) == (None, "xyz")


def test_skips_are_replaced_whole_or_only_at_the_locators_a_partial_sync_read(tmp_path: Path) -> None:
    """A full sync replaces what is remembered of documents left out; a watch batch (``within``)
    replaces it only at the locators it read, and forgets those no longer left out."""
    draft, french, other = (
        RememberedSkip("draft.md", "fp1", "skip: true"),
        RememberedSkip("guide.fr.md", "fp2", "not English"),
        RememberedSkip("notes.md", "fp3", "skip: true"),
    )
    with StateStore(tmp_path / "s.db") as store:
        pages, articles = store.target("docs", "external_pages"), store.target("docs", "articles")
        pages.replace_skips([draft, french], within=None)
        articles.replace_skips([other], within=None)
        edited = replace(draft, fingerprint="fp9")
        pages.replace_skips([edited], within={"draft.md"})
        assert pages.skips() == {"draft.md": edited, "guide.fr.md": french}
        pages.replace_skips([], within={"guide.fr.md"})
        assert list(pages.skips()) == ["draft.md"]
        pages.replace_skips([french], within=None)
        assert pages.skips() == {"guide.fr.md": french}
    with StateStore(tmp_path / "s.db") as reopened:
        assert reopened.target("docs", "articles").skips() == {"notes.md": other}
        reopened.target("docs", "articles").forget()
        assert reopened.target("docs", "articles").skips() == {}
        assert reopened.target("docs", "external_pages").skips() == {"guide.fr.md": french}


def test_a_write_that_fails_halfway_leaves_what_was_there(tmp_path: Path) -> None:
    """Grouped writes commit together or not at all: replacing skips with a list that cannot be
    read to the end keeps the skips remembered before."""
    kept = RememberedSkip("draft.md", "fp1", "skip: true")

    def broken() -> Iterator[RememberedSkip]:
        yield RememberedSkip("notes.md", "fp2", "skip: true")
        raise OSError("disk gone")

    with StateStore(tmp_path / "s.db") as store:
        pages = store.target("docs", "external_pages")
        pages.replace_skips([kept], within=None)
        with pytest.raises(OSError, match="disk gone"):
            pages.replace_skips(broken(), within=None)
        assert pages.skips() == {"draft.md": kept}
        record(store, "a")  # the connection is usable again: nothing was left half-open
        assert list(pages.records()) == ["a"]


def test_a_group_inside_another_is_undone_alone_when_it_fails(tmp_path: Path) -> None:
    """A transaction() inside another is a group of its own: when it fails, its writes are undone
    even if the outer group goes on (it caught the error) and commits the rest; a failure that
    reaches the outer group undoes everything."""
    db = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    db.execute("CREATE TABLE t (x INTEGER)")
    with transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(OSError, match="disk gone"), transaction(db):
            db.execute("INSERT INTO t VALUES (2)")
            raise OSError("disk gone")
        with transaction(db):
            db.execute("INSERT INTO t VALUES (3)")
    assert db.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (3,)]
    with pytest.raises(OSError, match="disk gone"), transaction(db):
        db.execute("INSERT INTO t VALUES (4)")
        with transaction(db):
            db.execute("INSERT INTO t VALUES (5)")
            raise OSError("disk gone")
    assert db.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (3,)]
    assert not db.in_transaction
    db.close()
