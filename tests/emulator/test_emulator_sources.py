"""Content import sources, /me, and pagination of the list endpoints."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from emulator_helpers import SpecCheck, assert_error, create_source, make_config, page_body, upsert

from ingest.emulator import EmulatorConfig, RunningEmulator


async def test_create_get_update_source(client: aiohttp.ClientSession) -> None:
    """A source is created with integer id and defaults, read back, and updated by PUT."""
    body = {"sync_behavior": "api", "url": "https://docs.example.com", "audience_ids": 7}
    async with client.post("/ai/content_import_sources", json=body) as response:
        created = await response.json()
    assert isinstance(created["id"], int)
    assert (created["type"], created["status"], created["audience_ids"]) == (
        "content_import_source",
        "active",
        [7],
    )
    async with client.get(f"/ai/content_import_sources/{created['id']}") as response:
        assert await response.json() == created
    put = {"sync_behavior": "api", "url": "https://new.example.com", "status": "deactivated"}
    async with client.put(f"/ai/content_import_sources/{created['id']}", json=put) as response:
        updated = await response.json()
    assert (updated["url"], updated["status"], updated["audience_ids"]) == (
        "https://new.example.com",
        "deactivated",
        [7],
    )


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"url": "https://x.example.com"}, "parameter_not_found", "sync_behavior"),
        ({"sync_behavior": "api"}, "parameter_not_found", "url"),
        (
            {"sync_behavior": "automatic", "url": "https://x.example.com"},
            "parameter_invalid",
            "sync_behavior",
        ),
        ({"sync_behavior": "api", "url": 3}, "parameter_invalid", "url"),
        (
            {"sync_behavior": "api", "url": "https://x.example.com", "status": "on"},
            "parameter_invalid",
            "status",
        ),
        (
            {"sync_behavior": "api", "url": "https://x.example.com", "audience_ids": ["a"]},
            "parameter_invalid",
            "audience_ids",
        ),
    ],
)
async def test_create_source_validation(
    client: aiohttp.ClientSession, body: dict[str, Any], code: str, field: str
) -> None:
    """Creating a source needs sync_behavior "api" and a url; wrong values are named."""
    async with client.post("/ai/content_import_sources", json=body) as response:
        assert response.status == 400
        assert_error(await response.json(), code, field)


PRIVATE_URLS = (
    "http://localhost:8000",
    "http://127.0.0.1:8111/docs",
    "https://wiki",
    "https://docs.internal",
    "https://intranet.local",
    "https://wiki.acme.corp",
    "file:///srv/docs",
)


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_a_source_url_must_be_public_as_intercom_requires(
    client: aiohttp.ClientSession, emulator: RunningEmulator, spec_check: SpecCheck, url: str
) -> None:
    """Like the real API, a source url that is not http(s) on a public domain name is refused with a
    400 naming url, on create and on update, and nothing is stored."""
    async with client.post("/ai/content_import_sources", json={"sync_behavior": "api", "url": url}) as r:
        body = await r.read()
        spec_check("POST", "/ai/content_import_sources", r.status, body)
        assert r.status == 400
        assert_error(await r.json(), "parameter_invalid", "url")
        assert "public domain name" in (await r.json())["errors"][0]["message"]
    source_id = await create_source(client)
    put = {"sync_behavior": "api", "url": url}
    async with client.put(f"/ai/content_import_sources/{source_id}", json=put) as r:
        assert r.status == 400
        assert_error(await r.json(), "parameter_invalid", "url")
    assert [source["url"] for source in emulator.sources()] == ["https://docs.example.com"]


class TestPrivateSourceUrlsAllowed:
    """``allow_private_source_urls`` (``ingest emulator --allow-private-source-urls``) lifts the rule."""

    @pytest.fixture
    def emulator_config(self) -> EmulatorConfig:
        return make_config(allow_private_source_urls=True)

    @pytest.mark.parametrize(
        "url", ["http://localhost:8000", "http://127.0.0.1:8111/docs", "https://wiki.corp"]
    )
    async def test_loopback_and_internal_urls_are_taken(
        self, client: aiohttp.ClientSession, url: str
    ) -> None:
        """A loopback test setup may root its sources at any http(s) host."""
        source_id = await create_source(client, url)
        async with client.get(f"/ai/content_import_sources/{source_id}") as r:
            assert (await r.json())["url"] == url


async def test_sync_behavior_cannot_change_from_api(client: aiohttp.ClientSession) -> None:
    """PUT cannot turn an api source into a manual one."""
    source_id = await create_source(client)
    put = {"sync_behavior": "manual", "url": "https://docs.example.com"}
    async with client.put(f"/ai/content_import_sources/{source_id}", json=put) as response:
        assert response.status == 400
        assert_error(await response.json(), "parameter_invalid", "sync_behavior")


async def test_deleting_a_source_deletes_its_pages(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """DELETE of a source answers 204 and removes its pages, and only its pages."""
    doomed = await create_source(client, "https://a.example.com")
    kept = await create_source(client, "https://b.example.com")
    for external_id in ("x", "y"):
        await upsert(client, page_body(doomed, external_id))
    _, survivor = await upsert(client, page_body(kept, "x"))
    async with client.delete(f"/ai/content_import_sources/{doomed}") as response:
        assert response.status == 204
        assert await response.read() == b""
    assert [p["id"] for p in emulator.pages()] == [survivor["id"]]
    assert [s["id"] for s in emulator.sources()] == [kept]
    async with client.get(f"/ai/content_import_sources/{doomed}") as response:
        assert response.status == 404
    status, answer = await upsert(client, page_body(doomed, "x"))
    assert status == 400
    assert_error(answer, "parameter_invalid", "source_id")


@pytest.mark.parametrize("source_id", ["999", "abc"])
async def test_unknown_source_is_404(client: aiohttp.ClientSession, source_id: str) -> None:
    """A source id that does not exist (or is not an integer) answers 404 not_found."""
    async with client.get(f"/ai/content_import_sources/{source_id}") as response:
        assert response.status == 404
        assert_error(await response.json(), "not_found")


async def test_me_describes_an_admin_with_an_app(client: aiohttp.ClientSession) -> None:
    """GET /me answers an admin with its app, so a client can check its token."""
    async with client.get("/me") as response:
        me = await response.json()
    assert response.status == 200
    assert me["type"] == "admin" and isinstance(me["id"], str)
    assert me["app"]["type"] == "app" and isinstance(me["app"]["created_at"], int)


async def _follow(
    client: aiohttp.ClientSession, url: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    items: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url is not None:
        async with client.get(next_url) as response:
            assert response.status == 200
            body = await response.json()
        items.extend(body["data"])
        pages.append(body["pages"])
        next_url = body["pages"].get("next")
    return items, pages


@pytest.mark.parametrize("emulator_config", [make_config(per_page=3)])
async def test_pages_next_is_followed_to_the_end(
    client: aiohttp.ClientSession, emulator: RunningEmulator, emulator_config: EmulatorConfig
) -> None:
    """Listing 3 at a time and following absolute pages.next links yields every page once, newest first."""
    source_id = await create_source(client)
    ids = [(await upsert(client, page_body(source_id, f"doc-{n}")))[1]["id"] for n in range(7)]
    items, pages = await _follow(client, "/ai/external_pages")
    assert [p["id"] for p in items] == list(reversed(ids))
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert all(p["per_page"] == 3 and p["total_pages"] == 3 and p["type"] == "pages" for p in pages)
    assert pages[0]["next"].startswith(emulator.base_url + "/ai/external_pages?")
    assert "next" not in pages[-1]


@pytest.mark.parametrize("emulator_config", [make_config(per_page=2)])
async def test_sources_are_paginated_too(
    client: aiohttp.ClientSession, emulator_config: EmulatorConfig
) -> None:
    """The source list pages the same way, oldest first, with total_count."""
    ids = [await create_source(client, f"https://{n}.example.com") for n in range(5)]
    items, pages = await _follow(client, "/ai/content_import_sources")
    assert [s["id"] for s in items] == ids
    assert len(pages) == 3


async def test_per_page_is_clamped_and_bad_values_rejected(client: aiohttp.ClientSession) -> None:
    """per_page above 150 is served as 150; a non-positive or non-numeric page is a named 400."""
    async with client.get("/ai/external_pages", params={"per_page": "500"}) as response:
        body = await response.json()
    assert body["pages"]["per_page"] == 150 and body["total_count"] == 0 and body["data"] == []
    for name, value in (("page", "0"), ("per_page", "many")):
        async with client.get("/ai/external_pages", params={name: value}) as response:
            assert response.status == 400
            assert_error(await response.json(), "parameter_invalid", name)
