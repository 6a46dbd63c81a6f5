"""Delivery against a receiver on loopback: retried as it should be, bounded, never raising."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import pytest

from ingest.notify.alert import Alert, FailedDocument, ScopeStatus
from ingest.notify.delivery import Receiver, deliver
from ingest.notify_settings import NotifySettings
from tests.notify.receiver import HANG, URL_SECRET, Answer, closed_port, running_receiver

FAILURE = Alert(
    event="failure",
    origin="run",
    scopes=(ScopeStatus("docs", "failing", 1_700_000_000.0),),
    time=1_700_000_000.0,
    host="sync-host",
    version="0.1.0",
    counts={"failed": 1},
    failures=(FailedDocument("docs", "external_pages", "a.md", "answered 422"),),
    failures_total=1,
    exit_code=1,
)


class Sleeps:
    """Records the back-off asked for instead of waiting it (the budget is what bounds a wait)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_a_receiver_failing_twice_gets_the_third_attempt() -> None:
    """500, 500, then 200: delivered on the third attempt, each with the same body."""
    sleeps = Sleeps()
    with running_receiver() as receiver:
        receiver.script(Answer(500), Answer(503))
        [delivery] = await deliver(
            [Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings(max_attempts=3), sleep=sleeps
        )
    assert delivery.delivered and delivery.attempts == 3
    assert len(receiver.bodies) == 3 and receiver.bodies[0] == receiver.bodies[2]
    assert receiver.bodies[0]["event"] == "failure"
    assert sleeps.delays == [0.5, 1.0]  # back-off doubles


async def test_a_receiver_answering_200_with_an_endless_body_took_the_message() -> None:
    """200 followed by a body that never ends: delivered at once (the status is the answer), not
    held until the budget runs out and then reported as not delivered."""
    with running_receiver() as receiver:
        receiver.script(Answer(200, endless=True))
        [delivery] = await deliver(
            [Receiver("ops", "json", receiver.url)],
            FAILURE,
            NotifySettings(timeout_seconds=1, max_attempts=1),
        )
    assert delivery.delivered and delivery.attempts == 1, delivery.problem


async def test_429_waits_its_retry_after() -> None:
    """A 429 with Retry-After: 2 is tried again after 2 s (within the budget), then delivered."""
    sleeps = Sleeps()
    with running_receiver() as receiver:
        receiver.script(Answer(429, {"Retry-After": "2"}))
        [delivery] = await deliver(
            [Receiver("ops", "slack", receiver.url)], FAILURE, NotifySettings(), sleep=sleeps
        )
    assert delivery.delivered and delivery.attempts == 2
    assert sleeps.delays == [2.0]


async def test_a_retry_after_past_the_budget_is_not_waited_for() -> None:
    """Retry-After longer than what is left of the budget: given up at once, one attempt."""
    sleeps = Sleeps()
    with running_receiver() as receiver:
        receiver.script(Answer(429, {"Retry-After": "3600"}))
        [delivery] = await deliver(
            [Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings(timeout_seconds=10), sleep=sleeps
        )
    assert not delivery.delivered and delivery.attempts == 1
    assert sleeps.delays == []
    assert delivery.problem is not None and "429" in delivery.problem and "budget" in delivery.problem


async def test_a_hanging_receiver_is_given_up_at_the_budget() -> None:
    """A receiver that never answers: delivery ends when the budget is spent, not delivered."""
    with running_receiver() as receiver:
        receiver.script(HANG, HANG, HANG)
        [delivery] = await deliver(
            [Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings(timeout_seconds=1)
        )
    assert not delivery.delivered
    assert delivery.problem is not None and "budget" in delivery.problem
    assert len(receiver.bodies) == 1


async def test_a_refused_connection_is_retried_then_given_up_without_the_url() -> None:
    """Nothing listening: every attempt made, one problem naming neither the URL nor its secret."""
    url = f"http://127.0.0.1:{closed_port()}/services/{URL_SECRET}"
    [delivery] = await deliver(
        [Receiver("ops", "slack", url)], FAILURE, NotifySettings(max_attempts=3), sleep=Sleeps()
    )
    assert not delivery.delivered and delivery.attempts == 3
    assert delivery.problem is not None and "could not connect" in delivery.problem
    assert URL_SECRET not in delivery.problem and "services" not in delivery.problem


async def test_a_redirect_is_never_followed() -> None:
    """302 to another host: not followed (that host hears nothing), not delivered, not retried."""
    with running_receiver() as elsewhere, running_receiver() as receiver:
        receiver.script(Answer(302, {"Location": elsewhere.url.replace("127.0.0.1", "localhost")}))
        [delivery] = await deliver(
            [Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings(), sleep=Sleeps()
        )
    assert not delivery.delivered and delivery.attempts == 1
    assert delivery.problem is not None and "redirect" in delivery.problem
    assert elsewhere.bodies == []


async def test_a_client_error_is_not_retried() -> None:
    """404 (a webhook deleted): one attempt, its status said."""
    with running_receiver() as receiver:
        receiver.script(Answer(404))
        [delivery] = await deliver([Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings())
    assert (delivery.delivered, delivery.attempts) == (False, 1)
    assert delivery.problem == "answered 404 after 1 attempt(s)"


async def test_every_webhook_gets_its_own_format_and_the_token_is_blanked() -> None:
    """Two receivers at once: Slack's body to one, JSON to the other; a token in a reason is blanked."""
    token = "seeded-token-0123456789"
    leaky = Alert(
        **{
            **FAILURE.__dict__,
            "failures": (FailedDocument("docs", "external_pages", "a.md", f"refused {token}"),),
        }
    )
    with running_receiver() as slack, running_receiver() as generic:
        deliveries = await deliver(
            [Receiver("chat", "slack", slack.url), Receiver("pager", "json", generic.url)],
            leaky,
            NotifySettings(),
            secrets=[token],
        )
    assert [d.delivered for d in deliveries] == [True, True]
    assert set(slack.bodies[0]) == {"text", "blocks"}
    assert generic.bodies[0]["schema"] == "fin-ingest.alert/1"
    for body in (slack.bodies[0], generic.bodies[0]):
        assert token not in str(body) and "[redacted]" in str(body)


@pytest.mark.parametrize("value", ["Wed, 21 Oct 2015 07:28:00 GMT", "soon"])
async def test_a_retry_after_date_in_the_past_or_unreadable_retries_at_once(value: str) -> None:
    """An HTTP date already past, or nonsense: retried after the back-off alone."""
    sleeps = Sleeps()
    with running_receiver() as receiver:
        receiver.script(Answer(429, {"Retry-After": value}))
        [delivery] = await deliver(
            [Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings(), sleep=sleeps
        )
    assert delivery.delivered and sleeps.delays == [0.5]


def test_a_dns_lookup_that_never_answers_holds_the_command_no_longer_than_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The webhook's host name is never resolved (a DNS outage): the delivery is given up within
    its budget and the event loop of the command closes while the lookup is still stuck, rather
    than waiting for the lookup's thread (a run or a stopping daemon held for minutes)."""
    stuck, answered = threading.Event(), threading.Event()
    resolve = socket.getaddrinfo

    def never_answering(host: object, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.example":
            return resolve(host, *args, **kwargs)  # type: ignore[arg-type]
        stuck.wait(30)  # released by the test once it has its answer
        answered.set()
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", never_answering)
    receivers = [Receiver("ops", "json", "http://hooks.example/services/" + URL_SECRET)]
    try:
        [delivery] = asyncio.run(
            deliver(receivers, FAILURE, NotifySettings(timeout_seconds=1, max_attempts=1))
        )
        returned_while_stuck = not answered.is_set()
    finally:
        stuck.set()
    assert returned_while_stuck
    assert not delivery.delivered and delivery.problem == "no answer within the 1 s budget after 1 attempt(s)"
