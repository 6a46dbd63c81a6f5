"""The state file's schema: ordered migrations on ``PRAGMA user_version``, applied once, all or nothing."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest.availability import Availability
from ingest.cli import main
from ingest.errors import ConfigError
from ingest.state import Placement, StateStore
from ingest.state.migrations import LATEST_VERSION, MIGRATIONS, Migration, schema_version, upgrade

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "state_0_1_0" / "ingest.db"

#: The tables of a release from before checkpoints, ``detail`` and runs per target.
OLDER_RELEASE = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO meta VALUES ('schema_version', '1')",
    "CREATE TABLE sources (name TEXT PRIMARY KEY, import_source_id INTEGER, import_source_url TEXT)",
    "CREATE TABLE documents (source TEXT NOT NULL, target TEXT NOT NULL, external_id TEXT NOT NULL, "
    "locator TEXT NOT NULL, fingerprint TEXT NOT NULL, content_hash TEXT NOT NULL, remote_id TEXT, "
    "title TEXT NOT NULL, sent_html BLOB, synced_at REAL NOT NULL, "
    "PRIMARY KEY (source, target, external_id))",
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, "
    "started_at REAL NOT NULL, finished_at REAL, outcome TEXT NOT NULL DEFAULT 'running', "
    "created INTEGER NOT NULL DEFAULT 0, "
    "updated INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, "
    "unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, "
    "failed INTEGER NOT NULL DEFAULT 0)",
    "INSERT INTO sources VALUES ('docs', 7, 'https://docs.example.com')",
    "INSERT INTO documents VALUES "
    "('docs', 'external_pages', 'a.md', 'a.md', 'fp', 'hash', '11', 'A', NULL, 1.0)",
    "INSERT INTO runs (source, started_at, outcome) VALUES ('docs', 1.0, 'ok')",
)


def write_file(path: Path, *statements: str, version: int = 0) -> None:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


def schema(path: Path) -> dict[str, tuple[frozenset[tuple[object, ...]], frozenset[tuple[object, ...]]]]:
    """Each table's columns (name, type, not null, default, key) and indexes, whatever their order."""
    db = sqlite3.connect(path)
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: (
                frozenset(tuple(column[1:]) for column in db.execute(f"PRAGMA table_info({table})")),
                frozenset(
                    (index[2], tuple(c[2] for c in db.execute(f"PRAGMA index_info({index[1]})")))
                    for index in db.execute(f"PRAGMA index_list({table})")
                ),
            )
            for table in tables
        }
    finally:
        db.close()


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return schema_version(db)
    finally:
        db.close()


def test_migrations_are_numbered_one_after_another() -> None:
    """Version n is the n-th migration, so a file's user_version says which ones it has had."""
    assert [migration.version for migration in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert len(MIGRATIONS) == LATEST_VERSION


def test_a_new_file_a_0_1_0_file_and_an_older_one_reach_the_same_schema(tmp_path: Path) -> None:
    """Whatever a file held before (nothing, release 0.1.0's tables, an older release's with
    columns missing), opening it leaves the latest schema and its user_version."""
    StateStore(tmp_path / "new.db").close()
    shutil.copy(FIXTURE, tmp_path / "0.1.0.db")
    StateStore(tmp_path / "0.1.0.db").close()
    write_file(tmp_path / "older.db", *OLDER_RELEASE)
    StateStore(tmp_path / "older.db").close()
    expected = schema(tmp_path / "new.db")
    assert "documents" in expected and "meta" not in expected
    assert schema(tmp_path / "0.1.0.db") == expected
    assert schema(tmp_path / "older.db") == expected
    assert {user_version(tmp_path / name) for name in ("new.db", "0.1.0.db", "older.db")} == {LATEST_VERSION}


def test_an_older_file_keeps_its_records(tmp_path: Path) -> None:
    """A file from before checkpoints and runs per target keeps its pages, source and runs
    (those runs were all External Pages runs)."""
    write_file(tmp_path / "older.db", *OLDER_RELEASE)
    with StateStore(tmp_path / "older.db") as state:
        pages = state.target("docs", "external_pages")
        assert [(r.external_id, r.remote_id, r.placement) for r in pages.records().values()] == [
            ("a.md", "11", Placement())
        ]
        remembered = pages.import_source.get()
        assert remembered is not None and (remembered.remote_id, remembered.url) == (
            7,
            "https://docs.example.com",
        )
        last = state.runs.last("docs", "external_pages")
        assert last is not None and last.outcome == "ok"
        assert state.checkpoint("docs") is None


def test_detail_json_becomes_typed_placement(tmp_path: Path) -> None:
    """An article's collection path and a translation's locale, kept as JSON in ``detail`` by
    0.1.0, become typed fields; a detail that is no such JSON places nothing."""
    path = tmp_path / "s.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[:1])
    rows = [
        ("guide.md", '{"collection": ["Guides", "Billing / Tax"]}'),
        ("index.md", '{"collection": []}'),
        ("guide.fr.md", '{"locale": "fr"}'),
        ("odd.md", "not json"),
        ("plain.md", None),
    ]
    db.executemany(
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, synced_at, detail) VALUES ('docs', 'articles', ?, ?, 'fp', 'h', '1', 'T', 1.0, ?)",
        [(external_id, external_id, detail) for external_id, detail in rows],
    )
    db.execute("INSERT INTO article_collections VALUES ('docs', '[\"Guides\"]', '5', 1)")
    db.execute("INSERT INTO article_intents VALUES ('docs', 'article', 'new.md', 'New', 2.0)")
    db.close()
    with StateStore(path) as state:
        articles = state.target("docs", "articles")
        placements = {external_id: record.placement for external_id, record in articles.records().items()}
        assert placements == {
            "guide.md": Placement(collection=("Guides", "Billing / Tax")),
            "index.md": Placement(collection=()),
            "guide.fr.md": Placement(locale="fr"),
            "odd.md": Placement(),
            "plain.md": Placement(),
        }
        assert [(c.path, c.remote_id, c.created_by_us) for c in articles.book.collections().values()] == [
            (("Guides",), "5", True)
        ]
        assert [(i.kind, i.key, i.title) for i in articles.book.intents()] == [("article", "new.md", "New")]
        assert state.target("docs", "external_pages").book.collections() == {}


def test_a_file_from_a_newer_release_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """One sentence naming state.path and both versions; the file keeps every byte."""
    path = tmp_path / "ingest.db"
    write_file(path, "CREATE TABLE future (x)", version=LATEST_VERSION + 1)
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        StateStore(path)
    assert str(caught.value) == (
        f"state.path: {path} was written by a newer fin-ingest (schema {LATEST_VERSION + 1}; this release "
        f"reads up to {LATEST_VERSION}); upgrade fin-ingest or use another state file"
    )
    assert path.read_bytes() == before


def test_the_cli_exits_2_on_a_state_file_from_a_newer_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ingest status`` on such a file prints that sentence and exits 2 (a configuration mistake)."""
    write_file(tmp_path / "ingest.db", "CREATE TABLE future (x)", version=LATEST_VERSION + 1)
    (tmp_path / "ingest.toml").write_text("[intercom]\n", encoding="utf-8")
    assert main(["status", "--config", str(tmp_path / "ingest.toml")]) == 2
    assert "was written by a newer fin-ingest" in capsys.readouterr().err


def test_a_migration_that_fails_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    """All pending migrations run in one transaction: one failing undoes the ones before it."""
    path = tmp_path / "s.db"
    shutil.copy(FIXTURE, path)

    def broken(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk on fire")

    db = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        upgrade(db, [*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken", broken)])
    db.close()
    assert user_version(path) == 0
    shutil.copy(FIXTURE, tmp_path / "pristine.db")
    assert schema(path) == schema(tmp_path / "pristine.db")


class UpgradedMeanwhile(Sequence[Migration]):
    """This release's migrations; the first time their number is asked (right after ``upgrade``
    read the file's version, before it takes the write lock) another opener upgrades the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raced = False

    def __len__(self) -> int:
        if not self.raced:
            self.raced = True
            other = sqlite3.connect(self.path, isolation_level=None)
            upgrade(other, MIGRATIONS)
            other.close()
        return len(MIGRATIONS)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return MIGRATIONS[index]


def test_a_file_upgraded_by_another_process_meanwhile_is_not_upgraded_twice(tmp_path: Path) -> None:
    """An opener reads the version again once it holds the write lock: a file another process
    upgraded between its first read and the lock is not migrated a second time."""
    path = tmp_path / "s.db"
    shutil.copy(FIXTURE, path)
    migrations = UpgradedMeanwhile(path)
    first = sqlite3.connect(path, isolation_level=None)
    upgrade(first, migrations)
    first.close()
    assert migrations.raced
    assert user_version(path) == LATEST_VERSION
    with StateStore(path) as state:
        assert len(state.target("docs", "articles").records()) == 4


def test_a_file_of_the_previous_release_keeps_its_records_and_learns_availability(tmp_path: Path) -> None:
    """A file at version 2 keeps its documents, sources and runs; what each document declares of its
    availability and what its twin holds are unknown; settings digests and checkpoints are forgotten,
    so the next run reads every document once (sending nothing for an unchanged one)."""
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[:2])
    for statement in (
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, sent_html, synced_at) VALUES ('docs', 'external_pages', 'a.md', 'a.md', 'fp', 'hash', '11', "
        "'A', NULL, 1.0)",
        "INSERT INTO target_settings VALUES ('docs', 'external_pages', 'digest')",
        "INSERT INTO sources VALUES ('docs', 'checkpoint')",
        "INSERT INTO import_sources VALUES ('docs', 7, 'https://docs.example.com')",
        "INSERT INTO runs (source, target, started_at, outcome, created) "
        "VALUES ('docs', 'external_pages', 1.0, 'ok', 1)",
    ):
        db.execute(statement)
    db.close()
    assert user_version(path) == 2
    with StateStore(path) as state:
        pages = state.target("docs", "external_pages")
        (record,) = pages.records().values()
        assert (record.external_id, record.fingerprint, record.content_hash, record.remote_id) == (
            "a.md",
            "fp",
            "hash",
            "11",
        )
        assert record.declared is None and record.availability == Availability()
        assert pages.settings_digest() is None and state.checkpoint("docs") is None
        remembered = pages.import_source.get()
        assert remembered is not None and remembered.remote_id == 7
        last = state.runs.last("docs", "external_pages")
        assert last is not None and (last.counts.created, last.counts.availability) == (1, 0)
    assert user_version(path) == LATEST_VERSION


def test_what_a_twin_holds_merges_flag_by_flag(tmp_path: Path) -> None:
    """A send records what its answer says; a flag the answer leaves unsaid keeps what was known;
    an accepted bulk action sets only its flags."""
    with StateStore(tmp_path / "s.db") as state:
        pages = state.target("docs", "external_pages")

        def send(held: Availability) -> None:
            pages.record_sent(
                external_id="a.md",
                locator="a.md",
                fingerprint="fp",
                content_hash="h",
                remote_id="1",
                title="A",
                html="<p>A</p>",
                declared=Availability(ai_agent=False),
                availability=held,
            )

        send(Availability(False, True, False))
        send(Availability(True, None, None))
        assert pages.records()["a.md"].availability == Availability(True, True, False)
        pages.record_availability([("a.md", Availability(ai_sales_agent=True))])
        record = pages.records()["a.md"]
        assert record.availability == Availability(True, True, True)
        assert record.declared == Availability(ai_agent=False)


def test_a_file_of_the_previous_release_keeps_its_records_and_knows_no_remote_digest(tmp_path: Path) -> None:
    """A file at version 3 keeps its documents as they were (availability included); what each twin
    held after the last write is not known (None) until the next write or a reconcile --fix."""
    path = tmp_path / "v3.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[:3])
    db.execute(
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, sent_html, synced_at, declared, ai_agent, ai_copilot, ai_sales_agent) VALUES ('docs', "
        "'articles', 'a.md', 'a.md', 'fp', 'hash', '11', 'A', NULL, 1.0, 'f--', 0, 1, 0)"
    )
    db.close()
    with StateStore(path) as state:
        (record,) = state.target("docs", "articles").records().values()
    assert (record.fingerprint, record.content_hash, record.remote_id) == ("fp", "hash", "11")
    assert record.declared == Availability(ai_agent=False)
    assert record.availability == Availability(False, True, False)
    assert record.remote_digest is None
    assert user_version(path) == LATEST_VERSION


def test_a_stale_record_keeps_its_remote_id_and_is_sent_again(tmp_path: Path) -> None:
    """mark_stale forgets what was sent (fingerprint, hash, remote digest) and keeps the remote id, so
    the next run reads the document and updates its twin; a baseline digest is recorded apart."""
    with StateStore(tmp_path / "s.db") as state:
        pages = state.target("docs", "external_pages")
        pages.record_sent(
            external_id="a.md",
            locator="a.md",
            fingerprint="fp",
            content_hash="h",
            remote_id="1",
            title="A",
            html="<p>A</p>",
            remote_digest="d1",
        )
        assert pages.records()["a.md"].remote_digest == "d1"
        pages.record_remote_digests([("a.md", "d2")])
        assert pages.records()["a.md"].remote_digest == "d2"
        pages.mark_stale(["a.md"])
        record = pages.records()["a.md"]
    assert (record.fingerprint, record.content_hash, record.remote_id, record.remote_digest) == (
        "",
        "",
        "1",
        None,
    )
