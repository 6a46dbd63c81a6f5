"""The rate limiter alone: permits, throttling ahead of a spent window, resets."""

from __future__ import annotations

import asyncio
import random

from ingest.intercom.ratelimit import MAX_RESET_WAIT, RESET_JITTER, RateLimiter, RateLimitInfo

from .fakes import START, FakeTime


def limiter_for(fake_time: FakeTime) -> RateLimiter:
    return RateLimiter(sleep=fake_time.sleep, clock=fake_time.clock, rng=random.Random(7))


def headers(remaining: int, reset_in: float, limit: int = 1666) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(START + reset_in)),
    }


def test_headers_are_parsed_and_bad_values_ignored() -> None:
    """Limit, remaining and reset are read as numbers; absent or garbled headers give None."""
    assert RateLimitInfo.from_headers(headers(5, 10)) == RateLimitInfo(1666, 5, START + 10)
    assert RateLimitInfo.from_headers({}) == RateLimitInfo(None, None, None)
    garbled = {"X-RateLimit-Remaining": "lots", "X-RateLimit-Reset": "nan"}
    assert RateLimitInfo.from_headers(garbled) == RateLimitInfo(None, None, None)


async def test_without_headers_nothing_is_ever_held(fake_time: FakeTime) -> None:
    """With no rate-limit headers (a proxy strips them), every permit is granted at once."""
    limiter = limiter_for(fake_time)
    for _ in range(5000):
        limiter.observe(await limiter.acquire(), {})

    assert fake_time.sleeps == []
    assert limiter.calls_left() is None


async def test_permits_are_granted_without_waiting_while_calls_remain(fake_time: FakeTime) -> None:
    """While the window has calls left, permits never wait, however many are taken at once."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=500, reset_in=10))

    for _ in range(500):
        await limiter.acquire()

    assert fake_time.sleeps == []
    assert limiter.calls_left() == 0


async def test_spent_window_holds_the_next_permit_until_the_reset(fake_time: FakeTime) -> None:
    """When no calls are left, the next permit waits until X-RateLimit-Reset plus a little jitter."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=6))

    await limiter.acquire()

    [waited] = fake_time.sleeps
    assert 6 <= waited <= 6 + RESET_JITTER
    assert fake_time.now >= START + 6


async def test_requests_in_flight_count_against_the_remaining_calls(fake_time: FakeTime) -> None:
    """Calls sent after the one that reported `remaining` are subtracted: 3 left, 3 in flight, so hold."""
    limiter = limiter_for(fake_time)
    first = await limiter.acquire()
    for _ in range(3):
        await limiter.acquire()  # in flight, not yet answered
    limiter.observe(first, headers(remaining=3, reset_in=4))

    assert limiter.calls_left() == 0
    await limiter.acquire()
    assert len(fake_time.sleeps) == 1


async def test_answers_out_of_order_keep_the_lowest_estimate(fake_time: FakeTime) -> None:
    """A late answer reporting more calls left than a newer one does not raise the count."""
    limiter = limiter_for(fake_time)
    older, newer = await limiter.acquire(), await limiter.acquire()
    limiter.observe(newer, headers(remaining=10, reset_in=5))
    limiter.observe(older, headers(remaining=11, reset_in=5))

    assert limiter.calls_left() == 10


async def test_a_new_window_replaces_the_old_count(fake_time: FakeTime) -> None:
    """An answer from the next window (a later reset) starts the count afresh."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=1))
    await limiter.acquire()  # waits for the reset
    limiter.observe(await limiter.acquire(), headers(remaining=1665, reset_in=11))

    assert limiter.calls_left() == 1665


async def test_stale_and_absurd_resets_are_ignored(fake_time: FakeTime) -> None:
    """A reset already past, or further than MAX_RESET_WAIT away (a skewed clock), holds nothing."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=-1))
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=MAX_RESET_WAIT + 60))
    await limiter.acquire()

    assert fake_time.sleeps == []


async def test_held_permits_wake_together_at_the_reset(fake_time: FakeTime) -> None:
    """Several requests held by a spent window are all released at the reset, not one per window."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=3))

    permits = await asyncio.gather(*(limiter.acquire() for _ in range(10)))

    assert sorted(permits) == list(range(2, 12))
    assert len(fake_time.sleeps) == 10
    assert all(3 <= waited <= 3 + RESET_JITTER for waited in fake_time.sleeps)
    assert fake_time.now <= START + 3 + RESET_JITTER


def test_wait_after_429_is_the_time_to_the_reset(fake_time: FakeTime) -> None:
    """After a 429 the wait is until X-RateLimit-Reset (plus jitter), or None when it is unknown."""
    limiter = limiter_for(fake_time)

    wait = limiter.wait_after_429(headers(remaining=0, reset_in=8))

    assert wait is not None
    assert 8 <= wait <= 8 + RESET_JITTER
    assert limiter.wait_after_429({}) is None
    assert limiter.wait_after_429(headers(remaining=0, reset_in=-2)) is None
