"""``/audiences`` (Preview): the workspace's audiences, each a name with predicates.

As Preview's description says: the list takes ``page`` and ``per_page`` (at most 50, the
default) and answers the ``audience_list`` shape (``page``, ``per_page``, ``total_pages`` and
``total_count`` beside ``data``, no ``pages`` object); a create needs ``name`` (422
``validation_error`` "Name is required" without it) and takes ``predicates`` and
``role_predicates``; an update changes only the fields given; retrieve, update and delete of an
id that is not there answer 404. Ids are strings. Versions whose description has no
``/audiences`` (2.15, 2.16) answer 404, as for any unknown path.
"""

from __future__ import annotations

import math
from typing import Any, Final

from aiohttp import web

from ingest.emulator.audiences_store import Audience, AudienceStore
from ingest.emulator.context import state_of
from ingest.emulator.errors import ApiProblem, invalid, not_found
from ingest.emulator.versions import version_of
from ingest.emulator.wire import json_object, optional

routes = web.RouteTableDef()

#: Preview's ``per_page``: "Defaults to 50. Maximum is 50."
MAX_AUDIENCES_PER_PAGE: Final = 50


def _store(request: web.Request) -> AudienceStore:
    if not version_of(request).audiences:
        raise not_found("Resource Not Found")
    return state_of(request).store.audiences


def _audience(request: web.Request) -> Audience:
    store = _store(request)
    raw = request.match_info["audience_id"]
    audience = store.get(int(raw)) if raw.isdigit() else None
    if audience is None:
        raise not_found("Audience Not Found")
    return audience


def _predicates(body: dict[str, Any], name: str) -> list[Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid(name, f"{name} must be an array of predicate objects")
    return value


def _page_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise invalid(name, f"{name} must be a positive integer")
    return int(raw)


@routes.get("/audiences")
async def list_audiences(request: web.Request) -> web.Response:
    """``audience_list``: a page of audiences, oldest first."""
    everyone = _store(request).all()
    page = _page_param(request, "page", 1)
    per_page = _page_param(request, "per_page", MAX_AUDIENCES_PER_PAGE)
    if per_page > MAX_AUDIENCES_PER_PAGE:
        raise invalid("per_page", f"per_page must be at most {MAX_AUDIENCES_PER_PAGE}")
    shown = everyone[(page - 1) * per_page : page * per_page]
    return web.json_response(
        {
            "type": "list",
            "data": [audience.to_api() for audience in shown],
            "total_count": len(everyone),
            "page": page,
            "per_page": per_page,
            "total_pages": max(1, math.ceil(len(everyone) / per_page)),
        }
    )


@routes.post("/audiences")
async def create_audience(request: web.Request) -> web.Response:
    """201 and the new ``audience``; 422 without a name."""
    store = _store(request)
    body = await json_object(request)
    name = optional(body, "name", str)
    if name is None or not name.strip():
        raise ApiProblem(422, "validation_error", "Name is required")
    audience = store.create(name, _predicates(body, "predicates"), _predicates(body, "role_predicates"))
    return web.json_response(audience.to_api(), status=201)


@routes.get("/audiences/{audience_id}")
async def get_audience(request: web.Request) -> web.Response:
    return web.json_response(_audience(request).to_api())


@routes.put("/audiences/{audience_id}")
async def update_audience(request: web.Request) -> web.Response:
    """Change the fields given; 422 for an empty name."""
    audience = _audience(request)
    body = await json_object(request)
    changes: dict[str, Any] = {}
    name = optional(body, "name", str)
    if name is not None:
        if not name.strip():
            raise ApiProblem(422, "validation_error", "Name can't be blank")
        changes["name"] = name
    for field_name in ("predicates", "role_predicates"):
        value = _predicates(body, field_name)
        if value is not None:
            changes[field_name] = value
    state_of(request).store.audiences.update(audience, changes)
    return web.json_response(audience.to_api())


@routes.delete("/audiences/{audience_id}")
async def delete_audience(request: web.Request) -> web.Response:
    audience = _audience(request)
    state_of(request).store.audiences.delete(audience.id)
    return web.Response(status=204)
