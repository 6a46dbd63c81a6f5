"""The typed Intercom client: the AI Content and Help Center endpoints fin-ingest syncs into.

::

    async with IntercomClient(base_url=REGION_URLS["eu"], token=token) as client:
        source = await client.create_content_import_source("https://docs.example.com")
        page = await client.upsert_external_page(ExternalPageRequest(...))

Everything goes through :meth:`IntercomTransport.request` (retries, rate limit).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

from ingest.api_defaults import DEFAULT_API_VERSION, REGION_URLS
from ingest.errors import ApiError, ConfigError
from ingest.intercom.audiences import AudienceEndpoints
from ingest.intercom.bulk_actions import BulkActionEndpoints
from ingest.intercom.help_center import HelpCenterEndpoints
from ingest.intercom.models import (
    ContentImportSource,
    ExternalPage,
    ExternalPageRequest,
    id_segment,
    parse_answer,
)
from ingest.intercom.transport import IntercomTransport

__all__ = ["DEFAULT_API_VERSION", "REGION_URLS", "IntercomClient"]

SourceStatus = Literal["active", "deactivated"]

_SOURCES = "/ai/content_import_sources"
_PAGES = "/ai/external_pages"

#: How far the External Page list reaches: it refuses a page ending past 10,000 results.
EXTERNAL_PAGE_LIST_REACH = 10_000
#: Pages of the External Page list are read this many at a time: the largest size (at most 150)
#: that divides the reach, so the list's every reachable result is read (150 would stop at 9,900).
EXTERNAL_PAGE_LIST_PAGE_SIZE = 125


class IntercomClient(HelpCenterEndpoints, BulkActionEndpoints, AudienceEndpoints, IntercomTransport):
    """Typed access to Content Import Sources, External Pages and the Help Center, in API 2.15,
    2.16 or Preview (``api_features`` says what the chosen one can do).

    The Help Center methods (admins, help centers, collections, articles) come from
    :class:`~ingest.intercom.help_center.HelpCenterEndpoints`; bulk actions on content (2.16,
    Preview) from :class:`~ingest.intercom.bulk_actions.BulkActionEndpoints`; audiences (Preview)
    from :class:`~ingest.intercom.audiences.AudienceEndpoints`.

    Constructor and lifecycle are those of :class:`IntercomTransport`::

        IntercomClient(*, base_url, token, api_version=DEFAULT_API_VERSION,
                       max_concurrency=DEFAULT_MAX_CONCURRENCY, session=None,
                       max_attempts=DEFAULT_MAX_ATTEMPTS, request_timeout=DEFAULT_REQUEST_TIMEOUT,
                       connect_timeout=DEFAULT_CONNECT_TIMEOUT, read_timeout=DEFAULT_READ_TIMEOUT,
                       sleep=asyncio.sleep, clock=host_clock(), token_fix=...,
                       rate_limit_share=DEFAULT_RATE_LIMIT_SHARE)

    (the defaults are those of :mod:`ingest.api_defaults`).
    """

    async def me(self) -> dict[str, Any]:
        """The admin and workspace the token belongs to: the cheap way to check a token."""
        result = await self.request("GET", "/me")
        if not isinstance(result, dict):
            raise ApiError("Intercom's answer to GET /me is not an object")
        return result

    # Content Import Sources -------------------------------------------------------------

    async def list_content_import_sources(self) -> list[ContentImportSource]:
        """Every Content Import Source of the workspace (all pages)."""
        return [parse_answer(ContentImportSource, item, _SOURCES) async for item in self.paginate(_SOURCES)]

    async def create_content_import_source(
        self, url: str, *, status: SourceStatus = "active", audience_ids: Sequence[int] | None = None
    ) -> ContentImportSource:
        """Create an API-managed source (``sync_behavior`` ``"api"``) rooted at ``url``.

        Not retried after an ambiguous failure: a retry could create a second source.
        Look the source up by ``url`` before creating it again.
        """
        body: dict[str, Any] = {"sync_behavior": "api", "url": url, "status": status}
        if audience_ids is not None:
            body["audience_ids"] = list(audience_ids)
        result = await self.request("POST", _SOURCES, json=body, retry=False)
        return parse_answer(ContentImportSource, result, _SOURCES)

    async def get_content_import_source(self, source_id: int) -> ContentImportSource:
        """One Content Import Source by its id."""
        path = f"{_SOURCES}/{id_segment(source_id)}"
        return parse_answer(ContentImportSource, await self.request("GET", path), path)

    async def update_content_import_source(
        self,
        source_id: int,
        *,
        url: str,
        status: SourceStatus | None = None,
        audience_ids: Sequence[int] | None = None,
        apply_audience_to_existing_content: bool | None = None,
    ) -> ContentImportSource:
        """Change a source's url, status or audiences; ``None`` leaves a field unsent.

        The API requires ``url`` on every update, and ``sync_behavior`` (always ``"api"``).
        An empty ``audience_ids`` removes all audiences.
        """
        body: dict[str, Any] = {"sync_behavior": "api", "url": url}
        if status is not None:
            body["status"] = status
        if audience_ids is not None:
            body["audience_ids"] = list(audience_ids)
        if apply_audience_to_existing_content is not None:
            body["apply_audience_to_existing_content"] = apply_audience_to_existing_content
        path = f"{_SOURCES}/{id_segment(source_id)}"
        return parse_answer(ContentImportSource, await self.request("PUT", path, json=body), path)

    async def delete_content_import_source(self, source_id: int) -> None:
        """Delete a source and, on Intercom's side, every External Page imported under it."""
        await self.request("DELETE", f"{_SOURCES}/{id_segment(source_id)}")

    # External Pages ---------------------------------------------------------------------

    async def list_external_pages(self) -> AsyncIterator[ExternalPage]:
        """Every External Page of the workspace, page after page (``pages.next``), newest first.

        Intercom lists at most 10,000: past that this raises :class:`~ingest.errors.ListCapError`
        (after yielding the first 10,000) rather than end as if there were no more. The list
        cannot be filtered by source; :meth:`find_external_page` finds one page where the
        version can (``api_features.external_page_lookup``).
        """
        params = {"per_page": EXTERNAL_PAGE_LIST_PAGE_SIZE}
        async for item in self.paginate(_PAGES, params=params, reach=EXTERNAL_PAGE_LIST_REACH):
            yield parse_answer(ExternalPage, item, _PAGES)

    async def find_external_page(self, source_id: int, external_id: str) -> ExternalPage | None:
        """The External Page with this ``(source_id, external_id)``, or ``None`` when there is none:
        one request, however many pages the workspace holds (Preview's look-up).

        A version without the look-up would ignore its parameters and list every page, so asking
        in one is a ConfigError saying which version has it; an answer holding anything but that
        one page (an API that ignored them after all) is an ApiError, never a wrong page.
        """
        if not self.api_features.external_page_lookup:
            raise ConfigError(
                f"intercom.api_version: finding one External Page by its external_id needs "
                f'"Preview"; {self.api_features.version} can only list every page of the workspace'
            )
        params: dict[str, str | int] = {"source_id": source_id, "external_id": external_id}
        result = await self.request("GET", _PAGES, params=params)
        data = result.get("data") if isinstance(result, dict) else None
        if not isinstance(data, list):
            raise ApiError(
                f"Intercom's answer to the look-up of External Page {external_id!r} has no 'data' list"
            )
        found = [parse_answer(ExternalPage, item, _PAGES) for item in data]
        if (
            any((page.source_id, page.external_id) != (source_id, external_id) for page in found)
            or len(found) > 1
        ):
            raise ApiError(
                f"Intercom answered the look-up of External Page {external_id!r} of source {source_id} "
                f"with {len(found)} page(s) that are not only that one: the look-up was not applied"
            )
        return found[0] if found else None

    async def upsert_external_page(self, request: ExternalPageRequest) -> ExternalPage:
        """Create the page, or update the one with the same ``(source_id, external_id)``.

        Idempotent, hence retried like a read.
        """
        result = await self.request("POST", _PAGES, json=request.to_body())
        return parse_answer(ExternalPage, result, _PAGES)

    async def get_external_page(self, page_id: str) -> ExternalPage:
        """One External Page by Intercom's id (not the ``external_id``)."""
        path = f"{_PAGES}/{id_segment(page_id)}"
        return parse_answer(ExternalPage, await self.request("GET", path), path)

    async def delete_external_page(self, page_id: str) -> ExternalPage:
        """Delete an External Page by Intercom's id; returns it (with empty ``html``)."""
        path = f"{_PAGES}/{id_segment(page_id)}"
        return parse_answer(ExternalPage, await self.request("DELETE", path), path)
