"""How far this host's clock is from the server's, from the ``Date`` header of its answers, and a
clock of this host that never steps."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime

#: UNIX time in seconds.
UnixTime = float
#: A duration in seconds.
Seconds = float

#: ``Date`` has whole seconds, rounded down: the server's time was up to this much later.
DATE_RESOLUTION: Seconds = 1.0

_log = logging.getLogger("ingest.intercom")


def host_clock(
    wall: Callable[[], UnixTime] = time.time, monotonic: Callable[[], Seconds] = time.monotonic
) -> Callable[[], UnixTime]:
    """This host's UNIX time that never steps: ``wall`` when made, then advanced by ``monotonic``.

    The rate limiter times windows with it: a wall clock stepped forward mid-window (an NTP step)
    would make a spent window look refilled, and a budget of requests would go into it before any
    ``Date`` showed the step. Drift from the server's clock is what ``Date`` headers correct.
    """
    origin_wall, origin_monotonic = wall(), monotonic()

    def now() -> UnixTime:
        return origin_wall + (monotonic() - origin_monotonic)

    return now


def server_date(headers: Mapping[str, str]) -> UnixTime | None:
    """The ``Date`` header as UNIX time, if present and valid."""
    value = headers.get("Date")
    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # HTTP dates are always GMT
    return moment.timestamp()


class ServerClock:
    """Bounds on the offset of this host's clock from the server's (local minus server).

    An answer was made between the moment its request was granted (``sent_at``) and the
    moment it was read (``received_at``), both local times. If its ``Date`` reads ``D``
    (rounded down to the second), the server's time was in ``[D, D + 1)`` then, so the
    offset is at most ``received_at - D`` and more than ``sent_at - D - 1``.

    The offset in use is the upper bound, the tightest ever seen: a server time is never taken
    for passed before it has passed on the server. Bounds that contradict each other mean a
    clock was stepped: the estimate starts over from the answer that showed it.
    """

    def __init__(self) -> None:
        self._upper: Seconds | None = None
        self._lower: Seconds | None = None

    def __repr__(self) -> str:
        return f"ServerClock(lower={self._lower}, upper={self._upper})"

    @property
    def known(self) -> bool:
        """Whether a ``Date`` header has bounded the offset."""
        return self._upper is not None

    def offset(self) -> Seconds:
        """Seconds to add to a server time to get the local time by which it has surely passed
        (0 until a ``Date`` says otherwise)."""
        return 0.0 if self._upper is None else self._upper

    def learn(self, *, date: UnixTime | None, sent_at: UnixTime, received_at: UnixTime) -> bool:
        """Take in the ``Date`` of one answer; whether the estimate had to start over."""
        if date is None:
            return False
        upper, lower = received_at - date, sent_at - date - DATE_RESOLUTION
        merged_upper = upper if self._upper is None else min(self._upper, upper)
        merged_lower = lower if self._lower is None else max(self._lower, lower)
        started_over = merged_lower >= merged_upper
        if started_over:
            _log.debug("Intercom's clock moved against this host's: estimating its offset afresh")
            merged_upper, merged_lower = upper, lower
        self._upper, self._lower = merged_upper, merged_lower
        return started_over
