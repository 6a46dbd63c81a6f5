"""Help Center articles: a source's documents published into nested collections, never duplicated.

One document is one article, in the collection its folders (or Confluence ancestors)
name below the configured root. A translation (``guide.fr.md``, or front matter
``locale`` + ``translation_of``) fills the ``translated_content`` of its original's
article. Articles have no external id: the mapping lives in state, creates are preceded
by an intent, and a missing mapping adopts an article with the same title in the same
collection instead of creating a second one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from ingest.document import Page
from ingest.errors import ConfigError, DocumentError, RejectedError
from ingest.intercom import ArticleContent, ArticleCreateRequest, ArticleUpdateRequest, IntercomClient
from ingest.locales import Language, language_of
from ingest.plan import Action, Deletion, Plan, Upsert
from ingest.settings import ARTICLES, ArticlesSettings, SourceSettings
from ingest.state import DocumentRecord, StateStore
from ingest.targets.article_book import ArticleBook, CollectionPath
from ingest.targets.article_fields import collection_path, description_for
from ingest.targets.base import Sent, payload_digest
from ingest.targets.collections import CollectionTree

log = logging.getLogger("ingest.targets.articles")

_INTENT = "article"


class ArticlesTarget:
    """Creates, updates and retires the Help Center articles of one source."""

    name = ARTICLES

    def __init__(
        self, *, source: str, settings: SourceSettings, client: IntercomClient | None, state: StateStore
    ) -> None:
        """``client`` may be None for planning: payloads are hashed, nothing is sent."""
        assert settings.articles is not None, "the config layer requires [sources.<name>.articles]"
        self._source = source
        self._config: ArticlesSettings = settings.articles
        self._client = client
        self._state = state
        self._book = ArticleBook(state.connection, source)
        self._tree: CollectionTree | None = None
        #: Articles no document owns, by (collection id, title): candidates for adoption.
        self._index: dict[tuple[str, str], list[str]] | None = None
        self._index_lock = asyncio.Lock()
        self._claimed: set[str] = set()

    # Planning -----------------------------------------------------------------------

    def _language(self, page: Page) -> Language:
        return language_of(page, self._config.default_locale)

    def _collection(self, page: Page) -> CollectionPath:
        return collection_path(page.locator, page.metadata.get("ancestors"))

    def _content(self, page: Page) -> ArticleContent:
        return ArticleContent(
            title=page.title,
            description=description_for(page.html, page.metadata.get("description")),
            body=page.html,
            author_id=self._config.author_id,
            state=self._config.state,
        )

    def accepts(self, page: Page) -> str | None:
        return None

    def settings_digest(self) -> str:
        c = self._config
        return payload_digest([c.author_id, c.state, c.help_center_id, c.collection, c.default_locale])

    def payload_hash(self, page: Page) -> str:
        language = self._language(page)
        where: object = (
            [language.locale, language.base_locator, language.base_external_id]
            if language.is_translation
            # The root and help center place the article as much as the path below them does.
            else [self._config.help_center_id, self._config.collection, list(self._collection(page))]
        )
        return payload_digest([self._content(page).to_body(), where])

    # Carrying out -----------------------------------------------------------------------

    @property
    def _api(self) -> IntercomClient:
        if self._client is None:
            raise RuntimeError("this target was built for planning only; it has no client")
        return self._client

    async def prepare(self, plan: Plan) -> bool:
        """Check the author (and help center) up front, then find or create the collections."""
        admins = await self._api.list_admins()
        if str(self._config.author_id) not in {str(admin.id) for admin in admins}:
            known = ", ".join(f"{admin.id} ({admin.name})" for admin in admins) or "none"
            raise ConfigError(
                f"sources.{self._source}.articles.author_id: {self._config.author_id} is not an admin "
                f"of this workspace (admins: {known})"
            )
        if self._config.help_center_id is not None:
            centers = {str(center.id) for center in await self._api.list_help_centers()}
            if str(self._config.help_center_id) not in centers:
                raise ConfigError(
                    f"sources.{self._source}.articles.help_center_id: {self._config.help_center_id} is not "
                    f"a help center of this workspace (help centers: {', '.join(sorted(centers)) or 'none'})"
                )
        self._tree = CollectionTree(
            client=self._api,
            book=self._book,
            root_name=self._config.collection,
            help_center_id=self._config.help_center_id,
        )
        originals = [item.page for item in plan.upserts if not self._language(item.page).is_translation]
        await self._tree.ensure(self._collection(page) for page in originals)
        return False

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        """Originals first: a translation is written into its original's article."""
        originals = [item for item in upserts if not self._language(item.page).is_translation]
        translations = [item for item in upserts if self._language(item.page).is_translation]
        return [batch for batch in (originals, translations) if batch]

    async def upsert(self, item: Upsert) -> Sent:
        language = self._language(item.page)
        if language.is_translation:
            return await self._write_translation(item.page, language)
        assert self._tree is not None, "prepare() must run first"
        path = self._collection(item.page)
        # A re-plan after prepare() may bring folders prepare() never saw.
        parent_id = await self._tree.id_of(path)
        detail = json.dumps({"collection": list(path)}, ensure_ascii=False)
        if item.action is Action.UPDATE and item.remote_id is not None:
            try:
                await self._update(item.remote_id, item.page, parent_id)
                return Sent(item.remote_id, detail)
            except RejectedError as exc:
                if exc.status != 404:
                    raise
                log.warning("article %s of %s is gone; creating it again", item.remote_id, item.page.locator)
                self._forget_translations_in(item.remote_id)
        return Sent(await self._create_or_adopt(item.page, parent_id), detail)

    def _forget_translations_in(self, article_id: str) -> None:
        """Forget the translations written into an article that is gone: the next run reads them
        again (a document without a record always is, by a watch run too) and writes them into
        the article that replaces it.

        Not in this run: an unchanged translation is not read (collect skips it by its
        fingerprint) and a plan cannot grow while it is carried out. Making the translation's
        hash depend on its original's article id would not be enough: only what is read is hashed.
        """
        with self._state.transaction():
            for record in self._state.documents(self._source, ARTICLES).values():
                if record.remote_id == article_id and "locale" in _detail(record):
                    self._state.record_deleted(self._source, ARTICLES, record.external_id)

    async def _update(self, article_id: str, page: Page, parent_id: str) -> None:
        content = self._content(page)
        request = ArticleUpdateRequest(
            title=content.title,
            description=content.description,
            body=content.body,
            author_id=content.author_id,
            state=content.state,
            parent_id=parent_id,
            parent_type="collection",
        )
        await self._api.update_article(article_id, request)

    async def _create_or_adopt(self, page: Page, parent_id: str) -> str:
        key = page.external_id
        # The title a crashed run was creating under, else today's: either may already exist.
        titles = dict.fromkeys([self._book.intent(_INTENT, key) or page.title, page.title])
        for title in titles:
            adopted = await self._adoptable(parent_id, title)
            if adopted is not None:
                log.info("article %r: adopting the existing one (%s)", page.title, adopted)
                await self._update(adopted, page, parent_id)
                self._book.clear_intent(_INTENT, key)
                return adopted
        self._book.record_intent(_INTENT, key, page.title)
        content = self._content(page)
        created = await self._api.create_article(
            ArticleCreateRequest(
                title=content.title,
                description=content.description,
                body=content.body,
                author_id=content.author_id,
                state=content.state,
                parent_id=int(parent_id),
                parent_type="collection",
            )
        )
        self._claimed.add(created.id)
        self._book.clear_intent(_INTENT, key)
        return created.id

    async def _adoptable(self, parent_id: str, title: str) -> str | None:
        """An existing article with this title in this collection that no document owns yet."""
        async with self._index_lock:
            if self._index is None:
                owned = {
                    record.remote_id
                    for record in self._state.documents(self._source, ARTICLES).values()
                    if record.remote_id and "locale" not in _detail(record)
                }
                self._index = {}
                async for article in self._api.list_articles():
                    if article.id not in owned and article.parent_id is not None:
                        self._index.setdefault((str(article.parent_id), article.title or ""), []).append(
                            article.id
                        )
            # Documents may share a title in one collection: each adopts an article of its own.
            for found in self._index.get((parent_id, title), []):
                if found not in self._claimed:
                    self._claimed.add(found)
                    return found
            return None

    async def _write_translation(self, page: Page, language: Language) -> Sent:
        article_id = self._original_article(language)
        if article_id is None:
            original = language.base_external_id or language.base_locator
            raise DocumentError(f"translation of {original}, which has no article (yet)")
        request = ArticleUpdateRequest(translated_content={language.locale: self._content(page)})
        await self._api.update_article(article_id, request)
        return Sent(article_id, json.dumps({"locale": language.locale}))

    def _original_article(self, language: Language) -> str | None:
        for record in self._state.documents(self._source, ARTICLES).values():
            if "locale" in _detail(record):
                continue
            if record.external_id == language.base_external_id or record.locator == language.base_locator:
                return record.remote_id
        return None

    async def delete(self, item: Deletion) -> None:
        """What ``on_delete`` says: delete the article, turn it into a draft, or keep it."""
        policy = self._config.on_delete
        if policy == "keep" or item.remote_id is None:
            return
        locale = json.loads(item.detail).get("locale") if item.detail else None
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
        except RejectedError as exc:
            if exc.status != 404:
                raise

    async def finish(self, plan: Plan) -> None:
        """Remove the collections this tool created that its deletions left empty."""
        if not plan.deletes or self._config.on_delete != "delete" or self._tree is None:
            return
        in_use = [
            tuple(_detail(record)["collection"])
            for record in self._state.documents(self._source, ARTICLES).values()
            if "collection" in _detail(record)
        ]
        for path in await self._tree.prune(in_use):
            log.info("collection %s removed: it was empty", "/".join(path) or self._config.collection)


def _detail(record: DocumentRecord) -> dict[str, Any]:
    """What the target recorded beside the article id: its collection, or a translation's locale."""
    return dict(json.loads(record.detail)) if record.detail else {}
