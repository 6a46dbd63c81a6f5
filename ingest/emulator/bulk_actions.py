"""``POST /content/bulk_actions`` (2.16 and Preview): one action over up to 1,000 content items.

As the description says: ``action`` is one of six; ``content_ids`` holds 1 to 1,000 items, each
a ``type`` and a string ``id``; ``availability`` is required by ``set_availability`` (only the
flags present are changed), ``audience`` by ``set_audience``, ``tags`` by ``update_tags`` (at
least one of ``add_tag_ids``/``remove_tag_ids``, at most 100 distinct ids, each an existing tag
that is not archived). A request that breaks these is answered 422 (a body that is no JSON
object, 400, as everywhere). Items whose ``type`` the action does not take are dropped without
a word; the rest is queued (:mod:`ingest.emulator.bulk_queue`) and answered
202 ``{"type": "content_bulk_action", "status": "queued"}``. Before 2.16 the endpoint does not
exist: 404, as for any unknown path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from aiohttp import web

from ingest.emulator.bulk_queue import BulkAction
from ingest.emulator.context import state_of
from ingest.emulator.errors import ApiProblem, not_found
from ingest.emulator.versions import version_of
from ingest.emulator.wire import json_object

routes = web.RouteTableDef()

PATH = "/content/bulk_actions"
#: The most items one action takes.
MAX_ITEMS: Final = 1000
#: The most distinct tag ids one ``update_tags`` names.
MAX_TAGS: Final = 100
#: The content types each action takes; items of any other type are dropped.
ALLOWED_TYPES: Final[Mapping[str, frozenset[str]]] = {
    "publish": frozenset({"article_content"}),
    "unpublish": frozenset({"article_content"}),
    "delete": frozenset({"article_content", "content_snippet", "file_source_content", "internal_article"}),
    "set_availability": frozenset(
        {"article_content", "content_snippet", "external_content", "file_source_content", "internal_article"}
    ),
    "set_audience": frozenset(
        {"article_content", "content_snippet", "external_content", "file_source_content", "internal_article"}
    ),
    "update_tags": frozenset(
        {"article", "content_snippet", "external_content", "file_source_content", "internal_article"}
    ),
}
#: Every ``content_ids[].type`` the description knows.
CONTENT_TYPES: Final = frozenset().union(*ALLOWED_TYPES.values())
_AVAILABILITY_FLAGS: Final = ("ai_agent", "copilot", "sales_agent")


def _invalid(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, "parameter_invalid", message, field=field)


def _missing(field: str) -> ApiProblem:
    return ApiProblem(422, "parameter_not_found", f"{field} is a required parameter", field=field)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    if name not in body or body[name] is None:
        raise _missing(name)
    value = body[name]
    if not isinstance(value, dict):
        raise _invalid(name, f"{name} must be an object")
    return value


def _integers(parent: str, value: Mapping[str, Any], name: str) -> list[int]:
    if name not in value:
        return []
    ids = value[name]
    if not isinstance(ids, list) or not all(_is_int(item) for item in ids):
        raise _invalid(f"{parent}.{name}", f"{parent}.{name} must be an array of integers")
    return list(ids)


def _items(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    if "content_ids" not in body or body["content_ids"] is None:
        raise _missing("content_ids")
    items = body["content_ids"]
    if not isinstance(items, list):
        raise _invalid("content_ids", "content_ids must be an array")
    if not 1 <= len(items) <= MAX_ITEMS:
        raise _invalid("content_ids", f"content_ids must hold between 1 and {MAX_ITEMS} items")
    keys = []
    for index, item in enumerate(items):
        where = f"content_ids[{index}]"
        if not isinstance(item, dict) or "type" not in item or "id" not in item:
            raise _invalid(where, f"{where} must be an object with a type and an id")
        if item["type"] not in CONTENT_TYPES:
            raise _invalid(
                f"{where}.type", f"{where}.type must be one of: {', '.join(sorted(CONTENT_TYPES))}"
            )
        if not isinstance(item["id"], str) or not item["id"]:
            raise _invalid(f"{where}.id", f"{where}.id must be a non-empty string")
        keys.append((item["type"], item["id"]))
    return keys


def _availability(body: Mapping[str, Any]) -> dict[str, bool]:
    given = _object(body, "availability")
    flags: dict[str, bool] = {}
    for flag in _AVAILABILITY_FLAGS:
        if flag in given:
            if not isinstance(given[flag], bool):
                raise _invalid(f"availability.{flag}", f"availability.{flag} must be a boolean")
            flags[flag] = given[flag]
    return flags


def _audience(body: Mapping[str, Any]) -> dict[str, Any]:
    given = _object(body, "audience")
    audience: dict[str, Any] = {
        name: ids
        for name in ("add_segment_ids", "remove_segment_ids")
        if (ids := _integers("audience", given, name))
    }
    if "remove_all" in given:
        if not isinstance(given["remove_all"], bool):
            raise _invalid("audience.remove_all", "audience.remove_all must be a boolean")
        audience["remove_all"] = given["remove_all"]
    return audience


def _tags(request: web.Request, body: Mapping[str, Any]) -> dict[str, list[int]]:
    given = _object(body, "tags")
    tags = {name: _integers("tags", given, name) for name in ("add_tag_ids", "remove_tag_ids")}
    named = set(tags["add_tag_ids"]) | set(tags["remove_tag_ids"])
    if not named:
        raise _invalid("tags", "tags must name at least one of add_tag_ids and remove_tag_ids")
    if len(named) > MAX_TAGS:
        raise _invalid("tags", f"tags may name at most {MAX_TAGS} distinct tag ids")
    registry = state_of(request).store.tags
    for tag_id in sorted(named):
        tag = registry.get(tag_id)
        if tag is None or tag.archived:
            raise _invalid("tags", f"tag {tag_id} does not exist or is archived")
    return {name: ids for name, ids in tags.items() if ids}


@routes.post(PATH)
async def bulk_action(request: web.Request) -> web.Response:
    """Validate, drop the items the action does not take, queue the rest; 202 ``queued``."""
    if not version_of(request).bulk_actions:
        raise not_found("Resource Not Found")
    body = await json_object(request)
    if "action" not in body or body["action"] is None:
        raise _missing("action")
    action = body["action"]
    if action not in ALLOWED_TYPES:
        raise _invalid("action", f"action must be one of: {', '.join(ALLOWED_TYPES)}")
    items = _items(body)
    parameters: dict[str, Any] = {}
    if action == "set_availability":
        parameters["availability"] = _availability(body)
    elif action == "set_audience":
        parameters["audience"] = _audience(body)
    elif action == "update_tags":
        parameters["tags"] = _tags(request, body)
    elif action in ("publish", "unpublish"):
        parameters["state"] = "published" if action == "publish" else "draft"
    taken = tuple(item for item in items if item[0] in ALLOWED_TYPES[action])
    state_of(request).bulk.enqueue(BulkAction(action, taken, parameters))
    return web.json_response({"type": "content_bulk_action", "status": "queued"}, status=202)
