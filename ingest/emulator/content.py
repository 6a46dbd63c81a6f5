"""AI Content: content import sources and external pages (``/ai/...``).

Per version (:mod:`ingest.emulator.versions`): Preview takes ``ai_sales_agent_availability`` on
``POST /ai/external_pages``, and the three availability flags on ``PUT``, where 2.15 and 2.16
know only ``fin_availability``; a field the request's version does not describe is ignored, as
the API ignores what it does not know. In every version:

* the source list's ``total_count`` and ``total_pages`` also count deleted sources, so its last
  pages may be short or empty: only ``pages.next`` says where the list ends;
* the External Page list stops at 10,000 results: a page ending past it (``page x per_page``)
  is a 400, and it cannot be filtered by source;
* (Preview) ``GET /ai/external_pages?source_id=S&external_id=E`` answers the one matching page,
  or an empty list; one of the two without the other is a 400. Earlier versions ignore both
  parameters, as unknown ones, and list every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ingest.emulator.config import MAX_LISTED_EXTERNAL_PAGES
from ingest.emulator.context import state_of
from ingest.emulator.errors import invalid, missing, not_found
from ingest.emulator.store import ExternalPage, PageFields, Source
from ingest.emulator.versions import version_of
from ingest.emulator.wire import (
    integer_list,
    json_object,
    list_body,
    one_of,
    optional,
    page_params,
    paged_response,
    required,
)
from ingest.source_url import source_url_problem

routes = web.RouteTableDef()

CREATE_SYNC_BEHAVIORS = ("api",)
UPDATE_SYNC_BEHAVIORS = ("api", "automated", "manual")
STATUSES = ("active", "deactivated")
LOCALES = ("en",)


def _source(request: web.Request) -> Source:
    raw = request.match_info["source_id"]
    source = state_of(request).store.get_source(int(raw)) if raw.isdigit() else None
    if source is None:
        raise not_found("Content Import Source Not Found")
    return source


def _page(request: web.Request) -> ExternalPage:
    page = state_of(request).store.get_page(request.match_info["page_id"])
    if page is None:
        raise not_found("External Page Not Found")
    return page


def _non_blank(name: str, value: str) -> str:
    if not value.strip():
        raise invalid(name, f"{name} must not be blank")
    return value


def _source_url(request: web.Request, body: Mapping[str, Any]) -> str:
    """The source's ``url``: Intercom takes only http(s) on a public domain name (2.17 docs)."""
    url = _non_blank("url", required(body, "url", str))
    if not state_of(request).config.allow_private_source_urls and source_url_problem(url) is not None:
        raise invalid("url", "url must be an http or https URL whose host is a valid public domain name")
    return url


# -- content import sources ------------------------------------------------------


@routes.get("/ai/content_import_sources")
async def list_sources(request: web.Request) -> web.Response:
    """``content_import_sources_list``, oldest first; the totals count deleted sources too."""
    store = state_of(request).store
    total = store.source_count() + store.deleted_sources
    return paged_response(request, state_of(request).config.per_page, store.sources, total)


@routes.post("/ai/content_import_sources")
async def create_source(request: web.Request) -> web.Response:
    """Create a source; ``sync_behavior`` (only ``api``) and ``url`` are required."""
    body = await json_object(request)
    sync_behavior = one_of("sync_behavior", required(body, "sync_behavior", str), CREATE_SYNC_BEHAVIORS)
    url = _source_url(request, body)
    status = optional(body, "status", str)
    status = "active" if status is None else one_of("status", status, STATUSES)
    audience_ids = integer_list("audience_ids", body.get("audience_ids"))
    source = state_of(request).store.create_source(url, sync_behavior, status, audience_ids)
    return web.json_response(source.to_api())


@routes.get("/ai/content_import_sources/{source_id}")
async def get_source(request: web.Request) -> web.Response:
    """One source by its integer id."""
    return web.json_response(_source(request).to_api())


@routes.put("/ai/content_import_sources/{source_id}")
async def update_source(request: web.Request) -> web.Response:
    """Update a source; ``sync_behavior`` cannot change to or from ``api``."""
    source = _source(request)
    body = await json_object(request)
    sync_behavior = one_of("sync_behavior", required(body, "sync_behavior", str), UPDATE_SYNC_BEHAVIORS)
    if sync_behavior != source.sync_behavior and "api" in (sync_behavior, source.sync_behavior):
        raise invalid("sync_behavior", "sync_behavior cannot be changed to or from api")
    url = _source_url(request, body)
    if url != source.url and sync_behavior != "api":
        raise invalid("url", "url can only be changed when sync_behavior is api")
    changes: dict[str, object] = {"url": url, "sync_behavior": sync_behavior}
    status = optional(body, "status", str)
    if status is not None:
        changes["status"] = one_of("status", status, STATUSES)
    if "audience_ids" in body:
        changes["audience_ids"] = integer_list("audience_ids", body["audience_ids"])
    optional(body, "apply_audience_to_existing_content", bool)
    state_of(request).store.update_source(source, **changes)
    return web.json_response(source.to_api())


@routes.delete("/ai/content_import_sources/{source_id}")
async def delete_source(request: web.Request) -> web.Response:
    """Delete a source and every external page imported under it; 204, no body."""
    state_of(request).store.delete_source(_source(request).id)
    return web.Response(status=204)


# -- external pages --------------------------------------------------------------


@routes.get("/ai/external_pages")
async def list_pages(request: web.Request) -> web.Response:
    """``external_pages_list``, newest first, up to 10,000 results; (Preview) or the one page a
    ``source_id`` and ``external_id`` name."""
    state = state_of(request)
    if version_of(request).external_page_lookup and ({"source_id", "external_id"} & request.query.keys()):
        return _lookup(request)
    return paged_response(
        request,
        state.config.per_page,
        state.store.pages,
        state.store.page_count(),
        reach=MAX_LISTED_EXTERNAL_PAGES,
    )


def _lookup(request: web.Request) -> web.Response:
    for name in ("source_id", "external_id"):
        if not request.query.get(name):
            raise missing(name)
    raw_source = request.query["source_id"]
    if not raw_source.isascii() or not raw_source.isdigit():
        raise invalid("source_id", "source_id must be an integer")
    found = state_of(request).store.find_page(int(raw_source), request.query["external_id"])
    _, per_page = page_params(request, state_of(request).config.per_page)
    data = [] if found is None else [found.to_api()]
    return web.json_response(list_body(request, data, page=1, per_page=per_page, total=len(data)))


def _existing_source_id(request: web.Request, source_id: int) -> int:
    if state_of(request).store.get_source(source_id) is None:
        raise invalid("source_id", f"No content import source with id {source_id}")
    return source_id


@routes.post("/ai/external_pages")
async def upsert_page(request: web.Request) -> web.Response:
    """Create a page, or update the one with the same ``(source_id, external_id)``."""
    body = await json_object(request)
    fields = PageFields(
        title=_non_blank("title", required(body, "title", str)),
        html=required(body, "html", str),
        locale=one_of("locale", required(body, "locale", str), LOCALES),
    )
    source_id = _existing_source_id(request, required(body, "source_id", int))
    external_id = _non_blank("external_id", required(body, "external_id", str))
    fields.url = optional(body, "url", str)
    fields.ai_agent_availability = optional(body, "ai_agent_availability", bool)
    fields.ai_copilot_availability = optional(body, "ai_copilot_availability", bool)
    if version_of(request).sales_agent_on_external_pages:
        fields.ai_sales_agent_availability = optional(body, "ai_sales_agent_availability", bool)
    page, _ = state_of(request).store.upsert_page(source_id, external_id, fields)
    return web.json_response(page.to_api())


@routes.get("/ai/external_pages/{page_id}")
async def get_page(request: web.Request) -> web.Response:
    """One page by its string id."""
    return web.json_response(_page(request).to_api())


@routes.put("/ai/external_pages/{page_id}")
async def update_page(request: web.Request) -> web.Response:
    """Update a page by id; ``url`` is required, ``fin_availability`` sets AI Agent availability
    (and in Preview the three availability flags, ``ai_agent_availability`` winning over it)."""
    page = _page(request)
    store = state_of(request).store
    body = await json_object(request)
    fields = PageFields(
        title=_non_blank("title", required(body, "title", str)),
        html=required(body, "html", str),
        url=required(body, "url", str),
        locale=one_of("locale", required(body, "locale", str), LOCALES),
    )
    source_id = _existing_source_id(request, required(body, "source_id", int))
    if source_id != page.source_id:
        raise invalid("source_id", "source_id cannot be changed")
    external_id = optional(body, "external_id", str)
    if external_id is not None:
        other = store.find_page(source_id, _non_blank("external_id", external_id))
        if other is not None and other.id != page.id:
            raise invalid("external_id", "external_id is already used by another page of this source")
    fields.ai_agent_availability = optional(body, "fin_availability", bool)
    if version_of(request).availability_on_external_page_put:
        agent = optional(body, "ai_agent_availability", bool)
        if agent is not None:
            fields.ai_agent_availability = agent
        fields.ai_copilot_availability = optional(body, "ai_copilot_availability", bool)
        fields.ai_sales_agent_availability = optional(body, "ai_sales_agent_availability", bool)
    store.update_page(page, fields, external_id)
    return web.json_response(page.to_api())


@routes.delete("/ai/external_pages/{page_id}")
async def delete_page(request: web.Request) -> web.Response:
    """Delete a page; the answer is the deleted page with empty ``html``."""
    page = _page(request)
    state_of(request).store.delete_page(page.id)
    return web.json_response({**page.to_api(), "html": ""})
