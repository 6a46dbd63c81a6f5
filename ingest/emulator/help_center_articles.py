"""Help Center articles: ``/articles``, ``/articles/{id}`` and ``/articles/search``.

Rules where the spec is silent:

* Content in the default locale (``en``) of ``translated_content`` fills the main fields
  the body leaves out (the create error says ``author_id`` "must be in the main body or
  default locale translated_content object"); other locales are the translations.
* A new translation needs a ``title``; its ``author_id`` defaults to the article's, its
  ``state`` to ``draft``, ``description`` and ``body`` to empty. ``PUT`` merges field by
  field into an existing translation; a locale sent as null is left as it is.
* ``parent_type`` defaults to ``collection`` when a ``parent_id`` is given; ``section``
  is accepted too (sections are nested collections here). ``PUT`` cannot detach an
  article from its collection: the spec's ``parent_id`` there is a non-null string.
* Search matches ``phrase`` case-insensitively in the title and in the body's text (tags
  stripped) of the default locale; ``state`` defaults to ``all``; ``help_center_id``
  keeps articles shown in that help center (a standalone article is in the default one).
  Results are most recently updated first and carry no highlights.
* The body is stored as sent (Intercom rewrites HTML; the emulator does not).
* Per version (:mod:`ingest.emulator.versions`): 2.15 answers ``parent_id`` and ``parent_type``
  beside ``parent_ids``; 2.16 and later ``parent_ids`` only, with the availability flags and
  ``body_markdown`` their writes may set (:mod:`ingest.emulator.knowledge_fields`). The flags
  are the default language's: the description names no default, so an article starts
  available to Fin and Copilot, not to Fin for sales (as Help Center articles were before the
  API could say), and an update leaving a flag out keeps it. The flags and ``body_markdown``
  of a translation are not modelled.
"""

from __future__ import annotations

import html
import re
from typing import Any

from aiohttp import web

from ingest.emulator.context import state_of
from ingest.emulator.errors import ApiProblem, invalid, missing, not_found
from ingest.emulator.help_center_shapes import DEFAULT_LOCALE, article_api
from ingest.emulator.help_center_store import Article, Translations
from ingest.emulator.help_center_wire import cursor_window, numeric_id, path_id, translated_content
from ingest.emulator.knowledge_fields import written_fields
from ingest.emulator.versions import article_shape, version_of
from ingest.emulator.wire import json_object, one_of, optional

routes = web.RouteTableDef()

STATES = ("published", "draft")
PARENT_TYPES = ("collection", "section")
SEARCH_STATES = ("published", "draft", "all")
_CONTENT_FIELDS = {"title": str, "description": str, "body": str, "author_id": int, "state": str}


def _article(request: web.Request) -> Article:
    article = state_of(request).store.help_center.get_article(path_id(request, "article_id"))
    if article is None:
        raise not_found()
    return article


def _render(request: web.Request, article: Article, *, full: bool = True) -> dict[str, Any]:
    return article_shape(article_api(state_of(request), article, full=full), version_of(request))


def _content(body: dict[str, Any]) -> tuple[dict[str, Any], Translations]:
    """The main fields given (in the body, else in the default locale) and the other locales, typed."""
    translations = translated_content(body, _CONTENT_FIELDS)
    main = translations.pop(DEFAULT_LOCALE, {})
    for name, kind in _CONTENT_FIELDS.items():
        value = optional(body, name, kind)
        if value is not None:
            main[name] = value
    return main, translations


def _checked(request: web.Request, fields: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``fields`` with a non-blank title, a known author and a valid state (each where present)."""
    if "title" in fields and not fields["title"].strip():
        raise invalid(f"{prefix}title", f"{prefix}title must not be blank")
    if "state" in fields:
        one_of(f"{prefix}state", fields["state"], STATES)
    if "author_id" in fields:
        known = {admin.id for admin in state_of(request).config.admins}
        if fields["author_id"] not in known:
            message = f"{fields['author_id']} is not the id of an admin (GET /admins)"
            raise invalid(f"{prefix}author_id", message)
    return fields


def _translations(
    request: web.Request, given: Translations, article: Article | None, author_id: int
) -> Translations:
    """Checked translations; a locale the article does not have yet gets its defaults."""
    result: Translations = {}
    for locale, content in given.items():
        prefix = f"translated_content.{locale}."
        _checked(request, content, prefix)
        if article is None or locale not in article.translations:
            if "title" not in content:
                raise missing(f"{prefix}title")
            content = {"description": "", "body": "", "author_id": author_id, "state": "draft", **content}
        result[locale] = content
    return result


def _parent_id(request: web.Request, parent_id: int) -> int:
    if state_of(request).store.help_center.get_collection(parent_id) is None:
        raise invalid("parent_id", f"No collection with id {parent_id}")
    return parent_id


@routes.get("/articles")
async def list_articles(request: web.Request) -> web.Response:
    """``article_list``, most recently updated first, in cursor pages."""
    state = state_of(request)
    articles = state.store.help_center.articles()
    window, pages = cursor_window(request, articles, state.config.per_page)
    data = [_render(request, a, full=False) for a in window]
    return web.json_response({"type": "list", "pages": pages, "total_count": len(articles), "data": data})


@routes.post("/articles")
async def create_article(request: web.Request) -> web.Response:
    """Create an article: ``title`` and ``author_id`` required; ``state`` defaults to ``draft``."""
    body = await json_object(request)
    main, given = _content(body)
    if "title" not in main:
        raise missing("title")
    if "author_id" not in main:
        raise ApiProblem(
            400,
            "parameter_not_found",
            "author_id must be in the main body or default locale translated_content object",
            field="author_id",
        )
    _checked(request, main)
    extra = written_fields(body, version_of(request), html_given="body" in main)
    parent_id = optional(body, "parent_id", int)
    parent_type = optional(body, "parent_type", str)
    if parent_type is not None:
        one_of("parent_type", parent_type, PARENT_TYPES)
    if parent_id is not None:
        _parent_id(request, parent_id)
    article = state_of(request).store.help_center.create_article(
        title=main["title"],
        description=main.get("description", ""),
        body=extra.pop("body", main.get("body", "")),
        author_id=main["author_id"],
        state=main.get("state", "draft"),
        parent_id=parent_id,
        parent_type=None if parent_id is None else parent_type or "collection",
        translations=_translations(request, given, None, main["author_id"]),
        extra=extra,
    )
    return web.json_response(_render(request, article))


@routes.get("/articles/search")
async def search_articles(request: web.Request) -> web.Response:
    """``article_search_response``: articles whose title or body text holds ``phrase``."""
    state = state_of(request)
    phrase = _words(request.query.get("phrase", ""))
    wanted_state = one_of("state", request.query.get("state", "all"), SEARCH_STATES)
    raw_help_center = request.query.get("help_center_id")
    help_center_id = None
    if raw_help_center is not None:
        if not raw_help_center.isascii() or not raw_help_center.isdigit():
            raise invalid("help_center_id", "help_center_id must be an integer")
        help_center_id = int(raw_help_center)
    store, default_help_center = state.store.help_center, state.config.help_centers[0].id
    found = [
        article
        for article in store.articles()
        if wanted_state in ("all", article.state)
        and (help_center_id is None or store.help_center_of(article, default_help_center) == help_center_id)
        and (phrase in _words(article.title) or phrase in _words(_text(article.body)))
    ]
    window, pages = cursor_window(request, found, state.config.per_page)
    data = {"articles": [_render(request, a) for a in window], "highlights": []}
    return web.json_response({"type": "list", "total_count": len(found), "data": data, "pages": pages})


@routes.get("/articles/{article_id}")
async def get_article(request: web.Request) -> web.Response:
    """One article by its id."""
    return web.json_response(_render(request, _article(request)))


@routes.put("/articles/{article_id}")
async def update_article(request: web.Request) -> web.Response:
    """Partial update: omitted fields (``state`` included) keep their value; translations merge per locale."""
    article = _article(request)
    body = await json_object(request)
    main, given = _content(body)
    changes = _checked(request, main)
    changes.update(written_fields(body, version_of(request), html_given="body" in main))
    raw_parent = optional(body, "parent_id", str)
    parent_type = optional(body, "parent_type", str)
    if parent_type is not None:
        one_of("parent_type", parent_type, PARENT_TYPES)
    if raw_parent is not None:
        changes["parent_id"] = _parent_id(request, numeric_id("parent_id", raw_parent))
        changes["parent_type"] = parent_type or article.parent_type or "collection"
    elif parent_type is not None and article.parent_id is not None:
        changes["parent_type"] = parent_type
    translations = _translations(request, given, article, changes.get("author_id", article.author_id))
    state_of(request).store.help_center.update_article(article, changes, translations)
    return web.json_response(_render(request, article))


@routes.delete("/articles/{article_id}")
async def delete_article(request: web.Request) -> web.Response:
    """Delete an article; ``deleted_article_object``."""
    article = _article(request)
    store = state_of(request).store
    store.help_center.delete_article(article.id)
    store.tags.forget(("article", str(article.id)))
    return web.json_response({"id": str(article.id), "object": "article", "deleted": True})


def _text(body: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", body))


def _words(text: str) -> str:
    return " ".join(text.casefold().split())
