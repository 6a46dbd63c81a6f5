"""Client-side rate limiting from Intercom's ``X-RateLimit-*`` headers.

Intercom counts calls per app in fixed windows (about 1,666 calls per 10 s) and reports,
on every response, the window's ``X-RateLimit-Limit``, the calls ``X-RateLimit-Remaining``
and ``X-RateLimit-Reset``, the UNIX time at which the window refills. The
:class:`RateLimiter` turns those into a permit per request:

* it takes only its ``share`` of each window: the *budget* is ``share`` x
  ``X-RateLimit-Limit`` (at least 1 call), and the rest of the window is left to the
  workspace's other apps, which draw on the same pool;
* while the budget of the current window has calls left, a permit is granted at once: the
  limiter never serialises requests, concurrency stays with the caller's semaphore;
* when the calls left reach zero, new requests are held until the reset (plus a little
  jitter so that held requests do not all land in the same millisecond) instead of being
  sent into a certain 429, or into the other apps' part of the window;
* once the reset time has passed, the new window is taken to be fresh: up to a budget of
  permits go out before an answer from it reports its count (more wait for that answer;
  while probing for a refill that came later than its reset said, one permit);
* while what is known of the refill is loose, a spent window's last call wanted by several
  requests goes between its bounds to narrow them (:meth:`_narrowing_hold`);
* with no rate-limit headers at all (a proxy that strips them), it never holds anything.

"Calls left" is the lowest ``remaining`` reported in the window, minus the part of the
window left to others (``limit`` - budget), every request in flight (granted, not yet
answered) and every request that failed without an answer. The server's count only goes
down, so the lowest report is the latest the server made, and whatever is still in flight
may have arrived after it: the estimate never exceeds what the budget allows, whatever
order the answers come back in, and wherever in the server's window the client started.

The reset is a whole second on the server's clock, and Intercom does not say where its
windows start nor how the header is rounded. :class:`~ingest.intercom.server_clock.ServerClock`
bounds how far this host's clock is from the server's (from ``Date``), and
:class:`~ingest.intercom.window_refill.RefillEstimate` learns when, on this host's clock, a
window really refills: a reset rounded down (up to a second early) costs 429s in one window,
from which the refill is learnt, and none after; a reset rounded up costs no 429 (held
requests wait until it). An answer saying the window is spent although it was taken for
refilled holds new requests briefly (:data:`REFILL_PROBE_INTERVAL`) and lets one request at a
time probe until the next window answers.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from ingest.intercom.server_clock import ServerClock, server_date
from ingest.intercom.window_refill import RefillEstimate

#: UNIX time in seconds, the unit of ``X-RateLimit-Reset``.
UnixTime = float
#: A duration in seconds.
Seconds = float

#: Upper bound of the random delay added after a reset, spreading the held requests.
RESET_JITTER: Seconds = 0.1
#: A reset further away than this says more about a skewed clock than about the window:
#: such a header is ignored rather than trusted to hold every request for minutes.
MAX_RESET_WAIT: Seconds = 120.0
#: The longest ``Retry-After`` honoured; a longer one is waited for this long.
MAX_RETRY_AFTER: Seconds = 120.0
#: How long new requests are held after the server said its window is spent although it was
#: taken for refilled (its reset rounded down, or this host's clock ahead): then one request
#: probes whether it has refilled. Short, as a reset is at most a second early.
REFILL_PROBE_INTERVAL: Seconds = 0.05
#: How long a window's last call waits for another request to want a permit before it goes at
#: once rather than narrowing down the refill: held alone, it could be a run's last request.
NARROWING_COMPANY_WAIT: Seconds = 0.05

_log = logging.getLogger("ingest.intercom")


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    """The rate-limit headers of one response; ``None`` where a header is absent or invalid."""

    limit: int | None
    remaining: int | None
    reset_at: UnixTime | None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitInfo:
        """Read ``X-RateLimit-Limit/Remaining/Reset`` (``headers`` should be case-insensitive)."""
        return cls(
            limit=_as_int(_number(headers.get("X-RateLimit-Limit"))),
            remaining=_as_int(_number(headers.get("X-RateLimit-Remaining"))),
            reset_at=_number(headers.get("X-RateLimit-Reset")),
        )


def retry_after(headers: Mapping[str, str]) -> Seconds | None:
    """The ``Retry-After`` header in seconds, when it is a number."""
    seconds = _number(headers.get("Retry-After"))
    return None if seconds is None else max(0.0, seconds)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _as_int(value: float | None) -> int | None:
    return None if value is None else int(value)


#: A share of the window: 0 < share <= 1.
Share = float


def window_budget(limit: int, share: Share) -> int:
    """The calls of a window of ``limit`` that a client taking ``share`` of it may make (at least 1)."""
    # The epsilon keeps 0.29 x 100 from flooring to 28 by binary rounding.
    return max(1, min(limit, math.floor(share * limit + 1e-9)))


class RateLimiter:
    """Grants a permit per request and holds requests while its share of the window is spent.

    One limiter serves one :class:`~ingest.intercom.IntercomClient`, and so every source
    syncing through that client in this process. Usage, per attempt::

        seq = await limiter.acquire()
        try:
            ... send the request ...
            limiter.observe(seq, response.headers)
        finally:
            limiter.release(seq)

    ``share`` (0 < share <= 1) is the part of each window it takes. ``sleep`` and ``clock``
    are injectable so that tests can wait without waiting; ``clock`` must not step (the
    client's is :func:`~ingest.intercom.server_clock.host_clock`): stepped forward mid-window,
    it would make a spent window look refilled.
    """

    def __init__(
        self,
        *,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
        rng: random.Random | None = None,
        share: Share = 1.0,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"the rate-limit share must be above 0 and at most 1, not {share}")
        self._share = share
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        #: Set by every answer and every permit released: what a request waiting for the
        #: first answer of a new window waits for.
        self._answered = asyncio.Event()
        self._server_clock = ServerClock()
        self._refill = RefillEstimate()
        self._round_trip: Seconds = 0.0  # a moving average of the time answers took
        self._waiting = 0  # requests in acquire()
        self._alone_since: tuple[UnixTime, UnixTime] | None = None  # (window's reset, local time)
        self._issued = 0
        self._in_flight: dict[int, UnixTime] = {}  # permit -> local time it was granted
        self._reset_at: UnixTime | None = None  # on the server's clock
        self._remaining: int | None = None
        self._lost = 0  # permits of this window that ended without an answer
        self._hold_until: UnixTime | None = None  # local time
        self._limit: int | None = None
        self._warned_for: UnixTime | None = None

    def __repr__(self) -> str:
        return (
            f"RateLimiter(limit={self._limit}, share={self._share}, calls_left={self.calls_left()}, "
            f"reset_at={self._reset_at}, {self._server_clock!r}, {self._refill!r})"
        )

    @property
    def share(self) -> Share:
        """The part of each window this limiter takes."""
        return self._share

    def budget(self) -> int | None:
        """The calls this limiter's share of a window allows; ``None`` before a limit is known."""
        return None if self._limit is None else window_budget(self._limit, self._share)

    @property
    def server_clock(self) -> ServerClock:
        """What this limiter knows of the server's clock."""
        return self._server_clock

    @property
    def refill(self) -> RefillEstimate:
        """What this limiter learnt of when a window refills on this host's clock."""
        return self._refill

    def calls_left(self) -> int | None:
        """Calls this limiter's share of the current window still allows; ``None`` if unknown.

        After a reset, before the new window has answered, the window is taken to be fresh:
        its budget less the requests in flight; or, while probing for a refill found later
        than it looked, one request less those in flight."""
        if self._in_window():
            return self._uncommitted()
        budget = self.budget()
        if budget is None:
            return None
        return (1 if self._refill.probing else budget) - len(self._in_flight)

    async def acquire(self) -> int:
        """Wait, if the share of the window is spent, until it resets (or, for a window not heard
        from yet, until an answer says how much of it is left); return this permit's number."""
        self._waiting += 1
        try:
            while True:
                delay = self._hold_for()
                if delay > 0:
                    self._log_hold(delay)
                    await self._sleep(delay)
                elif self._awaiting_new_window():
                    # A budget of permits is out in a window nobody has heard from: the next answer
                    # (or a permit ending without one) says how much more it allows.
                    self._answered.clear()
                    await self._answered.wait()
                else:
                    break
        finally:
            self._waiting -= 1
        self._issued += 1
        self._in_flight[self._issued] = self._clock()
        return self._issued

    def observe(self, seq: int, headers: Mapping[str, str]) -> None:
        """Take in the headers of the answer to permit ``seq``; it is no longer in flight."""
        sent_at = self._in_flight.pop(seq, None)
        info = RateLimitInfo.from_headers(headers)
        if info.limit is not None:
            self._limit = info.limit
        if sent_at is not None:
            took = self._clock() - sent_at
            self._round_trip = took if not self._round_trip else 0.8 * self._round_trip + 0.2 * took
            if self._server_clock.learn(
                date=server_date(headers), sent_at=sent_at, received_at=self._clock()
            ):
                self._refill.forget()  # its bounds were measured with the clock as it was
        if info.remaining is not None and info.reset_at is not None and self._plausible(info.reset_at):
            previous_reset = self._reset_at
            self._count(info.remaining, info.reset_at)
            if sent_at is not None:
                self._learn_refill(info.remaining, info.reset_at, sent_at, previous_reset, headers)
        self._answered.set()

    def release(self, seq: int) -> None:
        """Permit ``seq`` is over; if no answer was observed, the server may still have counted it."""
        if self._in_flight.pop(seq, None) is not None:
            self._lost += 1
        self._answered.set()

    def wait_after_429(self, headers: Mapping[str, str]) -> Seconds | None:
        """Seconds to wait after a 429 that carried these headers, or ``None`` if they do not say.

        Until ``X-RateLimit-Reset`` when it is ahead, or for ``Retry-After`` when that asks for
        longer; else, when the reset looks past (rounded down, or this host's clock ahead of the
        server's), until the next probe of the refill. All but the first hold every new request
        too, as the window's calls are spent for all.
        """
        reset_at = RateLimitInfo.from_headers(headers).reset_at
        asked = retry_after(headers)
        if asked is not None:
            asked = min(asked, MAX_RETRY_AFTER)
        if reset_at is not None:
            wait = self._local_time(reset_at) - self._clock()
            if 0 < wait <= MAX_RESET_WAIT and (asked is None or asked <= wait):
                return wait + self._jitter()
        if asked is not None:
            return self._hold(asked)
        return None if reset_at is None else self._hold(REFILL_PROBE_INTERVAL)

    def _plausible(self, reset_at: UnixTime) -> bool:
        return self._local_time(reset_at) - self._clock() <= MAX_RESET_WAIT  # no sane window reaches further

    def _learn_refill(
        self,
        remaining: int,
        reset_at: UnixTime,
        sent_at: UnixTime,
        previous_reset: UnixTime | None,
        headers: Mapping[str, str],
    ) -> None:
        """What one answer to a request granted at ``sent_at`` says of when windows refill
        (``previous_reset``: the latest window heard from before it)."""
        if previous_reset is not None and reset_at > previous_reset:
            self._refill.refilled_by(previous_reset, received_at=self._clock())
        taken_for_refilled = sent_at >= self._local_time(reset_at)
        late = taken_for_refilled and remaining <= self._left_to_others()
        self._refill.counted_in(reset_at, sent_at=sent_at, late=late)
        if late:
            asked = retry_after(headers)
            self._hold(REFILL_PROBE_INTERVAL if asked is None else min(asked, MAX_RETRY_AFTER))

    def _count(self, remaining: int, reset_at: UnixTime) -> None:
        if self._reset_at is None or self._remaining is None or reset_at > self._reset_at:
            self._reset_at, self._remaining, self._lost, self._hold_until = reset_at, remaining, 0, None
        elif reset_at == self._reset_at:
            self._remaining = min(self._remaining, remaining)
        else:
            return  # the answer to an older request, from a window that has since been replaced

    def _uncommitted(self) -> int:
        remaining = self._remaining if self._remaining is not None else 0
        return remaining - self._left_to_others() - len(self._in_flight) - self._lost

    def _left_to_others(self) -> int:
        """The calls of a window this limiter leaves to the workspace's other apps."""
        budget = self.budget()
        return 0 if budget is None or self._limit is None else self._limit - budget

    def _in_window(self) -> bool:
        """Whether a window whose reset has not passed has reported its count."""
        return self._reset_at is not None and self._remaining is not None and not self._passed(self._reset_at)

    def _awaiting_new_window(self) -> bool:
        left = self.calls_left()
        return left is not None and left <= 0 and not self._in_window() and bool(self._in_flight)

    def _local_time(self, reset_at: UnixTime) -> UnixTime:
        """The local time by which the window whose reset reads ``reset_at`` has refilled."""
        return reset_at + self._refill.correction(self._server_clock.offset())

    def _passed(self, reset_at: UnixTime) -> bool:
        return self._clock() >= self._local_time(reset_at)

    def _hold(self, seconds: Seconds) -> Seconds:
        until = self._clock() + seconds
        self._hold_until = until if self._hold_until is None else max(self._hold_until, until)
        return seconds + self._jitter()

    def _hold_for(self) -> Seconds:
        now = self._clock()
        if self._hold_until is not None and now < self._hold_until:
            return self._hold_until - now + self._jitter()
        left = self.calls_left()
        if left is None or self._reset_at is None or not self._in_window():
            return 0.0
        if left > 0:
            return self._narrowing_hold(self._reset_at, now) if left == 1 else 0.0
        return self._local_time(self._reset_at) - now + self._jitter()

    def _narrowing_hold(self, reset_at: UnixTime, now: UnixTime) -> Seconds:
        """How long to hold the window's last call so that it narrows down when windows refill.

        Sent between the bounds of the refill, it either still counts in this window or shows the
        next had begun: a tighter bound either way, never a 429. Only while other requests want
        permits too (they would wait for the refill anyway), so that a run's last request is not
        held back for it."""
        narrowing = self._refill.narrowing_point(self._round_trip)
        if narrowing is None:
            return 0.0
        if self._waiting < 2:
            if self._alone_since is None or self._alone_since[0] != reset_at:
                self._alone_since = (reset_at, now)
            return max(0.0, self._alone_since[1] + NARROWING_COMPANY_WAIT - now)
        return max(0.0, reset_at + narrowing - now)

    def _jitter(self) -> Seconds:
        return self._rng.uniform(0, RESET_JITTER)

    def _log_hold(self, delay: Seconds) -> None:
        if self._warned_for == self._reset_at:
            return
        self._warned_for = self._reset_at
        # Normal at full speed (a large sync uses up every window): info, not a warning.
        _log.info(
            "Intercom rate limit: no calls left in this window (limit %s); "
            "holding new requests %.1f s until it resets",
            self._limit if self._limit is not None else "unknown",
            delay,
        )
