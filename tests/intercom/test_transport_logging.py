"""What the client logs, and that the access token appears nowhere but the Authorization header."""

from __future__ import annotations

import asyncio
import logging
import traceback

import aiohttp
import pytest

from ingest.errors import ApiError, AuthError, RetryableApiError
from ingest.intercom import IntercomClient

from .fakes import BASE_URL, START, TOKEN, MockApi, error_list

ME = f"{BASE_URL}/me"
LOGGER = "ingest.intercom"


async def test_one_debug_line_per_request(
    client: IntercomClient, mock_api: MockApi, caplog: pytest.LogCaptureFixture
) -> None:
    """Each request logs method, path, status, attempt and duration at DEBUG."""
    mock_api.get(ME, payload={"type": "admin"})

    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        await client.me()

    [record] = [r for r in caplog.records if r.levelno == logging.DEBUG]
    message = record.getMessage()
    assert message.startswith("GET /me -> 200 (attempt 1, ")
    assert message.endswith(" ms)")


async def test_retries_and_rate_limit_waits_are_warnings(
    client: IntercomClient, mock_api: MockApi, caplog: pytest.LogCaptureFixture
) -> None:
    """A retried 5xx and a 429 wait each log a warning saying how long the client waits."""
    mock_api.get(ME, status=503, payload=error_list("service_unavailable", "Busy"))
    mock_api.get(
        ME,
        status=429,
        payload=error_list("rate_limit_exceeded", "Slow down"),
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(START + 3)},
    )
    mock_api.get(ME, payload={"type": "admin"})

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        await client.me()

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "GET /me failed (HTTP 503); retrying in" in warnings[0]
    assert "attempt 2 of 6" in warnings[0]
    assert "rate limited (429); waiting " in warnings[1]
    assert warnings[1].endswith(" s before trying again")


async def test_token_appears_in_no_log_message_error_or_repr(
    client: IntercomClient, mock_api: MockApi, caplog: pytest.LogCaptureFixture
) -> None:
    """Through retries, a 429, a dropped connection and a 401, the token is never logged or shown."""
    mock_api.get(ME, status=500, payload=error_list("server_error", "Oops"))
    mock_api.get(ME, exception=aiohttp.ServerDisconnectedError())
    mock_api.get(ME, status=429, headers={"X-RateLimit-Reset": str(START + 1), "X-RateLimit-Remaining": "0"})
    mock_api.get(ME, status=401, payload=error_list("unauthorized", "Access Token Invalid"))

    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
        await client.me()

    assert len(caplog.records) >= 4
    assert TOKEN not in caplog.text
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(client.rate_limiter)
    assert TOKEN not in str(vars(client))


async def test_token_echoed_by_a_server_is_masked_in_errors(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A proxy page or error.list that repeats the token has it replaced by *** in the exception."""
    mock_api.get(ME, status=400, payload=error_list("bad_request", f"Bad header Bearer {TOKEN}"))
    mock_api.get(ME, status=502, body=f"<pre>Authorization: Bearer {TOKEN}</pre>", content_type="text/html")

    with pytest.raises(ApiError) as rejected:
        await client.me()

    async with IntercomClient(base_url=BASE_URL, token=TOKEN, max_attempts=1) as single:
        with pytest.raises(RetryableApiError) as failed:
            await single.me()

    for error in (rejected.value, failed.value):
        assert TOKEN not in str(error)
        assert "Bearer ***" in str(error)


async def _answer_malformed_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n{}")
    await writer.drain()
    writer.close()


async def _no_wait(seconds: float) -> None:
    """Retries end at once."""


async def test_malformed_http_leaks_no_token_through_the_exception_chain() -> None:
    """aiohttp's error for a malformed answer carries the request headers in its repr: it is not
    chained to the ApiError, whose message keeps what went wrong."""
    server = await asyncio.start_server(_answer_malformed_http, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    async with server, IntercomClient(base_url=base_url, token=TOKEN, sleep=_no_wait) as client:
        with pytest.raises(ApiError) as caught:
            await client.me()

    error = caught.value
    assert "ClientResponseError" in str(error) and "Content-Length" in str(error)
    assert error.__cause__ is None and error.__context__ is None
    shown = [
        repr(error),
        repr(error.__cause__),
        repr(error.__context__),
        "".join(traceback.format_exception(error)),
    ]
    assert not [text for text in shown if TOKEN in text]
