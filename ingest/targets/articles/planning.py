"""Help Center articles, the planning half: what each document's article holds, and where.

From API 2.16 an article says who may answer from it (``ai_chatbot_availability`` — Fin, the AI
Agent —, ``ai_copilot_availability``, ``ai_sales_agent_availability``, for its default
language): the source's ``ai_agent``, ``ai_copilot`` and ``ai_sales_agent``, overridden by the
document's front matter, are sent with every create and update of an original and are part of
its hash, so a change updates exactly the articles whose availability differs. Articles have
no bulk action fin-ingest can use (it takes their per-locale content ids, which no answer gives).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.api_versions import ApiFeatures, features_of
from ingest.availability import UNSAID, Availability
from ingest.availability_rules import AvailabilityRules
from ingest.document import Page
from ingest.intercom import ArticleContent
from ingest.locales import Language, language_of
from ingest.plan import AvailabilityChange, Plan, TagChange, Upsert
from ingest.state import CollectionPath, DocumentRecord, touched_records, untouched_records_where
from ingest.targets.articles.fields import collection_path, description_for
from ingest.targets.articles.settings import NAME, ArticlesSettings
from ingest.targets.availability import SOURCE_DEFAULTS, no_sales_before
from ingest.targets.base import payload_digest
from ingest.targets.tagging import owner_tag_changes

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys


class ArticlesPlanner:
    """One article per document, in the collections its folders name; translations inside
    their original's article."""

    name = NAME

    def __init__(
        self,
        settings: ArticlesSettings,
        *,
        defaults: Availability = SOURCE_DEFAULTS,
        features: ApiFeatures | None = None,
        rules: AvailabilityRules | None = None,
    ) -> None:
        self.settings = settings
        self.defaults = defaults
        self.features = features or features_of(DEFAULT_API_VERSION)
        self.rules = rules or AvailabilityRules()

    @classmethod
    def from_settings(
        cls, source: SourceKeys, table: ArticlesSettings, features: ApiFeatures
    ) -> ArticlesPlanner:
        defaults = Availability(source.ai_agent, source.ai_copilot, source.ai_sales_agent)
        return cls(table, defaults=defaults, features=features, rules=source.availability_rules())

    def availability(self, page: Page) -> Availability:
        """The availability an original's create and update carry (nothing before 2.16)."""
        wanted = self.rules.declared(page.locator, page.metadata).availability.over(self.defaults)
        if not self.features.article_availability:
            no_sales_before(self.features.version, wanted, "an article")
            return UNSAID
        return wanted

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
        shaping: list[object] = [c.author_id, c.state, c.help_center_id, c.collection, c.default_locale]
        if self.features.article_availability:
            shaping.append(list(self.defaults.as_tuple()))
        return payload_digest(shaping)

    def payload_hash(self, page: Page) -> str:
        language = self.language(page)
        where: object = (
            [language.locale, language.base_locator, language.base_external_id]
            if language.is_translation
            # The root and help center place the article as much as the path below them does.
            else [self.settings.help_center_id, self.settings.collection, list(self.collection(page))]
        )
        flags = UNSAID if language.is_translation else self.availability(page)
        # Without flags (API 2.15) the hash is the one earlier releases recorded.
        said = [list(flags.as_tuple())] if not flags.is_empty() else []
        return payload_digest([self.content(page).to_body(), where, *said])

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        """Originals first: a translation is written into its original's article."""
        originals = [item for item in upserts if not self.language(item.page).is_translation]
        translations = [item for item in upserts if self.language(item.page).is_translation]
        return [batch for batch in (originals, translations) if batch]

    def availability_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord]
    ) -> tuple[AvailabilityChange, ...]:
        return ()  # every flag rides on the article's own create or update

    def availability_batches(self, changes: Sequence[AvailabilityChange]) -> list[list[AvailabilityChange]]:
        return []

    def tag_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord], tag_id: int | None
    ) -> tuple[TagChange, ...]:
        """The articles whose owner tag differs (``update_tags`` names an article by its own id); a
        translation is tagged with its original's article, and an article retired as a draft or
        kept by ``on_delete`` loses the tag, being no longer kept in step."""
        # Of the records a run leaves untouched, only translations carrying another tag could be
        # looked over by owner_tag_changes.
        untouched = untouched_records_where(
            records, lambda kind: kind.translation and kind.owner_tag != tag_id
        )
        translations = {
            external_id for external_id, record in touched_records(records).items() if record.placement.locale
        }
        translations.update(record.external_id for record in untouched)
        translations.update(
            item.page.external_id for item in plan.upserts if self.language(item.page).is_translation
        )
        return owner_tag_changes(
            plan,
            records,
            tag_id,
            keeps_retired=self.settings.on_delete != "delete",
            shared_twins=translations,
        )
