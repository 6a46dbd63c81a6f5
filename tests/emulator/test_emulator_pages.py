"""External pages: the upsert, validation, and the by-id endpoints."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from emulator_helpers import assert_error, create_source, page_body, upsert

from ingest.emulator import RunningEmulator


async def test_same_external_id_twice_updates_one_page(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """A second POST with the same (source_id, external_id) updates the page instead of adding one."""
    source_id = await create_source(client)
    status, first = await upsert(client, page_body(source_id, "guide.md"))
    assert status == 200
    status, second = await upsert(client, page_body(source_id, "guide.md", title="New", html="<p>v2</p>"))
    assert status == 200
    assert second["id"] == first["id"]
    assert (second["title"], second["html"]) == ("New", "<p>v2</p>")
    assert second["created_at"] == first["created_at"]
    assert [(p["id"], p["title"]) for p in emulator.pages()] == [(first["id"], "New")]


async def test_same_external_id_in_another_source_is_another_page(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """external_id is unique per source only: the same one under two sources makes two pages."""
    first_source = await create_source(client, "https://a.example.com")
    second_source = await create_source(client, "https://b.example.com")
    _, one = await upsert(client, page_body(first_source, "faq.md"))
    _, two = await upsert(client, page_body(second_source, "faq.md"))
    assert one["id"] != two["id"]
    assert {(p["source_id"], p["external_id"]) for p in emulator.pages()} == {
        (first_source, "faq.md"),
        (second_source, "faq.md"),
    }


async def test_availability_defaults_false_and_is_kept_on_update(client: aiohttp.ClientSession) -> None:
    """Availability flags default to false on create and keep their value when an update omits them."""
    source_id = await create_source(client)
    _, created = await upsert(client, page_body(source_id, "a"))
    assert (created["ai_agent_availability"], created["ai_copilot_availability"]) == (False, False)
    await upsert(client, page_body(source_id, "a", ai_agent_availability=True, ai_copilot_availability=True))
    _, updated = await upsert(client, page_body(source_id, "a", title="Again"))
    assert (updated["ai_agent_availability"], updated["ai_copilot_availability"]) == (True, True)
    assert updated["title"] == "Again"


async def test_url_is_optional_and_returned_when_given(client: aiohttp.ClientSession) -> None:
    """A page without url has none in its answer; one given is echoed."""
    source_id = await create_source(client)
    _, without = await upsert(client, page_body(source_id, "a"))
    _, with_url = await upsert(client, page_body(source_id, "b", url="https://docs.example.com/b"))
    assert "url" not in without
    assert with_url["url"] == "https://docs.example.com/b"


@pytest.mark.parametrize("field", ["title", "html", "locale", "source_id", "external_id"])
async def test_missing_required_field_is_named(client: aiohttp.ClientSession, field: str) -> None:
    """Each required upsert field, when absent, gives 400 parameter_not_found naming it."""
    source_id = await create_source(client)
    body = page_body(source_id, "a")
    del body[field]
    status, answer = await upsert(client, body)
    assert status == 400
    assert_error(answer, "parameter_not_found", field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 5),
        ("html", ["<p>"]),
        ("source_id", "1"),
        ("source_id", True),
        ("external_id", 42),
        ("url", 7),
        ("ai_agent_availability", "yes"),
        ("ai_copilot_availability", 1),
    ],
)
async def test_wrong_type_is_named(client: aiohttp.ClientSession, field: str, value: Any) -> None:
    """A field of the wrong JSON type gives 400 parameter_invalid naming it."""
    source_id = await create_source(client)
    status, answer = await upsert(client, {**page_body(source_id, "a"), field: value})
    assert status == 400
    assert_error(answer, "parameter_invalid", field)


async def test_locale_other_than_en_is_rejected(client: aiohttp.ClientSession) -> None:
    """Only locale "en" is accepted."""
    source_id = await create_source(client)
    status, answer = await upsert(client, page_body(source_id, "a", locale="fr"))
    assert status == 400
    assert_error(answer, "parameter_invalid", "locale")


async def test_unknown_source_id_is_rejected(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """A source_id that names no content import source is refused and creates nothing."""
    status, answer = await upsert(client, page_body(999, "a"))
    assert status == 400
    assert_error(answer, "parameter_invalid", "source_id")
    assert emulator.pages() == []


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (None, None),
        ("title=x", "application/x-www-form-urlencoded"),
        ("{nope", "application/json"),
        ("[1]", "application/json"),
    ],
)
async def test_post_without_a_json_object_is_a_400(
    client: aiohttp.ClientSession, data: str | None, content_type: str | None
) -> None:
    """A POST with no body, a non-JSON body, broken JSON or a JSON non-object answers 400 error.list."""
    headers = {"Content-Type": content_type} if content_type else {}
    async with client.post("/ai/external_pages", data=data, headers=headers) as response:
        assert response.status == 400
        assert_error(await response.json(), "bad_request")


async def test_get_put_delete_by_id(client: aiohttp.ClientSession, emulator: RunningEmulator) -> None:
    """A page can be read, replaced (PUT) and deleted by id; DELETE answers it with empty html."""
    source_id = await create_source(client)
    _, page = await upsert(client, page_body(source_id, "a", ai_agent_availability=True))
    async with client.get(f"/ai/external_pages/{page['id']}") as response:
        assert (response.status, await response.json()) == (200, page)
    put = page_body(source_id, "a", title="Put", url="https://x.example.com/a", fin_availability=False)
    async with client.put(f"/ai/external_pages/{page['id']}", json=put) as response:
        updated = await response.json()
    assert (updated["title"], updated["url"], updated["ai_agent_availability"]) == (
        "Put",
        "https://x.example.com/a",
        False,
    )
    async with client.delete(f"/ai/external_pages/{page['id']}") as response:
        deleted = await response.json()
    assert deleted["id"] == page["id"] and deleted["html"] == "" and deleted["title"] == "Put"
    async with client.get(f"/ai/external_pages/{page['id']}") as response:
        assert response.status == 404
        assert_error(await response.json(), "not_found")
    assert emulator.pages() == []


async def test_put_requires_url(client: aiohttp.ClientSession) -> None:
    """PUT /ai/external_pages/{id} needs url, as the spec says."""
    source_id = await create_source(client)
    _, page = await upsert(client, page_body(source_id, "a"))
    async with client.put(f"/ai/external_pages/{page['id']}", json=page_body(source_id, "a")) as response:
        assert response.status == 400
        assert_error(await response.json(), "parameter_not_found", "url")


async def test_unknown_page_id_is_404(client: aiohttp.ClientSession) -> None:
    """GET and DELETE of an id that does not exist answer 404 not_found."""
    for method in ("GET", "DELETE"):
        async with client.request(method, "/ai/external_pages/12345") as response:
            assert response.status == 404
            assert_error(await response.json(), "not_found")
