"""What the state file keeps for one source and one target: documents sent, documents left out
on purpose, and the settings the last clean run used.

Every write commits before the method returns, so a run killed at any point loses nothing:
the next run sees what was finished and redoes only the rest.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ingest.availability import UNSAID, Availability
from ingest.state.article_book import ArticleBook
from ingest.state.digest import target_state_digest
from ingest.state.import_sources import ImportSourceRecord
from ingest.state.placement import NO_PLACEMENT, Placement, path_key
from ingest.state.records import RECORD_COLUMNS, DocumentRecord, record_from_row
from ingest.state.run_records import RunRecords
from ingest.state.transaction import transaction


@dataclass(frozen=True, slots=True)
class RememberedSkip:
    """A document left out of a target on purpose (``skip: true``, a language the target does
    not take), with the fingerprint it had: unchanged, it is left out again without reading it."""

    locator: str
    fingerprint: str
    reason: str


class AdoptedPage(NamedTuple):
    """A remote page that state did not know of, found where this source's pages live."""

    external_id: str
    remote_id: str
    title: str


def _encode(availability: Availability) -> str:
    """A declared availability as stored: ``t``, ``f`` or ``-`` (not said) per flag."""
    return "".join("-" if flag is None else "tf"[not flag] for flag in availability.as_tuple())


def _held(availability: Availability) -> tuple[int | None, ...]:
    return tuple(None if flag is None else int(flag) for flag in availability.as_tuple())


class TargetStore:
    """The state of one source's documents in one target."""

    def __init__(self, db: sqlite3.Connection, source: str, target: str) -> None:
        self._db = db
        self.source = source
        self.target = target
        #: The Help Center collections and pending creates of this source and target.
        self.book = ArticleBook(db, source, target)
        #: The Content Import Source this source's External Pages live under.
        self.import_source = ImportSourceRecord(db, source)

    def _key(self) -> tuple[str, str]:
        return (self.source, self.target)

    # Documents sent ---------------------------------------------------------------

    def records(self) -> dict[str, DocumentRecord]:
        """Every document recorded, by external id."""
        rows = self._db.execute(
            f"SELECT {RECORD_COLUMNS} FROM documents WHERE source = ? AND target = ?",  # noqa: S608 - constant
            self._key(),
        )
        return {row[0]: record_from_row(row) for row in rows}

    def run_records(self) -> RunRecords:
        """Every document recorded, by external id, as a run sees them: built only once the scan
        has said which are unchanged (see :mod:`ingest.state.run_records`)."""
        return RunRecords(self._db, self.source, self.target)

    def record(self, external_id: str) -> DocumentRecord | None:
        row = self._db.execute(
            f"SELECT {RECORD_COLUMNS} FROM documents "  # noqa: S608 - constant
            "WHERE source = ? AND target = ? AND external_id = ?",
            (*self._key(), external_id),
        ).fetchone()
        return record_from_row(row) if row is not None else None

    def remote_ids_elsewhere(self) -> set[str]:
        """The remote ids other sources recorded in this target. A target whose remote content
        has no per-source container (no Content Import Source, no collection) tells another
        source's content from an orphan only by these, when it adopts what a lost mapping left."""
        rows = self._db.execute(
            "SELECT remote_id FROM documents WHERE target = ? AND source != ? AND remote_id IS NOT NULL",
            (self.target, self.source),
        )
        return {str(row[0]) for row in rows}

    def count(self) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM documents WHERE source = ? AND target = ?", self._key()
        ).fetchone()
        return int(row[0])

    def sent_html(self, external_id: str) -> str | None:
        """The HTML last sent for a document, or None when unknown."""
        row = self._db.execute(
            "SELECT sent_html FROM documents WHERE source = ? AND target = ? AND external_id = ?",
            (*self._key(), external_id),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return zlib.decompress(row[0]).decode("utf-8")

    def record_sent(
        self,
        *,
        external_id: str,
        locator: str,
        fingerprint: str,
        content_hash: str,
        remote_id: str | None,
        title: str,
        html: str,
        placement: Placement = NO_PLACEMENT,
        declared: Availability = UNSAID,
        availability: Availability = UNSAID,
        remote_digest: str | None = None,
        rule_facts: str | None = None,
    ) -> None:
        """Remember a successful create or update: what the document ``declared`` of its own
        availability, the ``availability`` the answer says the remote twin now holds (a flag not
        said keeps what was known of it), and the target's ``remote_digest`` of that answer. The
        owner tag known on the twin stays, unless the twin is another one now (recreated after it
        was deleted in Intercom): that one has none. A twin sent is no longer withdrawn."""
        collection = path_key(placement.collection) if placement.collection is not None else None
        self._db.execute(
            "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, "
            "remote_id, title, sent_html, synced_at, collection, locale, declared, ai_agent, ai_copilot, "
            "ai_sales_agent, remote_digest, rule_facts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (source, target, external_id) DO UPDATE SET locator = excluded.locator, "
            "fingerprint = excluded.fingerprint, content_hash = excluded.content_hash, "
            "owner_tag = CASE WHEN remote_id IS excluded.remote_id THEN owner_tag END, "
            "remote_id = excluded.remote_id, title = excluded.title, sent_html = excluded.sent_html, "
            "synced_at = excluded.synced_at, collection = excluded.collection, locale = excluded.locale, "
            "declared = excluded.declared, ai_agent = COALESCE(excluded.ai_agent, ai_agent), "
            "ai_copilot = COALESCE(excluded.ai_copilot, ai_copilot), "
            "ai_sales_agent = COALESCE(excluded.ai_sales_agent, ai_sales_agent), "
            "remote_digest = excluded.remote_digest, withdrawn_at = NULL, rule_facts = excluded.rule_facts",
            (
                *self._key(),
                external_id,
                locator,
                fingerprint,
                content_hash,
                remote_id,
                title,
                zlib.compress(html.encode("utf-8")),
                time.time(),
                collection,
                placement.locale,
                _encode(declared),
                *_held(availability),
                remote_digest,
                rule_facts,
            ),
        )

    def record_remote_digests(self, digests: Iterable[tuple[str, str]]) -> None:
        """Remember what remote twins hold now (external id, the target's digest), as found by a
        reconcile that saw them unchanged since the last write: later ones compare with it."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET remote_digest = ? WHERE source = ? AND target = ? AND external_id = ?",
                [(digest, *self._key(), external_id) for external_id, digest in digests],
            )

    def mark_stale(self, external_ids: Iterable[str]) -> None:
        """Forget what was sent for these documents, keeping their remote ids: the next run reads
        them again and sends each as an update (its remote twin was changed in Intercom)."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET fingerprint = '', content_hash = '', remote_digest = NULL "
                "WHERE source = ? AND target = ? AND external_id = ?",
                [(*self._key(), external_id) for external_id in external_ids],
            )

    def forget_fingerprints(self, external_ids: Iterable[str]) -> None:
        """Forget the fingerprints of these documents, keeping what was sent: the next run reads them
        again and sends each only if its payload changed."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET fingerprint = '' WHERE source = ? AND target = ? AND external_id = ?",
                [(*self._key(), external_id) for external_id in external_ids],
            )

    def record_availability(self, held: Iterable[tuple[str, Availability]]) -> None:
        """Remember what remote twins now hold (external id, the flags set), e.g. after a bulk action
        was accepted; flags not said keep what was known of them."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET ai_agent = COALESCE(?, ai_agent), "
                "ai_copilot = COALESCE(?, ai_copilot), ai_sales_agent = COALESCE(?, ai_sales_agent) "
                "WHERE source = ? AND target = ? AND external_id = ?",
                [(*_held(flags), *self._key(), external_id) for external_id, flags in held],
            )

    def record_withdrawn(self, external_ids: Iterable[str], *, at: float) -> None:
        """Remember that these documents' remote twins were withdrawn ``at`` (a Unix time): unavailable
        to every Fin surface, as an accepted bulk action left them. Their fingerprints are forgotten,
        so a document that comes back is read and sent again (its twin restored), never skipped as
        unchanged."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET withdrawn_at = ?, fingerprint = '', ai_agent = 0, ai_copilot = 0, "
                "ai_sales_agent = 0 WHERE source = ? AND target = ? AND external_id = ?",
                [(at, *self._key(), external_id) for external_id in external_ids],
            )

    def withdrawn_count(self) -> int:
        """How many documents' remote twins are withdrawn (kept until they expire or come back)."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM documents WHERE source = ? AND target = ? AND withdrawn_at IS NOT NULL",
            self._key(),
        ).fetchone()
        return int(row[0])

    def record_tags(self, carried: Iterable[tuple[str, int | None]]) -> None:
        """Remember the owner tag remote twins now carry (external id, tag; None: none), e.g. after an
        ``update_tags`` bulk action was accepted."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET owner_tag = ? WHERE source = ? AND target = ? AND external_id = ?",
                [(tag, *self._key(), external_id) for external_id, tag in carried],
            )

    def adopt(self, pages: Iterable[AdoptedPage]) -> None:
        """Record remote pages that state did not know, with no fingerprint or hash, so the next
        plan updates those still in the source and deletes the rest."""
        now = time.time()
        with transaction(self._db):
            self._db.executemany(
                "INSERT OR IGNORE INTO documents (source, target, external_id, locator, fingerprint, "
                "content_hash, remote_id, title, sent_html, synced_at) "
                "VALUES (?, ?, ?, ?, '', '', ?, ?, NULL, ?)",
                [
                    (*self._key(), page.external_id, page.external_id, page.remote_id, page.title, now)
                    for page in pages
                ],
            )

    def refresh_fingerprints(self, updates: Iterable[tuple[str, str, str, Availability, str | None]]) -> None:
        """Store new fingerprints (external_id, locator, fingerprint, what the document declares of
        its availability, the facts its source's availability rules looked at) of
        documents whose payload did not change, so the next run skips them without reading them."""
        with transaction(self._db):
            self._db.executemany(
                "UPDATE documents SET fingerprint = ?, locator = ?, declared = ?, rule_facts = ? "
                "WHERE source = ? AND target = ? AND external_id = ?",
                [
                    (fingerprint, locator, _encode(declared), facts, *self._key(), external_id)
                    for external_id, locator, fingerprint, declared, facts in updates
                ],
            )

    def rule_facts(self) -> list[tuple[str, str | None]]:
        """Every recorded document's locator and the facts its source's availability rules looked at."""
        return self._db.execute(
            "SELECT locator, rule_facts FROM documents WHERE source = ? AND target = ?", self._key()
        ).fetchall()

    def rules_digest(self) -> str | None:
        """The digest of the availability rules the last clean run applied (None: none)."""
        row = self._db.execute(
            "SELECT rules FROM target_settings WHERE source = ? AND target = ?", self._key()
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def set_rules_digest(self, digest: str | None) -> None:
        """Remember the rules a clean run applied (after :meth:`set_settings_digest`, which makes the row)."""
        self._db.execute(
            "UPDATE target_settings SET rules = ? WHERE source = ? AND target = ?", (digest, *self._key())
        )

    def record_deleted(self, external_id: str) -> None:
        """Forget a document whose remote twin was deleted (or is gone)."""
        self.forget_documents([external_id])

    def forget_documents(self, external_ids: Iterable[str]) -> None:
        """Forget several documents at once: the next run reads them again and sends them."""
        with transaction(self._db):
            self._db.executemany(
                "DELETE FROM documents WHERE source = ? AND target = ? AND external_id = ?",
                [(*self._key(), external_id) for external_id in external_ids],
            )

    def forget(self) -> None:
        """Drop everything known of this source in this target (its remote home is gone), and
        the source's checkpoint, so the next collection reads every document again."""
        with transaction(self._db):
            for table in ("documents", "target_settings", "skips"):
                self._db.execute(f"DELETE FROM {table} WHERE source = ? AND target = ?", self._key())  # noqa: S608 - constant
            self._db.execute("UPDATE sources SET checkpoint = NULL WHERE name = ?", (self.source,))

    def state_digest(self) -> str:
        """A digest of everything state holds for this source and target that a plan is made
        against (:mod:`ingest.state.digest`): equal digests, equal plans from equal documents."""
        return target_state_digest(self._db, self.source, self.target)

    # Settings ---------------------------------------------------------------------

    def settings_digest(self) -> str | None:
        """The digest of the target settings the last clean run used."""
        row = self._db.execute(
            "SELECT digest FROM target_settings WHERE source = ? AND target = ?", self._key()
        ).fetchone()
        return str(row[0]) if row else None

    def set_settings_digest(self, digest: str) -> None:
        self._db.execute(
            "INSERT INTO target_settings (source, target, digest) VALUES (?, ?, ?) "
            "ON CONFLICT (source, target) DO UPDATE SET digest = excluded.digest",
            (*self._key(), digest),
        )

    # Documents left out on purpose ------------------------------------------------

    def skips(self) -> dict[str, RememberedSkip]:
        """The documents this target left out on purpose, by locator."""
        rows = self._db.execute(
            "SELECT locator, fingerprint, reason FROM skips WHERE source = ? AND target = ?", self._key()
        )
        return {row[0]: RememberedSkip(*row) for row in rows}

    def replace_skips(self, skips: Iterable[RememberedSkip], *, within: Collection[str] | None) -> None:
        """Remember ``skips`` as the documents left out on purpose: all of them, or, with
        ``within``, those at these locators (the rest of what is remembered stays)."""
        with transaction(self._db):
            if within is None:
                self._db.execute("DELETE FROM skips WHERE source = ? AND target = ?", self._key())
            else:
                self._db.executemany(
                    "DELETE FROM skips WHERE source = ? AND target = ? AND locator = ?",
                    [(*self._key(), locator) for locator in within],
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO skips (source, target, locator, fingerprint, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (*self._key(), skip.locator, skip.fingerprint, skip.reason)
                    for skip in skips
                    if within is None or skip.locator in within
                ],
            )
