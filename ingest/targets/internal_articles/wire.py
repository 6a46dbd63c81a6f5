"""The ``/internal_articles`` endpoints (API 2.15, and 2.16's availability), typed, on the client's
public ``request``.

Kept beside the one target that uses them rather than in :mod:`ingest.intercom`, so adding
this target changes nothing of the client: :class:`InternalArticlesApi` sends through
:meth:`~ingest.intercom.IntercomTransport.request` and ``paginate`` (retries, rate limit,
errors as :mod:`ingest.errors`), exactly as the client's own typed methods do. Should a
second user of these endpoints appear, they move into the client unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ingest.intercom import IntercomClient
from ingest.intercom.models import id_segment, parse_answer

PATH = "/internal_articles"


class InternalArticleRequest(BaseModel):
    """The body of ``POST /internal_articles`` and of ``PUT /internal_articles/{id}`` (all fields sent).

    Strict and frozen: a wrong type is a bug here, caught before anything is sent. Fields
    that are ``None`` are left out of the body, so a field added later (2.16's availability
    flags) changes neither the body nor its hash until it is set.
    """

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    title: str = Field(min_length=1)
    body: str
    author_id: int
    owner_id: int
    # 2.16: who may answer from it ("chatbot" is Fin, the AI Agent); each false unless set on create.
    ai_chatbot_availability: bool | None = None
    ai_copilot_availability: bool | None = None
    ai_sales_agent_availability: bool | None = None

    def to_body(self) -> dict[str, Any]:
        """The JSON object sent to the API."""
        return self.model_dump(mode="json", exclude_none=True)


class InternalArticle(BaseModel):
    """An internal article as Intercom returns it; lenient, as every answer model is.

    The spec's own examples leave ``title`` out and give ids as numbers or strings: both
    are accepted, ids read as strings.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)

    id: str
    title: str | None = None
    body: str | None = None
    owner_id: str | None = None
    author_id: str | None = None
    locale: str | None = None
    ai_chatbot_availability: bool | None = None
    ai_copilot_availability: bool | None = None
    ai_sales_agent_availability: bool | None = None
    updated_at: int | None = None


class InternalArticlesApi:
    """``/internal_articles`` through one client: list, get, create, update, delete."""

    def __init__(self, client: IntercomClient) -> None:
        self._client = client

    async def list_all(self) -> AsyncIterator[InternalArticle]:
        """Every internal article of the workspace, page after page (``pages.next``)."""
        async for item in self._client.paginate(PATH):
            yield parse_answer(InternalArticle, item, PATH)

    async def get(self, article_id: str) -> InternalArticle:
        """One internal article by its id (a NotFoundError when it is gone)."""
        path = f"{PATH}/{id_segment(article_id)}"
        return parse_answer(InternalArticle, await self._client.request("GET", path), path)

    async def create(
        self,
        request: InternalArticleRequest,
        *,
        look_up: Callable[[], Awaitable[InternalArticle | None]] | None = None,
    ) -> InternalArticle:
        """Create an internal article.

        It carries no external id, so after an ambiguous failure (a 5xx, a dropped connection) a
        retry could create a second one: it is retried only with ``look_up``, which finds the one
        the failed attempt made (returned as created) or says None (sent again).
        """
        result = await self._client.request(
            "POST", PATH, json=request.to_body(), retry=False, look_up=look_up
        )
        return result if isinstance(result, InternalArticle) else parse_answer(InternalArticle, result, PATH)

    async def update(self, article_id: str, request: InternalArticleRequest) -> InternalArticle:
        """Overwrite an internal article's fields; idempotent, so retried like a read."""
        path = f"{PATH}/{id_segment(article_id)}"
        return parse_answer(
            InternalArticle, await self._client.request("PUT", path, json=request.to_body()), path
        )

    async def delete(self, article_id: str) -> None:
        """Delete an internal article (a NotFoundError when it is gone already)."""
        await self._client.request("DELETE", f"{PATH}/{id_segment(article_id)}")
