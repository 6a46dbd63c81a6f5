"""``POST /content/bulk_actions``: 2.16 and Preview only, validated as the description says, answered
202 and carried out later (held here until flushed), on external pages, internal articles and
article contents; tags must exist."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from contract import SPEC_DIR
from emulator_helpers import TOKEN, assert_error, create_source, make_config, page_body, upsert
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from ingest.emulator import EmulatorConfig, EmulatorTag, RunningEmulator, running_emulator, start_emulator
from tests.waiting import wait_for

PATH = "/content/bulk_actions"


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return make_config(
        bulk_action_delay_seconds=None,
        tags=(EmulatorTag(7, "fin-ingest"), EmulatorTag(8, "old", archived=True)),
    )


@pytest.fixture
async def v216(emulator: RunningEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16", "Accept": "application/json"}
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as session:
        yield session


async def bulk(client: aiohttp.ClientSession, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with client.post(PATH, json=body) as response:
        return response.status, await response.json()


def items(kind: str, *ids: str) -> list[dict[str, str]]:
    return [{"type": kind, "id": content_id} for content_id in ids]


async def a_page(client: aiohttp.ClientSession, external_id: str = "a.md") -> dict[str, Any]:
    source_id = await create_source(client)
    status, page = await upsert(
        client, page_body(source_id, external_id, ai_agent_availability=True, ai_copilot_availability=True)
    )
    assert status == 200
    return page


async def test_before_2_16_there_is_no_such_endpoint(emulator: RunningEmulator) -> None:
    """A 2.15 request is answered 404, as for any path that does not exist."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.15", "Accept": "application/json"}
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as v215:
        status, body = await bulk(
            v215, {"action": "set_availability", "content_ids": items("external_content", "1")}
        )
    assert status == 404
    assert_error(body, "not_found")


async def test_set_availability_is_queued_then_carried_out(
    v216: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """202 ``queued`` (valid for the 2.16 description); nothing changes until the queue is carried out,
    then only the flags sent; items of a type set_availability does not take are dropped."""
    page = await a_page(v216)
    request = {
        "action": "set_availability",
        "content_ids": [*items("external_content", page["id"]), *items("article", "99")],
        "availability": {"copilot": False, "sales_agent": True},
    }
    async with v216.post(PATH, json=request) as response:
        raw, status = await response.read(), response.status
    assert status == 202 and json.loads(raw) == {"type": "content_bulk_action", "status": "queued"}
    OpenAPI.from_file_path(str(SPEC_DIR / "openapi-2.16-subset.yaml")).validate_response(
        MockRequest("https://api.intercom.io", "post", PATH),
        MockResponse(raw, status_code=202, content_type="application/json"),
    )
    (pending,) = emulator.pending_bulk_actions()
    assert pending["content_ids"] == items("external_content", page["id"])
    (before,) = emulator.pages()
    assert (before["ai_copilot_availability"], before["ai_sales_agent_availability"]) == (True, False)
    assert emulator.flush_bulk_actions() == 1 and emulator.pending_bulk_actions() == []
    (after,) = emulator.pages()
    assert (after["ai_agent_availability"], after["ai_copilot_availability"]) == (True, False)
    assert after["ai_sales_agent_availability"] is True


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"content_ids": items("external_content", "1")}, "parameter_not_found", "action"),
        ({"action": "archive", "content_ids": items("external_content", "1")}, "parameter_invalid", "action"),
        ({"action": "set_availability", "availability": {}}, "parameter_not_found", "content_ids"),
        (
            {"action": "set_availability", "content_ids": [], "availability": {}},
            "parameter_invalid",
            "content_ids",
        ),
        (
            {"action": "set_availability", "content_ids": items("external_content", *map(str, range(1001)))},
            "parameter_invalid",
            "content_ids",
        ),
        (
            {"action": "delete", "content_ids": [{"type": "internal_article"}]},
            "parameter_invalid",
            "content_ids[0]",
        ),
        (
            {"action": "delete", "content_ids": [{"type": "page", "id": "1"}]},
            "parameter_invalid",
            "content_ids[0].type",
        ),
        (
            {"action": "delete", "content_ids": [{"type": "internal_article", "id": 1}]},
            "parameter_invalid",
            "content_ids[0].id",
        ),
        (
            {"action": "set_availability", "content_ids": items("external_content", "1")},
            "parameter_not_found",
            "availability",
        ),
        (
            {
                "action": "set_availability",
                "content_ids": items("external_content", "1"),
                "availability": {"copilot": "no"},
            },
            "parameter_invalid",
            "availability.copilot",
        ),
        ({"action": "update_tags", "content_ids": items("article", "1")}, "parameter_not_found", "tags"),
        (
            {"action": "update_tags", "content_ids": items("article", "1"), "tags": {}},
            "parameter_invalid",
            "tags",
        ),
        (
            {"action": "update_tags", "content_ids": items("article", "1"), "tags": {"add_tag_ids": [9]}},
            "parameter_invalid",
            "tags",
        ),
        (
            {"action": "update_tags", "content_ids": items("article", "1"), "tags": {"add_tag_ids": [8]}},
            "parameter_invalid",
            "tags",
        ),
        (
            {
                "action": "update_tags",
                "content_ids": items("article", "1"),
                "tags": {"add_tag_ids": list(range(101))},
            },
            "parameter_invalid",
            "tags",
        ),
        (
            {"action": "set_audience", "content_ids": items("external_content", "1")},
            "parameter_not_found",
            "audience",
        ),
    ],
    ids=[
        "no-action",
        "unknown-action",
        "no-items",
        "empty-items",
        "1001-items",
        "item-without-id",
        "unknown-type",
        "numeric-id",
        "no-availability",
        "flag-not-boolean",
        "no-tags",
        "no-tag-ids",
        "unknown-tag",
        "archived-tag",
        "101-tags",
        "no-audience",
    ],
)
async def test_a_request_the_description_refuses_is_a_422_naming_the_field(
    v216: aiohttp.ClientSession, emulator: RunningEmulator, body: dict[str, Any], code: str, field: str
) -> None:
    """Invalid action, content_ids or action parameters: 422 as the description says, nothing queued."""
    status, answer = await bulk(v216, body)
    assert status == 422
    assert_error(answer, code, field)
    assert emulator.pending_bulk_actions() == []


async def test_update_tags_marks_pages_internal_articles_and_articles(
    v216: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """Existing tags are added and removed; an article is named by its own id (``article``); content
    the workspace does not hold is skipped; a deleted page loses its tags."""
    page = await a_page(v216)
    async with v216.post("/internal_articles", json={"title": "Runbook", "author_id": 1, "owner_id": 1}) as r:
        internal = await r.json()
    async with v216.post("/articles", json={"title": "Guide", "author_id": 1}) as r:
        article = await r.json()
    extra = emulator.create_tag("extra")
    marked = [*items("external_content", page["id"], "404"), *items("internal_article", internal["id"])]
    marked += items("article", article["id"])
    status, _ = await bulk(
        v216, {"action": "update_tags", "content_ids": marked, "tags": {"add_tag_ids": [7, int(extra["id"])]}}
    )
    assert status == 202
    status, _ = await bulk(
        v216, {"action": "update_tags", "content_ids": marked[:1], "tags": {"remove_tag_ids": [7]}}
    )
    assert status == 202
    emulator.flush_bulk_actions()
    assert emulator.tagged() == [
        {"type": "article", "id": article["id"], "tag_ids": ["7", extra["id"]]},
        {"type": "external_content", "id": page["id"], "tag_ids": [extra["id"]]},
        {"type": "internal_article", "id": internal["id"], "tag_ids": ["7", extra["id"]]},
    ]
    async with v216.get(f"/articles/{article['id']}") as r:
        assert [tag["id"] for tag in (await r.json())["tags"]["tags"]] == ["7", extra["id"]]
    async with v216.delete(f"/ai/external_pages/{page['id']}") as r:
        assert r.status == 200
    assert [entry["type"] for entry in emulator.tagged()] == ["article", "internal_article"]


async def test_set_availability_on_internal_articles_and_article_contents(
    v216: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """An internal article by its id; an article's content in one locale as ``<article id>-<locale>``
    (the emulator's way to name it), its default language or a translation."""
    async with v216.post("/internal_articles", json={"title": "Runbook", "author_id": 1, "owner_id": 1}) as r:
        internal = await r.json()
    assert (internal["ai_chatbot_availability"], internal["ai_copilot_availability"]) == (False, False)
    fr = {"fr": {"title": "Guide FR", "body": "<p>Bonjour</p>"}}
    async with v216.post("/articles", json={"title": "Guide", "author_id": 1, "translated_content": fr}) as r:
        article = await r.json()
    content = [*items("internal_article", internal["id"]), *items("article_content", f"{article['id']}-en")]
    content += items("article_content", f"{article['id']}-fr")
    status, _ = await bulk(
        v216, {"action": "set_availability", "content_ids": content, "availability": {"copilot": True}}
    )
    assert status == 202
    emulator.flush_bulk_actions()
    (held,) = emulator.internal_articles()
    assert held["ai_copilot_availability"] is True and held["ai_chatbot_availability"] is False
    (shown,) = emulator.articles()
    assert shown["ai_copilot_availability"] is True
    assert shown["translated_content"]["fr"]["ai_copilot_availability"] is True


async def test_publish_unpublish_delete_and_set_audience(
    v216: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """The other actions the description names are carried out too."""
    async with v216.post("/articles", json={"title": "Guide", "author_id": 1}) as r:
        article = await r.json()
    async with v216.post("/internal_articles", json={"title": "Runbook", "author_id": 1, "owner_id": 1}) as r:
        internal = await r.json()
    page = await a_page(v216)
    await bulk(v216, {"action": "publish", "content_ids": items("article_content", f"{article['id']}-en")})
    await bulk(v216, {"action": "delete", "content_ids": items("internal_article", internal["id"])})
    audience = {"add_segment_ids": [3, 4], "remove_segment_ids": [4]}
    await bulk(
        v216,
        {
            "action": "set_audience",
            "content_ids": items("external_content", page["id"]),
            "audience": audience,
        },
    )
    emulator.flush_bulk_actions()
    assert emulator.articles()[0]["state"] == "published" and emulator.internal_articles() == []
    async with aiohttp.ClientSession(emulator.base_url) as control, control.get("/_emulator/state") as r:
        assert (await r.json())["segments"] == [
            {"type": "external_content", "id": page["id"], "segment_ids": [3]}
        ]
    await bulk(v216, {"action": "unpublish", "content_ids": items("article_content", f"{article['id']}-en")})
    emulator.flush_bulk_actions()
    assert emulator.articles()[0]["state"] == "draft"


async def test_fin_for_sales_in_a_pages_request_only_in_preview(
    emulator: RunningEmulator, v216: aiohttp.ClientSession
) -> None:
    """2.16 ignores ``ai_sales_agent_availability`` in a page's POST (its description has no such
    field); Preview stores it."""
    source_id = await create_source(v216)
    _, ignored = await upsert(v216, page_body(source_id, "a.md", ai_sales_agent_availability=True))
    assert ignored["ai_sales_agent_availability"] is False
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "Preview"}
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as preview:
        _, kept = await upsert(preview, page_body(source_id, "a.md", ai_sales_agent_availability=True))
    assert kept["ai_sales_agent_availability"] is True


def test_without_a_hold_an_action_is_carried_out_shortly_after_it_was_accepted() -> None:
    """The emulator's default: a queued action is carried out after ``bulk_action_delay_seconds``."""
    with running_emulator(make_config(bulk_action_delay_seconds=0.05)) as emulator:
        headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}

        async def queue() -> None:
            async with aiohttp.ClientSession(emulator.base_url, headers=headers) as session:
                page = await a_page(session)
                body = {"action": "set_availability", "content_ids": items("external_content", page["id"])}
                assert (await bulk(session, body | {"availability": {"ai_agent": False}}))[0] == 202

        asyncio.run(queue())
        wait_for(lambda: emulator.pages()[0]["ai_agent_availability"] is False, what="the queued action")
        assert emulator.pending_bulk_actions() == []


async def test_queued_actions_are_carried_out_before_the_emulator_saves_and_stops(tmp_path: Path) -> None:
    """What Intercom accepted it carries out: a stopping emulator carries out its queue, then saves;
    tags survive a restart."""
    config = make_config(
        data_file=tmp_path / "emulator.json", bulk_action_delay_seconds=None, tags=(EmulatorTag(7, "mark"),)
    )
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}
    async with (
        start_emulator(config) as first,
        aiohttp.ClientSession(first.base_url, headers=headers) as session,
    ):
        page = await a_page(session)
        await bulk(
            session,
            {
                "action": "update_tags",
                "content_ids": items("external_content", page["id"]),
                "tags": {"add_tag_ids": [7]},
            },
        )
        assert first.pending_bulk_actions()
    async with start_emulator(config) as second:
        assert second.tagged() == [{"type": "external_content", "id": page["id"], "tag_ids": ["7"]}]
