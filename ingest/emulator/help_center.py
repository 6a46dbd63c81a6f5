"""Help Center: help centers and nested collections (``/help_center/...``).

Help centers come from the configuration. A collection is top level (``parent_id``
null) or nested in another collection of the same help center; moving one under itself
or a descendant is refused. Deleting a collection that still holds collections or
articles is refused with a 400 (the spec does not say what Intercom does; refusing loses
nothing). Content in the default locale (``en``) of ``translated_content`` fills the
main ``name`` and ``description`` where the body leaves them out.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ingest.emulator.context import state_of
from ingest.emulator.errors import ApiProblem, invalid, not_found
from ingest.emulator.help_center_shapes import DEFAULT_LOCALE, collection_api, help_center_api
from ingest.emulator.help_center_store import Collection, Translations
from ingest.emulator.help_center_wire import (
    cursor_window,
    nullable,
    numeric_id,
    path_id,
    translated_content,
)
from ingest.emulator.wire import json_object, optional, required

routes = web.RouteTableDef()

_GROUP_FIELDS = {"name": str, "description": str}


@routes.get("/help_center/help_centers")
async def list_help_centers(request: web.Request) -> web.Response:
    """``help_center_list``: every configured help center, in configuration order (not paged)."""
    state = state_of(request)
    data = [help_center_api(site, state.started_at) for site in state.config.help_centers]
    return web.json_response({"type": "list", "data": data})


@routes.get("/help_center/help_centers/{help_center_id}")
async def get_help_center(request: web.Request) -> web.Response:
    """One help center by its integer id."""
    state = state_of(request)
    wanted = path_id(request, "help_center_id")
    site = next((s for s in state.config.help_centers if s.id == wanted), None)
    if site is None:
        raise not_found()
    return web.json_response(help_center_api(site, state.started_at))


# -- collections -----------------------------------------------------------------


def _collection(request: web.Request) -> Collection:
    collection = state_of(request).store.help_center.get_collection(path_id(request, "collection_id"))
    if collection is None:
        raise not_found()
    return collection


def _collection_body(request: web.Request, collection: Collection) -> dict[str, Any]:
    return collection_api(state_of(request), collection)


def _parent(request: web.Request, raw: str | None) -> Collection | None:
    if raw is None:
        return None
    parent = state_of(request).store.help_center.get_collection(numeric_id("parent_id", raw))
    if parent is None:
        raise invalid("parent_id", f"No collection with id {raw}")
    return parent


def _non_blank(name: str, value: str) -> str:
    if not value.strip():
        raise invalid(name, f"{name} must not be blank")
    return value


def _group_content(body: dict[str, Any]) -> tuple[dict[str, Any], Translations]:
    """The main name/description given (in the body, else in the default locale) and the other locales."""
    translations = translated_content(body, _GROUP_FIELDS)
    main = translations.pop(DEFAULT_LOCALE, {})
    for name in _GROUP_FIELDS:
        value = optional(body, name, str)
        if value is not None:
            main[name] = value
    return main, translations


@routes.get("/help_center/collections")
async def list_collections(request: web.Request) -> web.Response:
    """``collection_list``, most recently updated first, in cursor pages."""
    state = state_of(request)
    collections = state.store.help_center.collections()
    window, pages = cursor_window(request, collections, state.config.per_page)
    data = [_collection_body(request, c) for c in window]
    return web.json_response({"type": "list", "data": data, "total_count": len(collections), "pages": pages})


@routes.post("/help_center/collections")
async def create_collection(request: web.Request) -> web.Response:
    """Create a collection: ``name`` required; ``parent_id`` (a string) nests it in another."""
    state = state_of(request)
    body = await json_object(request)
    required(body, "name", str)
    main, translations = _group_content(body)
    name = _non_blank("name", main["name"])
    parent = _parent(request, nullable(body, "parent_id", str))
    help_center_id = nullable(body, "help_center_id", int)
    known = [site.id for site in state.config.help_centers]
    if help_center_id is None:
        help_center_id = known[0] if parent is None else parent.help_center_id
    elif help_center_id not in known:
        raise invalid("help_center_id", f"No help center with id {help_center_id}")
    elif parent is not None and parent.help_center_id != help_center_id:
        raise invalid("help_center_id", f"parent_id {parent.id} is in help center {parent.help_center_id}")
    collection = state.store.help_center.create_collection(
        name,
        main.get("description", ""),
        None if parent is None else parent.id,
        help_center_id,
        translations,
    )
    return web.json_response(_collection_body(request, collection))


@routes.get("/help_center/collections/{collection_id}")
async def get_collection(request: web.Request) -> web.Response:
    """One collection by its id."""
    return web.json_response(_collection_body(request, _collection(request)))


@routes.put("/help_center/collections/{collection_id}")
async def update_collection(request: web.Request) -> web.Response:
    """Update name, description, translations (merged per locale) or parent (null: top level)."""
    store = state_of(request).store.help_center
    collection = _collection(request)
    body = await json_object(request)
    main, translations = _group_content(body)
    changes: dict[str, Any] = {}
    if "name" in main:
        changes["name"] = _non_blank("name", main["name"])
    if "description" in main:
        changes["description"] = main["description"]
    if "parent_id" in body:
        parent = _parent(request, nullable(body, "parent_id", str))
        if parent is not None and collection.id in store.path_to(parent.id):
            raise invalid("parent_id", "A collection cannot be moved under itself or one of its descendants")
        if parent is not None and parent.help_center_id != collection.help_center_id:
            raise invalid("parent_id", f"Collection {parent.id} is in another help center")
        changes["parent_id"] = None if parent is None else parent.id
    if translations:
        merged = {locale: dict(content) for locale, content in collection.translations.items()}
        for locale, content in translations.items():
            merged.setdefault(locale, {}).update(content)
        changes["translations"] = merged
    store.update_collection(collection, **changes)
    return web.json_response(_collection_body(request, collection))


@routes.delete("/help_center/collections/{collection_id}")
async def delete_collection(request: web.Request) -> web.Response:
    """Delete an empty collection; ``deleted_collection_object``. One that is not empty is a 400."""
    store = state_of(request).store.help_center
    collection = _collection(request)
    children, articles = store.children(collection.id), store.articles_in(collection.id)
    if children or articles:
        raise ApiProblem(
            400,
            "bad_request",
            f"Collection {collection.id} is not empty: it holds {len(children)} collection(s) and "
            f"{len(articles)} article(s); delete or move them first",
        )
    store.delete_collection(collection.id)
    return web.json_response({"id": str(collection.id), "object": "collection", "deleted": True})
