"""The emulator's Help Center data: nested collections and the articles filed in them.

Handlers validate requests (a parent exists, a move makes no cycle); this store keeps the
records, and :mod:`ingest.emulator.help_center_shapes` turns them into the API's JSON.
Help centers and admins are not data but configuration
(:class:`~ingest.emulator.config.EmulatorConfig`). Lists are newest ``updated_at`` first,
as Intercom lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

#: Seconds since the UNIX epoch, as an integer: the API's timestamp type.
UnixTime = int

#: Per-locale content: ``title``, ``description``, ``body``, ``author_id``, ``state`` and times
#: for articles; ``name`` and ``description`` for collections.
Translations = dict[str, dict[str, Any]]


@dataclass(slots=True)
class Collection:
    """A collection; ``parent_id`` ``None`` is a top-level collection of its help center."""

    id: int
    name: str
    description: str
    parent_id: int | None
    help_center_id: int
    translations: Translations
    created_at: UnixTime
    updated_at: UnixTime


@dataclass(slots=True)
class Article:
    """An article, standing alone (``parent_id`` ``None``) or filed in a collection."""

    id: int
    title: str
    description: str
    body: str
    author_id: int
    state: str
    parent_id: int | None
    parent_type: str | None
    translations: Translations
    created_at: UnixTime
    updated_at: UnixTime
    # 2.16: Fin and Copilot use a Help Center article unless told otherwise (as they did before
    # the API could say), Fin for sales does not. Defaults, so data saved before them still loads.
    ai_chatbot_availability: bool = True
    ai_copilot_availability: bool = True
    ai_sales_agent_availability: bool = False
    #: The Markdown the body was written in (2.16 ``body_markdown``); None when written as HTML.
    body_markdown: str | None = None


@dataclass
class HelpCenterStore:
    """Collections and articles in memory; ``on_change`` is called after every write."""

    now: Callable[[], UnixTime]
    on_change: Callable[[], None]
    next_collection_id: int = 1
    next_article_id: int = 1
    _collections: dict[int, Collection] = field(default_factory=dict)
    _articles: dict[int, Article] = field(default_factory=dict)

    # -- collections -------------------------------------------------------------

    def create_collection(
        self,
        name: str,
        description: str,
        parent_id: int | None,
        help_center_id: int,
        translations: Translations,
    ) -> Collection:
        """A new collection with the next id; a ``parent_id`` must name an existing collection."""
        now = self.now()
        collection = Collection(
            self.next_collection_id, name, description, parent_id, help_center_id, translations, now, now
        )
        self.next_collection_id += 1
        self._collections[collection.id] = collection
        self.on_change()
        return collection

    def get_collection(self, collection_id: int) -> Collection | None:
        """The collection with this id, if any."""
        return self._collections.get(collection_id)

    def update_collection(self, collection: Collection, **changes: Any) -> Collection:
        """Set the given attributes and ``updated_at`` (the caller checked a new parent makes no cycle)."""
        for name, value in changes.items():
            setattr(collection, name, value)
        collection.updated_at = self.now()
        self.on_change()
        return collection

    def delete_collection(self, collection_id: int) -> Collection | None:
        """Remove a collection (the caller makes sure it is empty); ``None`` if it did not exist."""
        collection = self._collections.pop(collection_id, None)
        if collection is not None:
            self.on_change()
        return collection

    def children(self, collection_id: int) -> list[Collection]:
        """The collections directly under this one."""
        return [c for c in self._collections.values() if c.parent_id == collection_id]

    def articles_in(self, collection_id: int) -> list[Article]:
        """The articles filed directly in this collection."""
        return [a for a in self._articles.values() if a.parent_id == collection_id]

    def path_to(self, collection_id: int) -> list[int]:
        """Ids from the top-level collection down to this one (itself included)."""
        path: list[int] = []
        current = self._collections.get(collection_id)
        while current is not None and current.id not in path:
            path.append(current.id)
            current = None if current.parent_id is None else self._collections.get(current.parent_id)
        return path[::-1]

    def collections(self) -> list[Collection]:
        """Every collection, most recently updated first."""
        return newest_first(self._collections.values())

    # -- articles ----------------------------------------------------------------

    def create_article(
        self,
        *,
        title: str,
        description: str,
        body: str,
        author_id: int,
        state: str,
        parent_id: int | None,
        parent_type: str | None,
        translations: Translations,
        extra: dict[str, Any] | None = None,
    ) -> Article:
        """A new article with the next id; translations get the article's times. ``extra`` sets
        fields later versions added (availability, ``body_markdown``)."""
        now = self.now()
        for content in translations.values():
            content["created_at"] = content["updated_at"] = now
        article = Article(
            self.next_article_id,
            title,
            description,
            body,
            author_id,
            state,
            parent_id,
            parent_type,
            translations,
            now,
            now,
        )
        for name, value in (extra or {}).items():
            setattr(article, name, value)
        self.next_article_id += 1
        self._articles[article.id] = article
        self.on_change()
        return article

    def get_article(self, article_id: int) -> Article | None:
        """The article with this id, if any."""
        return self._articles.get(article_id)

    def update_article(
        self, article: Article, changes: dict[str, Any], translations: Translations
    ) -> Article:
        """Set the given attributes; merge ``translations`` field by field into the article's."""
        now = self.now()
        for name, value in changes.items():
            setattr(article, name, value)
        for locale, content in translations.items():
            existing = article.translations.setdefault(locale, {"created_at": now})
            existing.update(content)
            existing["updated_at"] = now
        article.updated_at = now
        self.on_change()
        return article

    def delete_article(self, article_id: int) -> Article | None:
        """Remove an article and return it, or ``None`` if it did not exist."""
        article = self._articles.pop(article_id, None)
        if article is not None:
            self.on_change()
        return article

    def articles(self) -> list[Article]:
        """Every article, most recently updated first."""
        return newest_first(self._articles.values())

    def help_center_of(self, article: Article, default: int) -> int:
        """The help center an article shows in: its collection's, or ``default``."""
        parent = None if article.parent_id is None else self._collections.get(article.parent_id)
        return default if parent is None else parent.help_center_id

    # -- whole store -------------------------------------------------------------

    def clear(self) -> None:
        """Delete everything; ids keep increasing so stale ids never name new objects."""
        self._collections.clear()
        self._articles.clear()
        self.on_change()

    def dump(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data (see :meth:`load`)."""
        return {
            "next_collection_id": self.next_collection_id,
            "next_article_id": self.next_article_id,
            "collections": [asdict(c) for c in self._collections.values()],
            "articles": [asdict(a) for a in self._articles.values()],
        }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the contents with a :meth:`dump`; raises KeyError/TypeError/ValueError if malformed."""
        collections = {c.id: c for c in (Collection(**c) for c in data["collections"])}
        articles = {a.id: a for a in (Article(**a) for a in data["articles"])}
        for child in collections.values():
            if child.parent_id is not None and child.parent_id not in collections:
                raise ValueError(f"collection {child.id} names unknown parent {child.parent_id}")
        for article in articles.values():
            if article.parent_id is not None and article.parent_id not in collections:
                raise ValueError(f"article {article.id} names unknown collection {article.parent_id}")
        self._collections, self._articles = collections, articles
        self.next_collection_id = max([int(data["next_collection_id"]), *(i + 1 for i in collections)])
        self.next_article_id = max([int(data["next_article_id"]), *(i + 1 for i in articles)])
        self.on_change()


_Item = TypeVar("_Item", "Collection", "Article")


def newest_first(items: Iterable[_Item]) -> list[_Item]:
    """Most recently updated first; equal times newest id first (the order cursors follow)."""
    return sorted(items, key=lambda item: (item.updated_at, item.id), reverse=True)
