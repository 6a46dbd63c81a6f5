"""``ingest watch`` with ``[notify]``: a real daemon against the emulator's fault injection, alerts
to a receiver on loopback. A source alerts once when it turns failing (not on each retry), once
when it recovers, and a restarted daemon remembers that it was failing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from pydantic import SecretStr

from ingest.notify.daemon import BatchAlerts, batch_alerts
from ingest.state import AlertBook, StateStore
from ingest.watch import WatchDaemon
from tests.notify.receiver import URL_SECRET, Receiver, running_receiver
from tests.watch.conftest import TOKEN, Project, wait_until

HOOK_ENV = "FIN_INGEST_WATCH_HOOK"


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with running_receiver() as running:
        monkeypatch.setenv(HOOK_ENV, running.url)
        yield running


@pytest.fixture
def alerted(project: Project, receiver: Receiver) -> Project:
    with project.config.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[notify.webhooks]]\nname = "pager"\nformat = "json"\nurl_env = "{HOOK_ENV}"\n')
    return project


@asynccontextmanager
async def daemon_with_alerts(project: Project) -> AsyncIterator[BatchAlerts]:
    """The daemon with two subscribers (the test's list of reports, and alerts) until the block ends;
    the alerts being sent are waited for when it stops."""
    settings = project.settings()
    alerts = batch_alerts(settings, SecretStr(TOKEN))
    assert alerts is not None
    started = len(project.reports)
    daemon = WatchDaemon(
        settings, settings.select(None), token=SecretStr(TOKEN), on_batch=[project.reports.append, alerts]
    )
    task = asyncio.create_task(daemon.run())
    try:
        await wait_until(lambda: len(project.reports) > started or task.done(), what="the start-up batch")
        yield alerts
    finally:
        daemon.stop()
        await asyncio.wait_for(task, timeout=10)
        await alerts.drain()


def events(receiver: Receiver) -> list[tuple[str, str | None]]:
    return [(body["event"], body["sources"][0]["source"]) for body in receiver.bodies]


async def test_an_outage_alerts_once_and_recovers_once(alerted: Project, receiver: Receiver) -> None:
    """A clean start says nothing; batches failing on 503 (retried several times) alert once; the
    batch after the outage recovers once."""
    alerted.write("a.md", "# A\n\nFirst.\n")
    async with daemon_with_alerts(alerted) as alerts:
        assert alerted.batches()[0].outcome == "ok"
        alerted.emulator.set_faults(fail_rate=1.0, fail_status=503)
        alerted.write("b.md", "# B\n\nNew.\n")
        await wait_until(lambda: len(alerted.batches("retry")) >= 3, what="three failed batches")
        await alerts.drain()
        assert events(receiver) == [("failure", "docs")]
        [body] = receiver.bodies
        assert body["origin"] == "watch" and body["exit_code"] is None
        alerted.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: alerted.batches()[-1].outcome == "ok", what="a clean batch")
        await alerts.drain()
    assert events(receiver) == [("failure", "docs"), ("recovery", "docs")]
    posted = json.dumps(receiver.bodies)
    assert TOKEN not in posted and URL_SECRET not in posted


async def test_a_restarted_daemon_remembers_the_source_was_failing(
    alerted: Project, receiver: Receiver
) -> None:
    """Stopped while failing: the next daemon's failing batches alert nothing new; its first clean
    batch recovers."""
    alerted.write("a.md", "# A\n\nFirst.\n")
    alerted.emulator.set_faults(fail_rate=1.0, fail_status=503)
    async with daemon_with_alerts(alerted):
        assert alerted.batches()[0].outcome == "retry"
    assert events(receiver) == [("failure", "docs")]
    with StateStore(alerted.settings().state.path) as state:
        assert list(AlertBook(state).failing()) == ["docs"]

    async with daemon_with_alerts(alerted):
        assert alerted.batches()[-1].outcome == "retry"
        await wait_until(lambda: len(alerted.batches("retry")) >= 3, what="more failed batches")
        alerted.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: alerted.batches()[-1].outcome == "ok", what="a clean batch")
    assert events(receiver) == [("failure", "docs"), ("recovery", "docs")]
    with StateStore(alerted.settings().state.path) as state:
        assert AlertBook(state).failing() == {}


async def test_a_refused_token_alerts_that_the_daemon_stopped(alerted: Project, receiver: Receiver) -> None:
    """The daemon stopped by a refused token: one alert for the run, sent before it returns."""
    from ingest.errors import AuthError
    from ingest.watch import run_watch

    settings = alerted.settings()
    with pytest.raises(AuthError):
        await run_watch(
            settings, settings.select(None), token=SecretStr("wrong-token-000000"), handle_signals=False
        )
    [body] = receiver.bodies
    assert body["event"] == "failure" and body["sources"][0]["source"] is None
    assert body["sources"][0]["error"].startswith("ingest watch stopped:")
    assert "wrong-token-000000" not in json.dumps(body)


def test_ingest_watch_with_a_webhook_url_it_cannot_read_says_so_and_exits_2(
    alerted: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The variable unset: one sentence naming the key before the daemon starts, exit 2."""
    from ingest.cli import main

    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    monkeypatch.delenv(HOOK_ENV)
    assert main(["watch", "--config", str(alerted.config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: notify.webhooks.0.url_env: the environment variable {HOOK_ENV} is not set"
    assert alerted.emulator.requests() == []
