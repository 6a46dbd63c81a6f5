"""Name lookups for webhooks on threads nobody waits for.

aiohttp resolves a host name with ``getaddrinfo`` in the event loop's default executor, and a
lookup cannot be cancelled: the delivery gives up at its budget, but ``asyncio.run`` then waits
for the executor's thread at its end, and the interpreter joins that thread at exit. A DNS
outage (a resolver that never answers) would hold ``ingest run`` or a stopping ``ingest watch``
for as long as the lookup hangs, past the budget. Here each lookup runs on a daemon thread of its
own, whose answer is dropped when nobody waits for it any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aiohttp.resolver import ThreadedResolver

__all__ = ["unwaited_resolver"]

T = TypeVar("T")


def unwaited_resolver() -> ThreadedResolver:
    """aiohttp's threaded resolver, its lookups on daemon threads (call within a running loop)."""
    # ThreadedResolver takes the loop whose getaddrinfo and getnameinfo it calls; these two are all
    # it uses of it.
    return ThreadedResolver(loop=cast(asyncio.AbstractEventLoop, _Lookups()))


class _Lookups:
    async def getaddrinfo(self, *args: Any, **kwargs: Any) -> Any:
        return await _on_daemon_thread(lambda: socket.getaddrinfo(*args, **kwargs))

    async def getnameinfo(self, *args: Any) -> Any:
        return await _on_daemon_thread(lambda: socket.getnameinfo(*args))


async def _on_daemon_thread(lookup: Callable[[], T]) -> T:
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[Any], None], value: Any) -> None:
        if not answer.done():  # given up meanwhile (the budget, a cancellation)
            outcome(value)

    def work() -> None:
        try:
            told = functools.partial(settle, answer.set_result, lookup())
        except Exception as exc:  # socket.gaierror and kin: the waiting coroutine's to raise
            told = functools.partial(settle, answer.set_exception, exc)
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(told)

    threading.Thread(target=work, name="fin-ingest-notify-lookup", daemon=True).start()
    return await answer
