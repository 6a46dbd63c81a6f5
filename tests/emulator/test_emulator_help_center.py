"""Help Center over loopback: admins, help centers, and nested collections with their rules."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from emulator_helpers import assert_error, make_config

from ingest.emulator import EmulatorConfig, RunningEmulator
from ingest.emulator.config import EmulatorAdmin, EmulatorHelpCenter

COLLECTIONS = "/help_center/collections"


async def call(
    client: aiohttp.ClientSession, method: str, path: str, json: Any = None
) -> tuple[int, dict[str, Any]]:
    """Send one request; the status and the JSON answer."""
    async with client.request(method, path, json=json) as response:
        return response.status, await response.json()


async def create(client: aiohttp.ClientSession, name: str, **extra: Any) -> dict[str, Any]:
    """Create a collection that must succeed; its JSON."""
    status, body = await call(client, "POST", COLLECTIONS, {"name": name, **extra})
    assert status == 200, body
    return body


async def test_default_admin_is_listed_and_is_me(client: aiohttp.ClientSession) -> None:
    """GET /admins lists the configured admin with a string id; /me is that admin."""
    status, body = await call(client, "GET", "/admins")
    assert status == 200
    assert body["type"] == "admin.list"
    assert [(a["id"], a["name"], a["type"]) for a in body["admins"]] == [("1", "Emulator Admin", "admin")]
    _, me = await call(client, "GET", "/me")
    assert (me["id"], me["email"]) == ("1", body["admins"][0]["email"])


@pytest.mark.parametrize(
    "overrides",
    [
        {"admins": ()},
        {"admins": (EmulatorAdmin(1, "A", "a@x"), EmulatorAdmin(1, "B", "b@x"))},
        {"help_centers": ()},
        {"help_centers": (EmulatorHelpCenter(0, "x", "X", "https://x"),)},
    ],
)
def test_admins_and_help_centers_must_be_present_and_unique(overrides: dict[str, Any]) -> None:
    """EmulatorConfig refuses no admins, no help centers, duplicate or non-positive ids."""
    with pytest.raises(ValueError):
        make_config(**overrides)


class TestConfiguredWorkspace:
    """Admins and help centers come from the configuration."""

    @pytest.fixture
    def emulator_config(self) -> EmulatorConfig:
        """Two admins and two help centers."""
        return make_config(
            admins=[EmulatorAdmin(7, "Ada", "ada@example.com"), EmulatorAdmin(8, "Bo", "bo@example.com")],
            help_centers=[
                EmulatorHelpCenter(3, "main", "Main", "https://help.example.com"),
                EmulatorHelpCenter(4, "beta", "Beta", "https://beta.example.com/"),
            ],
        )

    async def test_lists_and_reads_help_centers(self, client: aiohttp.ClientSession) -> None:
        """GET /help_center/help_centers lists them (string ids); one is read by id; others are 404."""
        status, body = await call(client, "GET", "/help_center/help_centers")
        assert status == 200
        assert body["type"] == "list"
        assert [(h["id"], h["identifier"], h["display_name"]) for h in body["data"]] == [
            ("3", "main", "Main"),
            ("4", "beta", "Beta"),
        ]
        status, beta = await call(client, "GET", "/help_center/help_centers/4")
        assert (status, beta["url"]) == (200, "https://beta.example.com/")
        for missing in ("5", "abc"):
            status, error = await call(client, "GET", f"/help_center/help_centers/{missing}")
            assert status == 404
            assert_error(error, "not_found")

    async def test_admins_me_and_the_default_help_center(self, client: aiohttp.ClientSession) -> None:
        """Every admin is listed, /me is the first, and a collection goes to the first help center."""
        _, admins = await call(client, "GET", "/admins")
        assert [a["id"] for a in admins["admins"]] == ["7", "8"]
        _, me = await call(client, "GET", "/me")
        assert me["name"] == "Ada"
        top = await create(client, "Guides")
        assert top["help_center_id"] == 3
        assert top["url"] == f"https://help.example.com/en/collections/{top['id']}-guides"
        beta = await create(client, "Beta guides", help_center_id=4)
        assert beta["url"].startswith("https://beta.example.com/en/collections/")
        child = await create(client, "Child", parent_id=beta["id"])
        assert child["help_center_id"] == 4

    async def test_help_center_of_a_child_must_be_its_parents(self, client: aiohttp.ClientSession) -> None:
        """A help_center_id that is not the parent's, or unknown, is a 400 naming help_center_id."""
        top = await create(client, "Guides")
        status, body = await call(
            client, "POST", COLLECTIONS, {"name": "X", "parent_id": top["id"], "help_center_id": 4}
        )
        assert status == 400
        assert_error(body, "parameter_invalid", "help_center_id")
        status, body = await call(client, "POST", COLLECTIONS, {"name": "X", "help_center_id": 99})
        assert status == 400
        assert_error(body, "parameter_invalid", "help_center_id")


async def test_collections_nest_and_are_read_back(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """A collection created under another has its string parent_id; GET returns the same object."""
    top = await create(client, "Guides", description="All guides")
    assert (top["parent_id"], top["description"], top["help_center_id"]) == (None, "All guides", 1)
    child = await create(client, "Install", parent_id=top["id"])
    assert child["parent_id"] == top["id"]
    assert isinstance(child["id"], str) and child["description"] == ""
    status, read = await call(client, "GET", f"{COLLECTIONS}/{child['id']}")
    assert (status, read) == (200, child)
    explicit_top = await create(client, "Other", parent_id=None)
    assert explicit_top["parent_id"] is None
    assert {c["id"] for c in emulator.collections()} == {top["id"], child["id"], explicit_top["id"]}


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "parameter_not_found", "name"),
        ({"name": None}, "parameter_not_found", "name"),
        ({"name": 5}, "parameter_invalid", "name"),
        ({"name": "  "}, "parameter_invalid", "name"),
        ({"name": "X", "description": 1}, "parameter_invalid", "description"),
        ({"name": "X", "parent_id": 1}, "parameter_invalid", "parent_id"),
        ({"name": "X", "parent_id": "999"}, "parameter_invalid", "parent_id"),
        ({"name": "X", "parent_id": "abc"}, "parameter_invalid", "parent_id"),
        ({"name": "X", "help_center_id": "1"}, "parameter_invalid", "help_center_id"),
        (
            {"name": "X", "translated_content": {"xx": {"name": "Y"}}},
            "parameter_invalid",
            "translated_content.xx",
        ),
        (
            {"name": "X", "translated_content": {"fr": {"name": 1}}},
            "parameter_invalid",
            "translated_content.fr.name",
        ),
        ({"name": "X", "translated_content": []}, "parameter_invalid", "translated_content"),
    ],
)
async def test_bad_collection_bodies_name_the_field(
    client: aiohttp.ClientSession, body: dict[str, Any], code: str, field: str
) -> None:
    """Missing, mistyped or dangling fields of a new collection are a 400 naming the field."""
    status, answer = await call(client, "POST", COLLECTIONS, body)
    assert status == 400
    assert_error(answer, code, field)


async def test_translated_names_are_kept_and_merged(client: aiohttp.ClientSession) -> None:
    """Collection translations are echoed per locale and a PUT merges them field by field."""
    top = await create(client, "Guides", translated_content={"fr": {"name": "Guides FR", "description": "d"}})
    assert top["translated_content"]["fr"] == {
        "type": "group_content",
        "name": "Guides FR",
        "description": "d",
    }
    status, updated = await call(
        client,
        "PUT",
        f"{COLLECTIONS}/{top['id']}",
        {"translated_content": {"fr": {"name": "Nouveau"}, "de": {"name": "DE"}}},
    )
    assert status == 200
    assert updated["translated_content"]["fr"]["name"] == "Nouveau"
    assert updated["translated_content"]["fr"]["description"] == "d"
    assert updated["translated_content"]["de"]["name"] == "DE"
    assert updated["name"] == "Guides"


async def test_update_renames_and_moves(client: aiohttp.ClientSession) -> None:
    """PUT changes name and description, moves under another parent, and null moves to the top."""
    one, two = await create(client, "One"), await create(client, "Two")
    path = f"{COLLECTIONS}/{two['id']}"
    status, moved = await call(client, "PUT", path, {"name": "Deux", "parent_id": one["id"]})
    assert status == 200
    assert (moved["name"], moved["parent_id"], moved["description"]) == ("Deux", one["id"], "")
    _, kept = await call(client, "PUT", path, {"description": "second"})
    assert (kept["name"], kept["parent_id"], kept["description"]) == ("Deux", one["id"], "second")
    _, top = await call(client, "PUT", path, {"parent_id": None})
    assert top["parent_id"] is None


async def test_update_refuses_cycles_and_unknown_ids(client: aiohttp.ClientSession) -> None:
    """Moving a collection under itself or a descendant is a 400; an unknown collection a 404."""
    top = await create(client, "Top")
    child = await create(client, "Child", parent_id=top["id"])
    for parent in (top["id"], child["id"]):
        status, body = await call(client, "PUT", f"{COLLECTIONS}/{top['id']}", {"parent_id": parent})
        assert status == 400
        assert_error(body, "parameter_invalid", "parent_id")
    status, body = await call(client, "PUT", f"{COLLECTIONS}/999", {"name": "X"})
    assert status == 404
    assert_error(body, "not_found")
    status, body = await call(client, "PUT", f"{COLLECTIONS}/{top['id']}", {"name": ""})
    assert status == 400
    assert_error(body, "parameter_invalid", "name")


async def test_delete_refuses_a_collection_that_is_not_empty(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """A collection holding a collection or an article is not deleted (400); an empty one is."""
    top = await create(client, "Top")
    child = await create(client, "Child", parent_id=top["id"])
    status, body = await call(client, "DELETE", f"{COLLECTIONS}/{top['id']}")
    assert status == 400
    assert_error(body, "bad_request")
    assert "not empty" in body["errors"][0]["message"]
    article = {"title": "A", "author_id": 1, "parent_id": int(child["id"]), "parent_type": "collection"}
    status, created = await call(client, "POST", "/articles", article)
    assert status == 200
    status, _ = await call(client, "DELETE", f"{COLLECTIONS}/{child['id']}")
    assert status == 400
    await call(client, "DELETE", f"/articles/{created['id']}")
    for collection in (child, top):
        status, body = await call(client, "DELETE", f"{COLLECTIONS}/{collection['id']}")
        assert (status, body) == (200, {"id": collection["id"], "object": "collection", "deleted": True})
    assert emulator.collections() == []
    status, body = await call(client, "GET", f"{COLLECTIONS}/{top['id']}")
    assert status == 404


async def test_collections_list_newest_update_first_in_cursor_pages(client: aiohttp.ClientSession) -> None:
    """The list pages with pages.next {per_page, starting_after}; following it visits each once."""
    ids = [(await create(client, f"C{n}"))["id"] for n in range(5)]
    seen: list[str] = []
    query = "?per_page=2"
    pages = []
    while True:
        status, body = await call(client, "GET", COLLECTIONS + query)
        assert status == 200
        assert body["total_count"] == 5
        seen += [c["id"] for c in body["data"]]
        pages.append(body["pages"])
        following = body["pages"].get("next")
        if following is None:
            break
        query = f"?per_page={following['per_page']}&starting_after={following['starting_after']}"
    assert seen == ids[::-1]
    assert [(p["page"], p["total_pages"]) for p in pages] == [(1, 3), (2, 3), (3, 3)]


async def test_an_update_moves_a_collection_to_the_front_without_skipping(
    client: aiohttp.ClientSession,
) -> None:
    """Updating an item already listed while paging does not make the next page skip another one."""
    ids = [(await create(client, f"C{n}"))["id"] for n in range(4)]
    _, first = await call(client, "GET", f"{COLLECTIONS}?per_page=2")
    await call(client, "PUT", f"{COLLECTIONS}/{first['data'][0]['id']}", {"name": "Renamed"})
    cursor = first["pages"]["next"]["starting_after"]
    _, second = await call(client, "GET", f"{COLLECTIONS}?per_page=2&starting_after={cursor}")
    assert [c["id"] for c in first["data"] + second["data"]] == ids[::-1]


async def test_a_bad_cursor_is_a_400(client: aiohttp.ClientSession) -> None:
    """A starting_after this API never gave is a 400 naming it."""
    status, body = await call(client, "GET", f"{COLLECTIONS}?starting_after=nonsense")
    assert status == 400
    assert_error(body, "parameter_invalid", "starting_after")
