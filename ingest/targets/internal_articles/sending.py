"""Internal articles, the sending half: one per document, never duplicated.

An internal article has no external id, so the mapping from document to article lives in
state. Every create is preceded by an intent (committed) and by a look for an unowned
article with the same title and owner (:mod:`.adoption`), which a lost state file or a run
killed between the create and recording its id leaves behind: that one is adopted and
updated instead of creating another. A create answered 5xx (or not at all) may have
happened: it is looked for before it is sent again. Updates go by id; an article deleted in
Intercom meanwhile (404) is created again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Final

from ingest.document import Page
from ingest.errors import ConfigError, NotFoundError, RejectedError
from ingest.intercom import IntercomClient
from ingest.plan import Action, AvailabilityChange, Deletion, Plan, TagChange, Upsert
from ingest.state import TargetStore
from ingest.targets.access import prove_access
from ingest.targets.availability import set_availability_request
from ingest.targets.base import RemoteCheck, Sent
from ingest.targets.internal_articles.adoption import TwinFinder
from ingest.targets.internal_articles.planning import InternalArticlesPlanner
from ingest.targets.internal_articles.reconcile import (
    InternalArticlesInspection,
    held_by,
    internal_article_digest,
)
from ingest.targets.internal_articles.wire import InternalArticle, InternalArticlesApi
from ingest.targets.reconciling import ReconcileScope, Reconciliation
from ingest.targets.tagging import move_owner_tags

log = logging.getLogger("ingest.targets.internal_articles")

#: The kind its intents are recorded under in its own book (keyed by external id).
_INTENT: Final = "article"


class InternalArticlesSender:
    """Creates, updates and deletes the internal articles of one source."""

    def __init__(self, planner: InternalArticlesPlanner, client: IntercomClient, store: TargetStore) -> None:
        self._planner = planner
        self._config = planner.settings
        self._client = client
        self._api = InternalArticlesApi(client)
        self._store = store
        self._book = store.book
        self._twins = TwinFinder(self._api, store, self._config.owner)

    async def check(self, *, must_read: bool) -> RemoteCheck:
        """Nothing of its own to read (no container): ``GET /me`` when the source's token is unproven."""
        return await prove_access(self._client, must_read=must_read)

    async def reconcile(self, scope: ReconcileScope) -> Reconciliation:
        """Compare the source's internal articles with what Intercom holds, in reads only
        (:mod:`ingest.targets.internal_articles.reconcile`)."""
        return await InternalArticlesInspection(self._planner, self._client, self._store).run()

    async def prepare(self, plan: Plan) -> bool:
        """Check author and owner against the workspace's admins before anything is written."""
        admins = {str(admin.id): admin.name for admin in await self._client.list_admins()}
        key = f"sources.{self._store.source}.{self._store.target}"
        for name, value in (("author_id", self._config.author_id), ("owner_id", self._config.owner)):
            if str(value) not in admins:
                known = ", ".join(f"{admin_id} ({admin})" for admin_id, admin in admins.items()) or "none"
                raise ConfigError(
                    f"{key}.{name}: {value} is not an admin of this workspace (admins: {known})"
                )
        return False

    async def upsert(self, item: Upsert) -> Sent:
        if item.action is Action.UPDATE and item.remote_id is not None:
            try:
                updated = await self._api.update(item.remote_id, self._planner.request(item.page))
                return Sent(
                    item.remote_id,
                    availability=held_by(updated),
                    remote_digest=internal_article_digest(updated),
                )
            except NotFoundError:
                log.warning(
                    "internal article %s of %s is gone; creating it again", item.remote_id, item.page.locator
                )
        article = await self._create_or_adopt(item.page)
        return Sent(article.id, availability=held_by(article), remote_digest=internal_article_digest(article))

    async def _create_or_adopt(self, page: Page) -> InternalArticle:
        key = page.external_id
        # The title a crashed run was creating under, else today's: either may exist already.
        titles = list(dict.fromkeys([self._book.intent(_INTENT, key) or page.title, page.title]))
        async with self._twins.holding(titles):
            for title in titles:
                adopted = await self._twins.take(title)
                if adopted is not None:
                    log.info("internal article %r: adopting the existing one (%s)", page.title, adopted)
                    return await self._adopt(adopted, page)
            self._book.record_intent(_INTENT, key, page.title)
            return await self._create(page)

    async def _create(self, page: Page) -> InternalArticle:
        """Create the article (its intent recorded); after an answer that leaves open whether it
        happened, the client looks for it before sending it again."""

        async def look_up() -> InternalArticle | None:
            found = await self._twins.take(page.title, fresh=True)
            if found is None:
                return None
            log.info("internal article %r: the create had happened (%s)", page.title, found)
            return await self._adopt(found, page)

        try:
            created = await self._api.create(self._planner.request(page), look_up=look_up)
        except RejectedError:
            self._book.clear_intent(_INTENT, page.external_id)  # refused: nothing was created
            raise
        self._twins.claim(created.id)
        self._book.clear_intent(_INTENT, page.external_id)
        return created

    async def _adopt(self, article_id: str, page: Page) -> InternalArticle:
        """Make an adopted article hold what the document says now, and forget the intent."""
        updated = await self._api.update(article_id, self._planner.request(page))
        self._book.clear_intent(_INTENT, page.external_id)
        return updated

    async def delete(self, item: Deletion) -> None:
        """What ``on_delete`` says: delete the internal article, or keep it (no longer synced)."""
        if self._config.on_delete == "keep" or item.remote_id is None:
            return
        with contextlib.suppress(NotFoundError):  # already gone: as good as deleted
            await self._api.delete(item.remote_id)

    async def set_availability(self, batch: Sequence[AvailabilityChange]) -> None:
        """One ``set_availability`` bulk action over ``batch`` (items of type ``internal_article``)."""
        await self._client.bulk_content_action(set_availability_request("internal_article", batch))

    async def update_tags(self, batch: Sequence[TagChange]) -> None:
        """One ``update_tags`` bulk action over ``batch`` (items of type ``internal_article``)."""
        await move_owner_tags(self._client, "internal_article", batch)

    async def finish(self, plan: Plan) -> None:
        pass
