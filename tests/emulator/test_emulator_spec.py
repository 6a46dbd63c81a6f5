"""Every kind of answer validates against the response schemas of the published spec."""

from __future__ import annotations

import aiohttp
import pytest
from emulator_helpers import VERSIONS, SpecCheck, create_source, page_body

from ingest.emulator import RunningEmulator


async def _call(
    client: aiohttp.ClientSession, spec_check: SpecCheck, method: str, path: str, json: object = None
) -> bytes:
    async with client.request(method, path, json=json) as response:
        body = await response.read()
        spec_check(method, response.url.path, response.status, body)
        return body


@pytest.mark.parametrize("api_version", VERSIONS)
async def test_ai_content_answers_match_the_spec(
    client: aiohttp.ClientSession, spec_check: SpecCheck
) -> None:
    """Sources and pages, listed, created, read, updated and deleted, have the spec's shapes."""
    source_id = await create_source(client)
    source = f"/ai/content_import_sources/{source_id}"
    await _call(client, spec_check, "GET", "/ai/content_import_sources")
    await _call(client, spec_check, "GET", source)
    await _call(client, spec_check, "PUT", source, {"sync_behavior": "api", "url": "https://n.example.com"})
    for n, extra in enumerate(({}, {"url": "https://x.example.com", "ai_agent_availability": True})):
        await _call(client, spec_check, "POST", "/ai/external_pages", page_body(source_id, f"p{n}", **extra))
    await _call(client, spec_check, "GET", "/ai/external_pages?per_page=1")
    await _call(client, spec_check, "GET", "/ai/external_pages/1")
    await _call(
        client, spec_check, "PUT", "/ai/external_pages/1", page_body(source_id, "p0", url="https://u")
    )
    await _call(client, spec_check, "DELETE", "/ai/external_pages/1")
    await _call(client, spec_check, "DELETE", source)


@pytest.mark.parametrize("api_version", VERSIONS)
async def test_me_matches_the_spec(client: aiohttp.ClientSession, spec_check: SpecCheck) -> None:
    """GET /me has the admin_with_app shape."""
    await _call(client, spec_check, "GET", "/me")


@pytest.mark.parametrize("api_version", VERSIONS)
async def test_errors_match_the_spec(
    client: aiohttp.ClientSession, emulator: RunningEmulator, spec_check: SpecCheck
) -> None:
    """401, 400, 404, 429 and injected 503 answers are all the spec's error object."""
    async with aiohttp.ClientSession(emulator.base_url) as anonymous:
        await _call(anonymous, spec_check, "GET", "/ai/external_pages")
    await _call(client, spec_check, "POST", "/ai/external_pages", {"title": "x"})
    await _call(client, spec_check, "GET", "/ai/content_import_sources/999")
    emulator.set_faults(fail_next=1)
    await _call(client, spec_check, "GET", "/me")
    emulator.set_faults(rate_limit=1)
    await _call(client, spec_check, "GET", "/me")
    await _call(client, spec_check, "GET", "/me")
    assert [r.status for r in emulator.requests()] == [401, 400, 404, 503, 200, 429]
