"""``ingest apply``: carry out a saved plan, only while nothing it was made from has moved.

Every source of the plan is locked (in sorted order, as every holder takes them) for the whole
apply, so no other fin-ingest process moves state meanwhile. Each source is planned again with
the targets that will send, and compared with the saved plan (:mod:`ingest.planfile.moved`);
when any source moved, nothing is sent for any source and every reason is given. Otherwise each
source's plan, the one just proved identical to the saved one, is carried out through
:meth:`Engine.sync_source` as ``ingest run`` carries out its own: the remote check, the delete
guard as the plan recorded it, each success recorded at once, the same results and report. A plan
made again on the way (a container deleted in Intercom meanwhile) is compared again before anything
of it is sent.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from pydantic import SecretStr

from ingest.config import Settings, Source
from ingest.engine import ConnectorFactory, Engine, PlanGate, SourcePlan, SourceResult
from ingest.errors import ConfigError, ConnectorError
from ingest.lock import holding_source
from ingest.planfile.entries import source_entry, unread_source_entry
from ingest.planfile.model import PlanFile, SourceEntry
from ingest.planfile.moved import what_moved
from ingest.progress import NullProgress, Progress
from ingest.runner import build_connector, make_client, targets_for
from ingest.state import StateStore


@dataclass
class Applied:
    """What ``ingest apply`` did: a result per source and target, and why it refused, if it did."""

    results: list[SourceResult] = field(default_factory=list)
    #: Per source that moved since the plan (nothing was sent for any source then), or that moved
    #: while being carried out (nothing of it was sent): why, in one sentence.
    refusals: dict[str, str] = field(default_factory=dict)


def sources_of(settings: Settings, saved: PlanFile) -> list[Source]:
    """The configured sources the plan is for; ConfigError when the configuration has not one of
    them (the plan was made with another configuration)."""
    if not saved.sources:
        raise ConfigError("the plan holds no source: make it again with 'ingest plan --out'")
    missing = [entry.source for entry in saved.sources if entry.source not in settings.sources]
    if missing:
        raise ConfigError(
            f"the plan is for source {', '.join(missing)}, which the configuration {settings.config_file} "
            "does not have: was the plan made with another configuration?"
        )
    return [settings.sources[entry.source] for entry in saved.sources]


async def apply_plan(
    settings: Settings,
    saved: PlanFile,
    *,
    progress: Progress | None = None,
    token: SecretStr | None = None,
    lock_wait: float = 0.0,
    connector_factory: ConnectorFactory = build_connector,
) -> Applied:
    """Carry out ``saved`` if nothing moved since it was made; else send nothing and say why."""
    sources = sources_of(settings, saved)
    applied = Applied()
    with StateStore(settings.state.path) as state:
        async with make_client(settings, token) as client, AsyncExitStack() as locks:
            for name in sorted(source.name for source in sources):
                await locks.enter_async_context(holding_source(settings.state.path, name, wait=lock_wait))
            target_factory = targets_for(settings, client, state)
            engine = Engine(
                state=state,
                connector_factory=connector_factory,
                target_factory=target_factory,
                progress=progress or NullProgress(),
                allow_mass_delete=saved.allow_mass_delete,
                jobs=settings.run.jobs,
                senders=settings.intercom.max_concurrency,
                digest_scan=True,
            )
            proved: list[tuple[Source, SourcePlan | None, SourceEntry]] = []
            for source in sources:
                planned: SourcePlan | None = None
                try:
                    planned = await engine.plan_source(source)
                except ConnectorError as exc:
                    now = unread_source_entry(settings, source, target_factory(source), str(exc))
                else:
                    now = source_entry(settings, planned, state)
                reason = what_moved(saved.entry(source.name), now)
                if reason is not None:
                    applied.refusals[source.name] = reason
                proved.append((source, planned, now))
            if applied.refusals:
                for source in sources:
                    why = applied.refusals.get(source.name, "not applied: another source of the plan moved")
                    applied.results += _results(source, why)
                return applied
            for source, planned, now in proved:
                if planned is None:  # as unreadable as when the plan was made: a failure, as in a run
                    applied.results += _results(source, now.error or "")
                    continue
                gate = _gate(settings, saved.entry(source.name), state, applied)
                applied.results += await engine.sync_source(source, planned=planned, gate=gate)
    return applied


def _gate(settings: Settings, saved: SourceEntry, state: StateStore, applied: Applied) -> PlanGate:
    """Compares a plan made again on the way with the saved one (a refusal is kept in ``applied``)."""

    def moved(planned: SourcePlan) -> str | None:
        reason = what_moved(saved, source_entry(settings, planned, state))
        if reason is not None:
            applied.refusals[saved.source] = reason
        return reason

    return moved


def _results(source: Source, error: str) -> list[SourceResult]:
    return [SourceResult(source=source.name, target=name, error=error) for name in source.settings.targets]
