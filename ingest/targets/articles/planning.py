"""Help Center articles, the planning half: what each document's article holds, and where."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.document import Page
from ingest.intercom import ArticleContent
from ingest.locales import Language, language_of
from ingest.plan import Upsert
from ingest.state import CollectionPath
from ingest.targets.articles.fields import collection_path, description_for
from ingest.targets.articles.settings import NAME, ArticlesSettings
from ingest.targets.base import payload_digest

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys


class ArticlesPlanner:
    """One article per document, in the collections its folders name; translations inside
    their original's article."""

    name = NAME

    def __init__(self, settings: ArticlesSettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, source: SourceKeys, table: ArticlesSettings) -> ArticlesPlanner:
        return cls(table)

    def language(self, page: Page) -> Language:
        return language_of(page, self.settings.default_locale)

    def collection(self, page: Page) -> CollectionPath:
        """The collections the page's article sits in, below the root."""
        return collection_path(page.locator, page.metadata.get("ancestors"))

    def content(self, page: Page) -> ArticleContent:
        """The article's fields (or a translation's) as sent."""
        return ArticleContent(
            title=page.title,
            description=description_for(page.html, page.metadata.get("description")),
            body=page.html,
            author_id=self.settings.author_id,
            state=self.settings.state,
        )

    def accepts(self, page: Page) -> str | None:
        return None

    def settings_digest(self) -> str:
        c = self.settings
        return payload_digest([c.author_id, c.state, c.help_center_id, c.collection, c.default_locale])

    def payload_hash(self, page: Page) -> str:
        language = self.language(page)
        where: object = (
            [language.locale, language.base_locator, language.base_external_id]
            if language.is_translation
            # The root and help center place the article as much as the path below them does.
            else [self.settings.help_center_id, self.settings.collection, list(self.collection(page))]
        )
        return payload_digest([self.content(page).to_body(), where])

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        """Originals first: a translation is written into its original's article."""
        originals = [item for item in upserts if not self.language(item.page).is_translation]
        translations = [item for item in upserts if self.language(item.page).is_translation]
        return [batch for batch in (originals, translations) if batch]
