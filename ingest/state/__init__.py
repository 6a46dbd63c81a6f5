"""What fin-ingest remembers between runs, in one SQLite file; this package is its only owner.

``migrations`` holds the schema (ordered migrations keyed on ``PRAGMA user_version``);
``transaction`` is the one way to group writes; the rest are typed stores, one per concern:
:class:`StateStore` opens the file and hands out a :class:`TargetStore` per source and
target, which holds that target's documents, skips, settings digest, collections and
intents (:class:`ArticleBook`) and Content Import Source. Runs and the watch daemon's
pending work have stores of their own.
"""

from __future__ import annotations

from ingest.state.alerts import RUN_SCOPE, AlertBook, AlertRecord
from ingest.state.article_book import ArticleBook, Intent, IntentKind, KnownCollection
from ingest.state.documents import AdoptedPage, RememberedSkip, TargetStore
from ingest.state.import_sources import ImportSourceRecord, RememberedImportSource
from ingest.state.pending import Pending, PendingWork
from ingest.state.placement import CollectionPath, Placement
from ingest.state.records import DocumentRecord
from ingest.state.run_records import (
    RecordKind,
    RunRecords,
    touched_records,
    unchanged_at,
    untouched_records_where,
)
from ingest.state.runs import FailureRecord, RunCounts, RunLog, RunOutcome, RunRecord
from ingest.state.store import StateStore

__all__ = [
    "RUN_SCOPE",
    "AdoptedPage",
    "AlertBook",
    "AlertRecord",
    "ArticleBook",
    "CollectionPath",
    "DocumentRecord",
    "FailureRecord",
    "ImportSourceRecord",
    "Intent",
    "IntentKind",
    "KnownCollection",
    "Pending",
    "PendingWork",
    "Placement",
    "RecordKind",
    "RememberedImportSource",
    "RememberedSkip",
    "RunCounts",
    "RunLog",
    "RunOutcome",
    "RunRecord",
    "RunRecords",
    "StateStore",
    "TargetStore",
    "touched_records",
    "unchanged_at",
    "untouched_records_where",
]
