"""``ingest watch`` with both a metrics port and ``[notify]`` webhooks, joined by ``run_watch`` as the
command joins them: one failing batch reaches the webhook receiver and shows in the scrape; a
listener that raises stops neither the other listeners nor the daemon; SIGTERM closes the port."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
from collections.abc import Iterator

import aiohttp
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from ingest.monitoring import DaemonMonitor
from ingest.notify.daemon import batch_alerts
from ingest.watch import BatchReport, WatchDaemon, run_watch
from tests.notify.receiver import Receiver, running_receiver
from tests.watch.conftest import TOKEN, Project, wait_until
from tests.watch.monitoring import Endpoints, Scrape

HOOK_ENV = "FIN_INGEST_WATCH_HOOK"
SERVING = re.compile(r"metrics, /healthz and /readyz on http://\S+:(\d+)")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with running_receiver() as running:
        monkeypatch.setenv(HOOK_ENV, running.url)
        yield running


def monitored_and_alerted(project: Project) -> None:
    """The project's config with ``metrics_port = 0`` under [watch] and one JSON webhook."""
    text = project.config.read_text(encoding="utf-8")
    text = text.replace("[watch]\n", "[watch]\nmetrics_port = 0\n", 1)
    text += f'\n[[notify.webhooks]]\nname = "pager"\nformat = "json"\nurl_env = "{HOOK_ENV}"\n'
    project.config.write_text(text, encoding="utf-8")


async def serving_line(caplog: pytest.LogCaptureFixture, task: asyncio.Task[int]) -> re.Match[str]:
    """The daemon's log line naming the port it serves on (the task must still run then)."""
    line = await wait_until(
        lambda: (
            next((m for r in caplog.records if (m := SERVING.search(r.getMessage()))), None) or task.done()
        ),
        what="the metrics line",
    )
    assert not task.done(), task
    assert isinstance(line, re.Match)
    return line


async def scrape_both(endpoints: Endpoints) -> Scrape:
    """/metrics in Prometheus' text format and in OpenMetrics, each parsed by prometheus_client's
    parser for it; the text one is returned."""
    async with aiohttp.ClientSession() as session:
        accept = {"Accept": "application/openmetrics-text; version=1.0.0"}
        async with session.get(endpoints.base + "/metrics", headers=accept) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("application/openmetrics-text")
            names = {family.name for family in openmetrics_families(await response.text())}
    assert "fin_ingest_batches" in names and "fin_ingest_request_duration_seconds" in names
    status, _, text = await endpoints.get("/metrics")
    assert status == 200
    return Scrape({family.name: family for family in text_string_to_metric_families(text)})


async def test_a_failing_batch_is_alerted_and_scraped_and_sigterm_closes_the_port(
    project: Project, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    """run_watch with a metrics port and a webhook: the start-up sync is scraped; batches failing on
    503 send one alert to the receiver and show as retried batches and pending documents in the scrape;
    after SIGTERM run_watch returns 0 and nothing listens on the port."""
    caplog.set_level(logging.INFO, "ingest.watch")
    monitored_and_alerted(project)
    project.write("a.md", "# A\n\nFirst.\n")
    settings = project.settings()
    task = asyncio.create_task(run_watch(settings, settings.select(None), token=SecretStr(TOKEN)))
    try:
        line = await serving_line(caplog, task)
        endpoints = Endpoints(int(line.group(1)))

        async def batches(outcome: str) -> float:
            scrape = await scrape_both(endpoints)
            return scrape.value("fin_ingest_batches_total", source="docs", outcome=outcome)

        await wait_async(lambda: batches("ok"), what="the start-up sync in the scrape")
        project.emulator.set_faults(fail_rate=1.0, fail_status=503, fail_methods=["POST"])
        project.write("b.md", "# B\n\nNew.\n")
        await wait_async(lambda: batches("retry"), what="a failed batch in the scrape")
        await wait_until(lambda: receiver.bodies, what="the alert at the receiver")
        scrape = await scrape_both(endpoints)
        assert scrape.value("fin_ingest_pending_documents", source="docs") >= 1
        assert scrape.value("fin_ingest_request_retries_total", reason="server_error") >= 1
        assert scrape.total("fin_ingest_request_duration_seconds_count", status_class="5xx") >= 1
        [body] = receiver.bodies
        assert (body["event"], body["origin"], body["sources"][0]["source"]) == ("failure", "watch", "docs")
    finally:
        os.kill(os.getpid(), signal.SIGTERM)  # run_watch handles it, as `ingest watch` does
        assert await asyncio.wait_for(task, timeout=10) == 0
    with pytest.raises(aiohttp.ClientConnectionError):
        await endpoints.get("/healthz")


async def test_a_listener_that_raises_stops_neither_metrics_nor_alerts(
    project: Project, receiver: Receiver
) -> None:
    """A broken listener before the monitor and the alerts: the failing batch still reaches the scrape
    and the receiver."""
    monitored_and_alerted(project)
    project.write("a.md", "# A\n\nFirst.\n")
    project.emulator.set_faults(fail_rate=1.0, fail_status=503, fail_methods=["POST"])
    settings = project.settings()
    sources = settings.select(None)
    alerts = batch_alerts(settings, SecretStr(TOKEN))
    assert alerts is not None
    monitor = DaemonMonitor(settings, sources, port=0)

    def broken(report: BatchReport) -> None:
        raise RuntimeError("listener bug")

    daemon = WatchDaemon(
        settings,
        sources,
        token=SecretStr(TOKEN),
        on_batch=[broken, monitor.batch_done, broken, alerts, project.reports.append],
        observer=monitor.metrics.requests,
    )
    async with monitor.serving(daemon) as server:
        assert server.port is not None
        task = asyncio.create_task(daemon.run())
        try:
            await wait_until(lambda: project.reports or task.done(), what="the start-up batch")
            await alerts.drain()
        finally:
            daemon.stop()
            await asyncio.wait_for(task, timeout=10)
        scrape = await scrape_both(Endpoints(server.port))
    assert project.reports[0].outcome == "retry"
    assert scrape.value("fin_ingest_batches_total", source="docs", outcome="retry") >= 1
    assert [body["event"] for body in receiver.bodies] == ["failure"]


async def wait_async(condition: object, within: float = 10.0, what: str = "condition") -> None:
    from tests.watch.test_watch_metrics import wait_async as wait

    await wait(condition, within, what)


async def test_sigterm_during_the_start_up_sync_answers_503_then_closes_the_port(
    project: Project, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    """SIGTERM while the start-up sync waits on Intercom: /healthz and /readyz answer 503 (a rolling
    restart sends the pod nothing new), the batch is cut short after the grace period, run_watch
    returns 0, no alert is sent for a stop, and the port is closed."""
    caplog.set_level(logging.INFO, "ingest.watch")
    monitored_and_alerted(project)
    project.write("a.md", "# A\n\nFirst.\n")
    project.emulator.set_faults(stall_next=1, stall_path="POST", stall_seconds=30)
    settings = project.settings()
    task = asyncio.create_task(run_watch(settings, settings.select(None), token=SecretStr(TOKEN)))
    try:
        line = await serving_line(caplog, task)
        endpoints = Endpoints(int(line.group(1)))
        await wait_until(lambda: project.emulator.stalled_answers() == 1, what="the stalled create")
        assert (await endpoints.get("/healthz"))[0] == 200
        assert (await endpoints.ready())[0] == 503
        os.kill(os.getpid(), signal.SIGTERM)
        # The stalled batch holds the daemon for its grace period (2 s), serving meanwhile.
        assert (await endpoints.get("/healthz"))[0] == 503
        assert (await endpoints.ready())[0] == 503
    finally:
        if not task.done():
            os.kill(os.getpid(), signal.SIGTERM)  # a second one: stop at once
    assert await asyncio.wait_for(task, timeout=10) == 0
    with pytest.raises(aiohttp.ClientConnectionError):
        await endpoints.get("/healthz")
    assert receiver.bodies == []


async def test_the_served_address_is_logged_as_a_url_one_can_open(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    """With metrics_address = "::" the start line names http://[::]:PORT, a URL, not http://:::PORT."""
    caplog.set_level(logging.INFO, "ingest.watch")
    text = project.config.read_text(encoding="utf-8")
    project.config.write_text(
        text.replace("[watch]\n", '[watch]\nmetrics_port = 0\nmetrics_address = "::"\n', 1), encoding="utf-8"
    )
    project.write("a.md", "# A\n\nFirst.\n")
    settings = project.settings()
    task = asyncio.create_task(run_watch(settings, settings.select(None), token=SecretStr(TOKEN)))
    try:
        line = await serving_line(caplog, task)
        assert line.group(0).startswith("metrics, /healthz and /readyz on http://[::]:")
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(task, timeout=10) == 0
