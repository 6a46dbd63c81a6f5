"""``/audiences`` (Preview): listed a page of at most 50 at a time, created, retrieved, updated and
deleted as Preview's description says, every answer valid for it; 2.15 and 2.16, whose descriptions
have no such path, answer 404 as for any unknown path."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from emulator_helpers import TOKEN, SpecCheck, assert_error

from ingest.emulator import RunningEmulator

VIP = {
    "name": "VIP Customers",
    "predicates": [
        {"attribute": "company.name", "type": "string", "comparison": "contains", "value": "Acme"}
    ],
}


@pytest.fixture
def api_version() -> str:
    return "Preview"


async def call(
    client: aiohttp.ClientSession, spec_check: SpecCheck, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    """One request, its answer checked against the Preview description."""
    async with client.request(method, path, json=body) as response:
        raw = await response.read()
        spec_check(method, path.split("?")[0], response.status, raw)
        return response.status, (await response.json() if raw else None)


async def test_an_audience_is_created_retrieved_updated_and_deleted(
    client: aiohttp.ClientSession, spec_check: SpecCheck
) -> None:
    status, created = await call(client, spec_check, "POST", "/audiences", VIP)
    assert status == 201 and created["type"] == "audience" and created["name"] == "VIP Customers"
    assert isinstance(created["id"], str) and created["predicates"] == VIP["predicates"]
    path = f"/audiences/{created['id']}"
    assert await call(client, spec_check, "GET", path) == (200, created)
    status, renamed = await call(client, spec_check, "PUT", path, {"name": "Enterprise Accounts"})
    assert status == 200 and renamed["name"] == "Enterprise Accounts"
    assert renamed["predicates"] == VIP["predicates"]  # only the fields given change
    assert (await call(client, spec_check, "DELETE", path))[0] == 204
    status, body = await call(client, spec_check, "GET", path)
    assert status == 404
    assert_error(body, "not_found")


async def test_the_list_is_paged_by_page_and_per_page_at_most_50(
    client: aiohttp.ClientSession, spec_check: SpecCheck
) -> None:
    for index in range(55):
        await call(client, spec_check, "POST", "/audiences", {"name": f"Audience {index}"})
    status, first = await call(client, spec_check, "GET", "/audiences")
    assert status == 200 and first["type"] == "list"
    assert (first["page"], first["per_page"], first["total_pages"], first["total_count"]) == (1, 50, 2, 55)
    assert len(first["data"]) == 50 and "pages" not in first
    status, second = await call(client, spec_check, "GET", "/audiences?page=2&per_page=50")
    assert [a["name"] for a in second["data"]] == [f"Audience {index}" for index in range(50, 55)]
    status, small = await call(client, spec_check, "GET", "/audiences?page=3&per_page=20")
    assert len(small["data"]) == 15 and small["total_pages"] == 3
    status, body = await call(client, spec_check, "GET", "/audiences?per_page=51")
    assert status == 400
    assert_error(body, "parameter_invalid", "per_page")


async def test_a_create_without_a_name_is_422_and_an_unknown_id_404(
    client: aiohttp.ClientSession, spec_check: SpecCheck
) -> None:
    status, body = await call(client, spec_check, "POST", "/audiences", {"predicates": []})
    assert status == 422
    assert_error(body, "validation_error")
    assert body["errors"][0]["message"] == "Name is required"
    status, body = await call(client, spec_check, "PUT", "/audiences/999", {"name": "x"})
    assert status == 404
    assert_error(body, "not_found")


async def test_without_a_token_the_answer_is_401(emulator: RunningEmulator, spec_check: SpecCheck) -> None:
    headers = {"Intercom-Version": "Preview", "Accept": "application/json"}
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as anonymous:
        status, body = await call(anonymous, spec_check, "GET", "/audiences")
    assert status == 401
    assert_error(body, "unauthorized")


@pytest.mark.parametrize("version", ["2.15", "2.16"])
async def test_versions_without_audiences_answer_as_for_an_unknown_path(
    emulator: RunningEmulator, version: str
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": version, "Accept": "application/json"}
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as session:
        for method, path, body in (("GET", "/audiences", None), ("POST", "/audiences", VIP)):
            async with session.request(method, path, json=body) as response:
                answer = (response.status, await response.json())
            async with session.request(method, "/no/such/path", json=body) as response:
                unknown = (response.status, await response.json())
            assert answer[0] == unknown[0] == 404
            assert_error(answer[1], "not_found")
            assert answer[1]["errors"] == unknown[1]["errors"]
