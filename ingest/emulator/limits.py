"""Intercom-style rate limiting: N calls per fixed window, per access token."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

#: How ``X-RateLimit-Reset`` reports the moment a window refills: rounded down or up to the
#: whole second (as a UNIX time header usually is), or exact (with milliseconds).
ResetRounding = Literal["down", "up", "exact"]
RESET_ROUNDINGS: tuple[ResetRounding, ...] = ("down", "up", "exact")


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether one call is allowed, and the ``X-RateLimit-*`` values to answer with."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float

    def headers(self) -> dict[str, str]:
        """The three ``X-RateLimit-*`` headers."""
        reset = str(int(self.reset_at)) if self.reset_at.is_integer() else f"{self.reset_at:.3f}"
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": reset,
        }


@dataclass(slots=True)
class _Window:
    index: int
    used: int


class RateLimiter:
    """``limit`` calls per ``window_seconds``, in fixed windows starting ``phase`` seconds after
    a multiple of the window.

    Window ``k`` covers UNIX times ``[phase + k * window_seconds, phase + (k + 1) * window_seconds)``.
    With the default phase 0 and Intercom's 10-second windows every window ends on a whole
    second, so ``X-RateLimit-Reset`` is the exact moment it refills. Intercom does not document
    where its windows start: with a phase that is not a whole second, the whole-second header is
    up to a second early (``rounding="down"``) or late (``"up"``); ``"exact"`` reports the refill
    with milliseconds. ``"up"`` is the default: a client that waits until then always finds a
    fresh window (which is why windows shorter than a second, in tests, report the next second).
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        phase: float = 0.0,
        rounding: ResetRounding = "up",
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._wall = wall
        self._windows: dict[str, _Window] = {}
        self.limit = limit
        self.window_seconds = window_seconds
        self.phase = phase
        self.rounding: ResetRounding = rounding

    def configure(self, limit: int | None = None, window_seconds: float | None = None) -> None:
        """Change the limit or window; every current window ends now."""
        if limit is not None:
            self.limit = limit
        if window_seconds is not None:
            self.window_seconds = window_seconds
        self._windows.clear()

    def hit(self, key: str) -> RateDecision:
        """Count one call for ``key`` (a token) and say whether it is within the limit."""
        index = math.floor((self._wall() - self.phase) / self.window_seconds)
        window = self._windows.get(key)
        if window is None or window.index != index:
            window = self._windows[key] = _Window(index=index, used=0)
        window.used += 1
        return RateDecision(
            allowed=window.used <= self.limit,
            limit=self.limit,
            remaining=max(0, self.limit - window.used),
            reset_at=self._reported(self.phase + (index + 1) * self.window_seconds),
        )

    def _reported(self, refill: float) -> float:
        if self.rounding == "exact":
            return round(refill, 3)
        # The epsilon keeps a refill computed as 1000.0000000001 from being reported as 1001.
        nearest = round(refill)
        if abs(refill - nearest) < 1e-6:
            return float(nearest)
        return float(math.floor(refill) if self.rounding == "down" else math.ceil(refill))
