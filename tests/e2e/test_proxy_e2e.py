"""A run behind an HTTP proxy: every request goes through it (or around it, when NO_PROXY says so),
the run's result is the same, the token goes only as our Bearer header, and a refusing proxy is one
clear error naming it, never its password."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingest.errors import ApiError, ConfigError, RetryableApiError
from ingest.intercom import IntercomClient
from tests.e2e.conftest import TOKEN, Harness, write_docs
from tests.forward_proxy import ForwardProxy, running_proxy
from tests.notify.receiver import closed_port

PASSWORD = "pr0xy-Pa55word"


async def no_wait(_: float) -> None:
    return None


async def test_a_run_goes_through_http_proxy_with_the_same_result(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With HTTP_PROXY set, each request the emulator answers passed the proxy first (method and path),
    and the pages synced are those a direct run syncs."""
    titles = write_docs(harness.docs, 3)
    async with running_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        result = await harness.sync()
        assert result.ok and result.counts.created == 3
        received = [(request.method, request.path) for request in harness.emulator.requests()]
        assert proxy.methods_and_paths() == received
        assert sum(method == "POST" for method, _ in received) >= 3
        assert sorted(page["title"] for page in harness.remote().values()) == sorted(titles.values())

        (harness.docs / "section-0" / "page-000.md").write_text("# Page 0\n\nChanged.\n", encoding="utf-8")
        proxy.seen.clear()
        again = await harness.sync_fresh()
    assert again.ok and again.counts.updated == 1
    assert proxy.methods_and_paths() == [(r.method, r.path) for r in harness.emulator.requests()]


async def test_no_proxy_naming_the_host_bypasses_the_proxy(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_PROXY=127.0.0.1: the proxy sees nothing, the run is the same."""
    write_docs(harness.docs, 2)
    async with running_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        result = await harness.sync()
    assert result.ok and result.counts.created == 2 and proxy.seen == []
    assert len(harness.remote()) == 2


async def test_netrc_adds_no_credentials_and_the_proxy_gets_its_own(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A .netrc naming the API's host (aiohttp's trust_env would read it) changes nothing: the API
    gets our Bearer token alone; the proxy gets its credentials as Proxy-Authorization, which it
    does not pass on."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-secret\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text(netrc.read_text(), encoding="utf-8")
    (tmp_path / ".netrc").chmod(0o600)
    async with running_proxy(ForwardProxy(credentials=("ops", PASSWORD))) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url_with("ops", PASSWORD))
        async with IntercomClient(base_url=harness.emulator.base_url, token=TOKEN) as client:
            await client.me()
    [seen] = proxy.seen
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["proxy-authorization"].startswith("Basic ")
    [request] = harness.emulator.requests()
    assert request.endpoint == "GET /me"


async def test_a_proxy_asking_for_credentials_is_one_error_never_retried(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """407 (wrong password): an ApiError naming the proxy's host, without the password, after one attempt."""
    async with running_proxy(ForwardProxy(credentials=("ops", "the-right-one"))) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url_with("ops", PASSWORD))
        with caplog.at_level(logging.DEBUG):
            async with IntercomClient(
                base_url=harness.emulator.base_url, token=TOKEN, sleep=no_wait
            ) as client:
                with pytest.raises(ApiError) as raised:
                    await client.me()
    message = str(raised.value)
    assert not isinstance(raised.value, RetryableApiError)
    assert message.startswith(f"The proxy {proxy.url} refused GET /me: 407 ")
    assert len(proxy.seen) == 1 and harness.emulator.requests() == []
    assert PASSWORD not in message and PASSWORD not in caplog.text and PASSWORD not in repr(client)


async def test_a_refused_tunnel_is_retried_and_names_the_proxy(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """HTTPS through a proxy is a CONNECT; a 502 for it is a connection error: retried, then one
    error naming the proxy (the token never reached the proxy: it rides inside the tunnel)."""
    async with running_proxy(ForwardProxy(refuse_with=502)) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url_with("ops", PASSWORD))
        with caplog.at_level(logging.DEBUG):
            async with IntercomClient(
                base_url="https://api.intercom.test", token=TOKEN, sleep=no_wait, max_attempts=3
            ) as client:
                with pytest.raises(RetryableApiError) as raised:
                    await client.me()
    assert [seen.method for seen in proxy.seen] == ["CONNECT"] * 3
    assert proxy.seen[0].target == "api.intercom.test:443"
    assert all("authorization" not in seen.headers for seen in proxy.seen)
    message = str(raised.value)
    assert f"the proxy {proxy.url} answered 502" in message and "after 3 attempts" in message
    assert PASSWORD not in message and PASSWORD not in caplog.text


async def test_a_tunnel_refused_with_407_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CONNECT answered 407: one attempt, one error naming the proxy."""
    async with running_proxy(ForwardProxy(credentials=("ops", "right"))) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        async with IntercomClient(base_url="https://api.intercom.test", token=TOKEN, sleep=no_wait) as client:
            with pytest.raises(
                ApiError, match=r"^The proxy http://127\.0\.0\.1:\d+ refused GET /me: 407"
            ) as raised:
                await client.me()
    assert not isinstance(raised.value, RetryableApiError) and len(proxy.seen) == 1


async def test_a_proxy_that_refuses_connections_is_retried_then_named(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listening at the proxy's port: retried as a connection error, then named without its
    password."""
    proxy = f"http://ops:{PASSWORD}@127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with caplog.at_level(logging.DEBUG):
        async with IntercomClient(
            base_url="http://api.intercom.test", token=TOKEN, sleep=no_wait, max_attempts=2
        ) as client:
            with pytest.raises(RetryableApiError) as raised:
                await client.me()
    message = str(raised.value)
    assert "could not connect to the proxy http://127.0.0.1:" in message and "after 2 attempts" in message
    assert PASSWORD not in message and PASSWORD not in caplog.text
    assert "could not connect to the proxy" in caplog.text  # the retry's warning says so too


def test_a_proxy_variable_that_is_no_url_stops_the_client_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://proxy.corp:1080")
    with pytest.raises(ConfigError, match=r"^HTTPS_PROXY must be an http:// proxy URL"):
        IntercomClient(base_url="https://api.intercom.io", token=TOKEN)
