"""The nested Help Center collections a source's articles live in.

Collections are found by name under their parent (so a lost state file or a second
machine adopts them), created when missing (after writing an intent; a create answered 5xx
may have happened, so it is looked for by name before it is sent again), remembered in
state, and removed when the tool created them and they no longer hold anything. A collection
that cannot be created fails the documents below it, and only those.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable

from ingest.errors import ApiError, AuthError, DocumentError, NotFoundError, RejectedError
from ingest.intercom import Collection, IntercomClient
from ingest.state import ArticleBook, CollectionPath
from ingest.state.placement import path_key

log = logging.getLogger("ingest.targets.articles")


class CollectionUnavailable(DocumentError):
    """A document's collection (or one above it) could not be created in this run; the error
    Intercom gave is its ``__cause__``."""


def with_parents(paths: Iterable[CollectionPath]) -> set[CollectionPath]:
    """Every path and all its prefixes, the root ``()`` included."""
    return {path[:depth] for path in paths for depth in range(len(path) + 1)} | {()}


class CollectionTree:
    """The source's root collection and the collections below it."""

    def __init__(
        self, *, client: IntercomClient, book: ArticleBook, root_name: str, help_center_id: int | None
    ) -> None:
        self._client = client
        self._book = book
        self._root_name = root_name
        self._help_center_id = help_center_id
        self._ids: dict[CollectionPath, str] = {}
        #: Paths that could not be created this run (or sit below one): why, and Intercom's error.
        self._failed: dict[CollectionPath, tuple[str, ApiError]] = {}
        # Upserts running concurrently may need the same new collection: one creates it.
        self._lock = asyncio.Lock()

    async def id_of(self, path: CollectionPath) -> str:
        """The id of the collection at ``path``, found or created (with its parents) when not known
        yet; :class:`CollectionUnavailable` when it (or one above it) could not be created."""
        if path not in self._ids:
            await self.ensure([path])
        if path in self._failed:
            why, cause = self._failed[path]
            raise CollectionUnavailable(why) from cause
        return self._ids[path]

    async def ensure(self, paths: Iterable[CollectionPath]) -> None:
        """Make sure every path (and its parents) exists remotely; learn their ids. A collection
        that cannot be created is remembered as failed for this run (with everything below it),
        and the others are still made."""
        async with self._lock:
            needed = sorted(with_parents(paths) - set(self._ids) - set(self._failed), key=len)
            if needed:
                await self._find_or_create(needed)

    async def _find_or_create(self, needed: list[CollectionPath]) -> None:
        """``needed`` parents first: a remembered collection still in its place, else one with the
        same name under the same parent, else a new one."""
        remote = await self._client.list_collections()
        by_id = {collection.id: collection for collection in remote}
        by_name = {(c.parent_id, c.name): c.id for c in remote if self._in_our_help_center(c.help_center_id)}
        known = self._book.collections()
        for path in needed:
            if path and path[:-1] in self._failed:
                self._failed[path] = self._failed[path[:-1]]
                continue
            parent_id = self._ids[path[:-1]] if path else None
            name = path[-1] if path else self._root_name
            remembered = known.get(path)
            if remembered is not None and self._in_place(by_id.get(remembered.remote_id), path, parent_id):
                self._ids[path] = remembered.remote_id
                continue
            if remembered is not None and not path:
                log.warning(
                    "root collection %s is gone or no longer %r in the configured help center; articles "
                    "move to the one found or created now (the old collections are left as they are)",
                    remembered.remote_id,
                    self._root_name,
                )
            key = path_key(path)
            found = by_name.get((parent_id, name))
            if found is not None:
                # Only an intent for this very name (a create this tool sent) makes it ours; an
                # intent left from another root name does not.
                created_by_us = self._book.intent("collection", key) == name
                log.info("collection %r: adopting the existing one (%s)", name, found)
            else:
                try:
                    found = await self._create(path, name, parent_id)
                except AuthError:
                    raise
                except ApiError as exc:
                    where = "/".join([self._root_name, *path])
                    log.warning("collection %s could not be created: %s", where, exc)
                    self._failed[path] = (f"collection {where} could not be created: {exc}", exc)
                    continue
                created_by_us = True
            self._book.remember_collection(path, found, created_by_us=created_by_us)
            self._book.clear_intent("collection", key)
            self._ids[path] = found
            by_name[(parent_id, name)] = found

    async def _create(self, path: CollectionPath, name: str, parent_id: str | None) -> str:
        """Create the collection (its intent recorded first); after an answer that leaves open
        whether it was created, look for it by name under its parent before sending it again."""
        self._book.record_intent("collection", path_key(path), name)

        async def look_up() -> Collection | None:
            taken = set(self._ids.values())
            for collection in await self._client.list_collections():
                if (
                    collection.parent_id == parent_id
                    and collection.name == name
                    and collection.id not in taken
                    and self._in_our_help_center(collection.help_center_id)
                ):
                    return collection
            return None

        collection = await self._client.create_collection(
            name, parent_id=parent_id, help_center_id=self._help_center_id, look_up=look_up
        )
        log.info("collection %r: created (%s)", name, collection.id)
        return collection.id

    def _in_place(self, collection: Collection | None, path: CollectionPath, parent_id: str | None) -> bool:
        """Whether a remembered collection still is the one ``path`` names: it exists under the
        parent found for it; the root also carries the configured name in the configured help
        center. Paths are remembered below the root, so without this a changed ``collection`` or
        ``help_center_id`` would keep every article in the old root."""
        if collection is None or collection.parent_id != parent_id:
            return False
        return bool(path) or (
            collection.name == self._root_name and self._in_our_help_center(collection.help_center_id)
        )

    def _in_our_help_center(self, help_center_id: int | str | None) -> bool:
        return self._help_center_id is None or str(help_center_id) == str(self._help_center_id)

    async def prune(self, in_use: Iterable[CollectionPath]) -> list[CollectionPath]:
        """Delete collections this tool created that hold no article and no collection any more,
        deepest first. Returns the paths removed."""
        keep = with_parents(in_use) if in_use else set()
        known = self._book.collections()
        candidates = [path for path, c in known.items() if c.created_by_us and path not in keep]
        if not candidates:
            return []
        holding_articles = {
            str(article.parent_id) async for article in self._client.list_articles() if article.parent_id
        }
        children = Counter(str(c.parent_id) for c in await self._client.list_collections() if c.parent_id)
        removed = []
        for path in sorted(candidates, key=len, reverse=True):
            remote_id = known[path].remote_id
            if remote_id in holding_articles or children[remote_id] > 0:
                continue  # something this tool does not know of lives there: leave it
            try:
                await self._client.delete_collection(remote_id)
            except NotFoundError:
                pass  # already gone: forgotten below like one deleted now
            except RejectedError as exc:
                log.warning(
                    "collection %s (%s) left in place: %s", path_key(path) or "<root>", remote_id, exc
                )
                continue
            self._book.forget_collection(path)
            self._ids.pop(path, None)
            removed.append(path)
            if path and path[:-1] in known:
                children[known[path[:-1]].remote_id] -= 1
        return removed
