"""Authentication, the rate limit and its headers, and the Intercom-Version check."""

from __future__ import annotations

import asyncio
import time
import uuid

import aiohttp
import pytest
from emulator_helpers import TOKEN, assert_error, make_config

from ingest.emulator import EmulatorConfig, RunningEmulator
from ingest.emulator.limits import RateLimiter


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer "])
async def test_missing_or_wrong_token_is_401_with_intercoms_body(
    emulator: RunningEmulator, authorization: str | None
) -> None:
    """Without the right bearer token the answer is exactly Intercom's 401 error.list, no rate headers."""
    headers = {"Authorization": authorization} if authorization else {}
    async with (
        aiohttp.ClientSession(emulator.base_url) as session,
        session.get("/ai/external_pages", headers=headers) as response,
    ):
        body = await response.json()
        assert response.status == 401
        assert "X-RateLimit-Limit" not in response.headers
    request_id = body.pop("request_id")
    assert uuid.UUID(request_id)
    assert body == {
        "type": "error.list",
        "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}],
    }


async def test_every_authenticated_answer_carries_rate_headers(client: aiohttp.ClientSession) -> None:
    """Successes and errors alike carry X-RateLimit-*, and Remaining counts down."""
    seen = []
    for path in ("/me", "/ai/external_pages/404", "/me"):
        async with client.get(path) as response:
            seen.append(response.headers)
    limits = [int(h["X-RateLimit-Limit"]) for h in seen]
    remaining = [int(h["X-RateLimit-Remaining"]) for h in seen]
    assert limits == [1666] * 3
    assert remaining == [1665, 1664, 1663]
    reset = int(seen[0]["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 11


@pytest.mark.parametrize("emulator_config", [make_config(rate_limit=3)])
async def test_429_once_the_window_is_spent(
    client: aiohttp.ClientSession, emulator_config: EmulatorConfig
) -> None:
    """The call after the limit answers 429 rate_limit_exceeded with the rate headers."""
    statuses = []
    for _ in range(4):
        async with client.get("/me") as response:
            statuses.append(response.status)
            last_headers, last_body = response.headers, await response.json()
    assert statuses == [200, 200, 200, 429]
    assert_error(last_body, "rate_limit_exceeded")
    assert last_headers["X-RateLimit-Limit"] == "3"
    assert last_headers["X-RateLimit-Remaining"] == "0"
    assert int(last_headers["X-RateLimit-Reset"]) >= int(time.time())


@pytest.mark.parametrize("emulator_config", [make_config(rate_limit=2)])
async def test_unauthenticated_calls_do_not_count(
    emulator: RunningEmulator, client: aiohttp.ClientSession, emulator_config: EmulatorConfig
) -> None:
    """401s are not counted against the token's window."""
    async with aiohttp.ClientSession(emulator.base_url) as anonymous:
        for _ in range(5):
            async with anonymous.get("/me") as response:
                assert response.status == 401
    async with client.get("/me") as response:
        assert response.headers["X-RateLimit-Remaining"] == "1"


@pytest.mark.parametrize("emulator_config", [make_config(rate_limit=2, rate_window_seconds=0.2)])
async def test_window_refills_after_it_ends(
    client: aiohttp.ClientSession, emulator_config: EmulatorConfig
) -> None:
    """Once the window has passed, calls are allowed again with a full allowance."""
    for _ in range(3):
        async with client.get("/me") as response:
            status = response.status
    assert status == 429
    deadline = time.monotonic() + 5
    while True:
        async with client.get("/me") as response:
            if response.status == 200:
                assert response.headers["X-RateLimit-Remaining"] == "1"
                break
        assert time.monotonic() < deadline, "the rate-limit window never refilled"
        await asyncio.sleep(0.02)  # poll interval, not a stand-in for the condition


def test_windows_are_aligned_to_the_clock() -> None:
    """Windows are fixed slices of UNIX time; reset is the exact second the current one ends."""
    now = [1_000_003.5]
    limiter = RateLimiter(2, 10.0, wall=lambda: now[0])
    assert [limiter.hit("t").allowed for _ in range(3)] == [True, True, False]
    now[0] = 1_000_009.9
    assert limiter.hit("t").reset_at == 1_000_010
    now[0] = 1_000_010.0
    fresh = limiter.hit("t")
    assert (fresh.allowed, fresh.remaining, fresh.reset_at) == (True, 1, 1_000_020)
    assert limiter.hit("other").remaining == 1


def test_windows_shorter_than_a_second_round_the_reset_up() -> None:
    """A 0.2 s window reports the next whole second, which is never before the refill."""
    limiter = RateLimiter(1, 0.2, wall=lambda: 500.05)
    assert limiter.hit("t").reset_at == 501


async def test_unknown_intercom_version_is_rejected(client: aiohttp.ClientSession) -> None:
    """An Intercom-Version header naming no version answers 400 intercom_version_invalid."""
    async with client.get("/me", headers={"Intercom-Version": "9.9"}) as response:
        assert response.status == 400
        assert_error(await response.json(), "intercom_version_invalid")
