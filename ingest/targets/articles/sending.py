"""Help Center articles, the sending half: published into nested collections, never duplicated.

One document is one article, in the collection its folders (or Confluence ancestors)
name below the configured root. A translation (``guide.fr.md``, or front matter
``locale`` + ``translation_of``) fills the ``translated_content`` of its original's
article. Articles have no external id: the mapping lives in state, creates are preceded
by an intent, and a missing mapping adopts an article with the same title in the same
collection instead of creating a second one. A create answered 5xx (or not at all) may have
happened: it is looked for the same way before the client sends it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack

from ingest.document import Page
from ingest.errors import ConfigError, DocumentError, NotFoundError
from ingest.intercom import (
    Article,
    ArticleContent,
    ArticleCreateRequest,
    ArticleUpdateRequest,
    IntercomClient,
)
from ingest.locales import Language
from ingest.plan import Action, AvailabilityChange, Deletion, Plan, TagChange, Upsert
from ingest.state import Placement, TargetStore
from ingest.targets.access import prove_access
from ingest.targets.articles.collections import CollectionTree
from ingest.targets.articles.planning import ArticlesPlanner
from ingest.targets.articles.reconcile import (
    ArticlesInspection,
    article_digest,
    held_by,
    translation_digest,
)
from ingest.targets.availability import request_flags
from ingest.targets.base import RemoteCheck, Sent
from ingest.targets.reconciling import ReconcileScope, Reconciliation
from ingest.targets.tagging import move_owner_tags

log = logging.getLogger("ingest.targets.articles")


class ArticlesSender:
    """Creates, updates and retires the Help Center articles of one source."""

    def __init__(self, planner: ArticlesPlanner, client: IntercomClient, store: TargetStore) -> None:
        self._planner = planner
        self._config = planner.settings
        self._api = client
        self._store = store
        self._tree: CollectionTree | None = None
        #: Articles no document owns, by (collection id, title): candidates for adoption.
        self._index: dict[tuple[str, str], list[str]] | None = None
        self._index_lock = asyncio.Lock()
        #: Reads of the index begun so far: a look-up after a failure reuses one begun after it.
        self._index_reads = 0
        self._claimed: set[str] = set()
        #: One create or adoption at a time per (collection id, title): otherwise one document
        #: could look while another's create is on its way, and adopt what that create made.
        self._title_locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def check(self, *, must_read: bool) -> RemoteCheck:
        """Nothing of its own to read (no container): ``GET /me`` when the source's token is unproven."""
        return await prove_access(self._api, must_read=must_read)

    async def reconcile(self, scope: ReconcileScope) -> Reconciliation:
        """Compare the source's articles with what Intercom holds, in reads only
        (:mod:`ingest.targets.articles.reconcile`)."""
        return await ArticlesInspection(self._planner, self._api, self._store, scope.owner_tag).run()

    async def prepare(self, plan: Plan) -> bool:
        """Check the author (and help center) up front, then find or create the collections."""
        key = f"sources.{self._store.source}.{self._store.target}"
        admins = await self._api.list_admins()
        if str(self._config.author_id) not in {str(admin.id) for admin in admins}:
            known = ", ".join(f"{admin.id} ({admin.name})" for admin in admins) or "none"
            raise ConfigError(
                f"{key}.author_id: {self._config.author_id} is not an admin "
                f"of this workspace (admins: {known})"
            )
        if self._config.help_center_id is not None:
            centers = {str(center.id) for center in await self._api.list_help_centers()}
            if str(self._config.help_center_id) not in centers:
                raise ConfigError(
                    f"{key}.help_center_id: {self._config.help_center_id} is not "
                    f"a help center of this workspace (help centers: {', '.join(sorted(centers)) or 'none'})"
                )
        self._tree = CollectionTree(
            client=self._api,
            book=self._store.book,
            root_name=self._config.collection,
            help_center_id=self._config.help_center_id,
        )
        originals = [
            item.page for item in plan.upserts if not self._planner.language(item.page).is_translation
        ]
        await self._tree.ensure(self._planner.collection(page) for page in originals)
        return False

    async def upsert(self, item: Upsert) -> Sent:
        language = self._planner.language(item.page)
        if language.is_translation:
            return await self._write_translation(item.page, language)
        assert self._tree is not None, "prepare() must run first"
        path = self._planner.collection(item.page)
        # A re-plan after prepare() may bring folders prepare() never saw.
        parent_id = await self._tree.id_of(path)
        placement = Placement(collection=path)
        if item.action is Action.UPDATE and item.remote_id is not None:
            try:
                updated = await self._update(item.remote_id, item.page, parent_id)
                return Sent(item.remote_id, placement, held_by(updated), article_digest(updated))
            except NotFoundError:
                log.warning("article %s of %s is gone; creating it again", item.remote_id, item.page.locator)
                self._forget_translations_in(item.remote_id)
        article = await self._create_or_adopt(item.page, parent_id)
        return Sent(article.id, placement, held_by(article), article_digest(article))

    def _forget_translations_in(self, article_id: str) -> None:
        """Forget the translations written into an article that is gone: the next run reads them
        again (a document without a record always is, by a watch run too) and writes them into
        the article that replaces it.

        Not in this run: an unchanged translation is not read (collect skips it by its
        fingerprint) and a plan cannot grow while it is carried out. Making the translation's
        hash depend on its original's article id would not be enough: only what is read is hashed.
        """
        self._store.forget_documents(
            record.external_id
            for record in self._store.records().values()
            if record.remote_id == article_id and record.placement.locale is not None
        )

    async def _update(self, article_id: str, page: Page, parent_id: str) -> Article:
        content = self._planner.content(page)
        request = ArticleUpdateRequest(
            title=content.title,
            description=content.description,
            body=content.body,
            author_id=content.author_id,
            state=content.state,
            parent_id=parent_id,
            parent_type="collection",
            **request_flags(self._planner.availability(page)),
        )
        return await self._api.update_article(article_id, request)

    async def _create_or_adopt(self, page: Page, parent_id: str) -> Article:
        key = page.external_id
        book = self._store.book
        # The title a crashed run was creating under, else today's: either may already exist.
        titles = list(dict.fromkeys([book.intent("article", key) or page.title, page.title]))
        async with AsyncExitStack() as stack:
            for title in sorted(titles):  # one order for every caller: no deadlock
                lock = self._title_locks.setdefault((parent_id, title), asyncio.Lock())
                await stack.enter_async_context(lock)
            for title in titles:
                adopted = await self._adoptable(parent_id, title)
                if adopted is not None:
                    log.info("article %r: adopting the existing one (%s)", page.title, adopted)
                    return await self._adopt(adopted, page, parent_id)
            book.record_intent("article", key, page.title)
            created = await self._create(page, parent_id)
        self._claimed.add(created.id)
        book.clear_intent("article", key)
        return created

    async def _create(self, page: Page, parent_id: str) -> Article:
        """Create the article; after an answer that leaves open whether it was created, the client
        looks for it (by title in its collection) before sending it again."""

        async def look_up() -> Article | None:
            found = await self._adoptable(parent_id, page.title, fresh=True)
            if found is None:
                return None
            log.info("article %r: the create had happened (%s)", page.title, found)
            return await self._adopt(found, page, parent_id)

        content = self._planner.content(page)
        request = ArticleCreateRequest(
            title=content.title,
            description=content.description,
            body=content.body,
            author_id=content.author_id,
            state=content.state,
            parent_id=int(parent_id),
            parent_type="collection",
            **request_flags(self._planner.availability(page)),
        )
        return await self._api.create_article(request, look_up=look_up)

    async def _adopt(self, article_id: str, page: Page, parent_id: str) -> Article:
        """Make an adopted article hold what the document says now, and forget the intent."""
        updated = await self._update(article_id, page, parent_id)
        self._store.book.clear_intent("article", page.external_id)
        return updated

    async def _adoptable(self, parent_id: str, title: str, *, fresh: bool = False) -> str | None:
        """An existing article with this title in this collection that no document owns yet,
        claimed for the caller. ``fresh`` reads the articles again, unless a read begun since
        the call already did (a create may have happened unheard of)."""
        asked_at = self._index_reads
        async with self._index_lock:
            if self._index is None or (fresh and self._index_reads == asked_at):
                self._index_reads += 1
                self._index = await self._read_index()
            # Documents may share a title in one collection: each adopts an article of its own.
            for found in self._index.get((parent_id, title), []):
                if found not in self._claimed:
                    self._claimed.add(found)
                    return found
            return None

    async def _read_index(self) -> dict[tuple[str, str], list[str]]:
        owned = {
            record.remote_id
            for record in self._store.records().values()
            if record.remote_id and record.placement.locale is None
        }
        index: dict[tuple[str, str], list[str]] = {}
        async for article in self._api.list_articles():
            if article.id in owned:
                continue
            for collection_id in article.collection_ids:
                index.setdefault((collection_id, article.title or ""), []).append(article.id)
        return index

    async def _write_translation(self, page: Page, language: Language) -> Sent:
        article_id = self._original_article(language)
        if article_id is None:
            original = language.base_external_id or language.base_locator
            raise DocumentError(f"translation of {original}, which has no article (yet)")
        request = ArticleUpdateRequest(translated_content={language.locale: self._planner.content(page)})
        try:
            answer = await self._api.update_article(article_id, request)
        except NotFoundError:
            # Its original's article is gone (deleted in Intercom): forget it with the translations
            # written into it, so the next run reads the original, creates its article again and
            # writes them back, instead of this translation failing until the original changes.
            log.warning(
                "article %s of %s is gone; it is created again on the next run", article_id, page.locator
            )
            self._store.forget_documents(
                record.external_id
                for record in self._store.records().values()
                if record.remote_id == article_id
            )
            raise
        placement = Placement(locale=language.locale)
        return Sent(article_id, placement, remote_digest=translation_digest(answer, language.locale))

    def _original_article(self, language: Language) -> str | None:
        for record in self._store.records().values():
            if record.placement.locale is not None:
                continue
            if record.external_id == language.base_external_id or record.locator == language.base_locator:
                return record.remote_id
        return None

    async def delete(self, item: Deletion) -> None:
        """What ``on_delete`` says: delete the article, turn it into a draft, or keep it."""
        policy = self._config.on_delete
        if policy == "keep" or item.remote_id is None:
            return
        record = self._store.record(item.external_id)
        locale = record.placement.locale if record is not None else None
        try:
            if locale is not None:
                # A translation cannot be removed on its own; it is withdrawn as a draft.
                draft = ArticleContent(title=item.title, state="draft")
                await self._api.update_article(
                    item.remote_id, ArticleUpdateRequest(translated_content={locale: draft})
                )
            elif policy == "delete":
                await self._api.delete_article(item.remote_id)
            else:
                await self._api.update_article(item.remote_id, ArticleUpdateRequest(state="draft"))
        except NotFoundError:
            pass  # already gone: as good as deleted

    async def set_availability(self, batch: Sequence[AvailabilityChange]) -> None:
        raise NotImplementedError("articles carry their availability in their own requests")

    async def update_tags(self, batch: Sequence[TagChange]) -> None:
        """One ``update_tags`` bulk action over ``batch`` (items of type ``article``)."""
        await move_owner_tags(self._api, "article", batch)

    async def finish(self, plan: Plan) -> None:
        """Remove the collections this tool created that its deletions left empty."""
        if not plan.deletes or self._config.on_delete != "delete" or self._tree is None:
            return
        in_use = [
            record.placement.collection
            for record in self._store.records().values()
            if record.placement.collection is not None
        ]
        for path in await self._tree.prune(in_use):
            log.info("collection %s removed: it was empty", "/".join(path) or self._config.collection)
