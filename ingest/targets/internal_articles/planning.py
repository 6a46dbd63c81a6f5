"""Internal articles, the planning half: which documents go, and the hash of the request each becomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.document import Page
from ingest.locales import language_of
from ingest.plan import Upsert
from ingest.targets.base import payload_digest
from ingest.targets.internal_articles.settings import NAME, InternalArticlesSettings
from ingest.targets.internal_articles.wire import InternalArticleRequest

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys


class InternalArticlesPlanner:
    """One internal article per document, in the workspace's one language."""

    name = NAME

    def __init__(self, settings: InternalArticlesSettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, source: SourceKeys, table: InternalArticlesSettings) -> InternalArticlesPlanner:
        return cls(table)

    def request(self, page: Page) -> InternalArticleRequest:
        """What is sent for ``page``, on create and on every update alike."""
        return InternalArticleRequest(
            title=page.title, body=page.html, author_id=self.settings.author_id, owner_id=self.settings.owner
        )

    def accepts(self, page: Page) -> str | None:
        # 2.15 takes no locale and no translated content: every internal article is in the
        # workspace's language, and a French document filed as such would be mislabelled.
        locale = language_of(page, self.settings.default_locale).locale
        if locale != self.settings.default_locale:
            return (
                f"internal articles are in the workspace's language ({self.settings.default_locale!r}); "
                f"this document is in {locale!r}"
            )
        return None

    def settings_digest(self) -> str:
        c = self.settings
        return payload_digest([c.author_id, c.owner, c.default_locale])

    def payload_hash(self, page: Page) -> str:
        return payload_digest(self.request(page).to_body())

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        return [list(upserts)]
