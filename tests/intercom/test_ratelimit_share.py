"""The rate limiter takes only its share of each window: its decisions, on a fake clock, against a
simulated Intercom whose windows it may meet at any alignment."""

from __future__ import annotations

import asyncio
import heapq
import math
import random
from collections import Counter
from collections.abc import Callable
from email.utils import formatdate
from itertools import count

import pytest

from ingest.intercom.ratelimit import RESET_JITTER, RateLimiter, window_budget

from .fakes import START, FakeTime

WINDOW = 10.0
#: A UNIX time on a window boundary, so that offsets from it say where in a window a run starts.
ALIGNED = math.floor(START / WINDOW) * WINDOW


def headers(remaining: int, reset_in: float, limit: int = 1666) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(START + reset_in)),
    }


def test_the_budget_is_the_share_of_the_limit_rounded_down_and_at_least_one_call() -> None:
    """Half of Intercom's 1,666 calls is 833; 0.29 of 100 is 29 (not 28 by binary rounding);
    no share leaves a client without a call."""
    assert window_budget(1666, 0.5) == 833
    assert window_budget(1666, 1.0) == 1666
    assert window_budget(100, 0.29) == 29
    assert window_budget(10, 0.01) == 1


@pytest.mark.parametrize("share", [0.0, -0.5, 1.01])
def test_a_share_outside_0_to_1_is_refused(share: float) -> None:
    """A share of nothing, or of more than the window, is a mistake, not a setting."""
    with pytest.raises(ValueError, match="share must be above 0 and at most 1"):
        RateLimiter(sleep=asyncio.sleep, clock=lambda: START, share=share)


async def test_the_rest_of_the_window_is_left_to_other_apps(fake_time: FakeTime) -> None:
    """With share 0.5 and 834 calls remaining of 1,666, one call is left to this client: the next
    permit waits for the reset, leaving the other 833 to the workspace's other apps."""
    limiter = RateLimiter(sleep=fake_time.sleep, clock=fake_time.clock, rng=random.Random(1), share=0.5)
    limiter.observe(await limiter.acquire(), headers(remaining=834, reset_in=6))
    assert limiter.calls_left() == 1

    await limiter.acquire()
    assert fake_time.sleeps == []
    await limiter.acquire()
    [waited] = fake_time.sleeps
    assert 6 <= waited <= 6 + RESET_JITTER


async def test_after_a_reset_only_a_budget_goes_out_before_the_new_window_answers(
    fake_time: FakeTime,
) -> None:
    """Once the reset has passed, a fresh window is presumed but not trusted blindly: a budget of
    permits (3 of 10 at share 0.3) goes out, and the next waits for an answer from that window."""
    limiter = RateLimiter(sleep=fake_time.sleep, clock=fake_time.clock, rng=random.Random(1), share=0.3)
    limiter.observe(await limiter.acquire(), headers(remaining=0, reset_in=1, limit=10))
    first = await limiter.acquire()  # held until the reset, then the first of the new window
    assert fake_time.now >= START + 1
    second, third = await limiter.acquire(), await limiter.acquire()

    fourth = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    assert not fourth.done()  # three in flight in a window nobody has heard from

    limiter.observe(first, headers(remaining=7, reset_in=11, limit=10))
    limiter.release(second)  # ended without an answer: it may still have counted
    limiter.observe(third, headers(remaining=9, reset_in=11, limit=10))  # an older arrival's count
    # 7 left, 7 of them left to others, one call unaccounted for: the share of this window is
    # spent, so the fourth waits for the next reset.
    await fourth
    assert fake_time.now >= START + 11


class SimulatedIntercom:
    """Intercom's rate limit: ``limit`` calls per window, windows starting ``phase`` seconds after
    a multiple of the window, each call counted when it arrives (as the emulator counts them), the
    reset rounded ``rounding`` to the whole second ("down", "up") or given in milliseconds."""

    def __init__(self, limit: int, *, phase: float = 0.0, rounding: str = "up") -> None:
        self.limit = limit
        self.phase = phase
        self.rounding = rounding
        self.used: Counter[int] = Counter()
        self.rejected: Counter[int] = Counter()

    def window(self, at: float) -> int:
        return math.floor((at - self.phase) / WINDOW)

    def arrive(self, at: float) -> dict[str, str]:
        window = self.window(at)
        self.used[window] += 1
        if self.used[window] > self.limit:
            self.rejected[window] += 1
        refill = self.phase + (window + 1) * WINDOW
        reset = {"down": str(math.floor(refill)), "up": str(math.ceil(refill))}.get(
            self.rounding, f"{refill:.3f}"
        )
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used[window])),
            "X-RateLimit-Reset": reset,
            "Date": formatdate(at, usegmt=True),
        }


class Timeline:
    """A fake clock driven by events: sleeping until a time delivers every event due before it."""

    def __init__(self, start: float) -> None:
        self.now = start
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._order = count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.run_until(self.now + max(0.0, seconds))

    def at(self, when: float, event: Callable[[], None]) -> None:
        heapq.heappush(self._events, (when, next(self._order), event))

    def step(self) -> None:
        """Deliver the next event (the clock moves to it)."""
        when, _, event = heapq.heappop(self._events)
        self.now = max(self.now, when)
        event()

    def run_until(self, when: float) -> None:
        while self._events and self._events[0][0] <= when:
            self.step()
        self.now = max(self.now, when)


async def simulate(
    *,
    share: float,
    offset: float,
    limit: int = 1666,
    concurrency: int = 64,
    windows: int = 6,
    server: SimulatedIntercom | None = None,
) -> tuple[SimulatedIntercom, int]:
    """A client keeping ``concurrency`` requests in flight (the API answering in 100-300 ms) for
    ``windows`` windows, starting ``offset`` seconds into a window; the server and the first
    window's index."""
    server = server or SimulatedIntercom(limit)
    timeline = Timeline(ALIGNED + server.phase + offset)
    limiter = RateLimiter(sleep=timeline.sleep, clock=timeline.clock, rng=random.Random(5), share=share)
    latency = random.Random(11)
    in_flight = 0

    def send(permit: int) -> None:
        took = latency.uniform(0.1, 0.3)

        def arrive() -> None:
            answer = server.arrive(timeline.now)

            def answered() -> None:
                nonlocal in_flight
                limiter.observe(permit, answer)
                limiter.release(permit)
                in_flight -= 1

            timeline.at(timeline.now + took / 2, answered)

        timeline.at(timeline.now + took / 2, arrive)

    first_window = server.window(timeline.now)
    end = server.phase + (first_window + windows) * WINDOW
    while timeline.now < end:
        if in_flight >= concurrency:
            timeline.step()  # the semaphore: wait for an answer
            continue
        permit = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0)
        while not permit.done():  # waiting for an answer from a new window
            timeline.step()
            await asyncio.sleep(0)
        in_flight += 1
        send(permit.result())
    return server, first_window


@pytest.mark.parametrize("offset", [0.0, 0.37, 4.2, 9.93])
@pytest.mark.parametrize("share", [0.25, 0.5, 0.8, 1.0])
async def test_every_window_after_the_first_gets_the_share_and_no_429(share: float, offset: float) -> None:
    """Wherever in a window the client starts, each later window carries between 95% and 100% of
    the share's budget, and Intercom answers no 429."""
    server, first = await simulate(share=share, offset=offset)
    budget = window_budget(1666, share)

    later = [server.used[window] for window in range(first + 1, first + 6)]
    assert all(0.95 * budget <= used <= budget for used in later), (budget, later)
    assert sum(server.rejected.values()) == 0


@pytest.mark.parametrize("offset", [0.0, 5.5])
async def test_a_budget_smaller_than_the_concurrency_is_kept_too(offset: float) -> None:
    """30 calls of a 100-call window with 64 requests allowed in flight: after each reset, 30 go
    out and the rest wait for the new window's answers, so no window takes more than its share."""
    server, first = await simulate(share=0.3, offset=offset, limit=100, concurrency=64)

    later = [server.used[window] for window in range(first + 1, first + 6)]
    assert later == [30] * 5
    assert sum(server.rejected.values()) == 0


@pytest.mark.parametrize("rounding", ["down", "up", "exact"])
@pytest.mark.parametrize("phase", [0.0, 0.3, 0.85, 6.5])
@pytest.mark.parametrize("share", [0.5, 1.0])
async def test_windows_off_whole_seconds_meet_no_429_after_the_first_and_keep_the_share(
    share: float, phase: float, rounding: str
) -> None:
    """Windows starting ``phase`` seconds past whole multiples of 10 s, their whole-second reset
    rounded down (up to 0.85 s early), up (up to 0.7 s late) or exact: after the first window no
    429, and every later window carries 95-100% of the share's budget."""
    server = SimulatedIntercom(1666, phase=phase, rounding=rounding)
    _, first = await simulate(share=share, offset=4.2, server=server)
    budget = window_budget(1666, share)

    later = [server.used[window] for window in range(first + 1, first + 6)]
    assert all(0.95 * budget <= used <= budget for used in later), (budget, later)
    assert [server.rejected[window] for window in range(first + 1, first + 6)] == [0] * 5
