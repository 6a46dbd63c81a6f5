"""External Pages, the planning half: which pages go, and the hash of the request each becomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.document import Page
from ingest.intercom import ExternalPageRequest
from ingest.locales import language_of
from ingest.plan import Upsert
from ingest.targets.base import payload_digest
from ingest.targets.external_pages.settings import NAME

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys


class ExternalPagesPlanner:
    """Pages under one Content Import Source: English only, one request per page."""

    name = NAME

    def __init__(self, *, url: str, ai_agent: bool = True, ai_copilot: bool = True) -> None:
        self.url = url
        self._ai_agent = ai_agent
        self._ai_copilot = ai_copilot

    @classmethod
    def from_settings(cls, settings: SourceKeys, table: None) -> ExternalPagesPlanner:
        """The planner of a source's ``url``, ``ai_agent`` and ``ai_copilot`` (it has no table)."""
        assert settings.url is not None, "requires_url() is checked when the settings are read"
        return cls(url=settings.url, ai_agent=settings.ai_agent, ai_copilot=settings.ai_copilot)

    def request(self, page: Page, source_id: int) -> ExternalPageRequest:
        """What is sent for ``page`` under the Content Import Source ``source_id``."""
        return ExternalPageRequest(
            title=page.title,
            html=page.html,
            url=page.url,
            locale="en",
            source_id=source_id,
            external_id=page.external_id,
            ai_agent_availability=self._ai_agent,
            ai_copilot_availability=self._ai_copilot,
        )

    def settings_digest(self) -> str:
        return payload_digest([self.url, self._ai_agent, self._ai_copilot, "en"])

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
        return payload_digest(body)

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        return [list(upserts)]
