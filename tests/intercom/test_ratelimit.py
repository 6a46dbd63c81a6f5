"""The rate limiter alone: permits, throttling ahead of a spent window, resets."""

from __future__ import annotations

import asyncio
import email.utils
import math
import random

import pytest

from ingest.intercom.ratelimit import (
    MAX_RESET_WAIT,
    MAX_RETRY_AFTER,
    REFILL_PROBE_INTERVAL,
    RESET_JITTER,
    RateLimiter,
    RateLimitInfo,
)
from ingest.intercom.server_clock import ServerClock, host_clock

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
    # This permit waits for the reset; its answer comes from the next window.
    limiter.observe(await limiter.acquire(), headers(remaining=1665, reset_in=11))

    assert limiter.calls_left() == 1665


async def test_past_resets_with_calls_left_and_absurd_resets_hold_nothing(fake_time: FakeTime) -> None:
    """A reset already past that reports calls left, or one beyond MAX_RESET_WAIT, holds nothing."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=5, reset_in=-1))
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
    """After a 429 the wait is until X-RateLimit-Reset (plus jitter), or None when nothing says."""
    limiter = limiter_for(fake_time)

    wait = limiter.wait_after_429(headers(remaining=0, reset_in=8))

    assert wait is not None
    assert 8 <= wait <= 8 + RESET_JITTER
    assert limiter.wait_after_429({}) is None


async def test_answers_out_of_order_never_overestimate_the_calls_left(fake_time: FakeTime) -> None:
    """Limit 10, permits 1-10 in flight, #10 reaches the server first (9 left): the other 9 will
    use those 9, so nothing is left, whatever their permit numbers."""
    limiter = limiter_for(fake_time)
    permits = [await limiter.acquire() for _ in range(10)]

    limiter.observe(permits[-1], headers(remaining=9, reset_in=5, limit=10))

    assert limiter.calls_left() == 0
    for seq, remaining in zip(permits[:-1], range(8, -1, -1), strict=True):
        limiter.observe(seq, headers(remaining=remaining, reset_in=5, limit=10))
    assert limiter.calls_left() == 0


async def test_an_answer_made_earlier_by_the_server_frees_its_double_count(fake_time: FakeTime) -> None:
    """An in-flight request the server had already counted stops being subtracted once answered."""
    limiter = limiter_for(fake_time)
    first, second = await limiter.acquire(), await limiter.acquire()
    limiter.observe(second, headers(remaining=5, reset_in=5))  # made after `first`
    assert limiter.calls_left() == 4

    limiter.observe(first, headers(remaining=6, reset_in=5))

    assert limiter.calls_left() == 5


async def test_a_request_that_failed_without_an_answer_still_counts(fake_time: FakeTime) -> None:
    """A permit released without an answer (a timeout) may have been counted: it stays subtracted."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=3, reset_in=5))
    answered, failed = await limiter.acquire(), await limiter.acquire()
    limiter.observe(answered, headers(remaining=2, reset_in=5))
    limiter.release(answered)  # after an answer: changes nothing

    limiter.release(failed)

    assert limiter.calls_left() == 1


def date_header(server_time: float) -> str:
    return email.utils.formatdate(math.floor(server_time), usegmt=True)


async def test_local_clock_ahead_holds_until_the_server_reaches_the_reset(fake_time: FakeTime) -> None:
    """With this host 0.2 s ahead, the Date header bounds the offset, and a spent window is held
    until the reset has passed on the server's clock, not merely on the local one."""
    skew = 0.2
    limiter = limiter_for(fake_time)
    fake_time.now = START + skew + 0.01  # the server is 0.01 s into second START
    answer = {**headers(remaining=0, reset_in=5), "Date": date_header(fake_time.now - skew)}
    limiter.observe(await limiter.acquire(), answer)

    await limiter.acquire()

    assert limiter.server_clock.known
    assert limiter.server_clock.offset() == pytest.approx(skew + 0.01)
    server_time_at_grant = fake_time.now - skew
    assert START + 5 <= server_time_at_grant <= START + 5 + 0.011 + RESET_JITTER


async def test_local_clock_behind_is_not_held_longer_than_needed(fake_time: FakeTime) -> None:
    """With this host 1 s behind the server, the hold ends when the server reaches the reset."""
    skew = -1.0
    limiter = limiter_for(fake_time)
    fake_time.now = START + skew
    answer = {**headers(remaining=0, reset_in=5), "Date": date_header(fake_time.now - skew)}
    limiter.observe(await limiter.acquire(), answer)

    await limiter.acquire()

    server_time_at_grant = fake_time.now - skew
    assert START + 5 <= server_time_at_grant <= START + 5 + RESET_JITTER  # not 1 s later


def test_server_clock_keeps_the_tightest_bounds() -> None:
    """The offset in use is the lowest upper bound Date headers give, never below the truth."""
    clock = ServerClock()
    assert not clock.known and clock.offset() == 0.0
    skew = 0.3
    for server_time in (100.7, 101.4, 102.05, 103.5):  # answered at once: sent = received
        local = server_time + skew
        clock.learn(date=math.floor(server_time), sent_at=local, received_at=local)

    assert clock.known
    assert clock.offset() == pytest.approx(skew + 0.05)  # the answer made 0.05 s into a second


def test_server_clock_starts_over_when_a_date_contradicts_its_bounds() -> None:
    """A Date promising at most 0.1 s of offset, then one proving more than 0.5 s (this host's
    clock was stepped), start the estimate over instead of trusting the stale bound."""
    clock = ServerClock()
    assert not clock.learn(date=100.0, sent_at=100.0, received_at=100.1)
    assert clock.offset() == pytest.approx(0.1)

    assert clock.learn(date=105.0, sent_at=106.5, received_at=106.6)

    assert clock.offset() == pytest.approx(1.6)


def test_server_clock_takes_nothing_from_resets() -> None:
    """A reset says when a window refills, not what time it is on the server (it may be rounded
    either way): without Date the offset stays 0."""
    clock = ServerClock()
    assert not clock.learn(date=None, sent_at=100.15, received_at=100.2)
    assert not clock.known
    assert clock.offset() == 0.0


async def test_429_whose_reset_looks_past_holds_new_requests_briefly(fake_time: FakeTime) -> None:
    """The local clock 0.2 s ahead and no Date: a 429 whose reset looks past still means the
    window is spent. The retry and every new request wait REFILL_PROBE_INTERVAL, not a back-off."""
    limiter = limiter_for(fake_time)
    fake_time.now = START + 0.2
    spent = headers(remaining=0, reset_in=0)
    limiter.observe(await limiter.acquire(), spent)

    wait = limiter.wait_after_429(spent)

    assert wait is not None
    assert REFILL_PROBE_INTERVAL <= wait <= REFILL_PROBE_INTERVAL + RESET_JITTER
    await limiter.acquire()
    [held] = fake_time.sleeps
    assert REFILL_PROBE_INTERVAL <= held <= REFILL_PROBE_INTERVAL + RESET_JITTER


async def test_spent_answer_whose_reset_looks_past_holds_until_the_next_window(fake_time: FakeTime) -> None:
    """Without Date, a 200 reporting 0 remaining with a reset already past locally holds new
    requests: the window refills later than it said, so one request at a time probes it, and
    with one in flight the next waits; an answer from the next window lifts the hold at once."""
    limiter = limiter_for(fake_time)
    first, second = await limiter.acquire(), await limiter.acquire()
    fake_time.now = START + 0.1
    limiter.observe(first, headers(remaining=0, reset_in=0))
    # The window is over by the local clock, but it was found spent after that: one probe at
    # a time, and one is in flight...
    assert limiter.refill.probing
    assert limiter.calls_left() == 0

    held = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    assert not held.done()  # ...but new requests are held

    limiter.observe(second, headers(remaining=9, reset_in=10))
    await held

    assert limiter.calls_left() == 8


async def test_retry_after_without_reset_sets_the_wait_and_holds_new_requests(fake_time: FakeTime) -> None:
    """A 429 with only Retry-After waits that long (at most MAX_RETRY_AFTER), as does every new request."""
    limiter = limiter_for(fake_time)

    wait = limiter.wait_after_429({"Retry-After": "20"})
    await limiter.acquire()

    assert wait is not None
    assert 20 <= wait <= 20 + RESET_JITTER
    assert fake_time.now >= START + 20
    capped = limiter.wait_after_429({"Retry-After": "86400"})
    assert capped is not None
    assert MAX_RETRY_AFTER <= capped <= MAX_RETRY_AFTER + RESET_JITTER


async def test_a_window_found_spent_after_its_reset_waits_for_its_retry_after(fake_time: FakeTime) -> None:
    """A 429 from a window whose reset was taken for passed (rounded down) that says Retry-After:
    the retry and every new request wait that long, then one request at a time probes the refill."""
    limiter = limiter_for(fake_time)
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=1))
    late = await limiter.acquire()  # held until the reset
    assert fake_time.now >= START + 1

    spent = {**headers(remaining=0, reset_in=1), "Retry-After": "2"}
    limiter.observe(late, spent)
    wait = limiter.wait_after_429(spent)
    sent = fake_time.now
    await limiter.acquire()

    assert limiter.refill.probing
    assert wait is not None
    assert 2 <= wait <= 2 + RESET_JITTER
    assert 2 <= fake_time.now - sent <= 2 + RESET_JITTER
    assert limiter.calls_left() == 0  # the probe is out: the next waits for its answer


async def test_a_retry_after_longer_than_the_wait_for_the_reset_is_honoured(fake_time: FakeTime) -> None:
    """A 429 whose reset is 2 s ahead but whose Retry-After asks for 7: the retry and every new
    request wait the longer of the two; a Retry-After shorter than the reset changes nothing."""
    limiter = limiter_for(fake_time)

    wait = limiter.wait_after_429({**headers(remaining=0, reset_in=2), "Retry-After": "7"})
    await limiter.acquire()

    assert wait is not None
    assert 7 <= wait <= 7 + RESET_JITTER
    assert fake_time.now >= START + 7
    shorter = limiter.wait_after_429({**headers(remaining=0, reset_in=12), "Retry-After": "1"})
    assert shorter is not None
    assert 12 - 7 <= shorter <= 12 - 7 + RESET_JITTER


async def test_a_step_of_the_host_clock_mid_window_sends_nothing_into_the_spent_window(
    fake_time: FakeTime,
) -> None:
    """This host's clock stepped 30 s forward (an NTP step) while a window's budget is spent and no
    Date header has shown it: the window is not taken for refilled, every request waits until it
    really refills (6 s on), and none is sent into it."""
    step = 0.0

    def wall() -> float:
        return fake_time.now + step

    clock = host_clock(wall=wall, monotonic=fake_time.clock)  # the client's
    limiter = RateLimiter(sleep=fake_time.sleep, clock=clock, rng=random.Random(7))
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=6, limit=10))
    step = 30.0

    held = [asyncio.create_task(limiter.acquire()) for _ in range(10)]
    await asyncio.sleep(0)

    assert not any(task.done() for task in held)
    await asyncio.gather(*held)
    assert fake_time.now >= START + 6


def test_the_host_clock_follows_the_wall_clock_without_its_steps() -> None:
    """host_clock starts at the wall time and moves only as the monotonic clock does."""
    wall, monotonic = [START], [50.0]
    clock = host_clock(wall=lambda: wall[0], monotonic=lambda: monotonic[0])

    monotonic[0] += 2.5
    wall[0] += 3600.0  # stepped an hour forward

    assert clock() == START + 2.5
