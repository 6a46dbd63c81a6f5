"""A source synced as a stream: scan -> read and convert -> plan -> send, a batch at a time.

A first sync of a large source must not hold the source in memory. So, for targets whose
upserts may go in any order (:class:`~ingest.targets.base.StreamsUpserts`):

1. the scan decides what to read from references alone; the mass-delete guard looks at what it
   shows gone (:func:`~ingest.plan.deletions_by_scan`), the remote truth is checked and each
   target gets ready from that outline, all before any document is read;
2. documents are read and converted a batch at a time (:func:`ingest.collect.read`), each batch
   planned (:class:`~ingest.plan.PlanBuilder`) and its upserts handed through a bounded
   :class:`~ingest.execution.Feed` to a fixed set of senders: uploads start with the first batch,
   reading waits while the senders are behind, and a page is let go once its request is done
   and recorded; the plan keeps of it only its ids and title;
3. once every batch is sent, the plan is whole: the guard looks again (documents read and left
   out count now) and, unless it refuses, what is settled apart, the deletes and the tidying run
   as for a whole plan (:meth:`~ingest.execution.PlanExecution.conclude`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace

from ingest.applied_settings import record_applied
from ingest.collect import (
    Collected,
    PathFilter,
    Scanned,
    TargetRecords,
    batch_size_for,
    read,
    reading_identity,
    scan,
)
from ingest.config import Source
from ingest.connector import Closeable, Connector, Resumable
from ingest.conversion import default_jobs
from ingest.document import SkippedDocument
from ingest.errors import ApiError
from ingest.execution import FATAL, Feed, PlanExecution
from ingest.gc_pause import collector_paused
from ingest.plan import (
    Plan,
    PlanBuilder,
    Upsert,
    WholePlanNeeded,
    deletions_by_scan,
    failed_keys,
    retire,
)
from ingest.plan_spill import SpilledUpserts
from ingest.progress import Progress
from ingest.remote_check import SourceCheck, check_targets
from ingest.results import SourceResult, start_result
from ingest.rule_changes import rule_check, unmatched_rules
from ingest.soft_delete import soft_delete_of
from ingest.state import DocumentRecord, RememberedSkip, RunOutcome, RunRecords, StateStore
from ingest.state.seen_ids import SeenIds
from ingest.targets.base import Target

log = logging.getLogger("ingest.engine")

#: Upserts waiting for a sender, per target, in batches read: reading stays this far ahead.
_FEED_BATCHES = 2


@dataclass
class _Outline:
    """What one target's plan is known to hold before anything is read."""

    plan: Plan
    records: Mapping[str, DocumentRecord]

    @property
    def may_write(self) -> bool:
        return not self.plan.refusal and bool(self.plan.writes)


@dataclass
class _Stream:
    """One target's half of a streamed run: its plan being built, its senders, its skips."""

    target: Target
    outline: _Outline
    builder: PlanBuilder
    execution: PlanExecution
    feed: Feed[Upsert]
    #: Whether the target got ready (or tried), once a run: only once it has something to write.
    ready: bool
    skipped: list[SkippedDocument] = field(default_factory=list)
    skips: list[RememberedSkip] = field(default_factory=list)
    #: Why the target could not get ready; nothing more is sent to it.
    unprepared: str | None = None

    @property
    def records(self) -> Mapping[str, DocumentRecord]:
        return self.outline.records


class _ScanAgain(Exception):
    """A target changed what state records while getting ready (a container gone): nothing was
    sent to it yet, and the source is scanned again from what state now says."""


class SourceStream:
    """Streams one source into its targets (see the module docstring); the engine's other half."""

    def __init__(
        self,
        *,
        state: StateStore,
        progress: Progress,
        allow_mass_delete: bool,
        senders: int,
        batch_size: int | None,
        jobs: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``batch_size``: documents read at once (None: as many as
        :func:`~ingest.collect.batch_size_for` finds worth the run's ``jobs``); ``jobs``: processes
        converting (None: the CPUs this process may use); ``clock``: the time of a run (when twins
        are withdrawn, and whether their grace period is over)."""
        self._clock = clock
        self._state = state
        self._progress = progress
        self._allow_mass_delete = allow_mass_delete
        self._senders = senders
        self._batch_size = batch_size
        self._jobs = jobs

    async def sync(
        self,
        source: Source,
        connector_factory: Callable[[Source], Connector],
        targets: Sequence[Target],
        results: Mapping[str, SourceResult],
        outcomes: dict[str, RunOutcome],
        *,
        only: Collection[str] | None,
        check: bool,
    ) -> Collected | None:
        """Scan, check, get ready, then read, plan and send batch by batch; what the scan and the
        reading found (no page). ``results`` and ``outcomes`` are filled in as it goes. None when a
        target cannot get ready from the scan's outline (:class:`~ingest.plan.WholePlanNeeded`):
        nothing was sent, and the source is to be planned whole."""
        prepared: set[str] = set()
        unprepared: dict[str, str] = {}
        checked = not check
        while True:
            connector = connector_factory(source)
            try:
                if isinstance(connector, Resumable):
                    connector.resume_from(self._state.checkpoint(source.name))
                with collector_paused():
                    records = {t.name: self._state.target(source.name, t.name).run_records() for t in targets}
                    views = self._views(source, targets, records, only=only)
                    scanned = await scan(
                        connector,
                        targets=views,
                        settings_digest=reading_identity(source.settings.scan_policy),
                        path_filter=PathFilter(source.settings.include, source.settings.exclude),
                        url_template=source.settings.url_template,
                        only=only,
                    )
                    for name, run_records in records.items():
                        run_records.load_all_but(scanned.collected.unchanged_ids[name])
                    outlines = {
                        t.name: self._outline(source, t, scanned, views[t.name].records) for t in targets
                    }
                if not checked:
                    checked = True
                    found = await self._check(targets, scanned, outlines)
                    unprepared |= found.errors
                    for name, findings in found.findings.items():
                        results[name].remote = list(findings)
                    if found.forgot:  # every page of a container created again, not just the batch's
                        only = None
                        continue
                for target in targets:
                    outline = outlines[target.name]
                    result = results[target.name]
                    start_result(result, scanned.collected, outline.plan)
                    outcomes[target.name] = RunOutcome.ABORTED
                    if target.name in unprepared:
                        result.error, outcomes[target.name] = unprepared[target.name], RunOutcome.FAILED
                    elif outline.plan.refusal:
                        result.error, outcomes[target.name] = outline.plan.refusal, RunOutcome.REFUSED
                active = [target for target in targets if outcomes[target.name] is RunOutcome.ABORTED]
                if active:
                    streams = [self._open(source, t, outlines[t.name], scanned, prepared) for t in active]
                    try:
                        await self._stream(
                            source, connector, scanned, streams, results, outcomes, only, views
                        )
                    except WholePlanNeeded as exc:
                        log.info("%s: planning the whole source first", exc)
                        return None
                    except _ScanAgain:  # a target changed what state records: scan again from it
                        only = None
                        continue
                return scanned.collected
            finally:
                if isinstance(connector, Closeable):
                    connector.close()

    def _views(
        self,
        source: Source,
        targets: Sequence[Target],
        records: Mapping[str, RunRecords],
        *,
        only: Collection[str] | None,
    ) -> dict[str, TargetRecords]:
        """What the scan compares with; ``records`` are built once it has (only those of documents
        not found unchanged, see :class:`~ingest.state.RunRecords`); a watch batch (``only``) makes no
        check of changed availability rules: it reads only its documents."""
        views: dict[str, TargetRecords] = {}
        rules = source.settings.availability_rules()
        for target in targets:
            store = self._state.target(source.name, target.name)
            views[target.name] = TargetRecords(
                records=records[target.name],
                settings_changed=store.settings_digest() != target.settings_digest(),
                skips=store.skips(),
                rule_check=None if only is not None else rule_check(store, rules),
            )
        return views

    def _outline(
        self, source: Source, target: Target, scanned: Scanned, records: Mapping[str, DocumentRecord]
    ) -> _Outline:
        """The target's plan as far as the scan knows it: the deletes it shows (which reading can
        only add to), the guard's word on them, and what is settled apart for the documents kept."""
        collected = scanned.collected
        unchanged = collected.unchanged_ids[target.name]
        gone = deletions_by_scan(
            records,
            scanned=scanned.locators,
            unchanged_ids=unchanged,
            failed=failed_keys(collected.failures),
        )
        soft_delete = soft_delete_of(source, self._clock)
        retired = retire(
            gone,
            records,
            soft_delete,
            max_share=source.settings.max_delete_share,
            allow_mass_delete=self._allow_mass_delete,
        )
        plan = Plan(
            source=source.name,
            target=target.name,
            deletes=retired.deletes,
            unchanged=len(unchanged),
            failures=tuple(collected.failures),
            known=len(records),
            refusal=retired.refusal,
            outline=True,
            withdrawals=retired.withdrawals,
            still_withdrawn=retired.still_withdrawn,
            soft_delete=soft_delete,
        )
        plan = replace(
            plan,
            availability=target.availability_changes(plan, records),
            tags=target.planned_tags(plan, records),
        )
        return _Outline(plan, records)

    async def _check(
        self, targets: Sequence[Target], scanned: Scanned, outlines: Mapping[str, _Outline]
    ) -> SourceCheck:
        """The remote truth; a target about to write (a document to read, a delete) proves the token."""
        writes = any(
            (scanned.to_read or outline.may_write) and not outline.plan.refusal
            for outline in outlines.values()
        )
        return await check_targets(list(targets), writes_follow=writes)

    async def _stream(
        self,
        source: Source,
        connector: Connector,
        scanned: Scanned,
        streams: Sequence[_Stream],
        results: Mapping[str, SourceResult],
        outcomes: dict[str, RunOutcome],
        only: Collection[str] | None,
        views: Mapping[str, TargetRecords],
    ) -> None:
        for stream in streams:
            self._progress.start(stream.execution.label, len(scanned.to_read))
        try:
            try:
                async with asyncio.TaskGroup() as group:
                    for stream in streams:
                        group.create_task(stream.execution.send(stream.feed))
                    group.create_task(self._read_and_plan(connector, source, scanned, streams))
            except* Exception as errors:  # as itself: an AuthError ends the run, a bug shows where it is
                raise errors.exceptions[0] from None
            read = (index for stream in streams for index in stream.builder.rules_matched)
            rules = source.settings.availability_rules()
            checks = (view.rule_check for view in views.values())
            scanned.collected.warnings += unmatched_rules(source.name, rules, checks, read)
            for stream in streams:
                self._progress.finish(stream.execution.label)
                await self._conclude(source, scanned.collected, stream, results, outcomes, only)
        finally:
            for stream in streams:
                self._progress.finish(stream.execution.label)
                result = results[stream.target.name]
                result.scanned, result.converted = scanned.collected.scanned, scanned.collected.converted
                result.warnings = list(scanned.collected.warnings)
                result.unknown = dict(scanned.collected.unknown)
                stream.execution.tally.failures.sort(key=lambda failure: failure.locator)
                result.failures = list(stream.execution.tally.failures)
                if result.plan is not None:
                    result.skipped = list(result.plan.skipped)
                    result.counts = stream.execution.tally.counts(result.plan)

    def _open(
        self, source: Source, target: Target, outline: _Outline, scanned: Scanned, prepared: set[str]
    ) -> _Stream:
        store = self._state.target(source.name, target.name)
        builder = PlanBuilder(
            source=source.name,
            target=target.name,
            unchanged_ids=scanned.collected.unchanged_ids[target.name],
            records=outline.records,
            payload_hash=target.payload_hash,
            max_delete_share=source.settings.max_delete_share,
            allow_mass_delete=self._allow_mass_delete,
            kept=SpilledUpserts(self._state.path.resolve().parent),
            converted_ids=SeenIds(),
            soft_delete=outline.plan.soft_delete,
            rules=source.settings.availability_rules(),
        )
        execution = PlanExecution(
            Plan(source=source.name, target=target.name), target, store, self._progress, senders=self._senders
        )
        ready = target.name in prepared
        prepared.add(target.name)
        return _Stream(
            target, outline, builder, execution, Feed(self._read_size(scanned) * _FEED_BATCHES), ready
        )

    def _jobs_now(self) -> int:
        return self._jobs or default_jobs()

    def _read_size(self, scanned: Scanned) -> int:
        """Documents read, converted and planned at once for what ``scanned`` leaves to read."""
        return self._batch_size or batch_size_for(self._jobs_now(), len(scanned.to_read))

    async def _get_ready(self, stream: _Stream) -> None:
        """Let the target get ready from the outline, once, when it first has something to write."""
        if stream.ready:
            return
        stream.ready = True
        try:
            changed = await stream.target.prepare(stream.outline.plan)
        except FATAL:
            raise
        except ApiError as exc:
            stream.unprepared = f"could not prepare {stream.target.name}: {exc}"
            return
        if changed:
            raise _ScanAgain

    async def _read_and_plan(
        self, connector: Connector, source: Source, scanned: Scanned, streams: Sequence[_Stream]
    ) -> None:
        """Read, convert and plan batch after batch, handing each batch's upserts to the senders;
        every document read advances the progress once (when sent, or when nothing is to send)."""
        collected = scanned.collected
        try:
            reader = read(
                connector,
                scanned,
                limits=source.settings.document_limits,
                secrets=source.settings.scan_policy,
                jobs=self._jobs_now(),
                batch_size=self._read_size(scanned),
            )
            async with aclosing(reader) as batches:  # the workers stop when reading does, also on cancel
                async for batch in batches:
                    pages, batch.pages = batch.pages, []
                    collected.absorb(batch)
                    documents = len(pages) + len(batch.skipped) + len(batch.failures)
                    for stream in streams:
                        accepted = []
                        for page in pages:
                            reason = stream.target.accepts(page)
                            if reason is None:
                                accepted.append(page)
                            else:
                                stream.skipped.append(SkippedDocument(page.locator, reason))
                                stream.skips.append(RememberedSkip(page.locator, page.fingerprint, reason))
                        planned = stream.builder.add(accepted)
                        del accepted
                        if planned.upserts:
                            await self._get_ready(stream)
                        sending = stream.unprepared is None
                        if sending:
                            stream.execution.refresh(planned.refreshes)
                        for _ in range(documents - len(planned.upserts) * sending):
                            self._progress.advance(stream.execution.label)
                        for upsert in planned.upserts if sending else ():
                            await stream.feed.put(upsert)
                        del planned
                    del pages, batch
        finally:
            for stream in streams:
                stream.feed.close()

    async def _conclude(
        self,
        source: Source,
        collected: Collected,
        stream: _Stream,
        results: Mapping[str, SourceResult],
        outcomes: dict[str, RunOutcome],
        only: Collection[str] | None,
    ) -> None:
        """The whole plan, now that every batch is sent: the guard's second look, then what comes
        after the upserts; the target's skips remembered."""
        target, records = stream.target, stream.records
        remembered = collected.remembered_skips[target.name]
        skips = [
            *remembered,
            *(
                RememberedSkip(
                    skipped.locator, collected.skipped_fingerprints[skipped.locator], skipped.reason
                )
                for skipped in collected.skipped
                if skipped.locator in collected.skipped_fingerprints
            ),
            *stream.skips,
        ]
        skipped = [
            *collected.skipped,
            *(SkippedDocument(skip.locator, skip.reason) for skip in remembered),
            *stream.skipped,
        ]
        plan = stream.builder.finish(skipped=skipped, failures=collected.failures)
        outline = stream.outline.plan
        gone = (plan.deletes, plan.withdrawals)
        if plan.upserts or plan.refreshes or gone != (outline.deletes, outline.withdrawals):
            plan = replace(
                plan,
                availability=target.availability_changes(plan, records),
                tags=target.planned_tags(plan, records),
            )
        else:  # what the outline found from the same records: nothing since changes it (a no-op run)
            plan = replace(plan, availability=outline.availability, tags=outline.tags)
        store = self._state.target(source.name, target.name)
        store.replace_skips(skips, within=only)
        execution, result = stream.execution, results[target.name]
        execution.tally.failures[:0] = plan.failures
        if plan.writes and not plan.refusal:
            await self._get_ready(stream)
        if stream.unprepared is not None:
            result.plan, result.error = plan, stream.unprepared
            outcomes[target.name] = RunOutcome.FAILED
            return
        if plan.refusal:
            # The upserts are done (recorded, so none is sent again); nothing is deleted or settled.
            result.plan = replace(plan, deletes=(), withdrawals=(), availability=(), tags=(), refusal=None)
            result.error, outcomes[target.name] = plan.refusal, RunOutcome.REFUSED
            return
        result.plan = plan
        label = execution.label
        self._progress.start(
            label, len(plan.deletes) + len(plan.withdrawals) + len(plan.availability) + len(plan.tags)
        )
        await execution.conclude(plan)
        ok = not execution.tally.failures and result.error is None
        outcomes[target.name] = RunOutcome.OK if ok else RunOutcome.FAILED
        if result.error is None and len(execution.tally.failures) == len(plan.failures):  # all sent
            record_applied(
                store,
                plan,
                settings_digest=target.settings_digest(),
                rules=source.settings.availability_rules(),
                only=only,
            )
