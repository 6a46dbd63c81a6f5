"""The record of every API request the emulator received, and per-endpoint counters."""

from __future__ import annotations

from collections import Counter
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
    """Recorded requests in arrival-of-answer order, plus counts by endpoint."""

    def __init__(self) -> None:
        self._entries: list[RecordedRequest] = []
        self._counts: Counter[str] = Counter()

    def add(self, entry: RecordedRequest) -> None:
        """Record one answered (or dropped) request."""
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

    def clear(self) -> None:
        """Forget every recorded request and reset the counters."""
        self._entries.clear()
        self._counts.clear()
