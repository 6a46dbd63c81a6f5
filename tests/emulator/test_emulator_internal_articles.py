"""Internal articles over loopback: create, partial update, delete, list, search, the spec's shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from emulator_helpers import TOKEN, VERSIONS, SpecCheck, assert_error, make_config

from ingest.api_versions import features_of
from ingest.emulator import EmulatorAdmin, RunningEmulator, start_emulator
from ingest.emulator.store import Store
from ingest.emulator.versions import internal_article_shape

PATH = "/internal_articles"
TWO_ADMINS = make_config(
    admins=(EmulatorAdmin(1, "Ada", "ada@example.com"), EmulatorAdmin(2, "Bob", "bob@example.com")),
    per_page=2,
)


async def call(
    client: aiohttp.ClientSession, method: str, path: str, json: Any = None, params: Any = None
) -> tuple[int, dict[str, Any]]:
    """Send one request; the status and the JSON answer."""
    async with client.request(method, path, json=json, params=params) as response:
        return response.status, await response.json()


async def create(client: aiohttp.ClientSession, title: str = "Runbook", **extra: Any) -> dict[str, Any]:
    """Create an internal article by the default admin that must succeed; its JSON."""
    status, body = await call(client, "POST", PATH, {"title": title, "author_id": 1, "owner_id": 1, **extra})
    assert status == 200, body
    return body


async def test_a_new_internal_article_has_its_fields_and_the_workspace_locale(
    client: aiohttp.ClientSession,
) -> None:
    """title, body, author and owner as sent; a string id, the type, times, and locale en."""
    article = await create(client, body="<p>Restart the worker.</p>")
    assert isinstance(article["id"], str) and article["type"] == "internal_article"
    assert (article["title"], article["body"], article["author_id"], article["owner_id"]) == (
        "Runbook",
        "<p>Restart the worker.</p>",
        1,
        1,
    )
    assert article["locale"] == "en" and article["created_at"] == article["updated_at"]
    status, read = await call(client, "GET", f"{PATH}/{article['id']}")
    assert (status, read) == (200, article)


@pytest.mark.parametrize("api_version", ["2.15"])
async def test_body_defaults_to_empty_and_unknown_fields_are_ignored(client: aiohttp.ClientSession) -> None:
    """2.15 takes no locale or availability flag: they are ignored, not stored."""
    article = await create(client, locale="fr", ai_copilot_availability=True)
    assert article["body"] == "" and article["locale"] == "en"
    assert "ai_copilot_availability" not in article


@pytest.mark.parametrize("emulator_config", [TWO_ADMINS])
@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"author_id": 1, "owner_id": 1}, "parameter_not_found", "title"),
        ({"title": "T", "owner_id": 1}, "parameter_not_found", "author_id"),
        ({"title": "T", "author_id": 1}, "parameter_not_found", "owner_id"),
        ({"title": " ", "author_id": 1, "owner_id": 1}, "parameter_invalid", "title"),
        ({"title": 3, "author_id": 1, "owner_id": 1}, "parameter_invalid", "title"),
        ({"title": "T", "author_id": "1", "owner_id": 1}, "parameter_invalid", "author_id"),
        ({"title": "T", "author_id": 42, "owner_id": 1}, "parameter_invalid", "author_id"),
        ({"title": "T", "author_id": 1, "owner_id": 42}, "parameter_invalid", "owner_id"),
        ({"title": "T", "author_id": 1, "owner_id": 2, "body": None}, "parameter_invalid", "body"),
    ],
)
async def test_bad_bodies_name_the_field(
    client: aiohttp.ClientSession, emulator: RunningEmulator, body: dict[str, Any], code: str, field: str
) -> None:
    """Missing, mistyped or unknown values are a 400 naming the field; nothing is created."""
    status, answer = await call(client, "POST", PATH, body)
    assert status == 400
    assert_error(answer, code, field)
    assert emulator.internal_articles() == []


@pytest.mark.parametrize("emulator_config", [TWO_ADMINS])
async def test_update_is_partial(client: aiohttp.ClientSession) -> None:
    """PUT changes only what it sends; created_at stays."""
    article = await create(client, body="<p>v1</p>")
    path = f"{PATH}/{article['id']}"
    status, updated = await call(client, "PUT", path, {"title": "Runbook v2", "owner_id": 2})
    assert status == 200
    assert (updated["title"], updated["body"], updated["owner_id"], updated["author_id"]) == (
        "Runbook v2",
        "<p>v1</p>",
        2,
        1,
    )
    assert updated["created_at"] == article["created_at"]
    status, answer = await call(client, "PUT", path, {"author_id": 7})
    assert status == 400
    assert_error(answer, "parameter_invalid", "author_id")


async def test_unknown_internal_articles_are_404(client: aiohttp.ClientSession) -> None:
    """GET, PUT and DELETE of an unknown or non-numeric id are 404 not_found."""
    for method, path, body in [
        ("GET", f"{PATH}/999", None),
        ("GET", f"{PATH}/abc", None),
        ("PUT", f"{PATH}/999", {"title": "x"}),
        ("DELETE", f"{PATH}/999", None),
    ]:
        status, answer = await call(client, method, path, body)
        assert status == 404, (method, path)
        assert_error(answer, "not_found")


async def test_delete_answers_the_deleted_object(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """DELETE answers {id, object: internal_article, deleted: true}; a second DELETE is a 404."""
    article = await create(client)
    status, body = await call(client, "DELETE", f"{PATH}/{article['id']}")
    assert (status, body) == (200, {"id": article["id"], "object": "internal_article", "deleted": True})
    assert emulator.internal_articles() == []
    status, _ = await call(client, "DELETE", f"{PATH}/{article['id']}")
    assert status == 404


@pytest.mark.parametrize("emulator_config", [TWO_ADMINS])
async def test_the_list_pages_with_cursors_newest_update_first(client: aiohttp.ClientSession) -> None:
    """Two per page here; pages.next is a cursor; an article updated meanwhile is not skipped."""
    ids = [(await create(client, f"A{n}"))["id"] for n in range(5)]
    seen: list[str] = []
    params: dict[str, Any] = {}
    while True:
        status, page = await call(client, "GET", PATH, params=params)
        assert status == 200 and page["type"] == "list" and page["total_count"] == 5
        seen.extend(item["id"] for item in page["data"])
        following = page["pages"].get("next")
        if following is None:
            break
        params = {"starting_after": following["starting_after"], "per_page": following["per_page"]}
    assert seen == ids[::-1]


async def test_search_finds_every_internal_article_and_none_in_a_folder(
    client: aiohttp.ClientSession,
) -> None:
    """2.15 search takes only folder_id, and files no internal article in a folder."""
    first, second = await create(client, "One"), await create(client, "Two")
    status, found = await call(client, "GET", f"{PATH}/search")
    assert status == 200 and found["total_count"] == 2
    assert [a["id"] for a in found["data"]["internal_articles"]] == [second["id"], first["id"]]
    status, in_folder = await call(client, "GET", f"{PATH}/search", params={"folder_id": "3"})
    assert (status, in_folder["total_count"], in_folder["data"]["internal_articles"]) == (200, 0, [])


async def test_answers_carry_the_rate_limit_headers(client: aiohttp.ClientSession) -> None:
    """As every authenticated answer does."""
    async with client.get(PATH) as response:
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(response.headers)


@pytest.mark.parametrize("api_version", VERSIONS)
async def test_every_answer_matches_the_spec(
    client: aiohttp.ClientSession, emulator: RunningEmulator, spec_check: SpecCheck
) -> None:
    """Listed, created, read, updated, searched and deleted, and every error, have the spec's shapes."""

    async def checked(method: str, path: str, json: object = None) -> Any:
        async with client.request(method, path, json=json) as response:
            body = await response.read()
            spec_check(method, response.url.path, response.status, body)
            return await response.json()

    article = await checked(
        "POST", PATH, {"title": "Runbook", "author_id": 1, "owner_id": 1, "body": "<p>x</p>"}
    )
    await checked("POST", PATH, {"title": "Other", "author_id": 1, "owner_id": 1})
    path = f"{PATH}/{article['id']}"
    await checked("GET", f"{PATH}?per_page=1")
    await checked("GET", path)
    await checked("PUT", path, {"title": "Runbook v2"})
    await checked("GET", f"{PATH}/search?per_page=1")
    await checked("POST", PATH, {"title": "x"})
    await checked("GET", f"{PATH}/999")
    await checked("PUT", f"{PATH}/999", {"title": "x"})
    await checked("DELETE", path)
    await checked("DELETE", path)
    async with aiohttp.ClientSession(emulator.base_url) as anonymous, anonymous.get(PATH) as response:
        spec_check("GET", PATH, response.status, await response.read())
    emulator.set_faults(fail_next=1, fail_path=f"POST {PATH}")
    await checked("POST", PATH, {"title": "Runbook", "author_id": 1, "owner_id": 1})
    statuses = [r.status for r in emulator.requests(PATH)]
    assert statuses == [200, 200, 200, 200, 200, 200, 400, 404, 404, 200, 404, 401, 503]


async def test_internal_articles_survive_a_restart_and_show_in_the_state(tmp_path: Path) -> None:
    """A second emulator on the same data file serves them; ids keep increasing; reset wipes them.
    The state shows them in the newest version's shape (availability flags included)."""
    config = make_config(data_file=tmp_path / "emulator.json")
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}
    async with (
        start_emulator(config) as first,
        aiohttp.ClientSession(first.base_url, headers=headers) as client,
    ):
        article = await create(client)
    assert json.loads((tmp_path / "emulator.json").read_text())["internal_articles"]["next_id"] == 2
    async with (
        start_emulator(config) as second,
        aiohttp.ClientSession(second.base_url, headers=headers) as client,
    ):
        # Every field any version shows; the answer (in the app's default version) is a part of it.
        [record] = second.internal_articles()
        assert internal_article_shape(record, features_of(config.api_version)) == article
        async with aiohttp.ClientSession(second.base_url) as control:
            async with control.get("/_emulator/state") as response:
                assert (await response.json())["internal_articles"] == [record]
            async with control.post("/_emulator/reset") as response:
                assert response.status == 204
        assert second.internal_articles() == []
        again = await create(client)
    assert int(again["id"]) > int(article["id"])


async def test_a_data_file_without_internal_articles_still_loads(tmp_path: Path) -> None:
    """A file saved before internal articles existed (no internal_articles key) loads with none."""
    data_file = tmp_path / "emulator.json"
    old = Store().dump()
    del old["internal_articles"]
    data_file.write_text(json.dumps(old))
    async with start_emulator(make_config(data_file=data_file)) as emulator:
        assert emulator.internal_articles() == []
