"""What fin-ingest remembers between runs, in one SQLite file (WAL mode).

Per source: the Content Import Source id. Per source, target and external id: the
remote id, the fingerprint the connector gave, the hash of the payload last sent, the
time, and the HTML sent (compressed, for ``ingest plan --diff``); and the documents a
target left out on purpose, with their fingerprints. Per run: counts.

Every successful request is recorded at once (``record_sent`` commits), so a run
killed at any point loses nothing: the next run sees what was finished and redoes
only the rest. Nothing here is a secret; the token is never stored.
"""

from __future__ import annotations

import os
import sqlite3
import time
import zlib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigError
from ingest.run_log import RunLog, transaction

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    import_source_id INTEGER,
    import_source_url TEXT,
    checkpoint TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    external_id TEXT NOT NULL,
    locator TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    remote_id TEXT,
    title TEXT NOT NULL,
    sent_html BLOB,
    synced_at REAL NOT NULL,
    detail TEXT,
    PRIMARY KEY (source, target, external_id)
);
CREATE TABLE IF NOT EXISTS target_settings (
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (source, target)
);
CREATE INDEX IF NOT EXISTS documents_by_locator ON documents (source, target, locator);
CREATE TABLE IF NOT EXISTS skips (
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    locator TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (source, target, locator)
);
"""


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """What was last sent for one document to one target."""

    external_id: str
    locator: str
    fingerprint: str
    content_hash: str
    remote_id: str | None
    title: str
    synced_at: float
    #: What a target needs besides the remote id to find the remote twin again (e.g. a locale).
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class RememberedSkip:
    """A document left out of a target on purpose (``skip: true``, a language the target does
    not take), with the fingerprint it had: unchanged, it is left out again without reading it."""

    locator: str
    fingerprint: str
    reason: str


def _open(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"state.path: cannot open the state file {path}: {_reason(path, exc)}") from exc
    try:
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across process kills in WAL mode; only an OS crash may lose
        # the last commits, which the next run then simply redoes (upserts are idempotent).
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        _migrate(db)
        db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
    except sqlite3.Error as exc:
        db.close()
        raise ConfigError(f"state.path: cannot use {path} as the state file: {_reason(path, exc)}") from exc
    return db


def _reason(path: Path, exc: OSError | sqlite3.Error) -> str:
    """Why; sqlite says only "unable to open database file", so name the likely cause."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if os.path.isdir(path):
        return "it is a folder"
    if not os.access(path.parent, os.W_OK):
        return f"its folder is not writable ({exc})"
    return str(exc)


def _migrate(db: sqlite3.Connection) -> None:
    # State files written by earlier versions lack these columns.
    for table, column, kind in (
        ("sources", "checkpoint", "TEXT"),
        ("documents", "detail", "TEXT"),
    ):
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in columns:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


class StateStore:
    """The SQLite state file. One instance per process; not shared across threads."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the state file; ConfigError (naming ``state.path``) when it cannot be used."""
        self.path = path
        self._db = _open(path)
        #: What each run did, and the failures of the latest (for ``ingest status``).
        self.runs = RunLog(self._db)

    @property
    def connection(self) -> sqlite3.Connection:
        """The database, for a target that keeps tables of its own (created on its first use)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one commit (used for bulk fingerprint refreshes)."""
        with transaction(self._db):
            yield

    # Content Import Sources -------------------------------------------------------

    def import_source(self, source: str) -> tuple[int | None, str | None]:
        """The remembered Content Import Source id and URL of ``source``."""
        row = self._db.execute(
            "SELECT import_source_id, import_source_url FROM sources WHERE name = ?", (source,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def remember_import_source(self, source: str, import_source_id: int, url: str) -> None:
        self._db.execute(
            "INSERT INTO sources (name, import_source_id, import_source_url) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET import_source_id = excluded.import_source_id, "
            "import_source_url = excluded.import_source_url",
            (source, import_source_id, url),
        )

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

    def forget_source(self, source: str, target: str) -> None:
        """Drop everything known of a source's pages for one target (its remote twin is gone)."""
        with self.transaction():
            self._db.execute("DELETE FROM documents WHERE source = ? AND target = ?", (source, target))
            self._db.execute("DELETE FROM target_settings WHERE source = ? AND target = ?", (source, target))
            self._db.execute("DELETE FROM skips WHERE source = ? AND target = ?", (source, target))
            self._db.execute("DELETE FROM sources WHERE name = ?", (source,))

    def target_settings(self, source: str, target: str) -> str | None:
        """The digest of the target settings the last clean run of this source and target used."""
        row = self._db.execute(
            "SELECT digest FROM target_settings WHERE source = ? AND target = ?", (source, target)
        ).fetchone()
        return row[0] if row else None

    def set_target_settings(self, source: str, target: str, digest: str) -> None:
        self._db.execute(
            "INSERT INTO target_settings (source, target, digest) VALUES (?, ?, ?) "
            "ON CONFLICT (source, target) DO UPDATE SET digest = excluded.digest",
            (source, target, digest),
        )

    # Documents --------------------------------------------------------------------

    def documents(self, source: str, target: str) -> dict[str, DocumentRecord]:
        """Every document recorded for a source and target, by external id."""
        rows = self._db.execute(
            "SELECT external_id, locator, fingerprint, content_hash, remote_id, title, synced_at, detail "
            "FROM documents WHERE source = ? AND target = ?",
            (source, target),
        )
        return {row[0]: DocumentRecord(*row) for row in rows}

    def count_documents(self, source: str, target: str) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM documents WHERE source = ? AND target = ?", (source, target)
        ).fetchone()
        return int(row[0])

    def sent_html(self, source: str, target: str, external_id: str) -> str | None:
        """The HTML last sent for a document, or None when unknown."""
        row = self._db.execute(
            "SELECT sent_html FROM documents WHERE source = ? AND target = ? AND external_id = ?",
            (source, target, external_id),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return zlib.decompress(row[0]).decode("utf-8")

    def record_sent(
        self,
        source: str,
        target: str,
        *,
        external_id: str,
        locator: str,
        fingerprint: str,
        content_hash: str,
        remote_id: str | None,
        title: str,
        html: str,
        detail: str | None = None,
    ) -> None:
        """Remember a successful create or update; committed before this returns."""
        self._db.execute(
            "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, "
            "remote_id, title, sent_html, synced_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (source, target, external_id) DO UPDATE SET locator = excluded.locator, "
            "fingerprint = excluded.fingerprint, content_hash = excluded.content_hash, "
            "remote_id = excluded.remote_id, title = excluded.title, sent_html = excluded.sent_html, "
            "synced_at = excluded.synced_at, detail = excluded.detail",
            (
                source,
                target,
                external_id,
                locator,
                fingerprint,
                content_hash,
                remote_id,
                title,
                zlib.compress(html.encode("utf-8")),
                time.time(),
                detail,
            ),
        )

    def adopt(self, source: str, target: str, pages: Iterable[tuple[str, str, str]]) -> None:
        """Record remote pages (external_id, remote_id, title) that state did not know, with no
        fingerprint or hash, so the next plan updates those still in the source and deletes
        the rest."""
        now = time.time()
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO documents (source, target, external_id, locator, fingerprint, "
                "content_hash, remote_id, title, sent_html, synced_at) "
                "VALUES (?, ?, ?, ?, '', '', ?, ?, NULL, ?)",
                [(source, target, ext, ext, remote_id, title, now) for ext, remote_id, title in pages],
            )

    def refresh_fingerprints(self, source: str, target: str, updates: Iterable[tuple[str, str, str]]) -> None:
        """Store new fingerprints (external_id, locator, fingerprint) of documents whose payload
        did not change, so the next run skips them without reading them."""
        with self.transaction():
            self._db.executemany(
                "UPDATE documents SET fingerprint = ?, locator = ? "
                "WHERE source = ? AND target = ? AND external_id = ?",
                [(fp, locator, source, target, ext) for ext, locator, fp in updates],
            )

    def record_deleted(self, source: str, target: str, external_id: str) -> None:
        """Forget a document whose remote page was deleted; committed before this returns."""
        self._db.execute(
            "DELETE FROM documents WHERE source = ? AND target = ? AND external_id = ?",
            (source, target, external_id),
        )

    # Documents left out on purpose ------------------------------------------------

    def skips(self, source: str, target: str) -> dict[str, RememberedSkip]:
        """The documents of a source that the target left out on purpose, by locator."""
        rows = self._db.execute(
            "SELECT locator, fingerprint, reason FROM skips WHERE source = ? AND target = ?", (source, target)
        )
        return {row[0]: RememberedSkip(*row) for row in rows}

    def replace_skips(
        self, source: str, target: str, skips: Iterable[RememberedSkip], *, within: Collection[str] | None
    ) -> None:
        """Remember ``skips`` as the documents left out on purpose: all of them, or, with
        ``within``, those at these locators (the rest of what is remembered stays)."""
        with self.transaction():
            if within is None:
                self._db.execute("DELETE FROM skips WHERE source = ? AND target = ?", (source, target))
            else:
                self._db.executemany(
                    "DELETE FROM skips WHERE source = ? AND target = ? AND locator = ?",
                    [(source, target, locator) for locator in within],
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO skips (source, target, locator, fingerprint, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (source, target, skip.locator, skip.fingerprint, skip.reason)
                    for skip in skips
                    if within is None or skip.locator in within
                ],
            )

    def known_sources(self) -> list[str]:
        rows = self._db.execute("SELECT name FROM sources UNION SELECT DISTINCT source FROM runs ORDER BY 1")
        return [row[0] for row in rows]
