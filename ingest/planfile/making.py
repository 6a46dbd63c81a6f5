"""``ingest plan --out``: what ``ingest plan`` planned, saved with what it was planned against."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from ingest import __version__
from ingest.config import Settings, Source
from ingest.engine import ConnectorFactory, SourcePlan
from ingest.errors import ConnectorError
from ingest.planfile.entries import source_entry, unread_source_entry
from ingest.planfile.model import FORMAT, VERSION, PlanFile, SourceEntry
from ingest.runner import PlannedTarget, build_connector, plan_sources, targets_for
from ingest.state import StateStore


async def save_plan(
    settings: Settings,
    sources: Sequence[Source],
    *,
    diff: bool = False,
    allow_mass_delete: bool = False,
    connector_factory: ConnectorFactory = build_connector,
) -> tuple[PlanFile, list[PlannedTarget]]:
    """Plan ``sources`` as ``ingest plan`` does; the saved plan, and what ``ingest plan`` shows."""
    entries: list[SourceEntry] = []

    def keep(source: Source, planned: SourcePlan | ConnectorError, state: StateStore) -> None:
        if isinstance(planned, ConnectorError):
            targets = targets_for(settings, None, state)(source)
            entries.append(unread_source_entry(settings, source, targets, str(planned)))
        else:
            entries.append(source_entry(settings, planned, state))

    shown = await plan_sources(
        settings,
        sources,
        diff=diff,
        connector_factory=connector_factory,
        allow_mass_delete=allow_mass_delete,
        keep=keep,
    )
    saved = PlanFile(
        format=FORMAT,
        version=VERSION,
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        fin_ingest=__version__,
        allow_mass_delete=allow_mass_delete,
        sources=entries,
    )
    return saved, shown
