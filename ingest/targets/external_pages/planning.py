"""External Pages, the planning half: which pages go, the hash of the request each becomes, and
which pages' availability is set apart from it.

Availability (AI Agent, Copilot, Fin for sales) is the source's ``ai_agent``, ``ai_copilot`` and
``ai_sales_agent``, overridden per document by its front matter. How it reaches Intercom
depends on the API version:

* 2.15 can set the AI Agent and Copilot flags only in ``POST /ai/external_pages``: they are part
  of the hash, so a change re-sends exactly the pages whose flags differ; Fin for sales cannot
  be set at all.
* 2.16 and Preview have bulk actions: availability is kept out of the hash and set after the
  upserts with ``set_availability``, on exactly the pages whose availability differs from what
  state knows; no page is sent again for it. Every POST still carries the flags it can (AI Agent
  and Copilot; Preview also Fin for sales), so a new page is right from its first request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.api_versions import ApiFeatures, features_of
from ingest.availability import Availability
from ingest.availability_rules import AvailabilityRules
from ingest.document import Page
from ingest.intercom import ExternalPage, ExternalPageRequest
from ingest.locales import language_of
from ingest.plan import AvailabilityChange, Plan, TagChange, Upsert
from ingest.state import DocumentRecord
from ingest.targets.availability import bulk_batches, no_sales_before, pending_changes
from ingest.targets.base import payload_digest
from ingest.targets.external_pages.audiences import AudienceSetting
from ingest.targets.external_pages.settings import NAME
from ingest.targets.tagging import owner_tag_changes

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys

#: The flags every version's ``POST /ai/external_pages`` carries.
_POSTED: Final = ("ai_agent", "ai_copilot")


class ExternalPagesPlanner:
    """Pages under one Content Import Source: English only, one request per page."""

    name = NAME
    #: One request per page, in any order, under a container found before the first: streamed.
    streams_upserts = True

    def __init__(
        self,
        *,
        url: str,
        ai_agent: bool = True,
        ai_copilot: bool = True,
        ai_sales_agent: bool = False,
        features: ApiFeatures | None = None,
        rules: AvailabilityRules | None = None,
        audiences: AudienceSetting | None = None,
    ) -> None:
        self.url = url
        #: The audiences its Content Import Source is for (:mod:`.audiences`).
        self.audiences = audiences or AudienceSetting()
        self.defaults = Availability(ai_agent, ai_copilot, ai_sales_agent)
        self.rules = rules or AvailabilityRules()
        self.features = features or features_of(DEFAULT_API_VERSION)
        #: The flags the POST carries in this version; the others are set by bulk actions.
        self.posted = (*_POSTED, "ai_sales_agent") if self.features.sales_agent_on_external_pages else _POSTED

    @classmethod
    def from_settings(cls, settings: SourceKeys, table: None, features: ApiFeatures) -> ExternalPagesPlanner:
        """The planner of a source's ``url`` and availability keys (it has no table), for a version."""
        assert settings.url is not None, "requires_url() is checked when the settings are read"
        return cls(
            url=settings.url,
            ai_agent=settings.ai_agent,
            ai_copilot=settings.ai_copilot,
            ai_sales_agent=settings.ai_sales_agent,
            features=features,
            rules=settings.availability_rules(),
            audiences=AudienceSetting(settings.audiences, settings.audience_ids, settings.create_audiences),
        )

    @property
    def settles_apart(self) -> bool:
        """Whether availability is set with bulk actions, apart from the pages' requests."""
        return self.features.bulk_actions

    def wanted(self, page: Page) -> Availability:
        """The page's availability: the source's rules', else its front matter's, else the source's."""
        return self.rules.declared(page.locator, page.metadata).availability.over(self.defaults)

    def request(self, page: Page, source_id: int) -> ExternalPageRequest:
        """What is sent for ``page`` under the Content Import Source ``source_id``."""
        wanted = self.wanted(page)
        if not self.settles_apart:
            no_sales_before(self.features.version, wanted, "a page")
        return ExternalPageRequest(
            title=page.title,
            html=page.html,
            url=page.url,
            locale="en",
            source_id=source_id,
            external_id=page.external_id,
            ai_agent_availability=bool(wanted.ai_agent),
            ai_copilot_availability=bool(wanted.ai_copilot),
            ai_sales_agent_availability=wanted.ai_sales_agent if "ai_sales_agent" in self.posted else None,
        )

    def settings_digest(self) -> str:
        if self.settles_apart:
            return payload_digest([self.url, "en"])
        return payload_digest([self.url, self.defaults.ai_agent, self.defaults.ai_copilot, "en"])

    def accepts(self, page: Page) -> str | None:
        locale = language_of(page, "en").locale
        detected = page.metadata.get("detected_language")
        if locale != "en":
            how = " (detected)" if isinstance(detected, str) else ""
            return f"External Pages are English-only; this document is in {locale!r}{how}"
        if isinstance(detected, str):  # a language Intercom has no locale for
            return f"External Pages are English-only; this document is in {detected!r} (detected)"
        return None

    def payload_hash(self, page: Page) -> str:
        # Every field of the request except source_id, which is not known while planning
        # and does not change while the Content Import Source stays the same.
        body = self.request(page, source_id=0).to_body()
        del body["source_id"]
        return self._digest(body)

    def remote_hash(self, twin: ExternalPage, flags: Availability) -> str:
        """The hash :meth:`payload_hash` gives the page whose request says what ``twin`` holds, with
        the availability ``flags`` its request carried: the recorded hash while nobody changed it."""
        body: dict[str, object] = {
            "title": twin.title,
            "html": twin.html,
            "url": twin.url,
            "locale": twin.locale,
            "external_id": twin.external_id,
            "ai_agent_availability": flags.ai_agent,
            "ai_copilot_availability": flags.ai_copilot,
            "ai_sales_agent_availability": flags.ai_sales_agent if "ai_sales_agent" in self.posted else None,
        }
        return self._digest({key: value for key, value in body.items() if value is not None})

    def _digest(self, body: dict[str, object]) -> str:
        if self.settles_apart:
            # Availability is settled apart: its flags stand at their defaults here, so that
            # hashes recorded by a release that sent them (with the defaults) stay valid.
            body.pop("ai_sales_agent_availability", None)
            body.update(ai_agent_availability=True, ai_copilot_availability=True)
        return payload_digest(body)

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        return [list(upserts)]

    def availability_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord]
    ) -> tuple[AvailabilityChange, ...]:
        if not self.settles_apart:
            return ()
        return pending_changes(plan, records, defaults=self.defaults, carried=self.posted)

    def availability_batches(self, changes: Sequence[AvailabilityChange]) -> list[list[AvailabilityChange]]:
        return bulk_batches(changes)

    def tag_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord], tag_id: int | None
    ) -> tuple[TagChange, ...]:
        return owner_tag_changes(plan, records, tag_id)  # a page retired is deleted, its tags with it


def held_by(page: ExternalPage) -> Availability:
    """The availability an answer says a page holds (a flag it leaves out: unknown)."""
    return Availability(
        page.ai_agent_availability, page.ai_copilot_availability, page.ai_sales_agent_availability
    )
