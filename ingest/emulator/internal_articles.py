"""Internal articles: ``/internal_articles``, ``/internal_articles/{id}`` and ``/internal_articles/search``.

Knowledge for teammates and Copilot, never shown to customers. In 2.15 an internal article
is a title, an HTML body, an author and an owner (both admins); it has no state, no
collection, no translations and no external id, and its ``locale`` is the workspace's.

Rules where the spec is silent:

* ``title``, ``author_id`` and ``owner_id`` are required on create (the spec's ``required``);
  a missing ``author_id`` is answered with the spec's own example message. ``body``
  defaults to empty. An author or owner that is not an admin (``GET /admins``) is a 400
  naming the field, as for articles.
* ``PUT`` is partial: omitted fields keep their value.
* Fields the request's version does not describe (``locale``; in 2.15 the availability flags
  and ``body_markdown``) are ignored, as the API ignores what it does not know. 2.16 and later
  take and answer the flags (false unless set) and ``body_markdown``
  (:mod:`ingest.emulator.knowledge_fields`); Preview answers also show the article's ``tags``
  (which bulk ``update_tags`` puts on it).
* Search takes only ``folder_id`` in 2.15, and 2.15 files no internal article in a folder:
  without it every internal article is found, with it none.
* Lists and search are newest ``updated_at`` first, in cursor pages.
* The body is stored as sent (Intercom rewrites HTML; the emulator does not).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ingest.emulator.context import state_of
from ingest.emulator.errors import ApiProblem, invalid, missing, not_found
from ingest.emulator.help_center_wire import cursor_window, path_id
from ingest.emulator.internal_articles_store import InternalArticle
from ingest.emulator.knowledge_fields import written_fields
from ingest.emulator.versions import internal_article_shape, version_of
from ingest.emulator.wire import json_object, optional

routes = web.RouteTableDef()

PATH = "/internal_articles"
_FIELDS = {"title": str, "body": str, "author_id": int, "owner_id": int}
_ADMIN_FIELDS = ("author_id", "owner_id")


def _article(request: web.Request) -> InternalArticle:
    article = state_of(request).store.internal_articles.get(path_id(request, "internal_article_id"))
    if article is None:
        raise not_found()
    return article


def _render(request: web.Request, article: InternalArticle) -> dict[str, Any]:
    features = version_of(request)
    body = internal_article_shape(article.to_api(), features)
    if features.internal_article_tags:
        body["tags"] = state_of(request).store.tags.tag_list(("internal_article", str(article.id)))
    return body


def _fields(request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
    """The fields the body sets that its version knows, typed, with a non-blank title and admins
    as author and owner."""
    fields = {
        name: value for name, kind in _FIELDS.items() if (value := optional(body, name, kind)) is not None
    }
    fields.update(written_fields(body, version_of(request), html_given="body" in fields))
    if "title" in fields and not fields["title"].strip():
        raise invalid("title", "title must not be blank")
    known = {admin.id for admin in state_of(request).config.admins}
    for name in _ADMIN_FIELDS:
        if name in fields and fields[name] not in known:
            raise invalid(name, f"{fields[name]} is not the id of an admin (GET /admins)")
    return fields


@routes.get(PATH)
async def list_internal_articles(request: web.Request) -> web.Response:
    """``internal_article_list``, most recently updated first, in cursor pages."""
    state = state_of(request)
    articles = state.store.internal_articles.all()
    window, pages = cursor_window(request, articles, state.config.per_page)
    data = [_render(request, article) for article in window]
    return web.json_response({"type": "list", "pages": pages, "total_count": len(articles), "data": data})


@routes.post(PATH)
async def create_internal_article(request: web.Request) -> web.Response:
    """Create an internal article: ``title``, ``author_id`` and ``owner_id`` required."""
    fields = _fields(request, await json_object(request))
    if "title" not in fields:
        raise missing("title")
    if "author_id" not in fields:
        raise ApiProblem(
            400,
            "parameter_not_found",
            "author_id must be in the main body or default locale translated_content object",
            field="author_id",
        )
    if "owner_id" not in fields:
        raise missing("owner_id")
    article = state_of(request).store.internal_articles.create(
        title=fields.pop("title"),
        body=fields.pop("body", ""),
        author_id=fields.pop("author_id"),
        owner_id=fields.pop("owner_id"),
        extra=fields,
    )
    return web.json_response(_render(request, article))


@routes.get(f"{PATH}/search")
async def search_internal_articles(request: web.Request) -> web.Response:
    """``internal_article_search_response``: every internal article, or none in a ``folder_id``."""
    state = state_of(request)
    in_folder = request.query.get("folder_id")
    found = [] if in_folder is not None else state.store.internal_articles.all()
    window, pages = cursor_window(request, found, state.config.per_page)
    data = {"internal_articles": [_render(request, article) for article in window]}
    return web.json_response({"type": "list", "total_count": len(found), "data": data, "pages": pages})


@routes.get(PATH + "/{internal_article_id}")
async def get_internal_article(request: web.Request) -> web.Response:
    """One internal article by its id."""
    return web.json_response(_render(request, _article(request)))


@routes.put(PATH + "/{internal_article_id}")
async def update_internal_article(request: web.Request) -> web.Response:
    """Partial update: omitted fields keep their value."""
    article = _article(request)
    changes = _fields(request, await json_object(request))
    state_of(request).store.internal_articles.update(article, changes)
    return web.json_response(_render(request, article))


@routes.delete(PATH + "/{internal_article_id}")
async def delete_internal_article(request: web.Request) -> web.Response:
    """Delete an internal article; ``deleted_internal_article_object``."""
    article = _article(request)
    store = state_of(request).store
    store.internal_articles.delete(article.id)
    store.tags.forget(("internal_article", str(article.id)))
    return web.json_response({"id": str(article.id), "object": "internal_article", "deleted": True})
