"""One lock per source, so two ingest processes never sync the same source at once.

The lock is an OS file lock (``filelock``) beside the state file: it is released by the
operating system when its process dies, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ingest.errors import LockedError


def lock_path(state_path: Path, source: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", source)
    return state_path.with_name(f"{state_path.name}.{safe}.lock")


@contextmanager
def source_locks(state_path: Path, sources: Iterable[str], *, wait: float = 0.0) -> Iterator[None]:
    """Hold the locks of ``sources`` (taken in sorted order, so two runs never deadlock).

    With ``wait`` 0 a held lock fails at once with :class:`LockedError`; otherwise it
    waits up to ``wait`` seconds first.
    """
    with ExitStack() as stack:
        for source in sorted(set(sources)):
            lock = FileLock(lock_path(state_path, source), timeout=wait)
            try:
                stack.enter_context(lock)
            except Timeout as exc:
                raise LockedError(
                    f"source {source!r} is being synced by another ingest process "
                    f"(lock {lock.lock_file}); try again when it has finished"
                ) from exc
        yield
