"""What the articles target remembers beyond documents: its collections and its intents.

Intercom articles and collections carry no external id, so creating one is not
idempotent: a crash between the POST and recording the id would leave a copy behind on
the next run. Before every create the target writes an *intent* here (committed); after
success it records the id and clears the intent. A later run that finds an intent, or
finds no record at all (lost state, another machine), looks for the remote twin by name
and adopts it instead of creating another.

The tables live in the same SQLite file as the rest of the state.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass

_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_collections (
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    created_by_us INTEGER NOT NULL,
    PRIMARY KEY (source, path)
);
CREATE TABLE IF NOT EXISTS article_intents (
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (source, kind, key)
);
"""

#: A collection's place below the source's root: the names from the root down.
#: The root itself is the empty path.
CollectionPath = tuple[str, ...]


def path_key(path: CollectionPath) -> str:
    """How a path is stored: JSON, so a "/" inside a collection name stays unambiguous."""
    return json.dumps(list(path), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class KnownCollection:
    path: CollectionPath
    remote_id: str
    created_by_us: bool


class ArticleBook:
    """The articles target's own tables, for one source."""

    def __init__(self, db: sqlite3.Connection, source: str) -> None:
        self._db = db
        self._source = source
        db.executescript(_SCHEMA)

    def collections(self) -> dict[CollectionPath, KnownCollection]:
        rows = self._db.execute(
            "SELECT path, remote_id, created_by_us FROM article_collections WHERE source = ?", (self._source,)
        )
        known = {}
        for key, remote_id, created in rows:
            path = tuple(json.loads(key))
            known[path] = KnownCollection(path, remote_id, bool(created))
        return known

    def remember_collection(self, path: CollectionPath, remote_id: str, *, created_by_us: bool) -> None:
        self._db.execute(
            "INSERT INTO article_collections (source, path, remote_id, created_by_us) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, path) DO UPDATE SET remote_id = excluded.remote_id, "
            "created_by_us = excluded.created_by_us",
            (self._source, path_key(path), remote_id, int(created_by_us)),
        )

    def forget_collection(self, path: CollectionPath) -> None:
        self._db.execute(
            "DELETE FROM article_collections WHERE source = ? AND path = ?", (self._source, path_key(path))
        )

    def intent(self, kind: str, key: str) -> str | None:
        """The title a create of ``kind`` ("article", "collection") for ``key`` was about to use."""
        row = self._db.execute(
            "SELECT title FROM article_intents WHERE source = ? AND kind = ? AND key = ?",
            (self._source, kind, key),
        ).fetchone()
        return row[0] if row else None

    def record_intent(self, kind: str, key: str, title: str) -> None:
        """Committed before this returns: written before the create request is sent."""
        self._db.execute(
            "INSERT INTO article_intents (source, kind, key, title, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source, kind, key) DO UPDATE SET title = excluded.title, at = excluded.at",
            (self._source, kind, key, title, time.time()),
        )

    def clear_intent(self, kind: str, key: str) -> None:
        self._db.execute(
            "DELETE FROM article_intents WHERE source = ? AND kind = ? AND key = ?", (self._source, kind, key)
        )
