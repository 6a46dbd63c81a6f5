"""The JSON shapes of the Help Center: ``help_center``, ``collection``, ``article`` (and list item).

URLs are built from the configured help center's ``url``: ``{url}/en/collections/{id}-{slug}``
and ``{url}/{locale}/articles/{id}-{slug}``. A draft has no URL (``null``; left out of a
translation, whose ``url`` the spec does not let be null), as Intercom gives drafts none.
An article's ``parent_ids`` are the collections it is placed in ("the ids of the parent
collections to place this article in", as the Preview description says of the same field in
requests): here its one direct parent, never the ancestry above it.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.emulator.config import EmulatorHelpCenter
from ingest.emulator.context import EmulatorState
from ingest.emulator.help_center_store import Article, Collection
from ingest.emulator.knowledge_fields import markdown_of

#: The help centers' default locale: its content is an article's main title and body.
DEFAULT_LOCALE = "en"
#: The ``workspace_id`` every object carries (also the ``app.id_code`` of ``/me``).
WORKSPACE_ID = "emulator"

_STATISTICS = {
    "type": "article_statistics",
    "views": 0,
    "conversions": 0,
    "reactions": 0,
    "happy_reaction_percentage": 0.0,
    "neutral_reaction_percentage": 0.0,
    "sad_reaction_percentage": 0.0,
}


def help_center_api(site: EmulatorHelpCenter, created_at: int) -> dict[str, Any]:
    """The ``help_center`` JSON object."""
    return {
        "id": str(site.id),
        "workspace_id": WORKSPACE_ID,
        "created_at": created_at,
        "updated_at": created_at,
        "identifier": site.identifier,
        "website_turned_on": True,
        "display_name": site.display_name,
        "url": site.url,
        "custom_domain": None,
    }


def collection_api(state: EmulatorState, collection: Collection) -> dict[str, Any]:
    """The ``collection`` JSON object."""
    root = _root(state, collection.help_center_id)
    body: dict[str, Any] = {
        "id": str(collection.id),
        "workspace_id": WORKSPACE_ID,
        "name": collection.name,
        "description": collection.description,
        "created_at": collection.created_at,
        "updated_at": collection.updated_at,
        "url": f"{root}/{DEFAULT_LOCALE}/collections/{collection.id}-{_slug(collection.name)}",
        "icon": None,
        "order": 0,
        "parent_id": None if collection.parent_id is None else str(collection.parent_id),
        "help_center_id": collection.help_center_id,
    }
    if collection.translations:
        body["default_locale"] = DEFAULT_LOCALE
        body["translated_content"] = {
            "type": "group_translated_content",
            **{locale: {"type": "group_content", **c} for locale, c in collection.translations.items()},
        }
    return body


def article_api(state: EmulatorState, article: Article, *, full: bool = True) -> dict[str, Any]:
    """The ``article`` JSON object, or with ``full=False`` the ``article_list_item`` (no statistics),
    with every field any version shows: :func:`~ingest.emulator.versions.article_shape` keeps
    those of one version."""
    store = state.store.help_center
    root = _root(state, store.help_center_of(article, state.config.help_centers[0].id))
    body: dict[str, Any] = {
        "type": "article",
        "id": str(article.id),
        "workspace_id": WORKSPACE_ID,
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "author_id": article.author_id,
        "state": article.state,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "url": _article_url(root, DEFAULT_LOCALE, article.id, article.title, article.state),
        "parent_id": article.parent_id,
        "parent_ids": [] if article.parent_id is None else [article.parent_id],
        "parent_type": article.parent_type,
        "tags": state.store.tags.tag_list(("article", str(article.id))),
        "ai_chatbot_availability": article.ai_chatbot_availability,
        "ai_copilot_availability": article.ai_copilot_availability,
        "ai_sales_agent_availability": article.ai_sales_agent_availability,
        "body_markdown": markdown_of(article.body, article.body_markdown),
    }
    if article.translations:
        body["default_locale"] = DEFAULT_LOCALE
        body["translated_content"] = {
            "type": "article_translated_content",
            **{
                locale: _translation_api(root, locale, article.id, content)
                for locale, content in article.translations.items()
            },
        }
    if full:
        body["statistics"] = dict(_STATISTICS)
    return body


def all_collections(state: EmulatorState) -> list[dict[str, Any]]:
    """Every collection in API shape, as ``GET /help_center/collections`` orders them."""
    return [collection_api(state, c) for c in state.store.help_center.collections()]


def all_articles(state: EmulatorState) -> list[dict[str, Any]]:
    """Every article in the full ``article`` shape, as ``GET /articles`` orders them."""
    return [article_api(state, a) for a in state.store.help_center.articles()]


def _root(state: EmulatorState, help_center_id: int) -> str:
    sites = state.config.help_centers
    site = next((s for s in sites if s.id == help_center_id), sites[0])
    return site.url.rstrip("/")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


def _article_url(root: str, locale: str, article_id: int, title: str, state: str) -> str | None:
    return f"{root}/{locale}/articles/{article_id}-{_slug(title)}" if state == "published" else None


def _translation_api(root: str, locale: str, article_id: int, content: dict[str, Any]) -> dict[str, Any]:
    body = {"type": "article_content", **content}
    url = _article_url(root, locale, article_id, content.get("title", ""), content.get("state", "draft"))
    if url is not None:
        body["url"] = url
    return body
