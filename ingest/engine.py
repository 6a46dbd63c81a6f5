"""Runs sources: connector -> collect -> plan -> target, recording every success in state.

The engine is the only place that joins connectors and Intercom. The nightly run, a run
by hand and the watch daemon all come through :meth:`Engine.sync_source`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ingest.api_defaults import DEFAULT_MAX_CONCURRENCY
from ingest.applied_settings import record_applied
from ingest.availability_rules import AvailabilityRules
from ingest.collect import Collected, PathFilter, TargetRecords, collect, reading_identity
from ingest.config import Source
from ingest.connector import Closeable, Connector, Resumable
from ingest.conversion import default_jobs
from ingest.document import Page, SkippedDocument
from ingest.errors import ApiError, ConnectorError
from ingest.execution import FATAL, PlanExecution
from ingest.gc_pause import collector_paused
from ingest.plan import Plan, make_plan
from ingest.progress import NullProgress, Progress
from ingest.remote_check import SourceCheck, check_targets
from ingest.results import SourceResult, start_result
from ingest.rule_changes import rule_check, unmatched_rules
from ingest.soft_delete import soft_delete_of
from ingest.state import DocumentRecord, RememberedSkip, RunOutcome, StateStore
from ingest.streaming import SourceStream
from ingest.targets.base import Streamed, Target

__all__ = ["ConnectorFactory", "Engine", "PlanGate", "SourcePlan", "SourceResult", "TargetFactory"]

log = logging.getLogger("ingest.engine")

#: Builds the targets of a source, in the order they are synced; the engine knows none by name.
TargetFactory = Callable[[Source], Sequence[Target]]
#: Builds the connector of a source (``ingest.runner.build_connector`` finds it by entry point).
ConnectorFactory = Callable[[Source], Connector]


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


#: Says why a plan about to be carried out must not be (None: carry it out); see ``sync_source``.
PlanGate = Callable[[SourcePlan], str | None]


def _refused_by(
    gate: PlanGate, planned: SourcePlan, results: dict[str, SourceResult], outcomes: dict[str, RunOutcome]
) -> bool:
    """Ask ``gate`` of ``planned``; when it refuses, every target's result says why."""
    reason = gate(planned)
    if reason is None:
        return False
    for name, result in results.items():
        result.error, outcomes[name] = reason, RunOutcome.REFUSED
    return True


class Engine:
    """Syncs configured sources into their targets, with one state store and one client."""

    def __init__(
        self,
        *,
        state: StateStore,
        connector_factory: ConnectorFactory,
        target_factory: TargetFactory,
        progress: Progress | None = None,
        allow_mass_delete: bool = False,
        jobs: int | None = None,
        senders: int = DEFAULT_MAX_CONCURRENCY,
        batch_size: int | None = None,
        streaming: bool = True,
        clock: Callable[[], float] = time.time,
        digest_scan: bool = False,
    ) -> None:
        """``jobs``: processes converting a large collection (default: the CPUs this process may use);
        ``senders``: upserts and deletes in flight at once (the client's ``max_concurrency``);
        ``batch_size``: documents read, converted and planned at once in a streamed run (default:
        :data:`~ingest.collect.LOAD_BATCH`, :data:`~ingest.collect.POOL_BATCH` when converting on
        worker processes); ``streaming``: whether a source whose targets all can is synced as a
        stream (:mod:`ingest.streaming`) rather than collected and planned whole first; ``clock``: the
        time of a run (when twins are withdrawn, and whether their grace period is over);
        ``digest_scan``: whether a plan's collection holds a digest of its scan (a saved plan's)."""
        self._clock = clock
        self._state = state
        self._jobs = jobs
        self._connector_factory = connector_factory
        self._target_factory = target_factory
        self._progress = progress or NullProgress()
        self._allow_mass_delete = allow_mass_delete
        self._senders = senders
        self._streaming = streaming
        self._digest_scan = digest_scan
        self._stream = SourceStream(
            state=state,
            progress=self._progress,
            allow_mass_delete=allow_mass_delete,
            senders=senders,
            batch_size=batch_size,
            jobs=jobs,
            clock=clock,
        )

    async def plan_source(self, source: Source, *, only: Collection[str] | None = None) -> SourcePlan:
        """Everything a sync of ``source`` would do, without sending or recording anything."""
        return await self._collect_and_plan(source, self._target_factory(source), only=only)

    async def _collect_and_plan(
        self, source: Source, targets: Sequence[Target], *, only: Collection[str] | None
    ) -> SourcePlan:
        connector = self._connector_factory(source)
        if isinstance(connector, Resumable):
            connector.resume_from(self._state.checkpoint(source.name))
        stores = {target.name: self._state.target(source.name, target.name) for target in targets}
        # Built once the scan has said which documents are unchanged: only the others.
        records = {name: store.run_records() for name, store in stores.items()}
        rules = source.settings.availability_rules()
        # A watch batch (``only``) reads only its documents: a change of rules waits for a whole run.
        checks = {name: rule_check(store, rules) if only is None else None for name, store in stores.items()}
        with collector_paused():
            views = {
                target.name: TargetRecords(
                    records=records[target.name],
                    settings_changed=stores[target.name].settings_digest() != target.settings_digest(),
                    skips=stores[target.name].skips(),
                    rule_check=checks[target.name],
                )
                for target in targets
            }
        try:
            collected = await collect(
                connector,
                targets=views,
                settings_digest=reading_identity(source.settings.scan_policy),
                path_filter=PathFilter(source.settings.include, source.settings.exclude),
                url_template=source.settings.url_template,
                only=only,
                limits=source.settings.document_limits,
                secrets=source.settings.scan_policy,
                jobs=self._jobs or default_jobs(),
                digest_scan=self._digest_scan,
            )
        finally:
            if isinstance(connector, Closeable):
                connector.close()
        read = (index for page in collected.pages for index in _rules_matched(rules, page))
        collected.warnings += unmatched_rules(source.name, rules, checks.values(), read)
        planned = SourcePlan(source, collected, [], only=only)
        for target in targets:
            records[target.name].load_all_but(collected.unchanged_ids[target.name])
            plan, planned.skips[target.name] = self._plan(source, target, collected, records[target.name])
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
            soft_delete=soft_delete_of(source, self._clock),
            rules=source.settings.availability_rules(),
        )
        plan = replace(
            plan,
            availability=target.availability_changes(plan, records),
            tags=target.planned_tags(plan, records),
        )
        return plan, [*remembered, *skips]

    async def check_source(self, source: Source) -> SourceCheck:
        """Check what Intercom holds for ``source``'s targets and send nothing else (the watch
        daemon's periodic check); an AuthError is raised."""
        return await check_targets(self._target_factory(source))

    async def sync_source(
        self,
        source: Source,
        *,
        only: Collection[str] | None = None,
        check: bool = True,
        planned: SourcePlan | None = None,
        gate: PlanGate | None = None,
    ) -> list[SourceResult]:
        """Plan and carry out one source, target by target; a result per target.

        With ``check`` (every run; the watch daemon's batches only now and then), what Intercom
        holds is checked once planned, also when nothing is to be sent (:mod:`ingest.remote_check`):
        a container deleted in Intercom is forgotten and the whole source collected, planned and
        sent again in this run; drift from the configuration is reported in the results.

        Per-document problems become failures in the results; a source that cannot be read
        is an error in every result; an AuthError (or a ConfigError found on the way, such
        as an unknown article author) ends the whole run and is raised.

        ``planned`` (from :meth:`plan_source` with this engine's targets) is carried out as it is,
        whole, rather than collected again (``ingest apply``, once the plan is proved to be the
        reviewed one); ``gate`` is asked of every plan about to be carried out, also one made again
        on the way (a container deleted in Intercom, pages adopted): when it says why not, nothing
        of the source is sent and every result holds the reason, refused.
        """
        started = time.monotonic()
        targets = list(self._target_factory(source))
        run_ids = {target.name: self._state.runs.start(source.name, target.name) for target in targets}
        results = {target.name: SourceResult(source=source.name, target=target.name) for target in targets}
        outcomes = dict.fromkeys(run_ids, RunOutcome.ABORTED)
        try:
            try:
                collected = None
                if (
                    planned is None
                    and gate is None
                    and self._streaming
                    and targets
                    and all(isinstance(t, Streamed) and t.streams for t in targets)
                ):
                    collected = await self._stream.sync(
                        source, self._connector_factory, targets, results, outcomes, only=only, check=check
                    )
                if collected is None:
                    collected = await self._sync_whole(
                        source, targets, results, outcomes, only=only, check=check, planned=planned, gate=gate
                    )
            except ConnectorError as exc:  # the source could not be read: nothing is sent or deleted
                for name, result in results.items():
                    result.error, outcomes[name] = str(exc), RunOutcome.FAILED
                return list(results.values())
            # A checkpoint saves reading only when everything before it is known to be synced.
            clean = all(result.ok for result in results.values())
            self._state.set_checkpoint(source.name, collected.checkpoint if clean else None)
            return list(results.values())
        finally:
            for name, result in results.items():
                result.seconds = time.monotonic() - started
                self._state.runs.finish(run_ids[name], outcomes[name], result.counts)
            failures = {(f.locator, f.message) for r in results.values() for f in r.failures}
            self._state.runs.replace_failures(source.name, sorted(failures))

    async def _sync_whole(
        self,
        source: Source,
        targets: Sequence[Target],
        results: dict[str, SourceResult],
        outcomes: dict[str, RunOutcome],
        *,
        only: Collection[str] | None,
        check: bool,
        planned: SourcePlan | None = None,
        gate: PlanGate | None = None,
    ) -> Collected:
        """The source collected and planned whole (unless ``planned`` already), then carried out
        target by target (a target whose upserts must go in an order, such as articles before
        their translations); what ``gate`` refuses is not carried out."""
        if planned is None:
            planned = await self._collect_and_plan(source, targets, only=only)
        if gate is not None and _refused_by(gate, planned, results, outcomes):
            return planned.collected
        checked = await self._check(planned) if check else SourceCheck()
        for name, findings in checked.findings.items():
            results[name].remote = list(findings)
        if checked.forgot:  # every page of a container created again, not just the batch's
            planned = await self._collect_and_plan(source, targets, only=None)
            if gate is not None and _refused_by(gate, planned, results, outcomes):
                return planned.collected  # before a target gets ready: nothing is written
        gated = planned
        planned = await self._prepare(planned, results, outcomes, unprepared=dict(checked.errors))
        if gate is not None and planned is not gated and _refused_by(gate, planned, results, outcomes):
            return planned.collected
        for target, _ in planned.plans:
            skips = planned.skips[target.name]
            self._state.target(source.name, target.name).replace_skips(skips, within=planned.only)
        for target, plan in planned.plans:
            result = results[target.name]
            if outcomes[target.name] is not RunOutcome.ABORTED:
                continue  # refused or failed while preparing
            result.plan = plan
            await self._execute(plan, target, result)
            outcomes[target.name] = RunOutcome.OK if result.ok else RunOutcome.FAILED
            if result.error is None and len(result.failures) == len(plan.failures):  # all sent
                record_applied(
                    self._state.target(source.name, target.name),
                    plan,
                    settings_digest=target.settings_digest(),
                    rules=source.settings.availability_rules(),
                    only=only,
                )
        return planned.collected

    async def _check(self, planned: SourcePlan) -> SourceCheck:
        """The remote truth of the planned targets; a target about to write proves the token."""
        writes = any(plan.writes and not plan.refusal for _, plan in planned.plans)
        return await check_targets([target for target, _ in planned.plans], writes_follow=writes)

    async def _prepare(
        self,
        planned: SourcePlan,
        results: dict[str, SourceResult],
        outcomes: dict[str, RunOutcome],
        *,
        unprepared: dict[str, str],
    ) -> SourcePlan:
        """Refuse plans the guard stopped; let each target with work get ready. When a target
        changed what state records, collect and plan the whole source again (each target
        prepares once, so this ends). ``unprepared``: target -> why it cannot get ready (its
        check failed); more are added as preparing fails."""
        prepared: set[str] = set()
        while True:
            replan = False
            for target, plan in planned.plans:
                result = results[target.name]
                start_result(result, planned.collected, plan)
                outcomes[target.name] = RunOutcome.ABORTED
                if target.name in unprepared:
                    result.error, outcomes[target.name] = unprepared[target.name], RunOutcome.FAILED
                elif plan.refusal:
                    result.error, outcomes[target.name] = plan.refusal, RunOutcome.REFUSED
                elif plan.writes and target.name not in prepared:
                    prepared.add(target.name)
                    try:
                        replan = await target.prepare(plan) or replan
                    except FATAL:
                        raise
                    except ApiError as exc:
                        unprepared[target.name] = f"could not prepare {target.name}: {exc}"
                        result.error, outcomes[target.name] = unprepared[target.name], RunOutcome.FAILED
            if not replan:
                return planned
            targets = [target for target, _ in planned.plans]
            planned = await self._collect_and_plan(planned.source, targets, only=None)

    async def _execute(self, plan: Plan, target: Target, result: SourceResult) -> None:
        """Carry out ``plan``; ``result`` holds what was done, also when a fatal error ends it."""
        store = self._state.target(plan.source, target.name)
        execution = PlanExecution(plan, target, store, self._progress, senders=self._senders)
        try:
            await execution.run()
        finally:
            result.failures = list(execution.tally.failures)
            result.skipped = list(plan.skipped)
            result.counts = execution.tally.counts(plan)


def _rules_matched(rules: AvailabilityRules, page: Page) -> tuple[int, ...]:
    """Positions of the rules a page read matched (none for one whose front matter fails it)."""
    try:
        return rules.declared(page.locator, page.metadata).matched
    except ValueError:
        return ()
