"""``ingest watch --metrics-port``: the real daemon against the emulator over loopback, its
/metrics scraped and parsed as Prometheus does, /healthz and /readyz asked as probes ask."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from ingest import __version__
from ingest.cli import main
from ingest.emulator import EmulatorConfig, running_emulator
from tests.watch.conftest import TOKEN, Project, wait_until, write_config
from tests.watch.monitoring import monitored_daemon, run

SYNCED = "fin_ingest_documents_synced_total"
PAGES = {"source": "docs", "target": "external_pages"}


async def test_a_start_up_sync_and_an_edit_are_counted(project: Project) -> None:
    """After the start-up sync the scrape shows two pages created, a success time, nothing pending and a
    latency histogram counting every request the emulator answered; an edit's batch adds one update and
    moves the success time on."""
    project.write("a.md", "# A\n\nFirst.\n")
    project.write("b.md", "# B\n\nSecond.\n")
    async with monitored_daemon(project) as running:
        scrape = await running.endpoints.scrape()
        assert scrape.value(SYNCED, **PAGES, action="created") == 2
        assert scrape.value(SYNCED, **PAGES, action="updated") == 0
        assert scrape.value("fin_ingest_documents_failed_total", **PAGES) == 0
        assert scrape.value("fin_ingest_batches_total", source="docs", outcome="ok") == 1
        assert scrape.value("fin_ingest_pending_documents", source="docs") == 0
        assert scrape.value("fin_ingest_build_info", version=__version__) == 1
        assert scrape.value("fin_ingest_ready") == 1
        assert scrape.known("fin_ingest_rate_limit_remaining")  # the emulator's answers said it
        first_success = scrape.value("fin_ingest_last_success_timestamp_seconds", source="docs")
        assert first_success >= scrape.value("fin_ingest_start_time_seconds") > 0
        answered = project.emulator.requests()
        assert scrape.total("fin_ingest_request_duration_seconds_count") == len(answered)
        assert scrape.total("fin_ingest_request_duration_seconds_count", status_class="2xx") == len(answered)
        posts = sum(1 for request in answered if request.method == "POST")
        count = "fin_ingest_request_duration_seconds_count"
        assert scrape.value(count, method="POST", status_class="2xx") == posts

        project.write("a.md", "# A\n\nEdited.\n")
        await wait_until(lambda: len(project.batches("ok")) >= 2, what="the edit's batch")
        scrape = await running.endpoints.scrape()
        assert scrape.value(SYNCED, **PAGES, action="created") == 2
        assert scrape.value(SYNCED, **PAGES, action="updated") == 1
        assert scrape.value("fin_ingest_batches_total", source="docs", outcome="ok") == 2
        assert scrape.value("fin_ingest_last_success_timestamp_seconds", source="docs") > first_success
        assert scrape.total("fin_ingest_request_duration_seconds_count") == len(project.emulator.requests())
        assert scrape.value("fin_ingest_request_retries_total", reason="server_error") == 0
        assert scrape.value("fin_ingest_rate_limited_responses_total") == 0


async def test_no_label_names_a_document_or_a_url(project: Project) -> None:
    """Labels are bounded by the configuration: no document path, title or URL appears in a scrape."""
    project.write("secret-plans/page.md", "# Hidden title\n\nBody.\n")
    async with monitored_daemon(project) as running:
        _, _, text = await running.endpoints.get("/metrics")
    assert "secret-plans" not in text and "Hidden title" not in text
    assert project.emulator.base_url not in text and "docs.example.com" not in text


async def test_retries_after_a_5xx_and_429s_are_counted(project: Project) -> None:
    """One 503 is one retry for a server error; one 429 is one rate-limited answer; both are in the
    histogram under their status class."""
    project.write("a.md", "# A\n\nFirst.\n")
    async with monitored_daemon(project) as running:
        project.emulator.set_faults(fail_next=1, fail_status=503, fail_methods=["POST"])
        project.write("a.md", "# A\n\nSecond.\n")
        await wait_until(lambda: len(project.batches("ok")) >= 2, what="the batch after a 503")
        project.emulator.set_faults(fail_next=1, fail_status=429, fail_methods=["POST"])
        project.write("a.md", "# A\n\nThird.\n")
        await wait_until(lambda: len(project.batches("ok")) >= 3, what="the batch after a 429")
        scrape = await running.endpoints.scrape()
    statuses = [request.status for request in project.emulator.requests()]
    assert statuses.count(503) == 1 and statuses.count(429) == 1
    assert scrape.value("fin_ingest_request_retries_total", reason="server_error") == 1
    assert scrape.value("fin_ingest_request_retries_total", reason="timeout") == 0
    assert scrape.value("fin_ingest_rate_limited_responses_total") == 1
    assert scrape.total("fin_ingest_request_duration_seconds_count", status_class="5xx") == 1
    assert scrape.total("fin_ingest_request_duration_seconds_count", status_class="4xx") == 1
    assert scrape.total("fin_ingest_request_duration_seconds_count") == len(statuses)


async def test_readyz_waits_for_the_start_up_sync(project: Project) -> None:
    """Served before the daemon runs, /readyz is 503 naming the start-up sync; with the API away at start
    it stays 503 while /healthz is 200; once the API is back and the sync ends, 200."""
    project.write("a.md", "# A\n\nFirst.\n")
    async with monitored_daemon(project, start=False) as running:
        status, body = await running.endpoints.ready()
        assert status == 503 and body["sources"]["docs"]["why"] == "the start-up sync has not finished"
        project.emulator.set_faults(fail_rate=1.0, fail_status=503)
        await run(running, project)
        assert project.batches()[0].outcome == "retry"
        status, body = await running.endpoints.ready()
        assert status == 503 and not body["sources"]["docs"]["started"]
        assert "start-up sync has not finished" in body["sources"]["docs"]["why"]
        assert (await running.endpoints.get("/healthz"))[0] == 200
        project.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: project.batches("ok"), what="the start-up sync after the outage")
        status, body = await running.endpoints.ready()
        assert status == 200 and body == {
            "ready": True, "sources": {"docs": {"ready": True, "started": True, "why": "synced"}}
        }  # fmt: skip
    assert TOKEN not in str(body)


async def test_readyz_is_503_while_a_source_is_stuck(tmp_path: Path, project: Project) -> None:
    """A source whose batches fail for longer than stuck_seconds makes /readyz 503 (the body says why,
    and no token), and fin_ingest_ready 0; once a batch ends well it is 200 again."""
    project.config = write_config(tmp_path, project.emulator.base_url, watch={"stuck_seconds": 0.3})
    project.write("a.md", "# A\n\nFirst.\n")
    async with monitored_daemon(project) as running:
        assert (await running.endpoints.ready())[0] == 200
        project.emulator.set_faults(fail_rate=1.0, fail_status=503)
        project.write("a.md", "# A\n\nSecond.\n")
        await wait_until(lambda: project.batches("retry"), what="a failed batch")

        async def stuck() -> bool:
            return (await running.endpoints.ready())[0] == 503

        await wait_async(stuck, what="/readyz 503")
        status, body = await running.endpoints.ready()
        docs = body["sources"]["docs"]
        assert status == 503 and docs["started"] and not docs["ready"]
        assert "past stuck_seconds" in docs["why"] and docs["failed_batches"] >= 1 and "503" in docs["error"]
        assert TOKEN not in str(body)
        assert (await running.endpoints.scrape()).value("fin_ingest_ready") == 0
        assert (await running.endpoints.get("/healthz"))[0] == 200  # alive, only not ready

        project.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: project.batches()[-1].outcome == "ok", what="a clean batch")
        assert (await running.endpoints.ready())[0] == 200
        scrape = await running.endpoints.scrape()
        assert scrape.value("fin_ingest_batches_total", source="docs", outcome="retry") >= 1
        assert scrape.value("fin_ingest_ready") == 1


async def test_other_paths_are_404_and_healthz_answers(project: Project) -> None:
    """/healthz is 200 with JSON while the daemon runs; any other path is 404."""
    async with monitored_daemon(project) as running:
        status, content_type, text = await running.endpoints.get("/healthz")
        assert (status, text) == (200, '{"alive": true, "stopping": false}')
        assert content_type.startswith("application/json")
        for path in ("/", "/metrics/extra", "/readyz/x", "/favicon.ico"):
            assert (await running.endpoints.get(path))[0] == 404
        status, content_type, _ = await running.endpoints.get("/metrics")
        assert status == 200 and content_type.startswith("text/plain; version=")
        async with aiohttp.ClientSession() as session:
            accept = {"Accept": "application/openmetrics-text; version=1.0.0"}
            async with session.get(running.endpoints.base + "/metrics", headers=accept) as response:
                assert response.headers["Content-Type"].startswith("application/openmetrics-text")
                assert (await response.text()).endswith("# EOF\n")


def test_a_port_in_use_is_one_sentence_and_exit_2_before_any_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ingest watch --metrics-port`` on a port another process holds exits 2 with one line naming the
    key and the port, and the API is never called."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nBody.\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    with socket.socket() as taken, running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, emulator.base_url)
        assert main(["watch", "--config", str(config), "--metrics-port", str(port)]) == 2
        assert emulator.requests() == []
    err = capsys.readouterr().err
    assert f"[watch] metrics_port: 127.0.0.1:{port} is already in use" in err
    assert "Traceback" not in err


async def wait_async(condition: object, within: float = 10.0, what: str = "condition") -> None:
    """Ask an async ``condition`` until it is true."""
    import asyncio
    import time
    from collections.abc import Awaitable, Callable
    from typing import cast

    ask = cast(Callable[[], Awaitable[bool]], condition)
    deadline = time.monotonic() + within
    while not await ask():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {within} s")
        await asyncio.sleep(0.02)


async def test_the_container_health_probe_asks_the_daemons_healthz(project: Project) -> None:
    """`python -m ingest.health_probe` (the image's HEALTHCHECK) exits 0 against a running daemon's
    port, and 1 once nothing answers there."""

    async def probe(port: int) -> int:
        env = {
            **os.environ,
            "INGEST_WATCH__METRICS_PORT": str(port),
            "INGEST_WATCH__METRICS_ADDRESS": "0.0.0.0",  # noqa: S104 (read by the probe: it asks loopback)
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "ingest.health_probe", env=env, stderr=asyncio.subprocess.DEVNULL
        )
        return await process.wait()

    async with monitored_daemon(project) as running:
        port = running.monitor.port
        assert port is not None
        assert await probe(port) == 0
    assert await probe(port) == 1


async def test_the_health_probe_asks_the_daemon_directly_under_a_proxy(project: Project) -> None:
    """A container whose egress to Intercom goes through a proxy has HTTP_PROXY set: the probe of
    the daemon's own loopback port must not be sent to that proxy (the container would be
    unhealthy for ever, and the proxy would be asked for 127.0.0.1)."""
    async with monitored_daemon(project) as running:
        port = running.monitor.port
        assert port is not None
        env = {
            **{key: value for key, value in os.environ.items() if key.lower() != "no_proxy"},
            "INGEST_WATCH__METRICS_PORT": str(port),
            "http_proxy": "http://127.0.0.1:9",  # nothing listens there: a proxy asked fails
            "HTTP_PROXY": "http://127.0.0.1:9",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "ingest.health_probe", env=env, stderr=asyncio.subprocess.PIPE
        )
        _, err = await process.communicate()
        assert process.returncode == 0, err.decode()


async def test_a_batch_listener_that_raises_stops_neither_the_others_nor_the_batch(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    """Listeners are called in order; one that raises is logged and the next still hears the batch,
    which stays a clean batch (its work is not kept pending for a listener's bug)."""
    from pydantic import SecretStr

    from ingest.state import PendingWork, StateStore
    from ingest.watch import BatchReport, WatchDaemon

    def broken(report: BatchReport) -> None:
        raise RuntimeError("listener bug")

    project.write("a.md", "# A\n\nFirst.\n")
    settings = project.settings()
    daemon = WatchDaemon(
        settings, settings.select(None), token=SecretStr(TOKEN), on_batch=[broken, project.reports.append]
    )
    task = asyncio.create_task(daemon.run())
    try:
        await wait_until(lambda: project.reports or task.done(), what="the start-up batch")
    finally:
        daemon.stop()
        await asyncio.wait_for(task, timeout=10)
    assert [report.outcome for report in project.reports] == ["ok"]
    assert project.titles() == {"a.md": "A"}
    assert any("batch listener" in record.getMessage() for record in caplog.records)
    with StateStore(settings.state.path) as state:
        assert PendingWork(state).counts() == {}


async def test_an_outage_counts_no_failed_documents_and_a_refused_page_counts_once(project: Project) -> None:
    """A document the API could not take for now is pending, not failed, however often its batch is
    retried (after the outage it counts once, as updated); a page Intercom refused as it is (422: it
    waits for its next edit) counts one failed document."""
    project.write("a.md", "# A\n\nFirst.\n")
    failed = {"name": "fin_ingest_documents_failed_total", **PAGES}
    async with monitored_daemon(project) as running:
        project.emulator.set_faults(fail_rate=1.0, fail_status=503, fail_methods=["POST"])
        project.write("a.md", "# A\n\nSecond.\n")
        await wait_until(lambda: len(project.batches("retry")) >= 3, what="three retried batches")
        scrape = await running.endpoints.scrape()
        assert scrape.value("fin_ingest_pending_documents", source="docs") == 1
        assert scrape.value(**failed) == 0
        project.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: project.batches()[-1].outcome == "ok", what="the batch after the outage")
        scrape = await running.endpoints.scrape()
        assert scrape.value(SYNCED, **PAGES, action="updated") == 1
        assert scrape.value(**failed) == 0

        project.emulator.set_faults(fail_next=1, fail_status=422, fail_methods=["POST"])
        project.write("a.md", "# A\n\nThird.\n")
        batches = len(project.batches())
        await wait_until(lambda: len(project.batches()) > batches, what="the refused page's batch")
        scrape = await running.endpoints.scrape()
        assert project.batches()[-1].failed == 1
        assert scrape.value(**failed) == 1


async def test_a_stopping_daemon_is_not_ready_in_the_scrape_either(project: Project) -> None:
    """Once a stop is asked for, /readyz answers 503 and fin_ingest_ready says 0, as its help says."""
    project.write("a.md", "# A\n\nFirst.\n")
    async with monitored_daemon(project) as running:
        assert (await running.endpoints.scrape()).value("fin_ingest_ready") == 1
        running.daemon.stop()
        assert (await running.endpoints.ready())[0] == 503
        assert (await running.endpoints.scrape()).value("fin_ingest_ready") == 0


async def test_a_source_that_never_starts_keeps_readyz_503_naming_its_folder(
    tmp_path: Path, project: Project
) -> None:
    """A source whose folder is missing at start: /readyz is 503, the start-up sync not finished, the
    error its batch logged (the folder's path: the body names paths, never a token or content); past
    stuck_seconds it is stuck, and no success time is served for it."""
    project.config = write_config(tmp_path, project.emulator.base_url, watch={"stuck_seconds": 0.3})
    project.docs.rmdir()
    async with monitored_daemon(project) as running:
        assert project.batches()[0].outcome == "retry"

        async def stuck() -> bool:
            return "past stuck_seconds" in (await running.endpoints.ready())[1]["sources"]["docs"]["why"]

        await wait_async(stuck, what="the source stuck")
        status, body = await running.endpoints.ready()
        docs = body["sources"]["docs"]
        assert status == 503 and not docs["started"] and not docs["ready"]
        assert docs["error"] == f"source folder {project.docs} does not exist"
        scrape = await running.endpoints.scrape()
        assert "fin_ingest_last_success_timestamp_seconds" not in scrape.names()
        assert scrape.value("fin_ingest_ready") == 0
        project.docs.mkdir()
