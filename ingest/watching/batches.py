"""Debouncing and coalescing: the changes of one source, gathered into batches.

Changes arrive one by one (a file saved, renamed, deleted). :class:`ChangeQueue` hands them
out as one :class:`Batch` once the source has been quiet for ``debounce`` seconds, or at the
latest ``max_wait`` seconds after the first change of the batch, so a never-ending stream
still flushes. Whatever arrives while a batch runs waits for the next one: the caller takes
one batch at a time, so a source's batches never overlap. A locator changed many times in a
burst is in the batch once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

#: ``time.monotonic()`` seconds.
Monotonic = float


@dataclass(frozen=True)
class Batch:
    """Changed locators of one source; ``whole`` means "scan everything" (a folder event, start-up).

    ``first_change`` is when the oldest change of the batch was seen (for latency);
    ``retry`` marks a batch started by the back-off timer rather than by a change; ``check``
    one whose check of what Intercom holds is due (it may carry no change at all).
    """

    locators: frozenset[str] = frozenset()
    whole: bool = False
    first_change: Monotonic = field(default_factory=time.monotonic)
    changes: int = 0
    retry: bool = False
    check: bool = False


class ChangeQueue:
    """The changes of one source not yet handed out, and when to hand them out.

    Call every method from the event loop's thread (from a watchdog thread, go through
    ``loop.call_soon_threadsafe``).
    """

    def __init__(self, *, debounce: float, max_wait: float) -> None:
        self._debounce = debounce
        self._max_wait = max(max_wait, debounce)
        self._locators: set[str] = set()
        self._whole = False
        self._changes = 0
        self._first: Monotonic | None = None
        self._last: Monotonic = 0.0
        self._immediate = False
        self._retry_at: Monotonic | None = None
        self._check_at: Monotonic | None = None
        self._closed = False
        self._wakeup = asyncio.Event()

    @property
    def waiting(self) -> bool:
        """Whether changes are gathered and not handed out yet."""
        return self._first is not None

    def add(self, locators: Iterable[str] = (), *, whole: bool = False, immediate: bool = False) -> None:
        """Gather changes; ``immediate`` hands them out without waiting for quiet (start-up)."""
        now = time.monotonic()
        self._locators.update(locators)
        self._whole = self._whole or whole
        self._changes += 1
        if self._first is None:
            self._first = now
        self._last = now
        self._immediate = self._immediate or immediate
        self._wakeup.set()

    def retry_in(self, seconds: float) -> None:
        """Hand out a (possibly empty) retry batch ``seconds`` from now, unless changes come first."""
        self._retry_at = time.monotonic() + seconds
        self._wakeup.set()

    def check_in(self, seconds: float) -> None:
        """Hand out a batch marked ``check`` ``seconds`` from now (with whatever changes are
        gathered by then, or none)."""
        self._check_at = time.monotonic() + seconds
        self._wakeup.set()

    def close(self) -> None:
        """No more batches: :meth:`next` returns ``None`` from now on."""
        self._closed = True
        self._wakeup.set()

    def drain(self) -> Batch | None:
        """The changes gathered and not handed out (to persist them at shutdown), or ``None``."""
        return self._take() if self._first is not None else None

    async def next(self) -> Batch | None:
        """Wait for the next batch; ``None`` once the queue is closed."""
        while not self._closed:
            delay = self._due_in()
            if delay is not None and delay <= 0:
                return self._take()
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
        return None

    def _due_in(self) -> float | None:
        """Seconds until something is due (<= 0: now); ``None`` when nothing is waiting."""
        now = time.monotonic()
        due: list[float] = []
        if self._first is not None:
            if self._immediate:
                return 0.0
            due.append(min(self._last + self._debounce, self._first + self._max_wait) - now)
        if self._retry_at is not None:
            due.append(self._retry_at - now)
        if self._check_at is not None:
            due.append(self._check_at - now)
        return min(due) if due else None

    def _take(self) -> Batch:
        now = time.monotonic()
        check = self._check_at is not None and self._check_at <= now
        retry = self._first is None and self._retry_at is not None and self._retry_at <= now
        batch = Batch(
            locators=frozenset(self._locators),
            whole=self._whole,
            first_change=self._first if self._first is not None else now,
            changes=self._changes,
            retry=retry,
            check=check,
        )
        self._locators, self._whole, self._changes = set(), False, 0
        self._first, self._immediate, self._retry_at = None, False, None
        if check:
            self._check_at = None
        return batch
