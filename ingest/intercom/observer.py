"""What the transport tells an observer of its requests (monitoring), knowing nothing of Prometheus.

The transport calls an observer once per answer, once per retry and once per 429: a method
call each, so a no-op observer costs a run nothing measurable.
"""

from __future__ import annotations

from typing import Final, Literal, Protocol

#: Why an attempt is sent again: a 5xx answer, a timeout, a connection dropped or refused.
RetryReason = Literal["server_error", "timeout", "connection"]


class RequestObserver(Protocol):
    """**Protocol**: told of every answer, retry and 429 of one client. Called on the event loop."""

    def answered(self, method: str, status: int, seconds: float) -> None:
        """An answer with ``status`` came ``seconds`` after the request was sent (a 429 too)."""

    def retried(self, reason: RetryReason) -> None:
        """A failed attempt is about to be sent again, after its back-off."""

    def rate_limited(self) -> None:
        """Intercom answered 429: the request waits for the window to refill."""


class _NoObserver:
    """Observes nothing: the default of every client that is not monitored."""

    def answered(self, method: str, status: int, seconds: float) -> None:
        pass

    def retried(self, reason: RetryReason) -> None:
        pass

    def rate_limited(self) -> None:
        pass


NO_OBSERVER: Final[RequestObserver] = _NoObserver()
