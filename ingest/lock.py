"""One lock per source, so two ingest processes never sync the same source at once.

The lock is an OS file lock (``filelock``) beside the state file: it is released by the
operating system when its process dies, so a killed run never leaves a stale lock. A run
takes a source's lock around that source's sync; the watch daemon around each batch, so a
nightly run and the daemon take turns.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ingest.errors import LockedError, StorageError
from ingest.storage import storage_problem

#: How often a waiting process looks again whether the lock is free.
_POLL_SECONDS = 0.05


@contextmanager
def _storage_errors(lock_file: str) -> Iterator[None]:
    """A lock file that cannot be created or written (a full disk) is one sentence naming it."""
    try:
        yield
    except Timeout:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StorageError(storage_problem("create the lock file", Path(lock_file), reason)) from exc


def lock_path(state_path: Path, source: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", source)
    return state_path.with_name(f"{state_path.name}.{safe}.lock")


def locked_message(source: str) -> str:
    return f"source {source!r} is being synced by another ingest process"


class SourceLock:
    """The lock of one source, waited for without blocking the event loop."""

    def __init__(self, state_path: Path, source: str) -> None:
        self.source = source
        # Acquired and released by the event loop's thread only; thread_local=False says so.
        self._lock = FileLock(lock_path(state_path, source), thread_local=False)

    async def acquire(self, wait: float) -> bool:
        """Take the lock, waiting up to ``wait`` seconds; False when another process kept it;
        StorageError when its file cannot be created (a full disk)."""
        deadline = time.monotonic() + wait
        while True:
            try:
                with _storage_errors(self._lock.lock_file):
                    self._lock.acquire(blocking=False)
            except Timeout:
                if time.monotonic() >= deadline:
                    return False
                await asyncio.sleep(_POLL_SECONDS)
            else:
                return True

    def release(self) -> None:
        self._lock.release()


@asynccontextmanager
async def holding_source(state_path: Path, source: str, *, wait: float) -> AsyncIterator[None]:
    """Hold ``source``'s lock for the block; LockedError when it stays held ``wait`` seconds."""
    lock = SourceLock(state_path, source)
    if not await lock.acquire(wait):
        raise LockedError(f"{locked_message(source)}; try again when it has finished")
    try:
        yield
    finally:
        lock.release()


@contextmanager
def source_locks(state_path: Path, sources: Iterable[str], *, wait: float = 0.0) -> Iterator[None]:
    """Hold the locks of ``sources`` (taken in sorted order, so two holders never deadlock).

    With ``wait`` 0 a held lock fails at once with :class:`LockedError`; otherwise it
    waits up to ``wait`` seconds first. Blocking: for code outside an event loop.
    """
    with ExitStack() as stack:
        for source in sorted(set(sources)):
            lock = FileLock(lock_path(state_path, source), timeout=wait)
            try:
                with _storage_errors(lock.lock_file):
                    stack.enter_context(lock)
            except Timeout as exc:
                raise LockedError(
                    f"{locked_message(source)} (lock {lock.lock_file}); try again when it has finished"
                ) from exc
        yield


@contextmanager
def watching_sources(state_path: Path, sources: Iterable[str]) -> Iterator[None]:
    """Hold, for a watch daemon's life, a lock per source it watches: a second daemon on the
    same sources would sync every change twice. LockedError when one is held already."""
    with ExitStack() as stack:
        for source in sorted(set(sources)):
            lock = FileLock(lock_path(state_path, source).with_suffix(".watch.lock"), timeout=0)
            try:
                with _storage_errors(lock.lock_file):
                    stack.enter_context(lock)
            except Timeout as exc:
                raise LockedError(
                    f"source {source!r} is already watched by another ingest watch using "
                    f"{state_path}; one daemon per source"
                ) from exc
        yield
