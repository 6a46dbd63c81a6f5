"""mkdocs-macros pages rendered in a worker process, bounded in time and memory.

Jinja's sandbox keeps a template from running code or reading files, not from running for ever
(``{% for %}`` loops nested in each other, a macro calling itself twice) or from filling memory
(``{{ 'x' * 10**10 }}``, ``center(10**10)``, a billion laughs ``include_yaml`` printed whole).
No hook of Jinja's could stop a C call such as ``'x' * n`` half way, so each page renders in a
worker process (pebble's pool, started on first use and shared by every site of the process): a
page that renders longer than :attr:`MacrosLimits.seconds` has its worker killed (and replaced),
and the worker's address space is capped at :attr:`MacrosLimits.memory` bytes where the platform
can cap it (POSIX). Either, or text longer than :attr:`MacrosLimits.characters`, fails that page
with a :class:`MacrosTooCostly` naming what it exceeded; the run goes on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool


class MacrosTooCostly(Exception):
    """A page whose macros would take too long, too much memory or too much text to render."""


@dataclass(frozen=True, slots=True)
class MacrosLimits:
    """What rendering one page's macros may take. Real pages render in milliseconds."""

    seconds: float = 10.0
    #: The worker's address space, in bytes (about 50 MB of it is Python and Jinja themselves).
    memory: int = 512 * 1024 * 1024
    #: The rendered page's length, in characters.
    characters: int = 5_000_000


Rendered = tuple[str, dict[str, int]]

_pool: ProcessPool | None = None
_pool_memory: int | None = None


def _cap_memory(limit: int) -> None:
    try:
        import resource  # POSIX only: elsewhere the time limit alone holds
    except ImportError:
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_pool(memory: int, *, fresh: bool = False) -> ProcessPool:
    global _pool, _pool_memory  # one pool per process, started on first use
    if fresh or _pool is None or not _pool.active or _pool_memory != memory:
        if _pool is not None:
            _pool.stop()  # type: ignore[no-untyped-call]  # pebble's stop() is not annotated
        # spawn: the worker never inherits the event loop's threads and locks, as fork would.
        _pool = ProcessPool(
            max_workers=1,
            initializer=_cap_memory,
            initargs=(memory,),
            context=multiprocessing.get_context("spawn"),
        )
        _pool_memory = memory
    return _pool


async def render_in_worker(
    render: Callable[..., Rendered], args: tuple[Any, ...], limits: MacrosLimits
) -> Rendered:
    """``render(*args, limits.characters)`` run in the worker; :class:`MacrosTooCostly` saying
    which limit it exceeded (``render`` raises it itself for what it can tell: the length, a
    recursion, what the sandbox refuses)."""
    try:
        return await _rendered(_worker_pool(limits.memory), render, args, limits)
    except BrokenProcessPool:
        # pebble breaks the whole pool when its worker dies between two tasks (a replacement
        # killed while it starts on a loaded machine): the page is not to blame, so once more
        # in a new pool.
        pass
    try:
        return await _rendered(_worker_pool(limits.memory, fresh=True), render, args, limits)
    except BrokenProcessPool:
        raise MacrosTooCostly(
            "the worker rendering its macros (Jinja) could not be started; the page is not sent"
        ) from None


async def _rendered(
    pool: ProcessPool, render: Callable[..., Rendered], args: tuple[Any, ...], limits: MacrosLimits
) -> Rendered:
    future = pool.schedule(render, args=(*args, limits.characters), timeout=limits.seconds)
    try:
        return await asyncio.wrap_future(future)
    except MacrosTooCostly as exc:
        raise MacrosTooCostly(f"{exc}; the page is not sent") from None
    except FutureTimeout:
        raise MacrosTooCostly(
            f"its macros (Jinja) ran longer than {limits.seconds:g} s (a loop too long?); "
            "the page is not sent"
        ) from None
    except MemoryError:
        raise MacrosTooCostly(
            f"its macros (Jinja) need more than the {limits.memory // 2**20} MB a page may "
            "take to render; the page is not sent"
        ) from None
    except ProcessExpired as exc:
        raise MacrosTooCostly(
            f"the worker rendering its macros (Jinja) died (exit code {exc.exitcode}); the page is not sent"
        ) from None


#: The limits sites use unless told otherwise.
DEFAULT_LIMITS = MacrosLimits()
