"""The Help Center endpoints send the documented requests, parse the answers, and retry only what is safe."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from ingest.errors import ApiError, RejectedError, RetryableApiError
from ingest.intercom import (
    Admin,
    Article,
    ArticleContent,
    ArticleCreateRequest,
    ArticleUpdateRequest,
    Collection,
    HelpCenter,
    IntercomClient,
)

from .fakes import BASE_URL, FakeTime, MockApi, error_list

ARTICLES = f"{BASE_URL}/articles"
COLLECTIONS = f"{BASE_URL}/help_center/collections"
SEARCH = f"{BASE_URL}/articles/search"


def article(article_id: str = "42", **extra: Any) -> dict[str, Any]:
    """An article object as the API returns it."""
    return {
        "type": "article",
        "id": article_id,
        "workspace_id": "abc",
        "title": "Install",
        "description": "",
        "body": "<p>Run</p>",
        "author_id": 991267497,
        "state": "published",
        "parent_id": 145,
        "parent_ids": [144, 145],
        "parent_type": "collection",
        "created_at": 1734537288,
        "updated_at": 1734537288,
        "url": "http://help-center.test/myapp/en/articles/42-install",
        **extra,
    }


def collection(collection_id: str = "165", parent_id: str | None = None) -> dict[str, Any]:
    """A collection object as the API returns it."""
    return {
        "id": collection_id,
        "workspace_id": "abc",
        "name": f"Collection {collection_id}",
        "url": "http://help-center.test/myapp/",
        "order": 1,
        "created_at": 1734537312,
        "updated_at": 1734537312,
        "description": "",
        "icon": "book-bookmark",
        "parent_id": parent_id,
        "help_center_id": 81,
    }


def cursor_list(items: list[dict[str, Any]], cursor: str | None = None) -> dict[str, Any]:
    """A list answer whose pages.next is the spec's cursor object (or absent)."""
    pages: dict[str, Any] = {"type": "pages", "page": 1, "per_page": len(items), "total_pages": 2}
    if cursor is not None:
        pages["next"] = {"per_page": len(items), "starting_after": cursor}
    return {"type": "list", "data": items, "pages": pages, "total_count": 2}


def sent(mock_api: MockApi) -> list[tuple[str, str, Any]]:
    """Every request sent as (method, url, parsed JSON body or None)."""
    return [
        (method, url, json.loads(kwargs["data"]) if kwargs.get("data") else None)
        for method, url, kwargs in mock_api.sent()
    ]


def create_request(**overrides: Any) -> ArticleCreateRequest:
    """A create request filed in collection 145, with a French translation."""
    fields: dict[str, Any] = {
        "title": "Install",
        "author_id": 991267497,
        "body": "<p>Run</p>",
        "state": "published",
        "parent_id": 145,
        "translated_content": {"fr": ArticleContent(title="Installer", body="<p>Lancer</p>")},
    }
    return ArticleCreateRequest(**{**fields, **overrides})


async def test_list_admins(client: IntercomClient, mock_api: MockApi) -> None:
    """list_admins GETs /admins and returns its admins with string ids."""
    admin = {
        "type": "admin",
        "id": "991267466",
        "name": "Ciaran Lee",
        "email": "c@example.com",
        "team_ids": [],
    }
    mock_api.get(f"{BASE_URL}/admins", payload={"type": "admin.list", "admins": [admin]})

    assert await client.list_admins() == [Admin(id="991267466", name="Ciaran Lee", email="c@example.com")]


async def test_list_admins_refuses_an_answer_without_admins(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """An /admins answer without an admins list is an ApiError, not a crash."""
    mock_api.get(f"{BASE_URL}/admins", payload={"type": "list", "data": []})

    with pytest.raises(ApiError, match="'admins'"):
        await client.list_admins()


async def test_list_help_centers(client: IntercomClient, mock_api: MockApi) -> None:
    """list_help_centers GETs /help_center/help_centers and parses each one."""
    center = {
        "id": "93",
        "identifier": "help-center-1",
        "display_name": "Help",
        "url": "https://help.example",
    }
    mock_api.get(f"{BASE_URL}/help_center/help_centers", payload={"type": "list", "data": [center]})

    assert await client.list_help_centers() == [
        HelpCenter(id="93", identifier="help-center-1", display_name="Help", url="https://help.example")
    ]


async def test_list_collections_follows_cursor_pages(client: IntercomClient, mock_api: MockApi) -> None:
    """list_collections reads every page, sending starting_after and per_page from pages.next."""
    mock_api.get(COLLECTIONS, payload=cursor_list([collection("1")], cursor="c1"))
    mock_api.get(f"{COLLECTIONS}?per_page=1&starting_after=c1", payload=cursor_list([collection("2", "1")]))

    collections = await client.list_collections()

    assert [(c.id, c.parent_id, c.help_center_id) for c in collections] == [("1", None, 81), ("2", "1", 81)]
    assert [url for _, url, _ in sent(mock_api)] == [
        COLLECTIONS,
        f"{COLLECTIONS}?per_page=1&starting_after=c1",
    ]


async def test_get_create_and_delete_collection(client: IntercomClient, mock_api: MockApi) -> None:
    """create_collection sends name and only the options given; get and delete use the id path."""
    mock_api.post(COLLECTIONS, payload=collection("166", "165"), repeat=2)
    mock_api.get(f"{COLLECTIONS}/166", payload=collection("166", "165"))
    mock_api.delete(f"{COLLECTIONS}/166", payload={"id": "166", "object": "collection", "deleted": True})

    created = await client.create_collection("Install", parent_id="165", help_center_id=81, description="d")
    await client.create_collection("Top")
    assert isinstance(created, Collection)
    assert (created.id, created.parent_id) == ("166", "165")
    assert (await client.get_collection("166")) == created
    assert await client.delete_collection("166") is None

    assert sent(mock_api) == [
        (
            "POST",
            COLLECTIONS,
            {"name": "Install", "parent_id": "165", "help_center_id": 81, "description": "d"},
        ),
        ("POST", COLLECTIONS, {"name": "Top"}),
        ("GET", f"{COLLECTIONS}/166", None),
        ("DELETE", f"{COLLECTIONS}/166", None),
    ]


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "payload": error_list("server_error", "Oops")},
        {"exception": aiohttp.ServerDisconnectedError()},
    ],
    ids=["500", "dropped"],
)
async def test_create_collection_is_not_retried(
    client: IntercomClient, mock_api: MockApi, failure: dict[str, Any]
) -> None:
    """A 5xx or a dropped connection on creating a collection is raised after one POST (no duplicate)."""
    mock_api.post(COLLECTIONS, **failure)
    mock_api.post(COLLECTIONS, payload=collection())

    with pytest.raises(RetryableApiError):
        await client.create_collection("Install")

    assert mock_api.count() == 1


async def test_create_article_posts_the_request_body(client: IntercomClient, mock_api: MockApi) -> None:
    """create_article POSTs exactly request.to_body() and parses the article."""
    request = create_request()
    mock_api.post(ARTICLES, payload=article("42"))

    created = await client.create_article(request)

    assert isinstance(created, Article)
    assert (created.id, created.parent_id, created.parent_ids) == ("42", 145, (144, 145))
    [(_, _, kwargs)] = mock_api.sent()
    assert kwargs["data"] == request.to_json_bytes()
    assert json.loads(kwargs["data"]) == {
        "title": "Install",
        "author_id": 991267497,
        "body": "<p>Run</p>",
        "state": "published",
        "parent_id": 145,
        "parent_type": "collection",
        "translated_content": {"fr": {"title": "Installer", "body": "<p>Lancer</p>"}},
    }


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "payload": error_list("server_error", "Oops")},
        {"status": 503, "payload": error_list("service_unavailable", "Busy")},
        {"exception": aiohttp.ServerDisconnectedError()},
    ],
    ids=["500", "503", "dropped"],
)
async def test_create_article_is_not_retried(
    client: IntercomClient, mock_api: MockApi, failure: dict[str, Any]
) -> None:
    """A 5xx or a dropped connection on creating an article is raised after exactly one POST."""
    mock_api.post(ARTICLES, **failure)
    mock_api.post(ARTICLES, payload=article())

    with pytest.raises(RetryableApiError):
        await client.create_article(create_request())

    assert mock_api.count() == 1


async def test_create_article_rejection_names_the_field(client: IntercomClient, mock_api: MockApi) -> None:
    """A 400 on create is a RejectedError carrying Intercom's field."""
    mock_api.post(
        ARTICLES, status=400, payload=error_list("parameter_invalid", "bad author", field="author_id")
    )

    with pytest.raises(RejectedError) as caught:
        await client.create_article(create_request())

    assert (caught.value.status, caught.value.field) == (400, "author_id")


async def test_update_article_is_retried_on_503(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """An update is idempotent: a 503 is retried and the second answer returned."""
    path = f"{ARTICLES}/42"
    mock_api.put(path, status=503, payload=error_list("service_unavailable", "Busy"))
    mock_api.put(path, payload=article("42", title="New"))
    request = ArticleUpdateRequest(title="New", parent_id="145")

    updated = await client.update_article("42", request)

    assert updated.title == "New"
    assert [(method, url, body) for method, url, body in sent(mock_api)] == [
        ("PUT", path, {"title": "New", "parent_id": "145", "parent_type": "collection"}),
    ] * 2
    assert len(fake_time.sleeps) == 1


async def test_update_article_sends_only_what_is_set(client: IntercomClient, mock_api: MockApi) -> None:
    """An update with only a translation sends only translated_content (state is not sent, so kept)."""
    mock_api.put(f"{ARTICLES}/42", payload=article("42"))

    await client.update_article(
        "42", ArticleUpdateRequest(translated_content={"de": ArticleContent(title="DE", state="draft")})
    )

    [(_, _, body)] = sent(mock_api)
    assert body == {"translated_content": {"de": {"title": "DE", "state": "draft"}}}


async def test_list_articles_follows_cursor_pages(client: IntercomClient, mock_api: MockApi) -> None:
    """list_articles yields the articles of every page, in order."""
    mock_api.get(ARTICLES, payload=cursor_list([article("2")], cursor="x"))
    mock_api.get(f"{ARTICLES}?per_page=1&starting_after=x", payload=cursor_list([article("1")]))

    assert [a.id async for a in client.list_articles()] == ["2", "1"]


async def test_get_and_delete_article(client: IntercomClient, mock_api: MockApi) -> None:
    """get_article parses translations by locale; delete_article DELETEs by id."""
    translations = {
        "type": "article_translated_content",
        "fr": {"type": "article_content", "title": "Installer", "state": "draft", "author_id": 5},
    }
    mock_api.get(f"{ARTICLES}/42", payload=article("42", translated_content=translations))
    mock_api.delete(f"{ARTICLES}/42", payload={"id": "42", "object": "article", "deleted": True})

    read = await client.get_article("42")
    await client.delete_article("42")

    assert list(read.translated_content) == ["fr"]
    assert (read.translated_content["fr"].title, read.translated_content["fr"].author_id) == ("Installer", 5)
    assert [(method, url) for method, url, _ in sent(mock_api)] == [
        ("GET", f"{ARTICLES}/42"),
        ("DELETE", f"{ARTICLES}/42"),
    ]


async def test_search_sends_the_filters_and_follows_pages(client: IntercomClient, mock_api: MockApi) -> None:
    """search_articles sends phrase, state and help_center_id, and reads every page of data.articles."""
    first = f"{SEARCH}?help_center_id=7&phrase=Getting+started&state=published"
    page = {"type": "list", "total_count": 2, "data": {"articles": [article("1")], "highlights": []}}
    mock_api.get(
        first, payload={**page, "pages": {"type": "pages", "next": {"per_page": 1, "starting_after": "c"}}}
    )
    mock_api.get(
        f"{first}&per_page=1&starting_after=c", payload={**page, "data": {"articles": [article("2")]}}
    )

    found = await client.search_articles("Getting started", state="published", help_center_id=7)

    assert [a.id for a in found] == ["1", "2"]
    assert mock_api.count() == 2


async def test_search_with_only_a_phrase(client: IntercomClient, mock_api: MockApi) -> None:
    """Without filters only phrase is sent; one page without next ends the search."""
    mock_api.get(f"{SEARCH}?phrase=install", payload={"type": "list", "data": {"articles": []}})

    assert await client.search_articles("install") == []


async def test_search_refuses_an_answer_without_articles(client: IntercomClient, mock_api: MockApi) -> None:
    """A search answer whose data is not {articles: [...]} is an ApiError."""
    mock_api.get(f"{SEARCH}?phrase=x", payload={"type": "list", "data": []})

    with pytest.raises(ApiError, match=r"data\.articles"):
        await client.search_articles("x")


async def test_search_stops_a_pagination_loop(client: IntercomClient, mock_api: MockApi) -> None:
    """A pages.next that leads back to a page already read is an ApiError, not an endless loop."""
    looping = {"type": "list", "data": {"articles": []}, "pages": {"next": {"starting_after": "c"}}}
    mock_api.get(f"{SEARCH}?phrase=x", payload=looping)
    mock_api.get(f"{SEARCH}?phrase=x&starting_after=c", payload=looping, repeat=True)

    with pytest.raises(ApiError, match="leads back"):
        await client.search_articles("x")


async def test_an_empty_article_id_is_refused(client: IntercomClient, mock_api: MockApi) -> None:
    """An empty id is refused before sending anything."""
    with pytest.raises(ValueError, match="empty"):
        await client.get_article("")
    assert mock_api.count() == 0
