"""The record of the API requests the emulator received, and per-endpoint counters.

The record keeps every request unless it was given a limit: then only the latest ``limit``
are kept (a first sync of 200,000 pages would otherwise hold every page's body), while the
counters still count every request and :meth:`RequestLog.forgotten` says how many were dropped.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

#: ``time.monotonic()`` seconds; comparable between processes on the same machine.
MonotonicTime = float


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One API request as received, and how it was answered.

    ``headers`` never include ``Authorization``. ``body`` is the parsed JSON body, or
    ``None`` when there was none or it was not JSON. ``status`` is ``None`` when the
    connection was dropped on purpose. ``endpoint`` is the method and route pattern,
    e.g. ``"POST /ai/external_pages"`` or ``"GET /ai/external_pages/{page_id}"``.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int | None
    received_at: MonotonicTime
    answered_at: MonotonicTime
    request_id: str
    endpoint: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)


class RequestLog:
    """Recorded requests in arrival-of-answer order (the latest ``limit`` of them when ``limit``
    is set), plus counts by endpoint of every request."""

    def __init__(self, limit: int | None = None) -> None:
        if limit is not None and limit < 0:
            raise ValueError("limit must be None or at least 0")
        self._entries: deque[RecordedRequest] = deque(maxlen=limit)
        self._counts: Counter[str] = Counter()
        self._forgotten = 0

    def add(self, entry: RecordedRequest) -> None:
        """Record one answered (or dropped) request, forgetting the oldest when the log is full."""
        if len(self._entries) == self._entries.maxlen:
            self._forgotten += 1
        self._entries.append(entry)
        self._counts[entry.endpoint] += 1

    def entries(self, path_prefix: str | None = None) -> list[RecordedRequest]:
        """The recorded requests, optionally only those whose path starts with ``path_prefix``."""
        if path_prefix is None:
            return list(self._entries)
        return [e for e in self._entries if e.path.startswith(path_prefix)]

    def counters(self) -> dict[str, int]:
        """How many requests each endpoint received since the last clear."""
        return dict(self._counts)

    def forgotten(self) -> int:
        """How many requests since the last clear were counted but dropped from the record."""
        return self._forgotten

    def clear(self) -> None:
        """Forget every recorded request and reset the counters."""
        self._entries.clear()
        self._counts.clear()
        self._forgotten = 0
