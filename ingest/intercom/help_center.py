"""The Help Center endpoints of the client: admins, help centers, collections and articles.

:class:`HelpCenterEndpoints` is a base of :class:`~ingest.intercom.client.IntercomClient`;
use it through that class. Creating a collection or an article is not idempotent (the
API has no external id to upsert by), so neither is retried after a failure that may have
reached the server unless the caller gives a ``look_up``: what a lost answer may have created
(by name in the parent collection, by title), looked for before each new attempt.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Literal

from yarl import URL

from ingest.errors import ApiError
from ingest.intercom.article_models import (
    Admin,
    Article,
    ArticleCreateRequest,
    ArticleUpdateRequest,
    Collection,
    HelpCenter,
)
from ingest.intercom.models import id_segment, parse_answer
from ingest.intercom.pagination import next_page_url
from ingest.intercom.transport import IntercomTransport

_ADMINS = "/admins"
_HELP_CENTERS = "/help_center/help_centers"
_COLLECTIONS = "/help_center/collections"
_ARTICLES = "/articles"
_SEARCH = "/articles/search"

#: What ``search_articles`` may filter on: one state, or ``all``.
SearchState = Literal["published", "draft", "all"]


class HelpCenterEndpoints(IntercomTransport):
    """Typed Help Center calls on top of :meth:`IntercomTransport.request` and ``paginate``."""

    # Workspace ------------------------------------------------------------------------

    async def list_admins(self) -> list[Admin]:
        """The workspace's teammates: the ids an article's ``author_id`` may name."""
        result = await self.request("GET", _ADMINS)
        admins = result.get("admins") if isinstance(result, dict) else None
        if not isinstance(admins, list):
            raise ApiError(f"Intercom's answer to GET {_ADMINS} has no 'admins' list")
        return [parse_answer(Admin, item, _ADMINS) for item in admins]

    async def list_help_centers(self) -> list[HelpCenter]:
        """Every Help Center of the workspace."""
        return [parse_answer(HelpCenter, item, _HELP_CENTERS) async for item in self.paginate(_HELP_CENTERS)]

    # Collections ----------------------------------------------------------------------

    async def list_collections(self) -> list[Collection]:
        """Every collection of every Help Center, nested ones included (all pages)."""
        return [parse_answer(Collection, item, _COLLECTIONS) async for item in self.paginate(_COLLECTIONS)]

    async def get_collection(self, collection_id: str) -> Collection:
        """One collection by its id."""
        path = f"{_COLLECTIONS}/{id_segment(collection_id)}"
        return parse_answer(Collection, await self.request("GET", path), path)

    async def create_collection(
        self,
        name: str,
        *,
        parent_id: str | None = None,
        help_center_id: int | None = None,
        description: str | None = None,
        look_up: Callable[[], Awaitable[Collection | None]] | None = None,
    ) -> Collection:
        """Create a collection, top level or (with ``parent_id``) inside another one.

        ``help_center_id`` ``None`` means the default Help Center (or the parent's).
        After an ambiguous failure (a 5xx, a dropped connection) a retry could create a second
        collection: it is retried only with ``look_up``, which finds the one the failed attempt
        made (returned as created) or says None (sent again).
        """
        body: dict[str, Any] = {"name": name}
        if parent_id is not None:
            body["parent_id"] = parent_id
        if help_center_id is not None:
            body["help_center_id"] = help_center_id
        if description is not None:
            body["description"] = description
        result = await self.request("POST", _COLLECTIONS, json=body, retry=False, look_up=look_up)
        return result if isinstance(result, Collection) else parse_answer(Collection, result, _COLLECTIONS)

    async def delete_collection(self, collection_id: str) -> None:
        """Delete a collection (one that still holds collections or articles may be refused)."""
        await self.request("DELETE", f"{_COLLECTIONS}/{id_segment(collection_id)}")

    # Articles -------------------------------------------------------------------------

    async def list_articles(self) -> AsyncIterator[Article]:
        """Every article, most recently updated first, page after page."""
        async for item in self.paginate(_ARTICLES):
            yield parse_answer(Article, item, _ARTICLES)

    async def search_articles(
        self, phrase: str, *, state: SearchState | None = None, help_center_id: int | None = None
    ) -> list[Article]:
        """Articles matching ``phrase`` (all pages); ``state`` is ``published``, ``draft`` or ``all``."""
        params: dict[str, str | int] = {"phrase": phrase}
        if state is not None:
            params["state"] = state
        if help_center_id is not None:
            params["help_center_id"] = help_center_id
        found: list[Article] = []
        seen: set[tuple[tuple[str, str], ...]] = set()
        while True:
            key = tuple(sorted((name, str(value)) for name, value in params.items()))
            if key in seen:
                raise ApiError(f"Intercom's pagination of {_SEARCH} leads back to the same page")
            seen.add(key)
            result = await self.request("GET", _SEARCH, params=params)
            found.extend(parse_answer(Article, item, _SEARCH) for item in _search_hits(result))
            following = _next_search_params(result, params, self.base_url)
            if following is None:
                return found
            params = following

    async def get_article(self, article_id: str) -> Article:
        """One article by its id, with its translations."""
        path = f"{_ARTICLES}/{id_segment(article_id)}"
        return parse_answer(Article, await self.request("GET", path), path)

    async def create_article(
        self,
        request: ArticleCreateRequest,
        *,
        look_up: Callable[[], Awaitable[Article | None]] | None = None,
    ) -> Article:
        """Create an article.

        After an ambiguous failure (a 5xx, a dropped connection) a retry could create a second
        article, since articles carry no external id: it is retried only with ``look_up``, which
        finds the one the failed attempt made (returned as created) or says None (sent again).
        """
        result = await self.request("POST", _ARTICLES, json=request.to_body(), retry=False, look_up=look_up)
        return result if isinstance(result, Article) else parse_answer(Article, result, _ARTICLES)

    async def update_article(self, article_id: str, request: ArticleUpdateRequest) -> Article:
        """Update the fields the request sets; the others keep their value. Idempotent, so retried."""
        path = f"{_ARTICLES}/{id_segment(article_id)}"
        return parse_answer(Article, await self.request("PUT", path, json=request.to_body()), path)

    async def delete_article(self, article_id: str) -> None:
        """Delete an article."""
        await self.request("DELETE", f"{_ARTICLES}/{id_segment(article_id)}")


def _search_hits(result: Any) -> list[Any]:
    data = result.get("data") if isinstance(result, dict) else None
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise ApiError(f"Intercom's answer to GET {_SEARCH} has no 'data.articles' list")
    return articles


def _next_search_params(
    result: Any, params: Mapping[str, str | int], base: URL
) -> dict[str, str | int] | None:
    """The query of the next page of results (either shape of ``pages.next``), or None after the last."""
    current = URL(str(base).rstrip("/") + _SEARCH).with_query({k: str(v) for k, v in params.items()})
    pages = result.get("pages") if isinstance(result, dict) else None
    following = next_page_url(pages, current=current, base=base)
    return None if following is None else dict(following.query)
