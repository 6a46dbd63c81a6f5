"""The monitoring of one ``ingest watch`` daemon: its metrics, its readiness and their server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from ingest.config import Settings, Source
from ingest.monitoring.metrics import DaemonMetrics
from ingest.monitoring.readiness import Readiness
from ingest.monitoring.server import MonitoringServer
from ingest.watching.worker import BatchReport


class Monitored(Protocol):
    """**Protocol**: what the monitoring reads of a daemon (a :class:`~ingest.watch.WatchDaemon`)."""

    @property
    def stopping(self) -> bool:
        """Whether a stop was asked for."""

    def calls_left(self) -> int | None:
        """What the client's rate limiter says the window still allows; None when unknown."""


class DaemonMonitor:
    """What ``--metrics-port`` adds to a daemon: hand :attr:`metrics` to the daemon as its client's
    observer and :meth:`batch_done` as a batch listener, then run the daemon inside :meth:`serving`."""

    def __init__(self, settings: Settings, sources: Sequence[Source], *, port: int) -> None:
        self._watch = settings.watch
        self._port = port
        self.metrics = DaemonMetrics({source.name: list(source.settings.targets) for source in sources})
        self.readiness = Readiness(
            [source.name for source in sources], stuck_seconds=settings.watch.stuck_seconds
        )
        self.metrics.follow_readiness(self.readiness.ready)
        self.server: MonitoringServer | None = None

    def batch_done(self, report: BatchReport) -> None:
        self.metrics.batch_done(report)
        self.readiness.batch_done(report)

    @property
    def port(self) -> int | None:
        """The port bound (the configured one, or the one picked for port 0); None before serving."""
        return None if self.server is None else self.server.port

    async def start(self, daemon: Monitored) -> MonitoringServer:
        """Serve ``daemon``'s endpoints until :meth:`stop`; a port that cannot be bound raises
        ConfigError (call this before the daemon runs: before any sync)."""
        self.metrics.follow_rate_limit(daemon.calls_left)
        # As /readyz: a daemon on its way out is not ready, whatever its sources.
        self.metrics.follow_readiness(lambda: self.readiness.ready() and not daemon.stopping)
        server = MonitoringServer(
            self.metrics,
            self.readiness,
            host=self._watch.metrics_address,
            port=self._port,
            stopping=lambda: daemon.stopping,
        )
        await server.start()
        self.server = server
        return server

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()

    @asynccontextmanager
    async def serving(self, daemon: Monitored) -> AsyncIterator[MonitoringServer]:
        """:meth:`start` and :meth:`stop` around a block."""
        server = await self.start(daemon)
        try:
            yield server
        finally:
            await self.stop()
