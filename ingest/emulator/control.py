"""The test control API under ``/_emulator/``: no auth, never logged, never faulted.

``GET /_emulator/requests[?path_prefix=...]`` the request log, per-endpoint counters and how many
requests a bounded log forgot;
``DELETE /_emulator/requests`` clears both; ``GET /_emulator/state`` every source, page,
collection, article and internal article;
``GET|POST /_emulator/faults`` reads or changes latency, failures, drops and the rate limit
(body: the fields of :class:`~ingest.emulator.faults.FaultUpdate`); ``POST /_emulator/reset``
wipes data, the log and counters, and restores the configured faults and rate limit.
``GET /_emulator/bulk_actions`` lists the bulk actions accepted and not carried out yet;
``POST /_emulator/bulk_actions/flush`` carries them all out now, oldest first;
``DELETE /_emulator/bulk_actions`` drops them, never carried out (a job Intercom lost).
``POST /_emulator/tags`` (``{"name": ..., "archived": false}``) adds a tag to the workspace.
"""

from __future__ import annotations

import time

from aiohttp import web
from pydantic import ValidationError

from ingest.emulator.context import state_of
from ingest.emulator.errors import invalid
from ingest.emulator.faults import FaultUpdate
from ingest.emulator.help_center_shapes import all_articles, all_collections
from ingest.emulator.wire import json_object

routes = web.RouteTableDef()


@routes.get("/_emulator/requests")
async def get_requests(request: web.Request) -> web.Response:
    """The recorded requests, optionally filtered by path prefix, the counters, and how many
    requests were counted but no longer recorded (``request_log_limit``)."""
    state = state_of(request)
    entries = state.log.entries(request.query.get("path_prefix"))
    return web.json_response(
        {
            "requests": [e.to_json() for e in entries],
            "counters": state.log.counters(),
            "forgotten": state.log.forgotten(),
        }
    )


@routes.delete("/_emulator/requests")
async def clear_requests(request: web.Request) -> web.Response:
    """Forget the recorded requests and counters."""
    state_of(request).log.clear()
    return web.Response(status=204)


@routes.get("/_emulator/clock")
async def get_clock(request: web.Request) -> web.Response:
    """The offset from the log's monotonic times to UNIX time, to place requests in rate windows."""
    return web.json_response({"wall_minus_monotonic": time.time() - time.monotonic()})


@routes.get("/_emulator/state")
async def get_state(request: web.Request) -> web.Response:
    """Every source, page, collection, article and internal article, in API shape (as the list
    endpoints order them)."""
    state = state_of(request)
    return web.json_response(
        {
            "sources": [s.to_api() for s in state.store.sources()],
            "pages": [p.to_api() for p in state.store.pages()],
            "collections": all_collections(state),
            "articles": all_articles(state),
            "internal_articles": [a.to_api() for a in state.store.internal_articles.all()],
            "tags": [tag.to_api() | {"archived": tag.archived} for tag in state.store.tags.all()],
            "tagged": state.store.tags.tagged(),
            "segments": state.store.segments.all(),
        }
    )


@routes.get("/_emulator/bulk_actions")
async def get_bulk_actions(request: web.Request) -> web.Response:
    """The bulk actions accepted and not carried out yet, oldest first."""
    return web.json_response({"pending": [action.to_json() for action in state_of(request).bulk.pending()]})


@routes.delete("/_emulator/bulk_actions")
async def drop_bulk_actions(request: web.Request) -> web.Response:
    """Drop the queued bulk actions without carrying them out."""
    state_of(request).bulk.clear()
    return web.Response(status=204)


@routes.post("/_emulator/bulk_actions/flush")
async def flush_bulk_actions(request: web.Request) -> web.Response:
    """Carry out every queued bulk action now; answers how many there were."""
    return web.json_response({"carried_out": state_of(request).bulk.flush()})


@routes.post("/_emulator/tags")
async def create_tag(request: web.Request) -> web.Response:
    """Add a tag to the workspace: ``name`` (required) and ``archived`` (default false)."""
    body = await json_object(request)
    name, archived = body.get("name"), body.get("archived", False)
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "name must be a non-blank string")
    if not isinstance(archived, bool):
        raise invalid("archived", "archived must be a boolean")
    tag = state_of(request).store.tags.create(name, archived=archived)
    return web.json_response(tag.to_api() | {"archived": tag.archived})


@routes.get("/_emulator/faults")
async def get_faults(request: web.Request) -> web.Response:
    """The fault and rate-limit settings in force."""
    return web.json_response(state_of(request).describe_faults())


@routes.post("/_emulator/faults")
async def set_faults(request: web.Request) -> web.Response:
    """Change fault or rate-limit settings; answers the settings now in force."""
    body = await json_object(request)
    try:
        change = FaultUpdate.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "body"  # the key, not union-member details
        raise invalid(field, f"{field}: {first['msg']}") from exc
    return web.json_response(state_of(request).set_faults(change))


@routes.post("/_emulator/reset")
async def reset(request: web.Request) -> web.Response:
    """Wipe data, the log and counters; restore configured faults and rate limit."""
    state_of(request).reset()
    return web.Response(status=204)
