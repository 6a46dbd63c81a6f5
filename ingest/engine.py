"""Runs sources: connector -> collect -> plan -> target, recording every success in state.

The engine is the only place that joins connectors and Intercom. The nightly run, a run
by hand and the watch daemon all come through :meth:`Engine.sync_source`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from ingest.collect import Collected, PathFilter, collect
from ingest.config import Source
from ingest.connector import Connector, Resumable
from ingest.convert import converter_identity
from ingest.document import Failure, SkippedDocument
from ingest.errors import ApiError, AuthError, ConnectorError
from ingest.plan import Deletion, Plan, Upsert, make_plan
from ingest.registry import load_connector
from ingest.report import NullProgress, Progress
from ingest.state import DocumentRecord, RunCounts, StateStore
from ingest.targets.base import Target, payload_digest

log = logging.getLogger("ingest.engine")

#: Builds the target of a source; the engine itself knows no target by name.
TargetFactory = Callable[[Source], Target]


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


def build_connector(source: Source) -> Connector:
    factory = load_connector(source.settings.connector)
    return factory(source.options)


class Engine:
    """Syncs configured sources into one target kind, with one state store and one client."""

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

    async def plan_source(
        self, source: Source, *, only: Collection[str] | None = None
    ) -> tuple[Plan, Collected, Target]:
        """Everything a sync of ``source`` would do, without sending or recording anything."""
        target = self._target_factory(source)
        plan, collected, _ = await self._collect_and_plan(source, target, only=only)
        return plan, collected, target

    async def _collect_and_plan(
        self, source: Source, target: Target, *, only: Collection[str] | None
    ) -> tuple[Plan, Collected, Target]:
        connector = build_connector(source)
        if isinstance(connector, Resumable):
            connector.resume_from(self._state.checkpoint(source.name))
        records = self._state.documents(source.name, target.name)
        collected = await collect(
            connector,
            records=records,
            settings_digest=payload_digest([converter_identity(), target.settings_digest()]),
            path_filter=PathFilter(source.settings.include, source.settings.exclude),
            url_template=source.settings.url_template,
            only=only,
        )
        return self._plan(source, target, collected, records), collected, target

    def _plan(
        self, source: Source, target: Target, collected: Collected, records: Mapping[str, DocumentRecord]
    ) -> Plan:
        return make_plan(
            source=source.name,
            target=target.name,
            pages=collected.pages,
            unchanged_ids=collected.unchanged_ids,
            skipped=collected.skipped,
            failures=collected.failures,
            records=records,
            payload_hash=target.payload_hash,
            max_delete_share=source.settings.max_delete_share,
            allow_mass_delete=self._allow_mass_delete,
        )

    async def sync_source(self, source: Source, *, only: Collection[str] | None = None) -> SourceResult:
        """Plan and carry out one source. Per-page problems become failures in the result;
        an AuthError ends the whole run and is raised."""
        started = time.monotonic()
        result = SourceResult(source=source.name, target="?")
        run_id = self._state.start_run(source.name)
        outcome = "aborted"
        try:
            try:
                plan, collected, target = await self.plan_source(source, only=only)
            except ConnectorError as exc:
                result.error = str(exc)
                outcome = "failed"
                return result
            result.target = target.name
            result.scanned, result.converted = collected.scanned, collected.converted
            result.plan, result.skipped, result.failures = plan, list(plan.skipped), list(plan.failures)
            result.counts = RunCounts(
                unchanged=plan.unchanged, skipped=len(plan.skipped), failed=len(plan.failures)
            )
            if plan.refusal:
                result.error = plan.refusal
                outcome = "refused"
                return result
            try:
                if plan.writes and await target.prepare(plan):
                    # State was reset or adopted remote pages: plan again against it.
                    plan, collected, _ = await self._collect_and_plan(source, target, only=None)
                    result.scanned, result.converted = collected.scanned, collected.converted
            except AuthError:
                raise
            except ApiError as exc:
                result.error = f"could not prepare {target.name}: {exc}"
                outcome = "failed"
                return result
            result.plan = plan
            await self._execute(plan, target, result)
            outcome = "ok" if result.ok else "failed"
            # A checkpoint saves reading only when everything before it is known to be synced.
            self._state.set_checkpoint(source.name, collected.checkpoint if result.ok else None)
            return result
        finally:
            result.seconds = time.monotonic() - started
            self._state.finish_run(run_id, outcome, result.counts)
            self._state.replace_failures(source.name, [(f.locator, f.message) for f in result.failures])

    async def _execute(self, plan: Plan, target: Target, result: SourceResult) -> None:
        counts = {"created": 0, "updated": 0, "deleted": 0}
        failures: list[Failure] = list(plan.failures)
        self._progress.start(plan.source, plan.writes)

        async def upsert(item: Upsert) -> None:
            try:
                remote_id = await target.upsert(item)
            except AuthError:
                raise
            except ApiError as exc:
                failures.append(Failure(item.page.locator, f"{item.action.value} failed: {exc}"))
            else:
                page = item.page
                self._state.record_sent(
                    plan.source,
                    target.name,
                    external_id=page.external_id,
                    locator=page.locator,
                    fingerprint=page.fingerprint,
                    content_hash=item.content_hash,
                    remote_id=remote_id,
                    title=page.title,
                    html=page.html,
                )
                counts["created" if item.action.value == "create" else "updated"] += 1
            finally:
                self._progress.advance(plan.source)

        async def delete(item: Deletion) -> None:
            try:
                await target.delete(item)
            except AuthError:
                raise
            except ApiError as exc:
                failures.append(Failure(item.locator, f"delete failed: {exc}"))
            else:
                self._state.record_deleted(plan.source, target.name, item.external_id)
                counts["deleted"] += 1
            finally:
                self._progress.advance(plan.source)

        try:
            if plan.refreshes:
                self._state.refresh_fingerprints(
                    plan.source,
                    target.name,
                    [(r.external_id, r.locator, r.fingerprint) for r in plan.refreshes],
                )
            # Creates and updates first, deletes after: a renamed document is never missing.
            async with asyncio.TaskGroup() as group:
                for item in plan.upserts:
                    group.create_task(upsert(item))
            async with asyncio.TaskGroup() as group:
                for deletion in plan.deletes:
                    group.create_task(delete(deletion))
        except* AuthError as errors:
            raise errors.exceptions[0] from None
        finally:
            self._progress.finish(plan.source)
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
