"""Finding the internal article a lost mapping left behind, instead of creating a second one.

Internal articles carry no external id and, in 2.15, no container: the only thing that ties
one to a document is its title and its owner. A create is therefore preceded by a look at
the workspace's internal articles with the same title and owner that no document owns, in
this source or any other this state file syncs; a document adopts one of those if there is one.
The look reads the whole list (``GET /internal_articles``, every page), once a run and again
after an ambiguous create: 2.15's ``/internal_articles/search`` filters by folder only, not by title.

Two creates of one title never overlap (:meth:`TwinFinder.holding`): otherwise the second
could look while the first's answer is on its way and adopt the article that answer is
about to claim.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager

from ingest.state import TargetStore
from ingest.targets.internal_articles.wire import InternalArticlesApi


class TwinFinder:
    """The internal articles no document owns, by title, for one owner; each handed out once."""

    def __init__(self, api: InternalArticlesApi, store: TargetStore, owner_id: int) -> None:
        self._api = api
        self._store = store
        self._owner = str(owner_id)
        #: Unowned articles of the owner by title, as last read (None: not read yet).
        self._by_title: dict[str, list[str]] | None = None
        #: Articles this run created or adopted: never handed out (again).
        self._claimed: set[str] = set()
        self._read_lock = asyncio.Lock()
        #: Reads begun so far: a fresh look reuses one begun after it was asked for.
        self._reads = 0
        self._title_locks: dict[str, asyncio.Lock] = {}

    def claim(self, article_id: str) -> None:
        """``article_id`` belongs to a document now (this run created it)."""
        self._claimed.add(article_id)

    @asynccontextmanager
    async def holding(self, titles: Iterable[str]) -> AsyncIterator[None]:
        """No other create or look-up of any of ``titles`` runs meanwhile."""
        async with AsyncExitStack() as stack:
            for title in sorted(set(titles)):  # one order for every caller: no deadlock
                await stack.enter_async_context(self._title_locks.setdefault(title, asyncio.Lock()))
            yield

    async def take(self, title: str, *, fresh: bool = False) -> str | None:
        """An unowned article of this title and owner, claimed for the caller; None when there is
        none. ``fresh`` reads the workspace again (a create may have happened unheard of), unless
        a read begun since the call already did."""
        asked_at = self._reads
        async with self._read_lock:
            if self._by_title is None or (fresh and self._reads == asked_at):
                self._reads += 1
                self._by_title = await self._read()
            for found in self._by_title.get(title, []):
                if found not in self._claimed:
                    self._claimed.add(found)
                    return found
        return None

    async def _read(self) -> dict[str, list[str]]:
        owned = {record.remote_id for record in self._store.records().values() if record.remote_id}
        owned |= self._store.remote_ids_elsewhere()
        by_title: dict[str, list[str]] = {}
        async for article in self._api.list_all():
            if article.id not in owned and article.owner_id == self._owner:
                by_title.setdefault(article.title or "", []).append(article.id)
        return by_title
