"""A monitored watch daemon in the test's loop, as ``ingest watch --metrics-port 0`` runs it, and its
endpoints scraped over loopback."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from ingest.config import Settings
from ingest.monitoring import DaemonMonitor
from ingest.watch import WatchDaemon
from tests.watch.conftest import TOKEN, Project


@dataclass
class Scrape:
    """One scrape of /metrics, parsed as Prometheus parses it."""

    families: dict[str, Metric]

    def value(self, name: str, **labels: str) -> float:
        """The one sample ``name`` with exactly ``labels`` (a family's sample name, e.g. ``..._total``)."""
        found = [
            sample.value
            for family in self.families.values()
            for sample in family.samples
            if sample.name == name and sample.labels == labels
        ]
        assert len(found) == 1, f"{name}{labels}: {len(found)} samples"
        return found[0]

    def total(self, name: str, **labels: str) -> float:
        """The sum of ``name``'s samples whose labels include ``labels``."""
        return sum(
            sample.value
            for family in self.families.values()
            for sample in family.samples
            if sample.name == name and labels.items() <= sample.labels.items()
        )

    def names(self) -> set[str]:
        return {sample.name for family in self.families.values() for sample in family.samples}

    def known(self, name: str, **labels: str) -> bool:
        return not math.isnan(self.value(name, **labels))


class Endpoints:
    """The monitoring port of a daemon, read with aiohttp."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    async def get(self, path: str) -> tuple[int, str, str]:
        async with aiohttp.ClientSession() as session, session.get(self.base + path) as response:
            return response.status, response.headers.get("Content-Type", ""), await response.text()

    async def scrape(self) -> Scrape:
        status, _, text = await self.get("/metrics")
        assert status == 200
        return Scrape({family.name: family for family in text_string_to_metric_families(text)})

    async def ready(self) -> tuple[int, dict[str, Any]]:
        status, content_type, text = await self.get("/readyz")
        assert content_type.startswith("application/json")
        return status, json.loads(text)


@dataclass
class Monitored:
    daemon: WatchDaemon
    monitor: DaemonMonitor
    endpoints: Endpoints
    task: asyncio.Task[None] | None = None


@asynccontextmanager
async def monitored_daemon(
    project: Project, settings: Settings | None = None, *, start: bool = True
) -> AsyncIterator[Monitored]:
    """The daemon serving its endpoints on a free port; with ``start``, its start-up batch done."""
    settings = settings or project.settings()
    sources = settings.select(None)
    monitor = DaemonMonitor(settings, sources, port=0)
    daemon = WatchDaemon(
        settings,
        sources,
        token=SecretStr(TOKEN),
        on_batch=[project.reports.append, monitor.batch_done],
        observer=monitor.metrics.requests,
    )
    async with monitor.serving(daemon) as server:
        assert server.port is not None and server.port > 0
        running = Monitored(daemon, monitor, Endpoints(server.port))
        try:
            if start:
                await run(running, project)
            yield running
        finally:
            daemon.stop()
            if running.task is not None:
                await asyncio.wait_for(running.task, timeout=10)


async def run(running: Monitored, project: Project) -> None:
    """Start the daemon and wait for its start-up batch."""
    from tests.watch.conftest import wait_until

    started = len(project.reports)
    running.task = asyncio.create_task(running.daemon.run())
    task = running.task
    await wait_until(lambda: len(project.reports) > started or task.done(), what="the start-up batch")
