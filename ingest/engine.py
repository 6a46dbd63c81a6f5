"""Runs sources: connector -> collect -> plan -> target, recording every success in state.

The engine is the only place that joins connectors and Intercom. The nightly run, a run
by hand and the watch daemon all come through :meth:`Engine.sync_source`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from ingest.collect import Collected, PathFilter, TargetRecords, collect
from ingest.config import Source
from ingest.connector import Closeable, Connector, Resumable
from ingest.convert import converter_identity
from ingest.document import Failure, SkippedDocument
from ingest.errors import ApiError, AuthError, ConfigError, ConnectorError, DocumentError, RetryableApiError
from ingest.plan import Action, Deletion, Plan, Upsert, make_plan
from ingest.progress import NullProgress, Progress
from ingest.registry import load_connector
from ingest.run_log import RunCounts
from ingest.state import DocumentRecord, RememberedSkip, StateStore
from ingest.targets.base import Target

log = logging.getLogger("ingest.engine")

#: Errors that end the whole run: retrying other documents cannot help.
_FATAL = (AuthError, ConfigError)

#: Builds the targets of a source, in the order they are synced; the engine knows none by name.
TargetFactory = Callable[[Source], Sequence[Target]]


@dataclass
class SourceResult:
    """What one run did for one source and target: the numbers a user reads in the summary."""

    source: str
    target: str
    counts: RunCounts = field(default_factory=RunCounts)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[SkippedDocument] = field(default_factory=list)
    error: str | None = None
    scanned: int = 0
    converted: int = 0
    seconds: float = 0.0
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures


@dataclass
class SourcePlan:
    """Everything a sync of one source would do: the documents collected once, a plan per target."""

    source: Source
    collected: Collected
    plans: list[tuple[Target, Plan]]
    #: The locators the collection was limited to (None: all of them).
    only: Collection[str] | None = None
    #: Per target, the documents it leaves out on purpose, with fingerprints, to remember.
    skips: dict[str, list[RememberedSkip]] = field(default_factory=dict)


def build_connector(source: Source) -> Connector:
    factory = load_connector(source.settings.connector)
    return factory(source.options)


class Engine:
    """Syncs configured sources into their targets, with one state store and one client."""

    def __init__(
        self,
        *,
        state: StateStore,
        target_factory: TargetFactory,
        progress: Progress | None = None,
        allow_mass_delete: bool = False,
    ) -> None:
        self._state = state
        self._target_factory = target_factory
        self._progress = progress or NullProgress()
        self._allow_mass_delete = allow_mass_delete

    async def plan_source(self, source: Source, *, only: Collection[str] | None = None) -> SourcePlan:
        """Everything a sync of ``source`` would do, without sending or recording anything."""
        return await self._collect_and_plan(source, self._target_factory(source), only=only)

    async def _collect_and_plan(
        self, source: Source, targets: Sequence[Target], *, only: Collection[str] | None
    ) -> SourcePlan:
        connector = build_connector(source)
        if isinstance(connector, Resumable):
            connector.resume_from(self._state.checkpoint(source.name))
        stores = {target.name: self._state.target(source.name, target.name) for target in targets}
        views = {
            target.name: TargetRecords(
                records=stores[target.name].records(),
                settings_changed=stores[target.name].settings_digest() != target.settings_digest(),
                skips=stores[target.name].skips(),
            )
            for target in targets
        }
        try:
            collected = await collect(
                connector,
                targets=views,
                settings_digest=converter_identity(),
                path_filter=PathFilter(source.settings.include, source.settings.exclude),
                url_template=source.settings.url_template,
                only=only,
            )
        finally:
            if isinstance(connector, Closeable):
                connector.close()
        planned = SourcePlan(source, collected, [], only=only)
        for target in targets:
            records = views[target.name].records
            plan, planned.skips[target.name] = self._plan(source, target, collected, records)
            planned.plans.append((target, plan))
        return planned

    def _plan(
        self, source: Source, target: Target, collected: Collected, records: Mapping[str, DocumentRecord]
    ) -> tuple[Plan, list[RememberedSkip]]:
        """The target's plan, and the documents it leaves out on purpose (to remember)."""
        remembered = collected.remembered_skips[target.name]
        skips = [
            RememberedSkip(skipped.locator, collected.skipped_fingerprints[skipped.locator], skipped.reason)
            for skipped in collected.skipped
            if skipped.locator in collected.skipped_fingerprints
        ]
        pages, skipped = [], [*collected.skipped, *(SkippedDocument(s.locator, s.reason) for s in remembered)]
        for page in collected.pages:
            reason = target.accepts(page)
            if reason is None:
                pages.append(page)
            else:
                skipped.append(SkippedDocument(page.locator, reason))
                skips.append(RememberedSkip(page.locator, page.fingerprint, reason))
        plan = make_plan(
            source=source.name,
            target=target.name,
            pages=pages,
            unchanged_ids=collected.unchanged_ids[target.name],
            skipped=skipped,
            failures=collected.failures,
            records=records,
            payload_hash=target.payload_hash,
            max_delete_share=source.settings.max_delete_share,
            allow_mass_delete=self._allow_mass_delete,
        )
        return plan, [*remembered, *skips]

    async def sync_source(self, source: Source, *, only: Collection[str] | None = None) -> list[SourceResult]:
        """Plan and carry out one source, target by target; a result per target.

        Per-document problems become failures in the results; a source that cannot be read
        is an error in every result; an AuthError (or a ConfigError found on the way, such
        as an unknown article author) ends the whole run and is raised.
        """
        started = time.monotonic()
        targets = list(self._target_factory(source))
        run_ids = {target.name: self._state.runs.start(source.name, target.name) for target in targets}
        results = {target.name: SourceResult(source=source.name, target=target.name) for target in targets}
        outcomes = dict.fromkeys(run_ids, "aborted")
        try:
            try:
                planned = await self._collect_and_plan(source, targets, only=only)
                planned = await self._prepare(planned, results, outcomes)
            except ConnectorError as exc:  # the source could not be read: nothing is sent or deleted
                for name, result in results.items():
                    result.error, outcomes[name] = str(exc), "failed"
                return list(results.values())
            for target, _ in planned.plans:
                skips = planned.skips[target.name]
                self._state.target(source.name, target.name).replace_skips(skips, within=planned.only)
            for target, plan in planned.plans:
                result = results[target.name]
                if outcomes[target.name] != "aborted":
                    continue  # refused or failed while preparing
                result.plan = plan
                await self._execute(plan, target, result)
                outcomes[target.name] = "ok" if result.ok else "failed"
                if result.ok:
                    self._state.target(source.name, target.name).set_settings_digest(target.settings_digest())
            # A checkpoint saves reading only when everything before it is known to be synced.
            clean = all(result.ok for result in results.values())
            self._state.set_checkpoint(source.name, planned.collected.checkpoint if clean else None)
            return list(results.values())
        finally:
            for name, result in results.items():
                result.seconds = time.monotonic() - started
                self._state.runs.finish(run_ids[name], outcomes[name], result.counts)
            failures = {(f.locator, f.message) for r in results.values() for f in r.failures}
            self._state.runs.replace_failures(source.name, sorted(failures))

    async def _prepare(
        self, planned: SourcePlan, results: dict[str, SourceResult], outcomes: dict[str, str]
    ) -> SourcePlan:
        """Refuse plans the guard stopped; let each target with work get ready. When a target
        changed what state records, collect and plan the whole source again (each target
        prepares once, so this ends)."""
        prepared: set[str] = set()
        unprepared: dict[str, str] = {}  # target -> why it could not get ready
        while True:
            replan = False
            for target, plan in planned.plans:
                result = results[target.name]
                result.scanned, result.converted = planned.collected.scanned, planned.collected.converted
                result.plan, result.skipped, result.failures = plan, list(plan.skipped), list(plan.failures)
                result.counts = RunCounts(
                    unchanged=plan.unchanged, skipped=len(plan.skipped), failed=len(plan.failures)
                )
                result.error, outcomes[target.name] = None, "aborted"
                if target.name in unprepared:
                    result.error, outcomes[target.name] = unprepared[target.name], "failed"
                elif plan.refusal:
                    result.error, outcomes[target.name] = plan.refusal, "refused"
                elif plan.writes and target.name not in prepared:
                    prepared.add(target.name)
                    try:
                        replan = await target.prepare(plan) or replan
                    except _FATAL:
                        raise
                    except ApiError as exc:
                        unprepared[target.name] = f"could not prepare {target.name}: {exc}"
                        result.error, outcomes[target.name] = unprepared[target.name], "failed"
            if not replan:
                return planned
            targets = [target for target, _ in planned.plans]
            planned = await self._collect_and_plan(planned.source, targets, only=None)

    async def _execute(self, plan: Plan, target: Target, result: SourceResult) -> None:
        counts = {"created": 0, "updated": 0, "deleted": 0}
        failures: list[Failure] = list(plan.failures)
        label = f"{plan.source} ({target.name})"
        store = self._state.target(plan.source, target.name)
        self._progress.start(label, plan.writes)

        async def upsert(item: Upsert) -> None:
            try:
                sent = await target.upsert(item)
            except _FATAL:
                raise
            except (ApiError, DocumentError) as exc:
                failures.append(
                    Failure(
                        item.page.locator,
                        f"{item.action.value} failed: {exc}",
                        retryable=isinstance(exc, RetryableApiError),
                    )
                )
            except Exception as exc:  # a target's bug on one page is that page's failure, not the run's
                log.exception("%s: %s of %s failed unexpectedly", label, item.action.value, item.page.locator)
                failures.append(Failure(item.page.locator, f"{item.action.value} failed: {exc!r}"))
            else:
                page = item.page
                store.record_sent(
                    external_id=page.external_id,
                    locator=page.locator,
                    fingerprint=page.fingerprint,
                    content_hash=item.content_hash,
                    remote_id=sent.remote_id,
                    title=page.title,
                    html=page.html,
                    placement=sent.placement,
                )
                counts["created" if item.action is Action.CREATE else "updated"] += 1
            finally:
                self._progress.advance(label)

        async def delete(item: Deletion) -> None:
            try:
                await target.delete(item)
            except _FATAL:
                raise
            except ApiError as exc:
                failures.append(
                    Failure(
                        item.locator, f"delete failed: {exc}", retryable=isinstance(exc, RetryableApiError)
                    )
                )
            except Exception as exc:  # as for upserts: this delete's failure, not the run's
                log.exception("%s: delete of %s failed unexpectedly", label, item.locator)
                failures.append(Failure(item.locator, f"delete failed: {exc!r}"))
            else:
                store.record_deleted(item.external_id)
                counts["deleted"] += 1
            finally:
                self._progress.advance(label)

        try:
            if plan.refreshes:
                store.refresh_fingerprints(
                    [(r.external_id, r.locator, r.fingerprint) for r in plan.refreshes]
                )
            # Creates and updates first, deletes after: a renamed document is never missing.
            for batch in target.batches(plan.upserts):
                async with asyncio.TaskGroup() as group:
                    for item in batch:
                        group.create_task(upsert(item))
            failed_uploads = len(failures) - len(plan.failures)
            if failed_uploads:
                # The page that failed may be a renamed document's new home: its old page stays
                # until a run whose uploads all succeed.
                failures += [_postponed(deletion, failed_uploads) for deletion in plan.deletes]
                for _ in plan.deletes:
                    self._progress.advance(label)
            else:
                async with asyncio.TaskGroup() as group:
                    for deletion in plan.deletes:
                        group.create_task(delete(deletion))
            if plan.writes:
                await target.finish(plan)
        except* _FATAL as errors:
            raise errors.exceptions[0] from None
        finally:
            self._progress.finish(label)
            result.failures = sorted(failures, key=lambda failure: failure.locator)
            result.skipped = list(plan.skipped)
            result.counts = RunCounts(
                created=counts["created"],
                updated=counts["updated"],
                deleted=counts["deleted"],
                unchanged=plan.unchanged,
                skipped=len(plan.skipped),
                failed=len(result.failures),
            )


def _postponed(deletion: Deletion, failed_uploads: int) -> Failure:
    return Failure(
        deletion.locator,
        f"not deleted yet: {failed_uploads} upload{'s' * (failed_uploads != 1)} of this run failed, "
        "and deletes wait for a run whose uploads all succeed",
        retryable=True,
    )
