"""Client-side rate limiting from Intercom's ``X-RateLimit-*`` headers.

Intercom counts calls per app in fixed windows (about 1,666 calls per 10 s) and reports,
on every response, the window's ``X-RateLimit-Limit``, the calls ``X-RateLimit-Remaining``
and ``X-RateLimit-Reset``, the UNIX time at which the window refills. The
:class:`RateLimiter` turns those into a permit per request:

* while the current window has calls left, a permit is granted at once: the limiter
  never serialises requests, concurrency stays with the caller's semaphore;
* when the calls left reach zero, new requests are held until the reset (plus a little
  jitter so that held requests do not all land in the same millisecond) instead of being
  sent into a certain 429;
* once the reset time has passed, permits flow freely until an answer from the new
  window reports its count;
* with no rate-limit headers at all (a proxy that strips them), it never holds anything.

"Calls left" is the smallest ``remaining + seq`` seen in the window minus the number of
permits granted so far, where ``seq`` is the sequence number of the permit whose response
reported ``remaining``. In words: the remaining count as last reported, minus every
request sent after the one that reported it (those are in flight, or their answers have
not been read yet). Taking the minimum copes with answers arriving out of order.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

#: UNIX time in seconds, the unit of ``X-RateLimit-Reset``.
UnixTime = float
#: A duration in seconds.
Seconds = float

#: Upper bound of the random delay added after a reset, spreading the held requests.
RESET_JITTER: Seconds = 0.1
#: A reset further away than this says more about a skewed clock than about the window:
#: such a header is ignored rather than trusted to hold every request for minutes.
MAX_RESET_WAIT: Seconds = 120.0

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


class RateLimiter:
    """Grants a permit per request and holds requests while the window is spent.

    One limiter serves one :class:`~ingest.intercom.IntercomClient`, and so every source
    syncing through that client in this process. Usage, per attempt::

        seq = await limiter.acquire()
        ... send the request ...
        limiter.observe(seq, response.headers)

    ``sleep`` and ``clock`` are injectable so that tests can wait without waiting.
    """

    def __init__(
        self,
        *,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
        rng: random.Random | None = None,
    ) -> None:
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._granted = 0
        self._reset_at: UnixTime | None = None
        self._ceiling: int | None = None
        self._limit: int | None = None
        self._warned_for: UnixTime | None = None

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self._limit}, calls_left={self.calls_left()}, reset_at={self._reset_at})"

    def calls_left(self) -> int | None:
        """Calls the current window still allows by this limiter's count; ``None`` if unknown."""
        if self._reset_at is None or self._ceiling is None or self._clock() >= self._reset_at:
            return None
        return self._ceiling - self._granted

    async def acquire(self) -> int:
        """Wait, if the window is spent, until it resets; return this permit's sequence number."""
        while (delay := self._hold_for()) > 0:
            if self._warned_for != self._reset_at:
                self._warned_for = self._reset_at
                # Normal at full speed (a large sync uses up every window): info, not a warning.
                _log.info(
                    "Intercom rate limit: no calls left in this window (limit %s); "
                    "holding new requests %.1f s until it resets",
                    self._limit if self._limit is not None else "unknown",
                    delay,
                )
            await self._sleep(delay)
        self._granted += 1
        return self._granted

    def observe(self, seq: int, headers: Mapping[str, str]) -> None:
        """Take in the rate-limit headers of the response to permit ``seq``."""
        info = RateLimitInfo.from_headers(headers)
        if info.remaining is None or info.reset_at is None:
            return
        now = self._clock()
        if not now < info.reset_at <= now + MAX_RESET_WAIT:
            return  # a window that is already over, or a reset no sane window reaches
        ceiling = info.remaining + seq
        if self._reset_at is None or self._ceiling is None or info.reset_at > self._reset_at:
            self._reset_at, self._ceiling = info.reset_at, ceiling
        elif info.reset_at == self._reset_at:
            self._ceiling = min(self._ceiling, ceiling)
        # else: the answer to an older request, from a window that has since been replaced.
        if info.limit is not None:
            self._limit = info.limit

    def wait_after_429(self, headers: Mapping[str, str]) -> Seconds | None:
        """Seconds to wait after a 429 that carried these headers, or ``None`` if they do not say."""
        reset_at = RateLimitInfo.from_headers(headers).reset_at
        if reset_at is None:
            return None
        wait = reset_at - self._clock()
        if not 0 < wait <= MAX_RESET_WAIT:
            return None
        return wait + self._rng.uniform(0, RESET_JITTER)

    def _hold_for(self) -> Seconds:
        if self._reset_at is None or self._ceiling is None:
            return 0.0
        wait = self._reset_at - self._clock()
        if wait <= 0 or self._ceiling > self._granted:
            return 0.0
        return wait + self._rng.uniform(0, RESET_JITTER)
