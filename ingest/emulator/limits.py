"""Intercom-style rate limiting: N calls per fixed window, per access token."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether one call is allowed, and the ``X-RateLimit-*`` values to answer with."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int

    def headers(self) -> dict[str, str]:
        """The three ``X-RateLimit-*`` headers."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }


@dataclass(slots=True)
class _Window:
    started: float
    used: int


class RateLimiter:
    """``limit`` calls per ``window_seconds``; a window starts at the first call after the last ended.

    ``reset_at`` is the UNIX second (rounded up) at which the current window ends, so a
    client that waits until then always finds a fresh window.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._windows: dict[str, _Window] = {}
        self.limit = limit
        self.window_seconds = window_seconds

    def configure(self, limit: int | None = None, window_seconds: float | None = None) -> None:
        """Change the limit or window; every current window ends now."""
        if limit is not None:
            self.limit = limit
        if window_seconds is not None:
            self.window_seconds = window_seconds
        self._windows.clear()

    def hit(self, key: str) -> RateDecision:
        """Count one call for ``key`` (a token) and say whether it is within the limit."""
        now = self._monotonic()
        window = self._windows.get(key)
        if window is None or now >= window.started + self.window_seconds:
            window = self._windows[key] = _Window(started=now, used=0)
        window.used += 1
        ends_in = window.started + self.window_seconds - now
        return RateDecision(
            allowed=window.used <= self.limit,
            limit=self.limit,
            remaining=max(0, self.limit - window.used),
            reset_at=math.ceil(self._wall() + ends_in),
        )
