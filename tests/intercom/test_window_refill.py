"""When a window refills on this host's clock: bounds from which window each answer was counted in."""

from __future__ import annotations

import asyncio
import math
import random

import pytest

from ingest.intercom.ratelimit import NARROWING_COMPANY_WAIT, RateLimiter
from ingest.intercom.window_refill import REFILL_PRECISION, RefillEstimate

from .fakes import START, FakeTime


def test_before_any_window_turns_over_the_reset_is_taken_on_the_servers_clock() -> None:
    """Nothing proved: the correction is the clock offset, or later if an answer proved the
    window unrefilled later than that."""
    refill = RefillEstimate()
    assert (refill.correction(0.2), refill.proved, refill.probing) == (0.2, False, False)

    refill.counted_in(100.0, sent_at=100.4, late=True)  # a 429 at 0.4 s past the reset

    assert refill.correction(0.2) == pytest.approx(0.4)
    assert refill.probing


def test_a_window_seen_turning_over_proves_the_refill_and_ends_probing() -> None:
    """An answer from the next window, read 0.55 s past the reset, bounds the correction from
    above: it is used from then on, whatever the clock offset says."""
    refill = RefillEstimate()
    refill.counted_in(100.0, sent_at=100.4, late=True)

    refill.refilled_by(100.0, received_at=100.55)

    assert refill.proved and not refill.probing
    assert refill.correction(0.0) == pytest.approx(0.55)
    refill.refilled_by(110.0, received_at=110.9)  # a looser bound changes nothing
    assert refill.correction(0.0) == pytest.approx(0.55)


def test_contradicting_bounds_start_over_from_the_answer_that_showed_it() -> None:
    """A window still unrefilled past the proved bound (the windows or a clock moved) drops the
    bound; one refilled before the lower bound drops that."""
    refill = RefillEstimate()
    refill.refilled_by(100.0, received_at=100.3)
    refill.counted_in(110.0, sent_at=110.5, late=True)
    assert not refill.proved
    assert refill.correction(0.0) == pytest.approx(0.5)

    refill.refilled_by(120.0, received_at=120.2)

    assert refill.correction(0.0) == pytest.approx(0.2)


def test_narrowing_stops_when_a_round_trip_cannot_narrow_further() -> None:
    """Halfway between the bounds while they are further apart than two round trips (and
    REFILL_PRECISION); none once they are not."""
    refill = RefillEstimate()
    refill.counted_in(100.0, sent_at=99.0, late=False)
    refill.refilled_by(100.0, received_at=100.6)

    assert refill.narrowing_point(round_trip=0.1) == pytest.approx(-0.2)
    assert refill.narrowing_point(round_trip=(1.6 - REFILL_PRECISION) / 2) is None


async def _proved_limiter(fake_time: FakeTime) -> RateLimiter:
    """A limiter (limit 3) that saw window START+10 turn over at START+10.6, its last call of
    the old window sent at START+9, and is one call short of spending window START+20."""
    limiter = RateLimiter(sleep=fake_time.sleep, clock=fake_time.clock, rng=random.Random(3))
    fake_time.now = START + 9.0

    def answer(remaining: int, reset: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "3",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
        }

    limiter.observe(await limiter.acquire(), answer(0, START + 10))
    fake_time.now = START + 10.6
    limiter.observe(await limiter.acquire(), answer(2, START + 20))
    limiter.observe(await limiter.acquire(), answer(1, START + 20))
    assert limiter.calls_left() == 1
    return limiter


async def test_a_lone_last_call_is_not_held_to_narrow_the_refill(fake_time: FakeTime) -> None:
    """A window's last call wanted by one request alone (maybe a run's last) waits at most
    NARROWING_COMPANY_WAIT, not until the middle of the refill's bounds."""
    limiter = await _proved_limiter(fake_time)
    started = fake_time.now

    await limiter.acquire()

    assert fake_time.now - started <= NARROWING_COMPANY_WAIT


class ManualTime:
    """A clock that moves only when the test says; sleepers wake when it passes their deadline."""

    def __init__(self, start: float) -> None:
        self.now = start
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, woken))
        await woken

    def next_deadline(self) -> float | None:
        return min((deadline for deadline, _ in self._sleepers), default=None)

    async def advance_to(self, moment: float) -> None:
        self.now = moment
        due = [woken for deadline, woken in self._sleepers if deadline <= moment]
        self._sleepers = [(deadline, woken) for deadline, woken in self._sleepers if deadline > moment]
        for woken in due:
            woken.set_result(None)
        for _ in range(10):  # let the woken tasks run up to their next wait
            await asyncio.sleep(0)


async def test_a_last_call_wanted_by_several_narrows_the_refill_and_never_meets_a_429() -> None:
    """With two requests waiting, the window's last call goes halfway between the bounds
    (START+20 - 0.2 s); still counted in the old window, it raises the lower bound; the other
    request waits for the proved refill."""
    manual = ManualTime(START)
    limiter = RateLimiter(sleep=manual.sleep, clock=manual.clock, rng=random.Random(3))
    # The history of _proved_limiter, on a clock that moves only when told.
    for sent, received, remaining, reset in ((9.0, 9.0, 0, 10), (10.6, 10.6, 2, 20), (10.6, 10.6, 1, 20)):
        await manual.advance_to(START + sent)
        permit = await limiter.acquire()
        await manual.advance_to(START + received)
        limiter.observe(permit, _answer(remaining, START + reset))
    waiting = [asyncio.create_task(limiter.acquire()) for _ in range(2)]
    await manual.advance_to(START + 10.6)

    await manual.advance_to(START + 10.6 + NARROWING_COMPANY_WAIT)
    assert not any(task.done() for task in waiting)  # together, they wait for the narrowing point
    await manual.advance_to(START + 20 - 0.2)
    [narrowing] = [task for task in waiting if task.done()]
    limiter.observe(narrowing.result(), _answer(0, START + 20))  # counted in the old window

    assert limiter.refill.narrowing_point(0.0) == pytest.approx((-0.2 + 0.6) / 2)
    await manual.advance_to(START + 20.6)
    assert not all(task.done() for task in waiting)  # the other waits for the proved refill, plus jitter
    await manual.advance_to(START + 20.6 + 0.1)
    assert all(task.done() for task in waiting)


def _answer(remaining: int, reset: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }


class PhasedServer:
    """Windows of 10 s refilling ``phase`` past multiples of 10 (on this host's clock), their
    whole-second reset rounded down; ``restart`` moves the phase and forgets the counts."""

    WINDOW = 10.0

    def __init__(self, limit: int, phase: float) -> None:
        self.limit, self.phase = limit, phase
        self.counts: dict[int, int] = {}
        self.first_arrival: dict[int, float] = {}
        self.limited = 0

    def restart(self, phase: float) -> None:
        self.phase, self.counts, self.first_arrival = phase, {}, {}

    def refill_of(self, window: int) -> float:
        return window * self.WINDOW + self.phase

    def answer(self, at: float) -> dict[str, str]:
        window = math.floor((at - self.phase) / self.WINDOW)
        self.counts[window] = self.counts.get(window, 0) + 1
        self.first_arrival.setdefault(window, at)
        if self.counts[window] > self.limit:
            self.limited += 1
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.counts[window])),
            "X-RateLimit-Reset": str(math.floor(self.refill_of(window + 1))),
        }


async def _saturate(limiter: RateLimiter, manual: ManualTime, server: PhasedServer, until: float) -> None:
    """Four workers keep the limiter busy until ``until``; each answer takes 50 ms and is counted
    by the server halfway."""
    round_trip = 0.05

    async def worker() -> None:
        while manual.now < until:
            permit = await limiter.acquire()
            sent = manual.now
            await manual.sleep(round_trip)
            limiter.observe(permit, server.answer(sent + round_trip / 2))
            limiter.release(permit)

    workers = [asyncio.create_task(worker()) for _ in range(4)]
    idle = 0
    while not all(task.done() for task in workers):
        for _ in range(50):  # let every woken task reach its next wait
            await asyncio.sleep(0)
        deadline = manual.next_deadline()
        if deadline is None:
            idle += 1
            assert idle < 100, "the limiter holds requests with nothing to wake them"
            continue
        idle = 0
        await manual.advance_to(max(manual.now, deadline))
    for task in workers:
        task.result()


async def test_a_refill_found_earlier_after_the_windows_moved_is_relearnt_without_a_429() -> None:
    """Windows refilling 0.9 s past the whole-second reset, then (a restart of the server) 0.1 s
    past it: within a few minutes the limiter sends again within a fraction of a second of each
    refill, not 0.8 s late for ever, and meets no 429 after the first window."""
    manual = ManualTime(START)
    limiter = RateLimiter(sleep=manual.sleep, clock=manual.clock, rng=random.Random(5))
    server = PhasedServer(limit=20, phase=0.9)
    await _saturate(limiter, manual, server, until=START + 100)
    assert limiter.refill.correction(0.0) == pytest.approx(0.9, abs=0.2)
    learning = server.limited  # the 429s of the first window, from which the refill was learnt

    server.restart(phase=0.1)
    await _saturate(limiter, manual, server, until=START + 100 + 600)

    assert server.limited == learning
    last = sorted(server.first_arrival)[-10:-1]
    late = [server.first_arrival[window] - server.refill_of(window) for window in last]
    assert max(late) < 0.4, late
