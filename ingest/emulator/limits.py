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
    index: int
    used: int


class RateLimiter:
    """``limit`` calls per ``window_seconds``, in fixed windows aligned to the clock.

    Window ``k`` covers UNIX times ``[k * window_seconds, (k + 1) * window_seconds)``, so with
    Intercom's 10-second windows every ``X-RateLimit-Reset`` is an exact whole second, the
    moment the window refills. (A window that started at a client's first call would end
    between two whole seconds, and the header, rounded up, would overstate the wait.)
    For windows that are not whole seconds (tests), ``reset_at`` is rounded up, so a client
    that waits until then always finds a fresh window.
    """

    def __init__(self, limit: int, window_seconds: float, *, wall: Callable[[], float] = time.time) -> None:
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
        index = math.floor(self._wall() / self.window_seconds)
        window = self._windows.get(key)
        if window is None or window.index != index:
            window = self._windows[key] = _Window(index=index, used=0)
        window.used += 1
        return RateDecision(
            allowed=window.used <= self.limit,
            limit=self.limit,
            remaining=max(0, self.limit - window.used),
            reset_at=math.ceil((index + 1) * self.window_seconds),
        )
