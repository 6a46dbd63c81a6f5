"""Help Center answers match the spec; its data is persisted, shown by the control API and reset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from emulator_helpers import TOKEN, VERSIONS, SpecCheck, make_config

from ingest.api_versions import features_of
from ingest.emulator import RunningEmulator, running_emulator, start_emulator
from ingest.emulator.store import Store
from ingest.emulator.versions import article_shape
from ingest.errors import ConfigError


async def _call(
    client: aiohttp.ClientSession, spec_check: SpecCheck, method: str, path: str, json: object = None
) -> Any:
    async with client.request(method, path, json=json) as response:
        body = await response.read()
        spec_check(method, response.url.path, response.status, body)
        return await response.json()


def _session(base_url: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(base_url, headers={"Authorization": f"Bearer {TOKEN}"})


async def _populate(client: aiohttp.ClientSession) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A top collection, a child, and a published article with a French translation in the child."""
    async with client.post("/help_center/collections", json={"name": "Guides"}) as r:
        top = await r.json()
    async with client.post("/help_center/collections", json={"name": "Install", "parent_id": top["id"]}) as r:
        child = await r.json()
    article = {
        "title": "Install",
        "author_id": 1,
        "body": "<p>Run</p>",
        "state": "published",
        "parent_id": int(child["id"]),
        "parent_type": "collection",
        "translated_content": {"fr": {"title": "Installer", "state": "published"}},
    }
    async with client.post("/articles", json=article) as r:
        created = await r.json()
    return top, child, created


@pytest.mark.parametrize("api_version", VERSIONS)
async def test_help_center_answers_match_the_spec(
    client: aiohttp.ClientSession, spec_check: SpecCheck
) -> None:
    """Every Help Center endpoint's answers, success and error, have the spec's shapes."""
    await _call(client, spec_check, "GET", "/admins")
    await _call(client, spec_check, "GET", "/help_center/help_centers")
    await _call(client, spec_check, "GET", "/help_center/help_centers/1")
    await _call(client, spec_check, "GET", "/help_center/help_centers/9")
    top, child, article = await _populate(client)
    await _call(
        client,
        spec_check,
        "POST",
        "/help_center/collections",
        {"name": "T", "translated_content": {"fr": {"name": "T FR"}}},
    )
    await _call(client, spec_check, "GET", "/help_center/collections?per_page=1")
    await _call(client, spec_check, "GET", f"/help_center/collections/{child['id']}")
    await _call(client, spec_check, "PUT", f"/help_center/collections/{child['id']}", {"name": "N"})
    await _call(client, spec_check, "POST", "/help_center/collections", {})
    await _call(client, spec_check, "DELETE", f"/help_center/collections/{top['id']}")
    await _call(client, spec_check, "GET", "/help_center/collections/999")
    path = f"/articles/{article['id']}"
    await _call(client, spec_check, "POST", "/articles", {"title": "Draft", "author_id": 1})
    await _call(client, spec_check, "GET", "/articles?per_page=1")
    await _call(client, spec_check, "GET", path)
    await _call(client, spec_check, "PUT", path, {"translated_content": {"de": {"title": "DE"}}})
    await _call(client, spec_check, "GET", "/articles/search?phrase=install&state=published&per_page=1")
    await _call(client, spec_check, "POST", "/articles", {"title": "x"})
    await _call(client, spec_check, "GET", "/articles/999")
    await _call(client, spec_check, "DELETE", path)
    await _call(client, spec_check, "DELETE", f"/help_center/collections/{child['id']}")


async def test_state_endpoint_and_accessors_show_collections_and_articles(
    client: aiohttp.ClientSession, emulator: RunningEmulator, api_version: str
) -> None:
    """/_emulator/state and RunningEmulator.collections()/articles() give the API shapes, with every
    field any version shows (an answer is that record as its version shows it); reset wipes them."""
    top, child, article = await _populate(client)
    async with client.get(f"/articles/{article['id']}", headers={"Intercom-Version": "2.16"}) as response:
        read = await response.json()
    assert [article_shape(a, features_of(api_version)) for a in emulator.articles()] == [read]
    assert [c["id"] for c in emulator.collections()] == [child["id"], top["id"]]
    async with aiohttp.ClientSession(emulator.base_url) as control:
        async with control.get("/_emulator/state") as response:
            state = await response.json()
        assert state["articles"] == emulator.articles()
        assert state["collections"] == emulator.collections()
        async with control.post("/_emulator/reset") as response:
            assert response.status == 204
    assert (emulator.articles(), emulator.collections()) == ([], [])
    async with client.post("/help_center/collections", json={"name": "Again"}) as response:
        again = await response.json()
    assert int(again["id"]) > int(child["id"])  # ids are never reused


def test_accessors_are_safe_from_another_thread() -> None:
    """With the emulator in a background thread, collections() and articles() hop onto its loop."""
    with running_emulator(make_config()) as emulator:
        assert (emulator.collections(), emulator.articles()) == ([], [])


async def test_collections_and_articles_survive_a_restart(tmp_path: Path) -> None:
    """A second emulator on the same data file serves the same collections and articles."""
    config = make_config(data_file=tmp_path / "emulator.json")
    async with start_emulator(config) as first, _session(first.base_url) as client:
        await _populate(client)
        articles, collections = first.articles(), first.collections()
    saved = json.loads((tmp_path / "emulator.json").read_text())
    assert len(saved["help_center"]["articles"]) == 1
    async with start_emulator(config) as second, _session(second.base_url) as client:
        assert (second.articles(), second.collections()) == (articles, collections)
        async with client.post("/articles", json={"title": "New", "author_id": 1}) as response:
            new = await response.json()
    assert int(new["id"]) > int(articles[0]["id"])


async def test_a_data_file_without_help_center_data_still_loads(tmp_path: Path) -> None:
    """A file saved before Help Center support (no help_center key) loads with no collections."""
    data_file = tmp_path / "emulator.json"
    old = Store().dump()
    del old["help_center"]
    data_file.write_text(json.dumps(old))
    async with start_emulator(make_config(data_file=data_file)) as emulator:
        assert (emulator.articles(), emulator.collections()) == ([], [])


@pytest.mark.parametrize(
    "breakage",
    [
        {"articles": [{"id": 1}]},
        {"collections": [{"id": 2, "parent_id": 9}]},
    ],
)
async def test_a_malformed_help_center_dump_is_a_config_error(
    tmp_path: Path, breakage: dict[str, Any]
) -> None:
    """Help Center data that does not fit (missing fields, a dangling parent) refuses to load."""
    store = Store(clock=lambda: 1_700_000_000.0)
    store.help_center.create_collection("Top", "", None, 1, {})
    dump = store.dump()
    record = dump["help_center"]["collections"][0]
    for key, items in breakage.items():
        dump["help_center"][key] = [{**record, **item} if key == "collections" else item for item in items]
    data_file = tmp_path / "emulator.json"
    data_file.write_text(json.dumps(dump))
    with pytest.raises(ConfigError, match="cannot be loaded"):
        await start_emulator(make_config(data_file=data_file))
