"""What ``ingest status`` shows of each source and target: state alone, no request, no engine."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.config import Settings
from ingest.settings import EXTERNAL_PAGES
from ingest.state import FailureRecord, PendingWork, RunRecord, StateStore


@dataclass(frozen=True)
class SourceStatus:
    """One source and target as state knows them."""

    name: str
    target: str
    configured: bool
    documents: int
    last_run: RunRecord | None
    failures: list[FailureRecord]
    #: Documents the watch daemon has yet to sync (kept through an outage or a restart).
    pending: int = 0
    #: Pages withdrawn (``on_delete = "withdraw"``), kept until they expire or their document returns;
    #: not among ``documents``.
    withdrawn: int = 0


def source_statuses(settings: Settings) -> list[SourceStatus]:
    """Per source and target, from state alone (no request): documents, last run, failures."""
    with StateStore(settings.state.path) as state:
        names = sorted(set(settings.sources) | set(state.known_sources()))
        pending = PendingWork(state).counts()
        statuses: list[SourceStatus] = []
        for name in names:
            configured = settings.sources.get(name)
            targets = configured.settings.targets if configured else (EXTERNAL_PAGES,)
            for target in targets:
                store = state.target(name, target)
                withdrawn = store.withdrawn_count()
                statuses.append(
                    SourceStatus(
                        name=name,
                        target=target,
                        configured=configured is not None,
                        documents=store.count() - withdrawn,
                        last_run=state.runs.last(name, target),
                        failures=state.runs.failures(name),
                        pending=pending.get(name, 0),
                        withdrawn=withdrawn,
                    )
                )
        return statuses
