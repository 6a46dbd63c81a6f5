"""Bulk actions once accepted: queued, then carried out later, in the order they came.

Intercom answers ``POST /content/bulk_actions`` with 202 before doing anything; the emulator
does the same. A queued action is carried out ``EmulatorConfig.bulk_action_delay_seconds``
after it was accepted, or at once when the control API flushes the queue
(``POST /_emulator/bulk_actions/flush``); with no delay (``None``) actions wait for a flush, which
makes tests deterministic. Whatever is still queued when the emulator stops is carried out first.

Items naming content the emulator does not hold (a deleted page, a content snippet) are
skipped, as a background job would skip them. An article's content in one locale
(``article_content``) is named ``<article id>-<locale>`` here: the description gives those ids
only through ``/content/search``, which the emulator does not serve.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingest.emulator.help_center_store import Article
from ingest.emulator.internal_articles_store import WORKSPACE_LOCALE as DEFAULT_LOCALE
from ingest.emulator.internal_articles_store import InternalArticle
from ingest.emulator.store import Store
from ingest.emulator.tags import ContentKey

log = logging.getLogger(__name__)

#: ``set_availability``'s flags, by the field each sets on an External Page and on an article.
_PAGE_FLAGS = {
    "ai_agent": "ai_agent_availability",
    "copilot": "ai_copilot_availability",
    "sales_agent": "ai_sales_agent_availability",
}
_ARTICLE_FLAGS = {
    "ai_agent": "ai_chatbot_availability",
    "copilot": "ai_copilot_availability",
    "sales_agent": "ai_sales_agent_availability",
}


@dataclass(frozen=True)
class BulkAction:
    """One accepted bulk action: the items its action takes (others were dropped) and its parameters."""

    action: str
    items: tuple[ContentKey, ...]
    #: ``availability``, ``audience`` or ``tags``, as sent (validated).
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "content_ids": [{"type": kind, "id": content_id} for kind, content_id in self.items],
            **self.parameters,
        }


class BulkQueue:
    """Accepted bulk actions not carried out yet. Used from the app's event loop only."""

    def __init__(self, store: Store, delay: float | None, after: Callable[[], None]) -> None:
        self._store = store
        self._delay = delay
        self._after = after
        self._pending: deque[BulkAction] = deque()
        self._timers: list[asyncio.TimerHandle] = []

    def enqueue(self, action: BulkAction) -> None:
        """Queue ``action``; with a delay, carry out the oldest queued one when it has passed."""
        self._pending.append(action)
        if self._delay is not None:
            self._timers.append(asyncio.get_running_loop().call_later(self._delay, self._carry_out_oldest))

    def pending(self) -> list[BulkAction]:
        return list(self._pending)

    def flush(self) -> int:
        """Carry out every queued action, oldest first; how many there were."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        count = len(self._pending)
        while self._pending:
            self._carry_out(self._pending.popleft())
        if count:
            self._after()
        return count

    def clear(self) -> None:
        """Drop what is queued, never to be carried out (a reset; a job Intercom lost)."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._pending.clear()

    def _carry_out_oldest(self) -> None:
        if self._timers:
            self._timers.pop(0)
        if self._pending:
            self._carry_out(self._pending.popleft())
            try:
                self._after()
            except OSError:
                log.exception("emulator: cannot save the data file after a bulk action")

    def _carry_out(self, action: BulkAction) -> None:
        for kind, content_id in action.items:
            _EFFECTS[action.action](self._store, kind, content_id, action.parameters)


def _set_availability(store: Store, kind: str, content_id: str, parameters: dict[str, Any]) -> None:
    flags: dict[str, bool] = parameters["availability"]
    if kind == "external_content":
        page = store.get_page(content_id)
        if page is not None:
            for flag, value in flags.items():
                setattr(page, _PAGE_FLAGS[flag], value)
            store.touch()
    elif kind == "internal_article":
        article = _internal_article(store, content_id)
        if article is not None:
            store.internal_articles.update(article, {_ARTICLE_FLAGS[f]: v for f, v in flags.items()})
    elif kind == "article_content":
        _change_article_content(store, content_id, {_ARTICLE_FLAGS[f]: v for f, v in flags.items()})


def _publish(store: Store, kind: str, content_id: str, parameters: dict[str, Any]) -> None:
    _change_article_content(store, content_id, {"state": parameters["state"]})


def _delete(store: Store, kind: str, content_id: str, parameters: dict[str, Any]) -> None:
    if kind == "internal_article":
        internal = _internal_article(store, content_id)
        if internal is not None:
            store.internal_articles.delete(internal.id)
            store.tags.forget((kind, content_id))
    elif kind == "article_content":
        found = _article_content(store, content_id)
        if found is None:
            return
        article, locale = found
        if locale == DEFAULT_LOCALE:
            store.help_center.delete_article(article.id)
            store.tags.forget(("article", str(article.id)))
        else:
            del article.translations[locale]
            store.touch()


def _set_audience(store: Store, kind: str, content_id: str, parameters: dict[str, Any]) -> None:
    audience: dict[str, Any] = parameters["audience"]
    key = (kind, content_id)
    if not _exists(store, key):
        return
    segments = set() if audience.get("remove_all") else store.segments.of(key)
    segments |= set(audience.get("add_segment_ids", ()))
    segments -= set(audience.get("remove_segment_ids", ()))
    store.segments.set(key, segments)


def _update_tags(store: Store, kind: str, content_id: str, parameters: dict[str, Any]) -> None:
    tags: dict[str, list[int]] = parameters["tags"]
    key = (kind, content_id)
    if _exists(store, key):
        store.tags.apply(key, tags.get("add_tag_ids", ()), tags.get("remove_tag_ids", ()))


_EFFECTS: dict[str, Callable[[Store, str, str, dict[str, Any]], None]] = {
    "set_availability": _set_availability,
    "publish": _publish,
    "unpublish": _publish,
    "delete": _delete,
    "set_audience": _set_audience,
    "update_tags": _update_tags,
}


def _exists(store: Store, key: ContentKey) -> bool:
    kind, content_id = key
    if kind == "external_content":
        return store.get_page(content_id) is not None
    if kind == "internal_article":
        return _internal_article(store, content_id) is not None
    if kind == "article":
        return content_id.isdigit() and store.help_center.get_article(int(content_id)) is not None
    if kind == "article_content":
        return _article_content(store, content_id) is not None
    return False  # content snippets and files: the emulator holds none


def _internal_article(store: Store, content_id: str) -> InternalArticle | None:
    return store.internal_articles.get(int(content_id)) if content_id.isdigit() else None


def _article_content(store: Store, content_id: str) -> tuple[Article, str] | None:
    """The article and locale ``<article id>-<locale>`` names, when the article has that locale."""
    article_id, _, locale = content_id.partition("-")
    article = store.help_center.get_article(int(article_id)) if article_id.isdigit() else None
    if article is None or not (locale == DEFAULT_LOCALE or locale in article.translations):
        return None
    return article, locale


def _change_article_content(store: Store, content_id: str, changes: dict[str, Any]) -> None:
    found = _article_content(store, content_id)
    if found is None:
        return
    article, locale = found
    if locale == DEFAULT_LOCALE:
        for name, value in changes.items():
            setattr(article, name, value)
    else:
        article.translations[locale].update(changes)
    store.touch()
