"""The schema of the state file, as ordered migrations keyed on ``PRAGMA user_version``.

This module is the only place that creates or changes tables. A file records the number
of the last migration applied to it; opening it applies the ones after that, all in one
transaction, so a file is either upgraded completely or left as it was. Migrations are
never edited once released: a change of schema is a new migration at the end.

Version 0 is a file written before migrations existed (release 0.1.0 and earlier, whose
tables were created on first use with ``CREATE TABLE IF NOT EXISTS``) or a new, empty file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.state.placement import path_key
from ingest.state.transaction import transaction


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: ``apply`` takes a file at ``version - 1`` to ``version``."""

    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


def _run(db: sqlite3.Connection, *statements: str) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in statements:
        db.execute(statement)


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _baseline(db: sqlite3.Connection) -> None:
    """The tables of release 0.1.0, whatever an older file lacked: a new file and a file of
    any earlier release leave this step alike."""
    _run(
        db,
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, import_source_id INTEGER, "
        "import_source_url TEXT, checkpoint TEXT)",
        "CREATE TABLE IF NOT EXISTS documents (source TEXT NOT NULL, target TEXT NOT NULL, "
        "external_id TEXT NOT NULL, locator TEXT NOT NULL, fingerprint TEXT NOT NULL, "
        "content_hash TEXT NOT NULL, remote_id TEXT, title TEXT NOT NULL, sent_html BLOB, "
        "synced_at REAL NOT NULL, detail TEXT, PRIMARY KEY (source, target, external_id))",
        "CREATE TABLE IF NOT EXISTS target_settings (source TEXT NOT NULL, target TEXT NOT NULL, "
        "digest TEXT NOT NULL, PRIMARY KEY (source, target))",
        "CREATE INDEX IF NOT EXISTS documents_by_locator ON documents (source, target, locator)",
        "CREATE TABLE IF NOT EXISTS skips (source TEXT NOT NULL, target TEXT NOT NULL, "
        "locator TEXT NOT NULL, fingerprint TEXT NOT NULL, reason TEXT NOT NULL, "
        "PRIMARY KEY (source, target, locator))",
        "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, "
        "target TEXT NOT NULL DEFAULT 'external_pages', started_at REAL NOT NULL, finished_at REAL, "
        "outcome TEXT NOT NULL DEFAULT 'running', created INTEGER NOT NULL DEFAULT 0, "
        "updated INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, "
        "unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, "
        "failed INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS failures (source TEXT NOT NULL, locator TEXT NOT NULL, "
        "message TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (source, locator))",
        "CREATE TABLE IF NOT EXISTS watch_pending (source TEXT NOT NULL, locator TEXT NOT NULL, "
        "seq INTEGER NOT NULL, since REAL NOT NULL, PRIMARY KEY (source, locator))",
        "CREATE TABLE IF NOT EXISTS article_collections (source TEXT NOT NULL, path TEXT NOT NULL, "
        "remote_id TEXT NOT NULL, created_by_us INTEGER NOT NULL, PRIMARY KEY (source, path))",
        "CREATE TABLE IF NOT EXISTS article_intents (source TEXT NOT NULL, kind TEXT NOT NULL, "
        "key TEXT NOT NULL, title TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (source, kind, key))",
    )
    # Files from before these columns existed; the only place columns are looked for.
    for table, column, kind in (
        ("sources", "checkpoint", "TEXT"),
        ("documents", "detail", "TEXT"),
        ("runs", "target", "TEXT NOT NULL DEFAULT 'external_pages'"),
    ):
        if column not in _columns(db, table):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _typed_records(db: sqlite3.Connection) -> None:
    """Typed columns for what ``documents.detail`` held as JSON (an article's collection, a
    translation's locale); the Content Import Source in a table of its own; collections and
    intents kept per source *and target*, so another target can keep its own."""
    _run(
        db,
        "CREATE TABLE import_sources (source TEXT PRIMARY KEY, remote_id INTEGER NOT NULL, "
        "url TEXT NOT NULL)",
        "INSERT INTO import_sources (source, remote_id, url) SELECT name, import_source_id, "
        "COALESCE(import_source_url, '') FROM sources WHERE import_source_id IS NOT NULL",
        "CREATE TABLE new_sources (name TEXT PRIMARY KEY, checkpoint TEXT)",
        "INSERT INTO new_sources (name, checkpoint) SELECT name, checkpoint FROM sources",
        "DROP TABLE sources",
        "ALTER TABLE new_sources RENAME TO sources",
        "CREATE TABLE new_documents (source TEXT NOT NULL, target TEXT NOT NULL, "
        "external_id TEXT NOT NULL, locator TEXT NOT NULL, fingerprint TEXT NOT NULL, "
        "content_hash TEXT NOT NULL, remote_id TEXT, title TEXT NOT NULL, sent_html BLOB, "
        "synced_at REAL NOT NULL, collection TEXT, locale TEXT, "
        "PRIMARY KEY (source, target, external_id))",
        "INSERT INTO new_documents (source, target, external_id, locator, fingerprint, content_hash, "
        "remote_id, title, sent_html, synced_at) SELECT source, target, external_id, locator, "
        "fingerprint, content_hash, remote_id, title, sent_html, synced_at FROM documents ORDER BY rowid",
    )
    details = db.execute(
        "SELECT source, target, external_id, detail FROM documents WHERE detail IS NOT NULL"
    ).fetchall()
    db.executemany(
        "UPDATE new_documents SET collection = ?, locale = ? WHERE source = ? AND target = ? "
        "AND external_id = ?",
        [
            (*_placement(detail), source, target, external_id)
            for source, target, external_id, detail in details
        ],
    )
    _run(
        db,
        "DROP TABLE documents",
        "ALTER TABLE new_documents RENAME TO documents",
        "CREATE INDEX documents_by_locator ON documents (source, target, locator)",
        "CREATE TABLE collections (source TEXT NOT NULL, target TEXT NOT NULL, path TEXT NOT NULL, "
        "remote_id TEXT NOT NULL, created_by_us INTEGER NOT NULL, PRIMARY KEY (source, target, path))",
        "INSERT INTO collections (source, target, path, remote_id, created_by_us) "
        "SELECT source, 'articles', path, remote_id, created_by_us FROM article_collections",
        "DROP TABLE article_collections",
        "CREATE TABLE intents (source TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL, "
        "key TEXT NOT NULL, title TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (source, target, kind, key))",
        "INSERT INTO intents (source, target, kind, key, title, at) "
        "SELECT source, 'articles', kind, key, title, at FROM article_intents",
        "DROP TABLE article_intents",
        # Its schema_version was written but never read; user_version took its place.
        "DROP TABLE meta",
    )


def _placement(detail: str) -> tuple[str | None, str | None]:
    """The collection path key and locale a 0.1.0 ``detail`` held (``{"collection": [...]}``
    or ``{"locale": "fr"}``); a value that is not that JSON placed nothing."""
    try:
        value = json.loads(detail)
    except ValueError:
        return None, None
    if not isinstance(value, dict):
        return None, None
    collection = value.get("collection")
    locale = value.get("locale")
    return (
        path_key(tuple(str(name) for name in collection)) if isinstance(collection, list) else None,
        locale if isinstance(locale, str) else None,
    )


def _availability(db: sqlite3.Connection) -> None:
    """What each document says of its own availability (front matter ``ai_agent: false``; NULL:
    not known yet) and what its remote twin is known to hold (NULL: not known), and each run's
    count of availability changes. Settings digests and checkpoints are forgotten, so the next
    run reads every document once (sending nothing for an unchanged one) and learns what its
    front matter says: earlier releases ignored those keys."""
    _run(
        db,
        "ALTER TABLE documents ADD COLUMN declared TEXT",
        "ALTER TABLE documents ADD COLUMN ai_agent INTEGER",
        "ALTER TABLE documents ADD COLUMN ai_copilot INTEGER",
        "ALTER TABLE documents ADD COLUMN ai_sales_agent INTEGER",
        "ALTER TABLE runs ADD COLUMN availability INTEGER NOT NULL DEFAULT 0",
        "DELETE FROM target_settings",
        "UPDATE sources SET checkpoint = NULL",
    )


def _remote_digests(db: sqlite3.Connection) -> None:
    """What each remote twin held right after fin-ingest's last write to it, as a digest of the
    answer (NULL: not known, for twins written by an earlier release), so that ``ingest reconcile``
    tells a change made in Intercom since from Intercom's own rewriting of what was sent."""
    _run(db, "ALTER TABLE documents ADD COLUMN remote_digest TEXT")


def _owner_tags(db: sqlite3.Connection) -> None:
    """The owner tag (``[intercom] owner_tag_id``) each document's remote twin is known to carry
    (NULL: none known, as for every twin an earlier release wrote), and each run's count of
    twins whose tag it moved."""
    _run(
        db,
        "ALTER TABLE documents ADD COLUMN owner_tag INTEGER",
        "ALTER TABLE runs ADD COLUMN tagged INTEGER NOT NULL DEFAULT 0",
    )


def _withdrawals(db: sqlite3.Connection) -> None:
    """When each document's remote twin was withdrawn (``on_delete = "withdraw"``: made unavailable to
    every Fin surface when its document left the source, deleted once it stayed gone long enough;
    NULL: not withdrawn, as every twin an earlier release wrote), and each run's count of twins it
    withdrew, restored and deleted once their grace period ran out."""
    _run(
        db,
        "ALTER TABLE documents ADD COLUMN withdrawn_at REAL",
        "ALTER TABLE runs ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN restored INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN expired INTEGER NOT NULL DEFAULT 0",
    )


def _availability_rules(db: sqlite3.Connection) -> None:
    """Availability as code: per document, what the source's rules gave it and the front matter
    values they looked at (NULL: read while its source had no rules, as every document an earlier
    release read), per target the digest of the rules the last clean run applied, and per Content
    Import Source the audiences applied to it (NULL: none by fin-ingest). Nothing is read or sent
    again: without rules, a document declares what its own front matter says, as before."""
    _run(
        db,
        "ALTER TABLE documents ADD COLUMN rule_facts TEXT",
        "ALTER TABLE target_settings ADD COLUMN rules TEXT",
        "ALTER TABLE import_sources ADD COLUMN audiences TEXT",
    )


def _alerts(db: sqlite3.Connection) -> None:
    """Alerts (``[notify]``): each scope (a source, or the run before any source) failing since
    when, and when it was last alerted, so that a new process (a nightly run, a restarted daemon)
    neither alerts again for a failure already told nor misses its recovery. No row: not failing,
    as everything an earlier release knew."""
    _run(
        db,
        "CREATE TABLE alerts (scope TEXT PRIMARY KEY, failing_since REAL NOT NULL, alerted_at REAL NOT NULL)",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the tables of release 0.1.0", _baseline),
    Migration(
        2, "typed placement columns; import sources, collections and intents per target", _typed_records
    ),
    Migration(3, "availability: declared by documents, held by remote twins, changed by runs", _availability),
    Migration(4, "what each remote twin held after the last write, for reconcile", _remote_digests),
    Migration(5, "owner tags: carried by remote twins, moved by runs", _owner_tags),
    Migration(6, "soft delete: when each remote twin was withdrawn, and what runs withdrew", _withdrawals),
    Migration(7, "availability and audiences as code: rules and audiences applied", _availability_rules),
    Migration(8, "alerts: what is failing since when, and when it was last alerted", _alerts),
)
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(db: sqlite3.Connection) -> int:
    """The number of the last migration applied to the file (0: none)."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version)


def upgrade(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Apply the ``migrations`` the file has not had yet, in one transaction."""
    if schema_version(db) >= len(migrations):
        return
    with transaction(db):
        # Read again under the write lock: another process may have upgraded the file meanwhile.
        for migration in migrations[schema_version(db) :]:
            migration.apply(db)
            db.execute(f"PRAGMA user_version = {migration.version:d}")
