"""``POST /content/bulk_actions`` (API 2.16 and Preview): one action over up to 1,000 content items.

Intercom validates the request, queues the work and answers 202 (``{"type":
"content_bulk_action", "status": "queued"}``) before anything is done; items whose ``type`` the
action does not take are dropped without a word. fin-ingest uses ``set_availability`` (Fin,
Copilot and Fin for sales, on External Pages and internal articles) and ``update_tags``.
:class:`BulkActionEndpoints` is a base of :class:`~ingest.intercom.client.IntercomClient`.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.intercom.models import encode_json, parse_answer
from ingest.intercom.transport import IntercomTransport

_PATH = "/content/bulk_actions"

#: The most items one bulk action takes.
MAX_BULK_ITEMS: Final = 1000

#: The kinds of Knowledge Hub content a bulk action can name.
ContentType = Literal[
    "article",
    "article_content",
    "content_snippet",
    "external_content",
    "file_source_content",
    "internal_article",
]
#: The bulk actions this client sends.
BulkActionName = Literal["set_availability", "update_tags"]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    def to_body(self) -> dict[str, Any]:
        """The JSON object sent to the API: fields that are ``None`` are left out."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json_bytes(self) -> bytes:
        """The exact bytes the client sends for this request (see :func:`encode_json`)."""
        return encode_json(self.to_body())


class ContentItem(_Request):
    """One item of a bulk action: its kind and Intercom's id (an External Page is ``external_content``)."""

    type: ContentType
    id: str = Field(min_length=1)


class BulkAvailability(_Request):
    """``availability`` of ``set_availability``: only the flags given are changed."""

    ai_agent: bool | None = None
    copilot: bool | None = None
    sales_agent: bool | None = None

    @model_validator(mode="after")
    def _something_to_set(self) -> BulkAvailability:
        if self.ai_agent is None and self.copilot is None and self.sales_agent is None:
            raise ValueError("set_availability needs at least one of ai_agent, copilot, sales_agent")
        return self


class BulkTags(_Request):
    """``tags`` of ``update_tags``: existing, non-archived tag ids to add and to remove (100 at most)."""

    add_tag_ids: tuple[int, ...] | None = None
    remove_tag_ids: tuple[int, ...] | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> BulkTags:
        added, removed = self.add_tag_ids or (), self.remove_tag_ids or ()
        if not added and not removed:
            raise ValueError("update_tags needs add_tag_ids or remove_tag_ids")
        if len(set(added) | set(removed)) > 100:
            raise ValueError("update_tags takes at most 100 distinct tag ids")
        return self


class ContentBulkActionRequest(_Request):
    """The body of ``POST /content/bulk_actions``: 1 to 1,000 items, and what the action needs."""

    action: BulkActionName
    content_ids: tuple[ContentItem, ...] = Field(min_length=1, max_length=MAX_BULK_ITEMS)
    availability: BulkAvailability | None = None
    tags: BulkTags | None = None

    @model_validator(mode="after")
    def _what_the_action_needs(self) -> ContentBulkActionRequest:
        if self.action == "set_availability" and (self.availability is None or self.tags is not None):
            raise ValueError("set_availability takes availability, and nothing else")
        if self.action == "update_tags" and (self.tags is None or self.availability is not None):
            raise ValueError("update_tags takes tags, and nothing else")
        return self


class ContentBulkAction(BaseModel):
    """The answer: the action was queued (``status`` ``queued``), not done."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: str | None = None
    status: str | None = None


class BulkActionEndpoints(IntercomTransport):
    """``POST /content/bulk_actions`` on top of :meth:`IntercomTransport.request`."""

    async def bulk_content_action(self, request: ContentBulkActionRequest) -> ContentBulkAction:
        """Queue ``request``; Intercom carries it out after answering.

        Setting availability or tags twice leaves what setting them once does, so a failure is
        retried like a read.
        """
        result = await self.request("POST", _PATH, json=request.to_body())
        return parse_answer(ContentBulkAction, result if result is not None else {}, _PATH)
