"""The typed endpoints send the documented request and parse the answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ingest.errors import ApiError, RejectedError, RetryableApiError
from ingest.intercom import ContentImportSource, ExternalPage, ExternalPageRequest, IntercomClient

from .fakes import BASE_URL, MockApi, content_import_source, error_list, external_page

SOURCES = f"{BASE_URL}/ai/content_import_sources"
PAGES = f"{BASE_URL}/ai/external_pages"


def only_request(mock_api: MockApi) -> tuple[str, str, Any]:
    [(method, url, kwargs)] = mock_api.sent()
    body = kwargs.get("data")
    return method, url, json.loads(body) if body else None


async def test_me_returns_the_admin(client: IntercomClient, mock_api: MockApi) -> None:
    """me() GETs /me and returns its object."""
    mock_api.get(f"{BASE_URL}/me", payload={"type": "admin", "id": "42", "app": {"id_code": "abc"}})

    assert (await client.me())["app"] == {"id_code": "abc"}


async def test_create_source_is_api_managed(client: IntercomClient, mock_api: MockApi) -> None:
    """create_content_import_source POSTs sync_behavior api, url, status and audiences."""
    mock_api.post(SOURCES, payload=content_import_source(9, "https://docs.example.com"))

    source = await client.create_content_import_source("https://docs.example.com", audience_ids=[5, 6])

    assert source == ContentImportSource.model_validate(content_import_source(9, "https://docs.example.com"))
    method, url, body = only_request(mock_api)
    assert (method, url) == ("POST", SOURCES)
    assert body == {
        "sync_behavior": "api",
        "url": "https://docs.example.com",
        "status": "active",
        "audience_ids": [5, 6],
    }


async def test_create_source_is_not_retried_after_an_ambiguous_failure(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A 5xx on creating a source is raised at once: a retry could create a second source."""
    mock_api.post(SOURCES, status=500, payload=error_list("server_error", "Oops"))

    with pytest.raises(RetryableApiError):
        await client.create_content_import_source("https://docs.example.com")

    assert mock_api.count() == 1


async def test_get_update_and_delete_source(client: IntercomClient, mock_api: MockApi) -> None:
    """Source get/update/delete use /ai/content_import_sources/{id}; update sends url and sync_behavior."""
    mock_api.get(f"{SOURCES}/9", payload=content_import_source(9))
    mock_api.put(f"{SOURCES}/9", payload=content_import_source(9, "https://new.example.com"))
    mock_api.delete(f"{SOURCES}/9", status=204, body="")

    assert (await client.get_content_import_source(9)).id == 9
    updated = await client.update_content_import_source(
        9, url="https://new.example.com", status="deactivated"
    )
    assert updated.url == "https://new.example.com"
    await client.delete_content_import_source(9)

    assert [(method, url) for method, url, _ in mock_api.sent()] == [
        ("GET", f"{SOURCES}/9"),
        ("PUT", f"{SOURCES}/9"),
        ("DELETE", f"{SOURCES}/9"),
    ]
    put = next(kwargs for method, _, kwargs in mock_api.sent() if method == "PUT")
    assert json.loads(put["data"]) == {
        "sync_behavior": "api",
        "url": "https://new.example.com",
        "status": "deactivated",
    }


async def test_upsert_external_page_posts_the_request_body(client: IntercomClient, mock_api: MockApi) -> None:
    """upsert_external_page POSTs exactly the request's body and returns the parsed page."""
    request = ExternalPageRequest(
        title="Guide",
        html="<p>Hi</p>",
        source_id=7,
        external_id="guide.md",
        ai_agent_availability=True,
        ai_copilot_availability=True,
    )
    mock_api.post(PAGES, payload=external_page("21", "guide.md"))

    page = await client.upsert_external_page(request)

    assert isinstance(page, ExternalPage)
    assert (page.id, page.external_id, page.source_id) == ("21", "guide.md", 7)
    [(_, _, kwargs)] = mock_api.sent()
    assert kwargs["data"] == request.to_json_bytes()


async def test_get_and_delete_external_page(client: IntercomClient, mock_api: MockApi) -> None:
    """get/delete_external_page address the page by Intercom's id; delete returns the emptied page."""
    mock_api.get(f"{PAGES}/21", payload=external_page("21"))
    mock_api.delete(f"{PAGES}/21", payload={**external_page("21"), "html": ""})

    assert (await client.get_external_page("21")).html == "<p>Hi</p>"
    assert (await client.delete_external_page("21")).html == ""


async def test_ids_are_quoted_into_one_path_segment(client: IntercomClient, mock_api: MockApi) -> None:
    """An id with a slash stays one path segment instead of reaching another endpoint."""
    mock_api.get(f"{PAGES}/a%2Fb", status=404, payload=error_list("not_found", "No such page"))

    with pytest.raises(RejectedError) as caught:
        await client.get_external_page("a/b")

    assert caught.value.status == 404
    [(_, url, _)] = mock_api.sent()
    assert url.endswith("/ai/external_pages/a%2Fb")


@pytest.mark.parametrize("dots", [".", ".."])
async def test_dot_ids_are_refused_before_any_request(
    client: IntercomClient, mock_api: MockApi, dots: str
) -> None:
    """ "." and ".." would be resolved away ("/ai/external_pages/.." is "/ai/"): refused, nothing sent."""
    for call in (
        client.get_external_page,
        client.delete_external_page,
        client.delete_collection,
        client.delete_article,
    ):
        with pytest.raises(ValueError, match="not an Intercom id"):
            await call(dots)

    assert mock_api.count() == 0


async def test_an_answer_of_the_wrong_shape_is_an_api_error(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A 200 whose object lacks required fields raises ApiError naming the model, not a pydantic error."""
    mock_api.get(f"{PAGES}/21", payload={"type": "external_page", "id": "21"})

    with pytest.raises(ApiError, match="not a valid ExternalPage"):
        await client.get_external_page("21")


async def test_request_appends_params_and_returns_the_document(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """The generic request() adds params to the path's query and returns the parsed JSON."""
    mock_api.get(f"{PAGES}?page=2&per_page=10", payload={"type": "list", "data": []})

    result = await client.request("GET", "/ai/external_pages?page=2", params={"per_page": 10})

    assert result == {"type": "list", "data": []}


async def test_request_refuses_an_absolute_url(client: IntercomClient) -> None:
    """request() takes a path: an absolute URL (which would carry the token elsewhere) is a ValueError."""
    with pytest.raises(ValueError, match="path relative to the base URL"):
        await client.request("GET", "https://elsewhere.example/me")


async def test_a_lookup_answered_with_another_page_is_an_error(mock_api: MockApi) -> None:
    """An API that ignored the look-up's parameters answers with other pages: an ApiError, never
    one of them taken for the page asked for."""
    mock_api.get(
        f"{PAGES}?external_id=guide.md&source_id=7",
        payload={"type": "list", "data": [external_page("1", "other.md", 7)], "pages": {"type": "pages"}},
    )
    async with IntercomClient(base_url=BASE_URL, token="t0k3n", api_version="Preview") as client:
        with pytest.raises(ApiError, match="not only that one"):
            await client.find_external_page(7, "guide.md")
