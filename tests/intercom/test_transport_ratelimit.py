"""Rate limiting and concurrency as the client lives them: 429s, throttling ahead, the semaphore."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from aioresponses import CallbackResult

from ingest.errors import RateLimitedError
from ingest.intercom import ExternalPageRequest, IntercomClient
from ingest.intercom.ratelimit import REFILL_PROBE_INTERVAL, RESET_JITTER
from ingest.intercom.transport import MAX_CONSECUTIVE_429
from ingest.intercom.window_refill import REFILL_PRECISION

from .fakes import BASE_URL, START, TOKEN, FakeTime, MockApi, error_list, external_page

ME = f"{BASE_URL}/me"
PAGES = f"{BASE_URL}/ai/external_pages"


def limit_headers(remaining: int, reset_at: float, limit: int = 1666) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset_at),
    }


def rate_limited(reset_at: float) -> dict[str, Any]:
    return {
        "status": 429,
        "payload": error_list("rate_limit_exceeded", "Rate limit exceeded"),
        "headers": limit_headers(0, reset_at),
    }


def page_request(external_id: str) -> ExternalPageRequest:
    return ExternalPageRequest(
        title="Guide",
        html="<p>Hi</p>",
        url="https://docs.example.com/guide",
        source_id=7,
        external_id=external_id,
        ai_agent_availability=True,
        ai_copilot_availability=False,
    )


async def test_429_waits_until_the_reset_then_succeeds(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 429 is waited out until X-RateLimit-Reset (plus jitter) and the call then succeeds."""
    mock_api.get(ME, **rate_limited(START + 7))
    mock_api.get(ME, payload={"type": "admin"}, headers=limit_headers(1665, START + 17))

    assert await client.me() == {"type": "admin"}
    [waited] = fake_time.sleeps
    assert 7 <= waited <= 7 + RESET_JITTER
    assert mock_api.count() == 2


async def test_429_waits_do_not_use_up_attempts(mock_api: MockApi, fake_time: FakeTime) -> None:
    """Five 429s in a row with max_attempts=2 still end in success: 429s are not failures."""

    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        if mock_api.count() <= 5:
            reset = fake_time.now + 2
            return CallbackResult(
                status=429,
                payload=error_list("rate_limit_exceeded", "Slow down"),
                headers=limit_headers(0, reset),
            )
        return CallbackResult(payload={"type": "admin"})

    mock_api.get(ME, callback=answer, repeat=True)
    async with IntercomClient(
        base_url=BASE_URL, token=TOKEN, max_attempts=2, sleep=fake_time.sleep, clock=fake_time.clock
    ) as client:
        assert await client.me() == {"type": "admin"}

    assert mock_api.count() == 6


async def test_429_without_reset_header_backs_off(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 429 with no X-RateLimit-Reset (a proxy) backs off with jitter instead of hammering."""
    mock_api.get(ME, status=429, payload=error_list("rate_limit_exceeded", "Slow down"))
    mock_api.get(ME, payload={"type": "admin"})

    await client.me()

    [waited] = fake_time.sleeps
    assert 0 <= waited <= 0.5


async def test_endless_429s_give_up_with_rate_limited_error(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """After MAX_CONSECUTIVE_429 answers of 429 in a row the call raises RateLimitedError."""
    mock_api.get(ME, **rate_limited(START + 1), repeat=True)

    with pytest.raises(RateLimitedError) as caught:
        await client.me()

    assert mock_api.count() == MAX_CONSECUTIVE_429
    assert caught.value.status == 429
    assert caught.value.reset_at == START + 1
    assert caught.value.code == "rate_limit_exceeded"


async def test_spent_window_holds_requests_instead_of_sending_them_into_a_429(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """After an answer with 0 remaining, the next request is only sent once the window has reset."""
    reset = START + 5
    sent_at: list[float] = []

    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        sent_at.append(fake_time.now)
        if len(sent_at) > 1 and fake_time.now < reset:
            return CallbackResult(
                status=429,
                payload=error_list("rate_limit_exceeded", "Too early"),
                headers=limit_headers(0, reset),
            )
        return CallbackResult(payload=external_page(), headers=limit_headers(0, reset))

    mock_api.post(PAGES, callback=answer, repeat=True)

    await client.upsert_external_page(page_request("a.md"))
    await client.upsert_external_page(page_request("b.md"))

    assert len(sent_at) == 2
    assert sent_at[1] >= reset
    [waited] = fake_time.sleeps
    assert 5 <= waited <= 5 + RESET_JITTER


@pytest.mark.parametrize(("share", "budget"), [(1.0, 20), (0.5, 10)])
async def test_windows_are_used_to_the_last_call_and_never_overrun(
    mock_api: MockApi, fake_time: FakeTime, share: float, budget: int
) -> None:
    """Against a server with fixed windows, every window is used to the last call of the client's
    share (all of it, or half), no 429 is met, waits are resets. While the limiter narrows down
    when windows refill, a window's last call may show the next has begun: it then counts there,
    and its window is one call short; each such call halves what is unknown of the refill, so
    there are at most log2(window / REFILL_PRECISION) of them in a run."""
    limit, window = 20, 10.0
    state: dict[str, Any] = {"window_end": START + window, "used": 0, "rejected": 0}
    per_window: dict[float, int] = {}

    def server(url: Any, **kwargs: Any) -> CallbackResult:
        while fake_time.now >= state["window_end"]:
            state["window_end"] += window
            state["used"] = 0
        if state["used"] >= limit:
            state["rejected"] += 1
            return CallbackResult(
                status=429,
                payload=error_list("rate_limit_exceeded", "Over"),
                headers=limit_headers(0, state["window_end"], limit),
            )
        state["used"] += 1
        per_window[state["window_end"]] = per_window.get(state["window_end"], 0) + 1
        return CallbackResult(
            payload=external_page(), headers=limit_headers(limit - state["used"], state["window_end"], limit)
        )

    mock_api.post(PAGES, callback=server, repeat=True)
    async with IntercomClient(
        base_url=BASE_URL,
        token=TOKEN,
        max_concurrency=8,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        rate_limit_share=share,
    ) as client:
        await asyncio.gather(*(client.upsert_external_page(page_request(f"{n}.md")) for n in range(100)))

    used = list(per_window.values())
    short = sum(budget - calls for calls in used[:-1])
    assert state["rejected"] == 0
    assert all(budget - 1 <= calls <= budget for calls in used[:-1]), used
    assert short <= math.log2(window / REFILL_PRECISION), used
    assert len(used) == math.ceil((100 + short) / budget)
    assert fake_time.now - START <= (len(used) - 1) * (window + RESET_JITTER)
    assert all(0 < waited <= window + RESET_JITTER for waited in fake_time.sleeps)


async def test_concurrency_never_exceeds_max_concurrency(mock_api: MockApi, fake_time: FakeTime) -> None:
    """With max_concurrency=4 and 20 calls at once, exactly 4 are on the wire together, never more."""
    in_flight = peak = 0
    full = asyncio.Event()

    async def answer(url: Any, **kwargs: Any) -> CallbackResult:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == 4:
            full.set()
        await asyncio.wait_for(full.wait(), timeout=5)
        for _ in range(3):
            await asyncio.sleep(0)  # give any request that could slip past the limit the chance to
        in_flight -= 1
        return CallbackResult(payload={"type": "admin"})

    mock_api.get(ME, callback=answer, repeat=True)
    async with IntercomClient(
        base_url=BASE_URL, token=TOKEN, max_concurrency=4, sleep=fake_time.sleep, clock=fake_time.clock
    ) as client:
        await asyncio.gather(*(client.me() for _ in range(20)))

    assert peak == 4
    assert mock_api.count() == 20


async def test_429_with_retry_after_and_no_reset_waits_as_asked(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 429 without a usable X-RateLimit-Reset but with Retry-After waits that long, not a back-off."""
    mock_api.get(
        ME, status=429, payload=error_list("rate_limit_exceeded", "Slow down"), headers={"Retry-After": "20"}
    )
    mock_api.get(ME, payload={"type": "admin"})

    await client.me()

    [waited] = fake_time.sleeps
    assert 20 <= waited <= 20 + RESET_JITTER


async def test_429s_whose_reset_looks_past_wait_briefly_and_never_grow(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """This host's clock ahead of the server's: 429s whose reset has already passed locally each
    wait REFILL_PROBE_INTERVAL (plus jitter), however many come in a row: no exponential back-off."""
    fake_time.now = START + 0.3
    mock_api.get(ME, **rate_limited(START), repeat=8)
    mock_api.get(ME, payload={"type": "admin"})

    await client.me()

    assert len(fake_time.sleeps) == 8
    assert all(
        REFILL_PROBE_INTERVAL <= waited <= REFILL_PROBE_INTERVAL + RESET_JITTER for waited in fake_time.sleeps
    )
