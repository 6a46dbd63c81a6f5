"""Internal articles, the planning half: which documents go, the hash of the request each becomes,
and which articles' availability is set apart from it.

From API 2.16 an internal article says who may answer from it: the table's ``ai_agent``,
``ai_copilot`` and ``ai_sales_agent`` (Copilot only, by default), overridden by the document's
front matter. Every create and update carries them, and they are kept out of the hash: a change
re-sends no article, it is set after the upserts with a ``set_availability`` bulk action on
exactly the articles whose availability differs from what state knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.api_versions import ApiFeatures, features_of
from ingest.availability import UNSAID, Availability
from ingest.availability_rules import AvailabilityRules
from ingest.document import Page
from ingest.locales import language_of
from ingest.plan import AvailabilityChange, Plan, TagChange, Upsert
from ingest.state import DocumentRecord
from ingest.targets.availability import bulk_batches, no_sales_before, pending_changes, request_flags
from ingest.targets.base import payload_digest
from ingest.targets.internal_articles.settings import AVAILABILITY_KEYS, NAME, InternalArticlesSettings
from ingest.targets.internal_articles.wire import InternalArticleRequest
from ingest.targets.tagging import owner_tag_changes

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys


class InternalArticlesPlanner:
    """One internal article per document, in the workspace's one language."""

    name = NAME
    #: One request per article, in any order, after a check of the admins: streamed.
    streams_upserts = True

    def __init__(
        self,
        settings: InternalArticlesSettings,
        features: ApiFeatures | None = None,
        rules: AvailabilityRules | None = None,
    ) -> None:
        self.settings = settings
        self.features = features or features_of(DEFAULT_API_VERSION)
        self.defaults = Availability(settings.ai_agent, settings.ai_copilot, settings.ai_sales_agent)
        self.rules = rules or AvailabilityRules()

    @classmethod
    def from_settings(
        cls, source: SourceKeys, table: InternalArticlesSettings, features: ApiFeatures
    ) -> InternalArticlesPlanner:
        return cls(table, features, source.availability_rules())

    @property
    def settles_apart(self) -> bool:
        """Whether this version sets availability on internal articles (in requests, and in bulk)."""
        return self.features.article_availability and self.features.bulk_actions

    def availability(self, page: Page) -> Availability:
        """What ``page``'s article is to be available to: its front matter over the table's defaults
        (nothing before 2.16, which cannot say it)."""
        wanted = self.rules.declared(page.locator, page.metadata).availability.over(self.defaults)
        if not self.settles_apart:
            no_sales_before(self.features.version, wanted, "an internal article")
            return UNSAID
        return wanted

    def request(self, page: Page) -> InternalArticleRequest:
        """What is sent for ``page``, on create and on every update alike."""
        return self._request(page, self.availability(page))

    def _request(self, page: Page, availability: Availability) -> InternalArticleRequest:
        return InternalArticleRequest(
            title=page.title,
            body=page.html,
            author_id=self.settings.author_id,
            owner_id=self.settings.owner,
            **request_flags(availability),
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
        self.availability(page)  # a document asking what this version cannot do fails here
        # Availability is settled apart (bulk actions), so it is no part of the hash: this is
        # the hash of the request as 2.15 sends it, as earlier releases recorded it.
        return payload_digest(self._request(page, UNSAID).to_body())

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        return [list(upserts)]

    def availability_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord]
    ) -> tuple[AvailabilityChange, ...]:
        if not self.settles_apart:
            return ()
        return pending_changes(plan, records, defaults=self.defaults, carried=AVAILABILITY_KEYS)

    def availability_batches(self, changes: Sequence[AvailabilityChange]) -> list[list[AvailabilityChange]]:
        return bulk_batches(changes)

    def tag_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord], tag_id: int | None
    ) -> tuple[TagChange, ...]:
        # An article kept by on_delete = "keep" is no longer kept in step: it loses the owner tag.
        return owner_tag_changes(plan, records, tag_id, keeps_retired=self.settings.on_delete == "keep")
