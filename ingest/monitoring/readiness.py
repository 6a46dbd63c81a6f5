"""Whether the daemon is ready: every source's start-up sync done, none stuck failing.

A source is *started* once a batch of it left nothing pending ("ok"): until then what Intercom
holds may be behind the docs. It is *stuck* when its batches have been retried (the API away, a
disk full) for longer than ``stuck_seconds`` without one that ended well. A batch another ingest
process kept waiting ("locked") is neither: the other process is syncing the source.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ingest.watching.worker import BatchReport

#: The longest error a /readyz body repeats (it is the batch's log line's, cut short).
MAX_ERROR_CHARS: Final = 200


@dataclass
class _SourceHealth:
    started: bool = False
    #: Monotonic time of the first failed batch since the last one that ended well.
    failing_since: float | None = None
    failures: int = 0
    error: str | None = None


class Readiness:
    """Follows each source's batches and says, at any time, whether the daemon is ready and why."""

    def __init__(
        self, sources: Sequence[str], *, stuck_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stuck_seconds = stuck_seconds
        self._clock = clock
        self._sources = {name: _SourceHealth() for name in sources}

    def batch_done(self, report: BatchReport) -> None:
        """Note one batch's outcome: a watch daemon's batch listener."""
        health = self._sources.setdefault(report.source, _SourceHealth())
        if report.outcome == "ok":
            health.started = True
            health.failing_since, health.failures, health.error = None, 0, None
        elif report.outcome == "retry":
            if health.failing_since is None:
                health.failing_since = self._clock()
            health.failures += 1
            health.error = (report.error or "documents failed and are retried")[:MAX_ERROR_CHARS]

    def ready(self) -> bool:
        """Whether /readyz answers 200."""
        return all(self._source_ready(health) for health in self._sources.values())

    def explain(self) -> dict[str, Any]:
        """The /readyz body: ready or not, and per source why (no document content, no secret)."""
        return {
            "ready": self.ready(),
            "sources": {name: self._describe(health) for name, health in self._sources.items()},
        }

    def _failing_for(self, health: _SourceHealth) -> float:
        return 0.0 if health.failing_since is None else self._clock() - health.failing_since

    def _source_ready(self, health: _SourceHealth) -> bool:
        return health.started and self._failing_for(health) <= self._stuck_seconds

    def _describe(self, health: _SourceHealth) -> dict[str, Any]:
        described: dict[str, Any] = {"ready": self._source_ready(health), "started": health.started}
        if health.failing_since is not None:
            failing = self._failing_for(health)
            stuck = failing > self._stuck_seconds
            failing_for = round(failing, 1)
            described["failing_seconds"] = failing_for
            described["failed_batches"] = health.failures
            described["error"] = health.error
            described["why"] = (
                f"failing for {failing_for:g} s, past stuck_seconds ({self._stuck_seconds:g} s)"
                if stuck
                else f"failing for {failing_for:g} s; retried until stuck_seconds ({self._stuck_seconds:g} s)"
            )
            if not health.started and not stuck:
                described["why"] = "the start-up sync has not finished: " + described["why"]
        elif not health.started:
            described["why"] = "the start-up sync has not finished"
        else:
            described["why"] = "synced"
        return described
