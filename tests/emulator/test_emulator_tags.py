"""Tags in the emulator as each version's description has them: ``update_tags`` takes existing tags that
are not archived (422 otherwise, whichever list names them), and answers show a piece of content's tags
where the version's schema does (articles: every version; internal articles: Preview; External Pages:
none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from emulator_helpers import VERSIONS, SpecCheck, assert_error, create_source, make_config, page_body

from ingest.emulator import EmulatorConfig, EmulatorTag, RunningEmulator

BULK = "/content/bulk_actions"
OWNER, ARCHIVED, UNKNOWN = 7, 8, 99


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return make_config(
        bulk_action_delay_seconds=None,
        tags=(EmulatorTag(OWNER, "fin-ingest"), EmulatorTag(ARCHIVED, "old", archived=True)),
    )


async def call(
    client: aiohttp.ClientSession, method: str, path: str, version: str, check: SpecCheck, json: Any = None
) -> tuple[int, Any]:
    async with client.request(method, path, json=json, headers={"Intercom-Version": version}) as response:
        raw = await response.read()
        check(method, response.url.path, response.status, raw)
        return response.status, await response.json()


@pytest.mark.parametrize("version", ["2.16", "Preview"])
@pytest.mark.parametrize("tag_id", [UNKNOWN, ARCHIVED], ids=["unknown", "archived"])
@pytest.mark.parametrize("listed", ["add_tag_ids", "remove_tag_ids"])
async def test_a_tag_that_does_not_exist_or_is_archived_is_a_422_in_either_list(
    client: aiohttp.ClientSession,
    emulator: RunningEmulator,
    spec_checks: Callable[[str], SpecCheck],
    version: str,
    tag_id: int,
    listed: str,
) -> None:
    """``parameter_invalid`` naming ``tags``, an answer the description holds; nothing is queued."""
    body = {
        "action": "update_tags",
        "content_ids": [{"type": "external_content", "id": "1"}],
        "tags": {"add_tag_ids": [OWNER], listed: [tag_id]}
        if listed == "remove_tag_ids"
        else {listed: [tag_id]},
    }
    status, answer = await call(client, "POST", BULK, version, spec_checks(version), body)
    assert status == 422
    assert_error(answer, "parameter_invalid", "tags")
    assert str(tag_id) in answer["errors"][0]["message"]
    assert emulator.pending_bulk_actions() == []


async def tagged_content(client: aiohttp.ClientSession, emulator: RunningEmulator) -> dict[str, str]:
    """A page, an article and an internal article, each carrying the owner tag; their paths."""
    headers = {"Intercom-Version": "2.16"}
    source_id = await create_source(client)
    async with client.post("/ai/external_pages", json=page_body(source_id, "a.md"), headers=headers) as r:
        page = await r.json()
    async with client.post("/articles", json={"title": "Guide", "author_id": 1}, headers=headers) as r:
        article = await r.json()
    internal_body = {"title": "Runbook", "author_id": 1, "owner_id": 1}
    async with client.post("/internal_articles", json=internal_body, headers=headers) as r:
        internal = await r.json()
    items = [
        {"type": "external_content", "id": page["id"]},
        {"type": "article", "id": article["id"]},
        {"type": "internal_article", "id": internal["id"]},
    ]
    body = {"action": "update_tags", "content_ids": items, "tags": {"add_tag_ids": [OWNER]}}
    async with client.post(BULK, json=body, headers=headers) as r:
        assert r.status == 202
    emulator.flush_bulk_actions()
    assert len(emulator.tagged()) == 3
    return {
        "page": f"/ai/external_pages/{page['id']}",
        "article": f"/articles/{article['id']}",
        "internal": f"/internal_articles/{internal['id']}",
    }


@pytest.mark.parametrize("version", VERSIONS)
async def test_answers_show_tags_where_the_versions_description_does(
    client: aiohttp.ClientSession,
    emulator: RunningEmulator,
    spec_checks: Callable[[str], SpecCheck],
    version: str,
) -> None:
    """Articles carry ``tags`` (a ``tag.list``) in every version, internal articles in Preview only,
    External Pages in none; each answer (one, and in lists) holds to its version's description."""
    paths = await tagged_content(client, emulator)
    check = spec_checks(version)
    owner_tag = {"type": "tag.list", "tags": [{"type": "tag", "id": str(OWNER), "name": "fin-ingest"}]}
    _, article = await call(client, "GET", paths["article"], version, check)
    assert article["tags"] == owner_tag
    _, page = await call(client, "GET", paths["page"], version, check)
    assert "tags" not in page
    _, internal = await call(client, "GET", paths["internal"], version, check)
    _, listed = await call(client, "GET", "/internal_articles", version, check)
    for shown in (internal, listed["data"][0]):
        if version == "Preview":
            assert shown["tags"] == owner_tag
        else:
            assert "tags" not in shown


async def test_an_internal_article_without_tags_shows_an_empty_list_in_preview(
    client: aiohttp.ClientSession, spec_checks: Callable[[str], SpecCheck]
) -> None:
    body = {"title": "Runbook", "author_id": 1, "owner_id": 1}
    _, created = await call(client, "POST", "/internal_articles", "Preview", spec_checks("Preview"), body)
    assert created["tags"] == {"type": "tag.list", "tags": []}
