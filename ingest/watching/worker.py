"""One source in the watch daemon: its batches, one at a time, through the engine.

A batch: persist its locators as pending work; take the source's lock (waiting a little for
a nightly run to finish); ``engine.sync_source(source, only=<every pending locator>)``, or
a whole incremental sync when a whole-source change is pending; then forget the pending work
that every target synced. When the API is away (the source failed, or documents failed on
the way to the API) the work stays pending and the batch is retried with exponential
back-off; new changes still start their own batches, each of which carries everything
pending. Documents the connector could not read are reported and not retried: their next
edit starts a batch again. The source's Content Import Source is read before writing at most
once per ``poll_seconds`` (:mod:`ingest.watching.reads`), and again after any failure.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.config import Source
from ingest.document import Failure
from ingest.engine import Engine, SourceResult
from ingest.errors import AuthError, ConfigError, StorageError, ingest_error_in
from ingest.lock import SourceLock
from ingest.settings import WatchSettings
from ingest.state import PendingWork
from ingest.watching.batches import Batch, ChangeQueue
from ingest.watching.reads import SourceReads
from ingest.watching.source import SourceWatch

log = logging.getLogger("ingest.watch")

#: Errors that stop the daemon: retrying cannot help.
FATAL = (AuthError, ConfigError)


@dataclass(frozen=True)
class TargetFigures:
    """What one batch did for one target of its source (monitoring counts per target)."""

    target: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    availability: int = 0
    tagged: int = 0
    failed: int = 0

    @classmethod
    def of(cls, result: SourceResult) -> TargetFigures:
        counts = result.counts
        return cls(
            target=result.target,
            created=counts.created,
            updated=counts.updated,
            deleted=counts.deleted,
            availability=counts.availability,
            tagged=counts.tagged,
            failed=counts.failed,
        )


@dataclass(frozen=True)
class BatchReport:
    """What one batch did: the figures of its log line.

    ``outcome`` is ``"ok"`` (nothing left pending), ``"retry"`` (work kept, retried in
    ``retry_in`` seconds) or ``"locked"`` (another ingest process held the source).
    ``documents`` is how many changed locators the batch looked at (all of them, with
    ``whole``); ``latency`` runs from the batch's first change to the end of the batch.
    """

    source: str
    outcome: str
    documents: int
    whole: bool
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: int = 0
    #: Pages whose availability was set apart from their upserts (bulk actions).
    availability: int = 0
    #: Remote twins whose owner tag was moved apart from their upserts (bulk actions).
    tagged: int = 0
    pending: int = 0
    latency: float = 0.0
    retry_in: float | None = None
    error: str | None = None
    #: The documents that failed, per target (what alerts list); left out of the batch's log line.
    failures: tuple[tuple[str, Failure], ...] = field(default=(), repr=False)
    #: The figures above, target by target (one per target the batch reached).
    targets: tuple[TargetFigures, ...] = ()


class SourceWorker:
    """Takes the batches of one source from its queue and syncs them, one at a time."""

    def __init__(
        self,
        source: Source,
        *,
        watch: SourceWatch,
        engine: Engine,
        pending: PendingWork,
        state_path: Path,
        settings: WatchSettings,
        on_batch: Callable[[BatchReport], None],
        reads: SourceReads,
    ) -> None:
        self.source = source
        self.watch = watch
        self.queue = ChangeQueue(
            debounce=settings.debounce_ms / 1000, max_wait=settings.max_batch_wait_ms / 1000
        )
        self._engine = engine
        self._pending = pending
        self._settings = settings
        self._on_batch = on_batch
        #: When the source's containers were last read: a batch within poll_seconds skips the read.
        self._reads = reads
        self._lock = SourceLock(state_path, source.name)
        self._failures = 0
        #: When what Intercom holds for the source was last checked (None: not yet).
        self._checked_at: float | None = None
        #: Changes of batches whose pending work could not be saved (a full disk): the next batch
        #: carries them, so none is lost while the disk is full.
        self._unsaved = Batch()

    async def run(self) -> None:
        """Sync batches until the queue closes; raises only what must stop the daemon."""
        while (batch := await self.queue.next()) is not None:
            try:
                await self._batch(batch)
            except FATAL:
                raise
            except Exception as exc:  # a bug must not end the watching; the work stays pending
                storage = _storage_error(exc)
                if storage is not None:  # a full disk: one line, retried (room may be made)
                    self._keep_unsaved(batch)
                    self._report(batch, "retry", error=str(storage))
                    continue
                log.exception("%s: batch failed unexpectedly", self.source.name)
                self._reads.forget(self.source.name)
                self._report(batch, "retry", error=f"unexpected error: {exc}")

    def keep_unsent(self) -> None:
        """Persist changes still waiting in the queue (at shutdown), for the next start."""
        batch = self.queue.drain()
        if batch is not None:
            self._keep_unsaved(batch)
        if self._unsaved.locators or self._unsaved.whole:
            self._pending.add(self.source.name, self._unsaved.locators, whole=self._unsaved.whole)

    def _keep_unsaved(self, batch: Batch) -> None:
        self._unsaved = Batch(
            locators=self._unsaved.locators | batch.locators, whole=self._unsaved.whole or batch.whole
        )

    async def _batch(self, batch: Batch) -> None:
        name = self.source.name
        self._keep_unsaved(batch)
        self._pending.add(name, self._unsaved.locators, whole=self._unsaved.whole)
        self._unsaved = Batch()
        work = self._pending.load(name)
        if work.empty:
            if batch.check:
                await self._check()
            return
        await self.watch.ready()
        if not await self._lock.acquire(self._settings.lock_wait_seconds):
            self._report(batch, "locked", documents=len(work.locators), whole=work.whole)
            return
        check = batch.check or self._check_due()
        trusted = not self._reads.due(name)
        try:
            only = None if work.whole else work.locators
            results = await self._engine.sync_source(self.source, only=only, check=check)
        finally:
            self._lock.release()
        error, keep = _outcome(results)
        self._note_reads(results, error=error, keep=keep, read=check or not trusted)
        if check and error is None:  # a source that failed may not have reached its check
            self._checked()
        if error is None:
            self._pending.done(name, work, keep=keep)
        if error is None and not keep:
            self._failures = 0
            self.watch.synced()
            outcome = "ok"
        else:
            outcome = "retry"
        self._report(
            batch, outcome, documents=len(work.locators), whole=work.whole, results=results, error=error
        )

    def _note_reads(
        self, results: Sequence[SourceResult], *, error: str | None, keep: set[str], read: bool
    ) -> None:
        """Remember a clean batch that read the source's containers; forget the read after a failure,
        so that the next batch reads again. A batch that wrote without reading and had a write
        refused for good (a source deleted in Intercom refuses every upsert) is followed by a check
        at once: nothing else would retry it."""
        name = self.source.name
        if error is None and not any(result.failures for result in results):
            if read:
                self._reads.read(name)
            return
        self._reads.forget(name)
        if not read and error is None and not keep:
            self.queue.check_in(0)

    def _check_due(self) -> bool:
        return self._checked_at is None or time.monotonic() - self._checked_at >= self._settings.check_seconds

    def _checked(self) -> None:
        self._checked_at = time.monotonic()
        self.queue.check_in(self._settings.check_seconds)

    async def _check(self) -> None:
        """The periodic check of what Intercom holds, while no change comes: one read. A source
        deleted in Intercom is then synced whole (every page sent again); drift is logged."""
        try:
            if not await self._lock.acquire(self._settings.lock_wait_seconds):
                return  # another process syncs the source, and checks it, now
            try:
                checked = await self._engine.check_source(self.source)
            finally:
                self._lock.release()
            self._checked_at = time.monotonic()
            if checked.errors:
                self._reads.forget(self.source.name)
            else:
                self._reads.read(self.source.name)
        finally:
            self.queue.check_in(self._settings.check_seconds)
        for target, error in checked.errors.items():
            log.warning("%s (%s): %s", self.source.name, target, error)
        if checked.forgot:
            self.queue.add(whole=True, immediate=True)

    def _report(
        self,
        batch: Batch,
        outcome: str,
        *,
        documents: int = 0,
        whole: bool = False,
        results: Sequence[SourceResult] = (),
        error: str | None = None,
    ) -> None:
        retry_in = None
        if outcome != "ok":
            self._failures += 1
            retry_in = min(
                self._settings.retry_max_seconds, self._settings.retry_min_seconds * 2 ** (self._failures - 1)
            )
            self.queue.retry_in(retry_in)
        report = BatchReport(
            source=self.source.name,
            outcome=outcome,
            documents=documents,
            whole=whole,
            created=sum(r.counts.created for r in results),
            updated=sum(r.counts.updated for r in results),
            deleted=sum(r.counts.deleted for r in results),
            unchanged=sum(r.counts.unchanged for r in results),
            failed=sum(r.counts.failed for r in results),
            availability=sum(r.counts.availability for r in results),
            tagged=sum(r.counts.tagged for r in results),
            pending=self._pending.counts().get(self.source.name, 0),
            latency=time.monotonic() - batch.first_change,
            retry_in=retry_in,
            error=error,
            failures=tuple((r.target, failure) for r in results for failure in r.failures),
            targets=tuple(TargetFigures.of(result) for result in results),
        )
        _log_report(report)
        self._on_batch(report)


def _log_report(report: BatchReport) -> None:
    extra = {"batch": {key: value for key, value in asdict(report).items() if key != "failures"}}
    if report.outcome == "locked":
        log.warning(
            "source %s is being synced by another ingest process; retrying in %g s",
            report.source,
            report.retry_in,
            extra=extra,
        )
        return
    availability = f", set availability {report.availability}" if report.availability else ""
    availability += f", tagged {report.tagged}" if report.tagged else ""
    counts = (
        f"created {report.created}, updated {report.updated}, deleted {report.deleted}{availability}, "
        f"failed {report.failed}"
    )
    what = "whole source" if report.whole else f"{report.documents} document{'s' * (report.documents != 1)}"
    if report.outcome == "ok":
        log.info("%s: %s (%s, latency %.2f s)", report.source, counts, what, report.latency, extra=extra)
    else:
        log.warning(
            "%s: %s (%s); %d pending, retrying in %g s%s",
            report.source,
            counts,
            what,
            report.pending,
            report.retry_in,
            f": {report.error}" if report.error else "",
            extra=extra,
        )


def _storage_error(exc: Exception) -> StorageError | None:
    """``exc`` as a StorageError, also when a task group of the batch raised it."""
    found = ingest_error_in(exc) if isinstance(exc, ExceptionGroup) else exc
    return found if isinstance(found, StorageError) else None


def _outcome(results: Sequence[SourceResult]) -> tuple[str | None, set[str]]:
    """The source's error, if any (then everything stays pending), and the locators whose
    writes failed for a reason that may pass (they stay pending). Documents that cannot be
    read, or that Intercom rejected as they are, are reported and wait for their next edit."""
    error = next((result.error for result in results if result.error), None)
    keep = {failure.locator for result in results for failure in result.failures if failure.retryable}
    return error, keep
