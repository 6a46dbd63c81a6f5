"""Help Center articles over loopback: create, partial update, translations, delete, list, search."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from emulator_helpers import assert_error

from ingest.emulator import RunningEmulator

ARTICLES = "/articles"


async def call(
    client: aiohttp.ClientSession, method: str, path: str, json: Any = None, params: Any = None
) -> tuple[int, dict[str, Any]]:
    """Send one request; the status and the JSON answer."""
    async with client.request(method, path, json=json, params=params) as response:
        return response.status, await response.json()


async def create(client: aiohttp.ClientSession, title: str = "Guide", **extra: Any) -> dict[str, Any]:
    """Create an article by the default admin that must succeed; its JSON."""
    status, body = await call(client, "POST", ARTICLES, {"title": title, "author_id": 1, **extra})
    assert status == 200, body
    return body


async def collection(client: aiohttp.ClientSession, name: str, parent_id: str | None = None) -> str:
    """Create a collection; its string id."""
    status, body = await call(
        client, "POST", "/help_center/collections", {"name": name, "parent_id": parent_id}
    )
    assert status == 200, body
    collection_id: str = body["id"]
    return collection_id


@pytest.mark.parametrize("api_version", ["2.15"])  # parent_id and parent_type: 2.15 answers
async def test_a_new_article_is_a_standalone_draft(client: aiohttp.ClientSession) -> None:
    """With only title and author_id, the article is a draft with no parent, no URL, empty texts."""
    article = await create(client)
    assert isinstance(article["id"], str)
    assert article["type"] == "article"
    assert (article["state"], article["author_id"], article["url"]) == ("draft", 1, None)
    assert (article["parent_id"], article["parent_type"], article["parent_ids"]) == (None, None, [])
    assert (article["description"], article["body"]) == ("", "")
    assert "translated_content" not in article
    status, read = await call(client, "GET", f"{ARTICLES}/{article['id']}")
    assert (status, read) == (200, article)


@pytest.mark.parametrize("api_version", ["2.15"])  # parent_id and parent_type: 2.15 answers
async def test_a_published_article_in_a_nested_collection(client: aiohttp.ClientSession) -> None:
    """parent_id (integer) files it; parent_ids names the collections it is placed in (its direct
    parent, not the ancestry: "the ids of the parent collections to place this article in", as the
    Preview description says of the same field in requests); published gets a URL."""
    top = await collection(client, "Guides")
    child = await collection(client, "Install", parent_id=top)
    article = await create(
        client,
        "Install on Linux",
        body="<p>Run it</p>",
        description="How to",
        state="published",
        parent_id=int(child),
    )
    assert (article["parent_id"], article["parent_type"]) == (int(child), "collection")
    assert article["parent_ids"] == [int(child)]
    assert article["url"] == f"https://help.example.com/en/articles/{article['id']}-install-on-linux"
    assert (article["body"], article["description"], article["state"]) == (
        "<p>Run it</p>",
        "How to",
        "published",
    )


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"author_id": 1}, "parameter_not_found", "title"),
        ({"title": "T"}, "parameter_not_found", "author_id"),
        ({"title": 3, "author_id": 1}, "parameter_invalid", "title"),
        ({"title": " ", "author_id": 1}, "parameter_invalid", "title"),
        ({"title": "T", "author_id": "1"}, "parameter_invalid", "author_id"),
        ({"title": "T", "author_id": 42}, "parameter_invalid", "author_id"),
        ({"title": "T", "author_id": 1, "state": "live"}, "parameter_invalid", "state"),
        ({"title": "T", "author_id": 1, "body": None}, "parameter_invalid", "body"),
        ({"title": "T", "author_id": 1, "parent_id": "1"}, "parameter_invalid", "parent_id"),
        ({"title": "T", "author_id": 1, "parent_id": 999}, "parameter_invalid", "parent_id"),
        ({"title": "T", "author_id": 1, "parent_type": "folder"}, "parameter_invalid", "parent_type"),
        (
            {"title": "T", "author_id": 1, "translated_content": {"xx": {}}},
            "parameter_invalid",
            "translated_content.xx",
        ),
        (
            {"title": "T", "author_id": 1, "translated_content": {"fr": {"body": "x"}}},
            "parameter_not_found",
            "translated_content.fr.title",
        ),
        (
            {"title": "T", "author_id": 1, "translated_content": {"fr": {"title": "F", "author_id": 9}}},
            "parameter_invalid",
            "translated_content.fr.author_id",
        ),
        (
            {"title": "T", "author_id": 1, "translated_content": {"fr": {"title": "F", "state": "x"}}},
            "parameter_invalid",
            "translated_content.fr.state",
        ),
    ],
)
async def test_bad_article_bodies_name_the_field(
    client: aiohttp.ClientSession, emulator: RunningEmulator, body: dict[str, Any], code: str, field: str
) -> None:
    """Missing, mistyped or unknown values of a new article are a 400 naming the field; nothing is created."""
    status, answer = await call(client, "POST", ARTICLES, body)
    assert status == 400
    assert_error(answer, code, field)
    assert emulator.articles() == []


async def test_default_locale_content_fills_the_main_fields(client: aiohttp.ClientSession) -> None:
    """title and author_id may come from translated_content.en; en is not kept as a translation."""
    article = await create(client, translated_content={"en": {"title": "From en", "author_id": 1}})
    # create() sent title "Guide" too: the main body wins over the default locale.
    assert article["title"] == "Guide"
    status, body = await call(
        client, "POST", ARTICLES, {"translated_content": {"en": {"title": "En", "author_id": 1}}}
    )
    assert status == 200
    assert (body["title"], body["author_id"]) == ("En", 1)
    assert "translated_content" not in body


async def test_translations_are_created_with_defaults_and_merged(client: aiohttp.ClientSession) -> None:
    """A new locale gets the article's author and draft state; a PUT merges fields into it."""
    article = await create(client, state="published", translated_content={"fr": {"title": "Guide FR"}})
    french = article["translated_content"]["fr"]
    assert article["translated_content"]["type"] == "article_translated_content"
    assert (french["type"], french["title"], french["author_id"], french["state"]) == (
        "article_content",
        "Guide FR",
        1,
        "draft",
    )
    assert "url" not in french
    path = f"{ARTICLES}/{article['id']}"
    status, updated = await call(
        client,
        "PUT",
        path,
        {
            "translated_content": {
                "fr": {"state": "published", "body": "<p>Bonjour</p>"},
                "de": {"title": "DE"},
            }
        },
    )
    assert status == 200
    french = updated["translated_content"]["fr"]
    assert (french["title"], french["body"], french["state"]) == ("Guide FR", "<p>Bonjour</p>", "published")
    assert french["url"].endswith(f"/fr/articles/{article['id']}-guide-fr")
    assert updated["translated_content"]["de"]["title"] == "DE"
    assert (updated["title"], updated["state"]) == ("Guide", "published")
    _, untouched = await call(client, "PUT", path, {"translated_content": {"fr": None}})
    assert untouched["translated_content"]["fr"]["body"] == "<p>Bonjour</p>"


@pytest.mark.parametrize("api_version", ["2.15"])  # parent_id and parent_type: 2.15 answers
async def test_update_is_partial(client: aiohttp.ClientSession) -> None:
    """PUT changes only what it sends: state omitted stays, parent_id (a string) moves the article."""
    top = await collection(client, "Guides")
    article = await create(client, body="<p>v1</p>", state="published", description="d")
    path = f"{ARTICLES}/{article['id']}"
    status, updated = await call(client, "PUT", path, {"title": "Guide v2", "parent_id": top})
    assert status == 200
    assert (updated["title"], updated["body"], updated["description"]) == ("Guide v2", "<p>v1</p>", "d")
    assert (updated["state"], updated["parent_id"], updated["parent_type"]) == (
        "published",
        int(top),
        "collection",
    )
    assert updated["created_at"] == article["created_at"]
    assert updated["updated_at"] >= article["updated_at"]
    _, drafted = await call(client, "PUT", path, {"state": "draft"})
    assert (drafted["state"], drafted["url"], drafted["title"]) == ("draft", None, "Guide v2")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"parent_id": 1}, "parameter_invalid", "parent_id"),
        ({"parent_id": "999"}, "parameter_invalid", "parent_id"),
        ({"parent_id": None}, "parameter_invalid", "parent_id"),
        ({"author_id": 5}, "parameter_invalid", "author_id"),
        ({"state": "archived"}, "parameter_invalid", "state"),
        ({"title": ""}, "parameter_invalid", "title"),
        (
            {"translated_content": {"es": {"body": "sin título"}}},
            "parameter_not_found",
            "translated_content.es.title",
        ),
    ],
)
async def test_bad_updates_name_the_field(
    client: aiohttp.ClientSession, body: dict[str, Any], code: str, field: str
) -> None:
    """A PUT with a wrong type or value is a 400 naming the field, and changes nothing."""
    article = await create(client)
    status, answer = await call(client, "PUT", f"{ARTICLES}/{article['id']}", body)
    assert status == 400
    assert_error(answer, code, field)
    _, read = await call(client, "GET", f"{ARTICLES}/{article['id']}")
    assert read == article


async def test_unknown_articles_are_404(client: aiohttp.ClientSession) -> None:
    """GET, PUT and DELETE of an unknown or non-numeric id are 404 not_found."""
    for method, path, body in [
        ("GET", "/articles/999", None),
        ("GET", "/articles/abc", None),
        ("PUT", "/articles/999", {"title": "x"}),
        ("DELETE", "/articles/999", None),
    ]:
        status, answer = await call(client, method, path, body)
        assert status == 404, (method, path)
        assert_error(answer, "not_found")


async def test_delete_answers_the_deleted_object(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """DELETE answers {id, object: article, deleted: true}; the article is gone."""
    article = await create(client)
    status, body = await call(client, "DELETE", f"{ARTICLES}/{article['id']}")
    assert (status, body) == (200, {"id": article["id"], "object": "article", "deleted": True})
    assert emulator.articles() == []
    status, _ = await call(client, "DELETE", f"{ARTICLES}/{article['id']}")
    assert status == 404


async def test_list_pages_with_cursors_and_no_statistics(client: aiohttp.ClientSession) -> None:
    """GET /articles lists newest first in cursor pages; list items carry no statistics."""
    ids = [(await create(client, f"A{n}"))["id"] for n in range(3)]
    status, first = await call(client, "GET", ARTICLES, params={"per_page": 2})
    assert status == 200
    assert (first["type"], first["total_count"]) == ("list", 3)
    assert "statistics" not in first["data"][0]
    following = first["pages"]["next"]
    assert following["per_page"] == 2
    _, second = await call(client, "GET", ARTICLES, params=following)
    assert "next" not in second["pages"]
    assert [a["id"] for a in first["data"] + second["data"]] == ids[::-1]
    _, by_page = await call(client, "GET", ARTICLES, params={"per_page": 2, "page": 2})
    assert [a["id"] for a in by_page["data"]] == [ids[0]]


async def test_search_matches_title_and_body_text_case_insensitively(client: aiohttp.ClientSession) -> None:
    """phrase matches title or tag-stripped body text, whatever the case; state filters."""
    install = await create(client, "Install Guide", state="published")
    body = await create(client, "Other", body="<p>How to <b>install</b> &amp; run</p>")
    await create(client, "Unrelated", body="<p>nothing</p>")
    status, found = await call(client, "GET", "/articles/search", params={"phrase": "INSTALL"})
    assert status == 200
    assert found["type"] == "list"
    assert found["data"]["highlights"] == []
    assert {a["id"] for a in found["data"]["articles"]} == {install["id"], body["id"]}
    assert found["total_count"] == 2
    _, phrase = await call(client, "GET", "/articles/search", params={"phrase": "install & run"})
    assert [a["id"] for a in phrase["data"]["articles"]] == [body["id"]]
    _, published = await call(
        client, "GET", "/articles/search", params={"phrase": "install", "state": "published"}
    )
    assert [a["id"] for a in published["data"]["articles"]] == [install["id"]]
    _, drafts = await call(client, "GET", "/articles/search", params={"phrase": "install", "state": "draft"})
    assert [a["id"] for a in drafts["data"]["articles"]] == [body["id"]]
    _, everything = await call(client, "GET", "/articles/search")
    assert everything["total_count"] == 3


async def test_search_filters_by_help_center_and_checks_parameters(client: aiohttp.ClientSession) -> None:
    """help_center_id keeps articles of that help center; bad state or help_center_id are 400."""
    await create(client, "Guide")
    _, here = await call(client, "GET", "/articles/search", params={"phrase": "guide", "help_center_id": 1})
    _, elsewhere = await call(
        client, "GET", "/articles/search", params={"phrase": "guide", "help_center_id": 2}
    )
    assert (here["total_count"], elsewhere["total_count"]) == (1, 0)
    for params, field in [({"state": "gone"}, "state"), ({"help_center_id": "x"}, "help_center_id")]:
        status, answer = await call(client, "GET", "/articles/search", params=params)
        assert status == 400
        assert_error(answer, "parameter_invalid", field)


async def test_search_pages_with_cursors(client: aiohttp.ClientSession) -> None:
    """Search results page like the lists, with pages.next {per_page, starting_after}."""
    ids = [(await create(client, f"Guide {n}"))["id"] for n in range(3)]
    _, first = await call(client, "GET", "/articles/search", params={"phrase": "guide", "per_page": 2})
    following = first["pages"]["next"]
    _, second = await call(client, "GET", "/articles/search", params={"phrase": "guide", **following})
    assert [a["id"] for a in first["data"]["articles"] + second["data"]["articles"]] == ids[::-1]
    assert "next" not in second["pages"]
