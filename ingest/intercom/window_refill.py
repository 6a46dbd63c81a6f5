"""When, on this host's clock, a rate-limit window whose ``X-RateLimit-Reset`` reads ``R`` has
really refilled: ``R`` plus a correction learnt from the answers.

Intercom documents neither where its windows start nor how the reset is rounded. The header
is a whole second: for windows that do not start on whole seconds it is up to a second early
(rounded down) or late (rounded up), and this host's clock is off the server's too. Both
make one constant, the *correction* (local time of the refill minus the header), as long as
windows are whole seconds long and start at the same point of a second (Intercom's are 10 s):

* an answer counted in window ``R`` to a request granted at local time ``s`` proves the
  window had not refilled at ``s``: the correction is more than ``s - R``;
* an answer counted in a later window, read at local time ``r``, proves window ``R`` had
  refilled by ``r``: the correction is at most ``r - R``.

Before a window has been seen to turn over, the refill is guessed: the header on the server's
clock (the ``Date`` offset), or later if a lower bound says so. A window found spent past the
guess (a reset rounded down) puts the limiter into *probing*: one request at a time until an
answer comes from the next window, so that the refill is learnt in one window from a few 429s
rather than from a burst of them.

Once the upper bound is known, the refill is taken to be ``R`` plus it: never early. The
bound is only as close as the request that proved it, and requests held until it can never
prove a closer one; so while the two bounds are further apart than a round trip can narrow,
the limiter sends a spent window's last call at their middle: counted in the old window it
raises the lower bound, in the new one it lowers the upper, and it is never a 429 (the old
window kept a call for it). The gap halves with every such call, down to about two round
trips. Bounds that contradict each other (a clock was stepped, the windows moved) start the
estimate over.

Windows that move *later* contradict the upper bound at once (a window found unrefilled past
it). Windows that move *earlier* (a restart of the server can move where they start)
contradict nothing, since requests held until the upper bound cannot show an earlier refill:
so every :data:`RELEARN_WINDOWS` windows the lower bound is let down :data:`RELEARN_SPAN`
(as far as a whole-second reset can move), and the narrowing calls look there again, at no
cost in throughput and no risk of a 429: each is the old window's last call.
"""

from __future__ import annotations

#: UNIX time in seconds.
UnixTime = float
#: A duration in seconds.
Seconds = float

#: How close the bounds on the refill must be (beyond two round trips) to stop narrowing them.
REFILL_PRECISION: Seconds = 0.05
#: Every this many windows seen turning over, the lower bound is let down to look for a refill that
#: moved earlier (5 minutes of Intercom's 10-second windows).
RELEARN_WINDOWS = 30
#: How far below the upper bound the lower one is let down then.
RELEARN_SPAN: Seconds = 1.0


class RefillEstimate:
    """Bounds on the correction from a window's ``X-RateLimit-Reset`` to its refill on this host."""

    def __init__(self) -> None:
        self._after: Seconds | None = None  # the correction is more than this
        self._by: Seconds | None = None  # the correction is at most this
        self._probing = False
        self._turnovers = 0  # windows seen turning over since the lower bound was last let down

    def __repr__(self) -> str:
        return f"RefillEstimate(after={self._after}, by={self._by}, probing={self._probing})"

    @property
    def proved(self) -> bool:
        """Whether a window was seen to turn over, so that the refill is known, not guessed."""
        return self._by is not None

    @property
    def probing(self) -> bool:
        """Whether a window was found spent after its guessed refill, and none has turned over since."""
        return self._probing and self._by is None

    def narrowing_point(self, round_trip: Seconds) -> Seconds | None:
        """The correction halfway between the bounds, when to send a window's last call to narrow
        them; ``None`` when a request taking ``round_trip`` could not narrow them further (an
        answer read half the gap after it was sent proves nothing new)."""
        if self._after is None or self._by is None:
            return None
        if self._by - self._after <= 2 * round_trip + REFILL_PRECISION:
            return None
        return (self._after + self._by) / 2

    def correction(self, clock_offset: Seconds) -> Seconds:
        """Seconds to add to a reset for the local time by which its window has refilled:
        the proved bound, else ``clock_offset`` (the header taken as exact, on the server's
        clock) unless the window was seen unrefilled later than that."""
        if self._by is not None:
            return self._by
        return clock_offset if self._after is None else max(self._after, clock_offset)

    def counted_in(self, reset: UnixTime, *, sent_at: UnixTime, late: bool) -> None:
        """An answer counted in window ``reset`` to a request granted at ``sent_at``: the window
        had not refilled then. ``late``: the limiter had taken it for refilled, and it was spent."""
        bound = sent_at - reset
        if self._by is not None and bound >= self._by:
            self._by = None  # refilled later than proved: the windows or a clock moved
        self._after = bound if self._after is None else max(self._after, bound)
        if late:
            self._probing = True

    def refilled_by(self, reset: UnixTime, *, received_at: UnixTime) -> None:
        """An answer read at ``received_at`` was counted in a window after ``reset``'s."""
        bound = received_at - reset
        if self._after is not None and bound <= self._after:
            self._after = None  # refilled earlier than proved impossible: a clock moved
        self._by = bound if self._by is None else min(self._by, bound)
        self._probing = False
        self._turnovers += 1
        if self._turnovers >= RELEARN_WINDOWS:
            self._turnovers = 0
            self._after = self._by - RELEARN_SPAN

    def forget(self) -> None:
        """Start over (this host's clock was stepped)."""
        self._after, self._by, self._probing = None, None, False
