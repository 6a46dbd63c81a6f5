"""Reconciling sources: each target compares what Intercom holds with state, then ``--fix`` repairs.

Per source: the documents are collected and planned as ``ingest plan`` does (nothing is sent), so
each target knows which documents the source makes now; each target that can
(:class:`~ingest.targets.reconciling.Reconciles`) reads its twins and reports the drift, its reads
counted; with ``--fix`` the repairs are staged in state (:mod:`ingest.reconcile.repairs`) and the
source is synced once, as ``ingest run`` syncs it. The engine side knows no target by name.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import SecretStr

from ingest.config import Settings, Source
from ingest.engine import ConnectorFactory, Engine, TargetFactory
from ingest.errors import ApiError, ConnectorError, LockedError
from ingest.execution import FATAL
from ingest.intercom import IntercomClient
from ingest.lock import holding_source
from ingest.plan import Plan
from ingest.reconcile.findings import Finding, Outcome, TargetReport
from ingest.reconcile.pending import set_aside_pending
from ingest.reconcile.repairs import FixPolicy, settle, stage
from ingest.runner import build_connector, make_client, targets_for
from ingest.state import DocumentRecord, StateStore
from ingest.targets.base import Target
from ingest.targets.reconciling import Reconciles, ReconcileScope, Reconciliation, SharedReads


@dataclass
class ReconcileRun:
    """Everything one ``ingest reconcile`` compared and did."""

    reports: list[TargetReport] = field(default_factory=list)
    #: Every read the comparisons made (the fix runs' requests are in their own reports).
    reads: int = 0

    @property
    def ok(self) -> bool:
        return all(report.ok for report in self.reports)


class Reconciler:
    """Reconciles sources one after the other, with one state store and one client."""

    def __init__(
        self,
        *,
        state: StateStore,
        client: IntercomClient,
        connector_factory: ConnectorFactory,
        target_factory: TargetFactory,
        fix: bool = False,
        overwrite_edits: bool = False,
        allow_mass_delete: bool = False,
        owner_tag: int | None = None,
    ) -> None:
        self._state = state
        self._owner_tag = owner_tag
        self._client = client
        self._targets = target_factory
        self._engine = Engine(
            state=state,
            connector_factory=connector_factory,
            target_factory=target_factory,
            allow_mass_delete=allow_mass_delete,
        )
        self._fix = fix
        self._overwrite_edits = overwrite_edits
        self._allow_mass_delete = allow_mass_delete
        #: The workspace's page list is read once for every source.
        self._shared = SharedReads()

    async def reconcile(self, source: Source) -> list[TargetReport]:
        """What Intercom holds for ``source``'s targets against state; with ``fix``, repaired."""
        try:
            planned = await self._engine.plan_source(source)
            pairs: list[tuple[Target, Plan | None]] = list(planned.plans)
            unread = None
        except ConnectorError as exc:
            pairs = [(target, None) for target in self._targets(source)]
            unread = (
                f"the source could not be read ({exc}): an unknown twin cannot be told a document's from "
                "one no document makes, and nothing is repaired"
            )
        reports = [await self._inspect(source, target, plan, unread) for target, plan in pairs]
        if self._fix:
            await self._repair(
                source, [(plan, report) for (_, plan), report in zip(pairs, reports, strict=True)]
            )
        return reports

    async def _inspect(
        self, source: Source, target: Target, plan: Plan | None, unread: str | None
    ) -> TargetReport:
        report = TargetReport(source.name, target.name, error=unread)
        records = self._state.target(source.name, target.name).records()
        scope = ReconcileScope(
            documents=None if plan is None else _documents(plan, records),
            complete=plan is not None and not plan.failures,
            shared=self._shared,
            owner_tag=self._owner_tag,
        )
        before = self._client.sent("GET")
        try:
            found = (
                await target.reconcile(scope)
                if isinstance(target, Reconciles)
                else Reconciliation(notes=[f"the {target.name} target cannot compare what Intercom holds"])
            )
        except FATAL:
            raise
        except ApiError as exc:
            report.error = f"could not compare with what Intercom holds: {exc}"
        else:
            report.findings = [Finding(drift) for drift in found.drift]
            report.checked, report.notes, report.baselines = found.checked, found.notes, found.baselines
            last_run = self._state.runs.last(source.name, target.name)
            set_aside_pending(report, records, last_run, time.time())
        finally:
            report.reads = self._client.sent("GET") - before
        return report

    async def _repair(self, source: Source, inspected: Sequence[tuple[Plan | None, TargetReport]]) -> None:
        policy = FixPolicy(self._overwrite_edits, self._allow_mass_delete, source.settings.max_delete_share)
        staged: dict[str, list[Finding]] = {}
        for plan, report in inspected:
            if plan is None or report.error is not None:
                for finding in report.findings:
                    finding.settle(Outcome.LEFT, f"not repaired: {report.error}")
                continue
            store = self._state.target(source.name, report.target)
            # What users see go in the run: deletes and withdrawals (an expiry was counted when withdrawn).
            going = len(plan.deletes) - plan.expiries + len(plan.withdrawals)
            staged[report.target] = stage(report, store, policy, pending_deletes=going)
        if not any(staged.values()):
            return
        results = {result.target: result for result in await self._engine.sync_source(source)}
        for _, report in inspected:
            report.fix = results.get(report.target)
            settle(staged.get(report.target, []), report.fix)


def _documents(plan: Plan, records: Mapping[str, DocumentRecord]) -> dict[str, str]:
    """The source's documents the target takes now (external id -> locator): those recorded that the
    plan does not delete, and those it creates."""
    gone = {deletion.external_id for deletion in plan.deletes}
    documents = {
        external_id: record.locator for external_id, record in records.items() if external_id not in gone
    }
    documents.update((item.page.external_id, item.page.locator) for item in plan.upserts)
    return documents


async def reconcile_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    fix: bool = False,
    overwrite_edits: bool = False,
    allow_mass_delete: bool = False,
    token: SecretStr | None = None,
    lock_wait: float = 0.0,
    connector_factory: ConnectorFactory = build_connector,
) -> ReconcileRun:
    """Reconcile ``sources`` one after the other, each while holding its lock (waiting up to
    ``lock_wait`` seconds for the watch daemon or a run): a reconcile never compares a source that
    is being synced. A source whose lock stays held is an error in its reports; when that is every
    source, LockedError."""
    run = ReconcileRun()
    with StateStore(settings.state.path) as state:
        async with make_client(settings, token) as client:
            reconciler = Reconciler(
                state=state,
                client=client,
                connector_factory=connector_factory,
                target_factory=targets_for(settings, client, state),
                fix=fix,
                overwrite_edits=overwrite_edits,
                allow_mass_delete=allow_mass_delete,
                owner_tag=settings.intercom.owner_tag_id,
            )
            locked: list[LockedError] = []
            for source in sources:
                try:
                    async with holding_source(settings.state.path, source.name, wait=lock_wait):
                        run.reports.extend(await reconciler.reconcile(source))
                except LockedError as exc:
                    locked.append(exc)
                    run.reports.extend(
                        TargetReport(source.name, target, error=str(exc))
                        for target in source.settings.targets
                    )
            if locked and len(locked) == len(sources):
                raise locked[0]
    run.reads = sum(report.reads for report in run.reports)
    return run
