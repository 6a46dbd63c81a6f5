"""Webhook alerts behind a proxy: through it as HTTP(S)_PROXY says, around it when NO_PROXY names
the host; no .netrc credentials added; a refusing proxy a delivery problem naming it, never its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.notify.delivery import Receiver, deliver
from ingest.notify_settings import NotifySettings
from tests.forward_proxy import ForwardProxy, running_proxy
from tests.notify.receiver import URL_SECRET, running_receiver
from tests.notify.test_notify_delivery import FAILURE, Sleeps

PASSWORD = "pr0xy-Pa55word"


async def test_an_alert_goes_through_the_proxy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """HTTP_PROXY set: the POST reaches the receiver through the proxy, with the proxy's credentials
    and nothing from a .netrc naming the receiver's host."""
    (tmp_path / ".netrc").write_text(
        "machine 127.0.0.1 login someone password netrc-secret\n", encoding="utf-8"
    )
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_receiver() as receiver:
        async with running_proxy(ForwardProxy(credentials=("ops", PASSWORD))) as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url_with("ops", PASSWORD))
            [delivery] = await deliver([Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings())
    assert delivery.delivered
    assert proxy.methods_and_paths() == [("POST", f"/services/{URL_SECRET}")]
    assert len(receiver.bodies) == 1
    assert "authorization" not in {name.lower() for name in receiver.headers[0]}
    assert "proxy-authorization" not in {name.lower() for name in receiver.headers[0]}


async def test_no_proxy_naming_the_webhook_bypasses_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with running_receiver() as receiver:
        async with running_proxy() as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url)
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            [delivery] = await deliver([Receiver("ops", "json", receiver.url)], FAILURE, NotifySettings())
    assert delivery.delivered and proxy.seen == [] and len(receiver.bodies) == 1


async def test_a_proxy_asking_for_credentials_is_a_problem_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """407: not retried, the problem names the proxy (no password), the run goes on (nothing raised)."""
    with running_receiver() as receiver:
        async with running_proxy(ForwardProxy(credentials=("ops", "right"))) as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url_with("ops", PASSWORD))
            [delivery] = await deliver(
                [Receiver("ops", "json", receiver.url)],
                FAILURE,
                NotifySettings(max_attempts=3),
                sleep=Sleeps(),
            )
    assert not delivery.delivered and delivery.attempts == 1
    assert (
        delivery.problem
        == f"the proxy {proxy.url} answered 407 (its credentials are missing or wrong) after 1 attempt(s)"
    )
    assert receiver.bodies == []


async def test_a_proxy_answering_502_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    with running_receiver() as receiver:
        async with running_proxy(ForwardProxy(refuse_with=502)) as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url)
            [delivery] = await deliver(
                [Receiver("ops", "json", receiver.url)],
                FAILURE,
                NotifySettings(max_attempts=3),
                sleep=Sleeps(),
            )
    assert not delivery.delivered and delivery.attempts == 3 and len(proxy.seen) == 3
    assert receiver.bodies == []
