"""Each API version's request fields and response shapes, chosen per request by ``Intercom-Version``."""

from __future__ import annotations

from typing import Any

import aiohttp
from emulator_helpers import create_source, page_body

from ingest.emulator import RunningEmulator

PAGES = "/ai/external_pages"


def versioned(version: str) -> dict[str, str]:
    """The headers that ask for ``version``."""
    return {"Intercom-Version": version}


async def call(
    client: aiohttp.ClientSession, method: str, path: str, version: str, json: Any = None
) -> tuple[int, Any]:
    """One request in ``version``; the status and the JSON answer."""
    async with client.request(method, path, json=json, headers=versioned(version)) as response:
        return response.status, await response.json()


async def test_put_in_2_15_ignores_the_availability_flags_it_does_not_know(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """2.15's PUT /ai/external_pages/{id} knows only fin_availability: ai_copilot_availability is
    ignored, as the real API ignores fields it does not know, not applied."""
    source_id = await create_source(client)
    status, page = await call(client, "POST", PAGES, "2.15", page_body(source_id, "a"))
    assert status == 200 and page["ai_copilot_availability"] is False
    put = page_body(source_id, "a", url="https://docs.example.com/a", ai_copilot_availability=True)
    status, updated = await call(client, "PUT", f"{PAGES}/{page['id']}", "2.15", put)
    assert status == 200
    assert updated["ai_copilot_availability"] is False
    assert emulator.pages()[0]["ai_copilot_availability"] is False
