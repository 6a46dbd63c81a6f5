"""The request log, per-endpoint counters and the /_emulator/ control API."""

from __future__ import annotations

import aiohttp
from emulator_helpers import TOKEN, create_source, page_body, upsert

from ingest.emulator import RunningEmulator


async def test_requests_are_recorded_without_the_token(
    client: aiohttp.ClientSession, emulator: RunningEmulator, api_version: str
) -> None:
    """Each API request is logged with method, path, query, headers minus Authorization, body and status."""
    source_id = await create_source(client)
    await upsert(client, page_body(source_id, "a"))
    async with client.get("/ai/external_pages", params={"per_page": "5"}):
        pass
    create, post, listing = emulator.requests()
    assert (create.method, create.path, create.status) == ("POST", "/ai/content_import_sources", 200)
    assert post.body == page_body(source_id, "a")
    assert post.endpoint == "POST /ai/external_pages"
    assert (listing.query, listing.body) == ({"per_page": "5"}, None)
    for entry in (create, post, listing):
        assert not any(name.lower() == "authorization" for name in entry.headers)
        assert TOKEN not in repr(entry)
        assert entry.received_at <= entry.answered_at
        assert entry.headers["Intercom-Version"] == api_version
    assert [e.path for e in emulator.requests("/ai/content")] == ["/ai/content_import_sources"]


async def test_counters_count_by_endpoint_and_clear(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """Counters group requests by method and route pattern; clear_requests resets log and counters."""
    source_id = await create_source(client)
    _, page = await upsert(client, page_body(source_id, "a"))
    for _ in range(2):
        async with client.get(f"/ai/external_pages/{page['id']}"):
            pass
    assert emulator.counters() == {
        "POST /ai/content_import_sources": 1,
        "POST /ai/external_pages": 1,
        "GET /ai/external_pages/{page_id}": 2,
    }
    emulator.clear_requests()
    assert (emulator.requests(), emulator.counters()) == ([], {})


async def test_control_api_reads_and_resets(client: aiohttp.ClientSession, emulator: RunningEmulator) -> None:
    """The control API needs no token, is not logged, shows the log and state, and reset wipes data."""
    source_id = await create_source(client)
    _, page = await upsert(client, page_body(source_id, "a"))
    async with aiohttp.ClientSession(emulator.base_url) as control:
        async with control.get("/_emulator/requests", params={"path_prefix": "/ai/external"}) as response:
            log = await response.json()
        assert [r["path"] for r in log["requests"]] == ["/ai/external_pages"]
        assert log["counters"]["POST /ai/external_pages"] == 1
        async with control.get("/_emulator/state") as response:
            state = await response.json()
        assert [s["id"] for s in state["sources"]] == [source_id]
        assert state["pages"] == [page]
        async with control.delete("/_emulator/requests") as response:
            assert response.status == 204
        assert emulator.requests() == []
        async with control.post("/_emulator/reset") as response:
            assert response.status == 204
    assert (emulator.pages(), emulator.sources(), emulator.requests()) == ([], [], [])
    assert await create_source(client) > source_id  # ids are never reused
