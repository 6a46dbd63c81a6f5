"""The emulator's internal articles: knowledge for teammates and Copilot, never shown to customers.

Handlers validate requests (:mod:`ingest.emulator.internal_articles`); this store keeps the
records and turns them into the ``internal_article`` JSON shape. Lists are newest
``updated_at`` first, as Intercom lists articles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.emulator.knowledge_fields import markdown_of

#: Seconds since the UNIX epoch, as an integer: the API's timestamp type.
UnixTime = int

#: The locale every internal article has: 2.15 takes none on create, so each is in the
#: workspace's default language (the emulated workspace's is English).
WORKSPACE_LOCALE = "en"


@dataclass(slots=True)
class InternalArticle:
    """An internal article: one language, no state, no collection, no external id."""

    id: int
    title: str
    body: str
    author_id: int
    owner_id: int
    created_at: UnixTime
    updated_at: UnixTime
    # 2.16: each false unless a write says otherwise (the description's default). Defaults, so
    # data saved before them still loads.
    ai_chatbot_availability: bool = False
    ai_copilot_availability: bool = False
    ai_sales_agent_availability: bool = False
    #: The Markdown the body was written in (2.16 ``body_markdown``); None when written as HTML.
    body_markdown: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The ``internal_article`` JSON object with every field any version shows
        (:func:`~ingest.emulator.versions.internal_article_shape` keeps one version's)."""
        return {
            "type": "internal_article",
            "id": str(self.id),
            "title": self.title,
            "body": self.body,
            "owner_id": self.owner_id,
            "author_id": self.author_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "locale": WORKSPACE_LOCALE,
            "ai_chatbot_availability": self.ai_chatbot_availability,
            "ai_copilot_availability": self.ai_copilot_availability,
            "ai_sales_agent_availability": self.ai_sales_agent_availability,
            "body_markdown": markdown_of(self.body, self.body_markdown),
        }


@dataclass
class InternalArticleStore:
    """Internal articles in memory; ``on_change`` is called after every write."""

    now: Callable[[], UnixTime]
    on_change: Callable[[], None]
    next_id: int = 1
    _articles: dict[int, InternalArticle] = field(default_factory=dict)

    def create(
        self, *, title: str, body: str, author_id: int, owner_id: int, extra: dict[str, Any] | None = None
    ) -> InternalArticle:
        """A new internal article with the next id; ``extra`` sets fields later versions added."""
        now = self.now()
        article = InternalArticle(self.next_id, title, body, author_id, owner_id, now, now)
        for name, value in (extra or {}).items():
            setattr(article, name, value)
        self.next_id += 1
        self._articles[article.id] = article
        self.on_change()
        return article

    def get(self, article_id: int) -> InternalArticle | None:
        """The internal article with this id, if any."""
        return self._articles.get(article_id)

    def update(self, article: InternalArticle, changes: dict[str, Any]) -> InternalArticle:
        """Set the given attributes and ``updated_at``."""
        for name, value in changes.items():
            setattr(article, name, value)
        article.updated_at = self.now()
        self.on_change()
        return article

    def delete(self, article_id: int) -> InternalArticle | None:
        """Remove an internal article and return it, or ``None`` if it did not exist."""
        article = self._articles.pop(article_id, None)
        if article is not None:
            self.on_change()
        return article

    def all(self) -> list[InternalArticle]:
        """Every internal article, most recently updated first (equal times: newest id first)."""
        return sorted(self._articles.values(), key=lambda a: (a.updated_at, a.id), reverse=True)

    def clear(self) -> None:
        """Delete everything; ids keep increasing so stale ids never name new articles."""
        self._articles.clear()
        self.on_change()

    def dump(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data (see :meth:`load`)."""
        return {"next_id": self.next_id, "articles": [asdict(a) for a in self._articles.values()]}

    def load(self, data: dict[str, Any]) -> None:
        """Replace the contents with a :meth:`dump`; raises KeyError/TypeError/ValueError if malformed."""
        articles = {a.id: a for a in (InternalArticle(**a) for a in data["articles"])}
        self._articles = articles
        self.next_id = max([int(data["next_id"]), *(i + 1 for i in articles)])
        self.on_change()
