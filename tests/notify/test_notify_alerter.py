"""The alerter between the rule, state and delivery: what a batch sent meanwhile does, what is saved."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path

from ingest.notify.alerter import Alerter, Observation
from ingest.notify.delivery import Receiver
from ingest.notify_settings import NotifySettings
from ingest.state import AlertBook, AlertRecord, StateStore
from tests.notify.receiver import Answer, running_receiver

FAILING = Observation(failing={"docs": "answered 503"}, succeeded=frozenset())
BACK = Observation(failing={}, succeeded=frozenset({"docs"}))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def no_sleep(_: float) -> None:
    return None


def alerter(tmp_path: Path, url: str, clock: Clock, configured: Collection[str] | None = None) -> Alerter:
    return Alerter(
        NotifySettings(max_attempts=1),
        [Receiver("ops", "json", url)],
        tmp_path / "ingest.db",
        origin="watch",
        clock=clock,
        sleep=no_sleep,
        configured=configured,
    )


async def test_a_failure_on_its_way_is_not_sent_again_by_the_next_batch(tmp_path: Path) -> None:
    """Two failing batches before the first alert is delivered: one alert."""
    clock = Clock()
    with running_receiver() as receiver:
        alerts = alerter(tmp_path, receiver.url, clock)
        first = alerts.outgoing(FAILING)
        clock.now += 1
        assert first is not None and alerts.outgoing(FAILING) is None
        await alerts.send(first)
    assert len(receiver.bodies) == 1
    with StateStore(tmp_path / "ingest.db") as state:
        assert AlertBook(state).failing() == {"docs": AlertRecord("docs", 1_000.0, 1_000.0)}


async def test_an_undelivered_failure_is_sent_by_the_next_batch_and_a_recovery_forgets_it(
    tmp_path: Path,
) -> None:
    """Refused by the receiver: saved as never told, so the next failing batch sends it; then a
    clean batch recovers it and state forgets the source."""
    clock = Clock()
    with running_receiver() as receiver:
        receiver.script(Answer(500))
        alerts = alerter(tmp_path, receiver.url, clock)
        first = alerts.outgoing(FAILING)
        assert first is not None
        [delivery] = await alerts.send(first)
        assert not delivery.delivered
        with StateStore(tmp_path / "ingest.db") as state:
            assert AlertBook(state).failing() == {"docs": AlertRecord("docs", 1_000.0, 0.0)}
        clock.now += 5
        again = alerts.outgoing(FAILING)
        assert again is not None and [a.event for a in again.alerts] == ["failure"]
        await alerts.send(again)
        back = alerts.outgoing(BACK)
        assert back is not None and [a.event for a in back.alerts] == ["recovery"]
        await alerts.send(back)
    assert [body["event"] for body in receiver.bodies] == ["failure", "failure", "recovery"]
    with StateStore(tmp_path / "ingest.db") as state:
        assert AlertBook(state).failing() == {}


async def test_a_failure_delivered_after_its_recovery_does_not_mark_the_source_failing_again(
    tmp_path: Path,
) -> None:
    """A slow receiver: the failure is still on its way when the next batch recovers the source,
    and that recovery is delivered first. The source stays recovered, in state and for the next
    clean batch (which says nothing more)."""
    clock = Clock()
    with running_receiver() as receiver:
        alerts = alerter(tmp_path, receiver.url, clock)
        failure = alerts.outgoing(FAILING)
        clock.now += 1
        recovery = alerts.outgoing(BACK)
        assert failure is not None and recovery is not None
        await alerts.send(recovery)
        await alerts.send(failure)
        clock.now += 1
        assert alerts.outgoing(BACK) is None
    with StateStore(tmp_path / "ingest.db") as state:
        assert AlertBook(state).failing() == {}


async def test_a_recovery_delivered_after_the_next_failure_does_not_forget_that_failure(
    tmp_path: Path,
) -> None:
    """Failing, recovered, failing again, and the recovery is the last delivered: state still
    holds the new failure, so a restarted daemon recovers it once it works."""
    clock = Clock()
    with running_receiver() as receiver:
        alerts = alerter(tmp_path, receiver.url, clock)
        first = alerts.outgoing(FAILING)
        assert first is not None
        await alerts.send(first)
        clock.now += 1
        recovery = alerts.outgoing(BACK)
        clock.now += 1
        again = alerts.outgoing(FAILING)
        assert recovery is not None and again is not None
        await alerts.send(again)
        await alerts.send(recovery)
    with StateStore(tmp_path / "ingest.db") as state:
        assert AlertBook(state).failing() == {"docs": AlertRecord("docs", 1_002.0, 1_002.0)}


async def test_a_source_removed_from_the_config_while_failing_is_forgotten(tmp_path: Path) -> None:
    """Three runs: "old" fails (alerted); the config no longer has it, "docs" syncs; "old" is
    configured again and fails: that is a new failure, alerted, not a silent continuation."""
    clock = Clock()
    old_failing = Observation(failing={"old": "cannot read"}, succeeded=frozenset({"", "docs"}))
    with running_receiver() as receiver:
        first = alerter(tmp_path, receiver.url, clock, configured={"docs", "old"})
        sent = first.outgoing(old_failing)
        assert sent is not None
        await first.send(sent)
        clock.now += 60
        second = alerter(tmp_path, receiver.url, clock, configured={"docs"})
        quiet = second.outgoing(Observation(failing={}, succeeded=frozenset({"", "docs"})))
        if quiet is not None:
            await second.send(quiet)
        with StateStore(tmp_path / "ingest.db") as state:
            assert AlertBook(state).failing() == {}
        clock.now += 60
        third = alerter(tmp_path, receiver.url, clock, configured={"docs", "old"})
        again = third.outgoing(old_failing)
        assert again is not None and [a.event for a in again.alerts] == ["failure"]
    assert [body["event"] for body in receiver.bodies] == ["failure"]


async def test_a_state_file_that_cannot_be_read_still_lets_the_failure_through(tmp_path: Path) -> None:
    """A state file written by a newer fin-ingest stops every run (exit 2) and holds what was
    alerted: the failure is still sent, as news, rather than never (a warning says why it is
    not remembered); the file is left as it was."""
    db = tmp_path / "ingest.db"
    with sqlite3.connect(db) as newer:
        newer.execute("PRAGMA user_version = 999")
    clock = Clock()
    with running_receiver() as receiver:
        alerts = alerter(tmp_path, receiver.url, clock)
        refused = Observation(
            failing={"": "state.path: written by a newer fin-ingest"}, succeeded=frozenset()
        )
        outgoing = alerts.outgoing(refused)
        assert outgoing is not None
        [delivery] = await alerts.send(outgoing)
    assert delivery.delivered
    assert [body["event"] for body in receiver.bodies] == ["failure"]
    with sqlite3.connect(db) as newer:
        assert newer.execute("PRAGMA user_version").fetchone() == (999,)
