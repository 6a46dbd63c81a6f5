"""Gathering single calls made together into one batch call.

The engine loads the documents of a run in concurrent groups, one ``load`` call per
document. For git, one ``cat-file --batch`` and one history walk per group cost far less
than one process per document, so the calls that arrive in the same turn of the event
loop are handed to one batch function.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Batcher(Generic[K, V]):
    """``await batcher.submit(key)`` returns ``handler(keys)[i]`` for the key's place in its batch.

    The batch closes once every task that was ready when the first call arrived has had its
    turn, which is exactly the group an ``asyncio.gather`` starts at once. If the handler
    raises, every call of that batch raises the same exception.
    """

    def __init__(self, handler: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> None:
        self._handler = handler
        self._pending: list[tuple[K, asyncio.Future[V]]] = []
        self._flush: asyncio.Task[None] | None = None
        self.batches = 0

    async def submit(self, key: K) -> V:
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._pending.append((key, future))
        if self._flush is None:
            self._flush = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        # This task was scheduled behind every task already ready: when it runs, they have
        # all submitted. One more turn lets calls made one await deeper join as well.
        await asyncio.sleep(0)
        batch, self._pending, self._flush = self._pending, [], None
        self.batches += 1
        try:
            results = await self._handler([key for key, _ in batch])
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # handed to every caller of the batch, which decides
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
