"""Sources that cannot be observed, polled every ``poll_seconds``: a connector that can say where
its source stands (:class:`ingest.connector.Revisioned`, a git ref) is synced only when that moved;
any other one is synced, incrementally, at every poll."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from ingest.config import Source
from ingest.watching.source import Notify, SourceWatch

log = logging.getLogger("ingest.watch")


class PollWatch(SourceWatch):
    """Polled every ``interval`` seconds: with a ``revision`` function, a sync only when it
    changed; without one, an incremental sync every time."""

    def __init__(
        self, source: Source, *, interval: float, revision: Callable[[], Awaitable[str]] | None = None
    ) -> None:
        super().__init__(source)
        self._interval = interval
        self._revision = revision
        self._lock = asyncio.Lock()
        self._seen: str | None = None
        self._synced: str | None = None
        self._announced: str | None = None
        self._failing = False

    def describe(self) -> str:
        what = "ref" if self._revision is not None else "source"
        return f"polling the {what} every {self._interval:g} s"

    async def poll(self, notify: Notify) -> None:
        while True:
            await asyncio.sleep(self._interval)
            if self._revision is None:
                notify((), True)
                continue
            revision = await self._current()
            # Announced once: announcing again before its batch starts would put the batch off.
            if revision is not None and revision not in (self._synced, self._announced):
                log.info("%s: the ref moved to %s", self.source.name, revision[:12])
                self._announced = revision
                notify((), True)

    async def ready(self) -> None:
        if self._revision is not None:
            self._seen = await self._current()

    def synced(self) -> None:
        self._synced = self._seen

    async def _current(self) -> str | None:
        assert self._revision is not None
        async with self._lock:  # the poll and a batch must not run git in one repository at once
            try:
                revision = await self._revision()
            except Exception as exc:  # the network is down, say: the next poll tries again
                if not self._failing:
                    log.warning("%s: cannot check for changes: %s", self.source.name, exc)
                self._failing = True
                return None
        if self._failing:
            log.warning("%s: can check for changes again", self.source.name)
        self._failing = False
        return revision
