"""Help Center collections and pending creates, per source and target.

Intercom articles and collections carry no external id, so creating one is not
idempotent: a crash between the POST and recording the id would leave a copy behind on
the next run. Before every create the target writes an *intent* here (committed); after
success it records the id and clears the intent. A later run that finds an intent, or
finds no record at all (lost state, another machine), looks for the remote twin by name
and adopts it instead of creating another.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Literal

from ingest.state.placement import CollectionPath, path_from_key, path_key

#: What an intent is about to create: an article (keyed by external id) or a collection (by path key).
IntentKind = Literal["article", "collection"]


@dataclass(frozen=True, slots=True)
class KnownCollection:
    path: CollectionPath
    remote_id: str
    created_by_us: bool


@dataclass(frozen=True, slots=True)
class Intent:
    """A create that was about to be sent: if its answer was lost, the remote twin has ``title``."""

    kind: IntentKind
    key: str
    title: str
    at: float


class ArticleBook:
    """The collections and intents of one source in one target."""

    def __init__(self, db: sqlite3.Connection, source: str, target: str) -> None:
        self._db = db
        self._key = (source, target)

    def collections(self) -> dict[CollectionPath, KnownCollection]:
        rows = self._db.execute(
            "SELECT path, remote_id, created_by_us FROM collections WHERE source = ? AND target = ?",
            self._key,
        )
        known = {}
        for key, remote_id, created in rows:
            path = path_from_key(key)
            known[path] = KnownCollection(path, remote_id, bool(created))
        return known

    def remember_collection(self, path: CollectionPath, remote_id: str, *, created_by_us: bool) -> None:
        self._db.execute(
            "INSERT INTO collections (source, target, path, remote_id, created_by_us) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source, target, path) DO UPDATE SET remote_id = excluded.remote_id, "
            "created_by_us = excluded.created_by_us",
            (*self._key, path_key(path), remote_id, int(created_by_us)),
        )

    def forget_collection(self, path: CollectionPath) -> None:
        self._db.execute(
            "DELETE FROM collections WHERE source = ? AND target = ? AND path = ?",
            (*self._key, path_key(path)),
        )

    def intent(self, kind: IntentKind, key: str) -> str | None:
        """The title a create of ``kind`` for ``key`` was about to use."""
        row = self._db.execute(
            "SELECT title FROM intents WHERE source = ? AND target = ? AND kind = ? AND key = ?",
            (*self._key, kind, key),
        ).fetchone()
        return str(row[0]) if row else None

    def intents(self) -> list[Intent]:
        """Every create begun and not known to have finished, oldest first."""
        rows = self._db.execute(
            "SELECT kind, key, title, at FROM intents WHERE source = ? AND target = ? ORDER BY at, kind, key",
            self._key,
        )
        return [Intent(*row) for row in rows]

    def record_intent(self, kind: IntentKind, key: str, title: str) -> None:
        """Committed before this returns: written before the create request is sent."""
        self._db.execute(
            "INSERT INTO intents (source, target, kind, key, title, at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (source, target, kind, key) DO UPDATE SET title = excluded.title, at = excluded.at",
            (*self._key, kind, key, title, time.time()),
        )

    def clear_intent(self, kind: IntentKind, key: str) -> None:
        self._db.execute(
            "DELETE FROM intents WHERE source = ? AND target = ? AND kind = ? AND key = ?",
            (*self._key, kind, key),
        )
