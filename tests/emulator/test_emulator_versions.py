"""Each API version's request fields and response shapes, chosen per request by ``Intercom-Version``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from emulator_helpers import VERSIONS, SpecCheck, assert_error, create_source, make_config, page_body

from ingest.emulator import EmulatorConfig, RunningEmulator

PAGES = "/ai/external_pages"
SOURCES = "/ai/content_import_sources"
ARTICLES = "/articles"
INTERNAL = "/internal_articles"
AVAILABILITY = ("ai_chatbot_availability", "ai_copilot_availability", "ai_sales_agent_availability")


def versioned(version: str) -> dict[str, str]:
    """The headers that ask for ``version``."""
    return {"Intercom-Version": version}


async def call(
    client: aiohttp.ClientSession,
    method: str,
    path: str,
    version: str,
    json: Any = None,
    check: SpecCheck | None = None,
) -> tuple[int, Any]:
    """One request in ``version``; the status and the JSON answer, checked against the version's
    description when ``check`` is given."""
    async with client.request(method, path, json=json, headers=versioned(version)) as response:
        raw = await response.read()
        if check is not None:
            check(method, response.url.path, response.status, raw)
        return response.status, await response.json()


# -- the header --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "speaks"),
    [("2.15", "2.15"), ("2.10", "2.15"), ("2.16", "2.16"), ("Preview", "Preview"), ("Unstable", "Preview")],
)
async def test_the_header_picks_the_version(client: aiohttp.ClientSession, header: str, speaks: str) -> None:
    """Older versions are answered as 2.15, the oldest the emulator models; Unstable is Preview's old name."""
    status, article = await call(client, "POST", ARTICLES, header, {"title": "T", "author_id": 1})
    assert status == 200
    assert ("parent_id" in article) is (speaks == "2.15")
    source_id = await create_source(client)
    body = page_body(source_id, "a", ai_sales_agent_availability=True)
    _, page = await call(client, "POST", PAGES, header, body)
    assert page["ai_sales_agent_availability"] is (speaks == "Preview")


@pytest.mark.parametrize("default", VERSIONS)
async def test_without_a_header_the_apps_default_version_answers(default: str) -> None:
    """A request naming no version is answered in the app's own (EmulatorConfig.api_version)."""
    from ingest.emulator import start_emulator

    async with (
        start_emulator(make_config(api_version=default)) as emulator,
        aiohttp.ClientSession(emulator.base_url, headers={"Authorization": "Bearer test-token"}) as bare,
        bare.post(ARTICLES, json={"title": "T", "author_id": 1}) as response,
    ):
        article = await response.json()
    assert ("parent_id" in article) is (default == "2.15")
    assert ("ai_chatbot_availability" in article) is (default != "2.15")


def test_an_app_default_it_does_not_speak_is_refused() -> None:
    """EmulatorConfig(api_version="2.17") fails, naming the versions it speaks."""
    with pytest.raises(ValueError, match=r"2\.15, 2\.16, Preview"):
        EmulatorConfig(api_version="2.17")


# -- articles ----------------------------------------------------------------------


async def filed_article(client: aiohttp.ClientSession) -> tuple[int, dict[str, Any]]:
    """A collection and a published article in it, created in 2.15; the collection's id and the article."""
    async with client.post(
        "/help_center/collections", json={"name": "Guides"}, headers=versioned("2.15")
    ) as r:
        collection = int((await r.json())["id"])
    body = {"title": "Install", "author_id": 1, "body": "<h2>Steps</h2><p>Run <b>it</b></p>"}
    status, article = await call(client, "POST", ARTICLES, "2.15", {**body, "parent_id": collection})
    assert status == 200
    return collection, article


@pytest.mark.parametrize("version", VERSIONS)
async def test_article_answers_have_their_versions_shape(
    client: aiohttp.ClientSession, spec_checks: Callable[[str], SpecCheck], version: str
) -> None:
    """2.15: parent_id and parent_type beside parent_ids, no availability, no body_markdown; 2.16 and
    Preview: parent_ids only, availability (Fin and Copilot on, Fin for sales off) and the body as
    Markdown. Every read of the same article, listed or searched too, keeps its version's description."""
    collection, created = await filed_article(client)
    path = f"{ARTICLES}/{created['id']}"
    check = spec_checks(version)
    _, article = await call(client, "GET", path, version, check=check)
    _, listed = await call(client, "GET", ARTICLES, version, check=check)
    _, found = await call(client, "GET", f"{ARTICLES}/search?phrase=install", version, check=check)
    for shown in (article, listed["data"][0], found["data"]["articles"][0]):
        assert shown["parent_ids"] == [collection]
        if version == "2.15":
            assert (shown["parent_id"], shown["parent_type"]) == (collection, "collection")
            assert not {"body_markdown", *AVAILABILITY} & shown.keys()
        else:
            assert not {"parent_id", "parent_type"} & shown.keys()
            assert [shown[flag] for flag in AVAILABILITY] == [True, True, False]
            assert shown["body_markdown"] == "## Steps\n\nRun **it**"


@pytest.mark.parametrize("version", VERSIONS)
async def test_article_availability_is_written_from_2_16(
    client: aiohttp.ClientSession, emulator: RunningEmulator, version: str
) -> None:
    """2.16 and Preview set the three flags on create and update; 2.15 ignores them."""
    off = dict.fromkeys(AVAILABILITY, False)
    status, created = await call(client, "POST", ARTICLES, version, {"title": "T", "author_id": 1, **off})
    assert status == 200
    on_sales = {"ai_sales_agent_availability": True}
    status, _ = await call(client, "PUT", f"{ARTICLES}/{created['id']}", version, on_sales)
    assert status == 200
    [record] = emulator.articles()
    expected = [True, True, False] if version == "2.15" else [False, False, True]
    assert [record[flag] for flag in AVAILABILITY] == expected


async def test_a_2_16_article_may_be_written_in_markdown(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """body_markdown becomes the HTML body and is answered as written; an HTML body replaces it;
    body and body_markdown together are a 400 naming body_markdown."""
    status, created = await call(
        client, "POST", ARTICLES, "2.16", {"title": "T", "author_id": 1, "body_markdown": "# Hi\n\n*there*"}
    )
    assert status == 200
    assert (created["body"], created["body_markdown"]) == (
        "<h1>Hi</h1>\n<p><em>there</em></p>\n",
        "# Hi\n\n*there*",
    )
    path = f"{ARTICLES}/{created['id']}"
    _, as_html = await call(client, "PUT", path, "2.16", {"body": "<p>Plain</p>"})
    assert (as_html["body"], as_html["body_markdown"]) == ("<p>Plain</p>", "Plain")
    status, refused = await call(client, "PUT", path, "2.16", {"body": "<p>x</p>", "body_markdown": "x"})
    assert status == 400
    assert_error(refused, "parameter_invalid", "body_markdown")
    _, in_2_15 = await call(client, "PUT", path, "2.15", {"body_markdown": "# Ignored"})
    assert in_2_15["body"] == "<p>Plain</p>"
    assert emulator.articles()[0]["body"] == "<p>Plain</p>"


# -- internal articles -------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
async def test_internal_articles_speak_their_version(
    client: aiohttp.ClientSession, spec_checks: Callable[[str], SpecCheck], version: str
) -> None:
    """2.16 and Preview: availability flags, false unless written, and body_markdown; 2.15 neither,
    and it ignores the flags a write sends."""
    check = spec_checks(version)
    body = {"title": "Runbook", "author_id": 1, "owner_id": 1, "body": "<p>Restart</p>"}
    status, created = await call(
        client, "POST", INTERNAL, version, {**body, "ai_copilot_availability": True}, check
    )
    assert status == 200
    _, listed = await call(client, "GET", INTERNAL, version, check=check)
    for shown in (created, listed["data"][0]):
        if version == "2.15":
            assert not {"body_markdown", *AVAILABILITY} & shown.keys()
        else:
            assert [shown[flag] for flag in AVAILABILITY] == [False, True, False]
            assert shown["body_markdown"] == "Restart"
    _, in_2_16 = await call(client, "GET", f"{INTERNAL}/{created['id']}", "2.16")
    assert in_2_16["ai_copilot_availability"] is (version != "2.15")


# -- external pages ----------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
async def test_fin_for_sales_is_in_every_answer_and_set_only_in_preview(
    client: aiohttp.ClientSession, spec_checks: Callable[[str], SpecCheck], version: str
) -> None:
    """ai_sales_agent_availability is answered in every version, false by default; only Preview's
    POST sets it (and an upsert without it keeps it)."""
    check = spec_checks(version)
    source_id = await create_source(client)
    status, created = await call(client, "POST", PAGES, version, page_body(source_id, "a"), check)
    assert (status, created["ai_sales_agent_availability"]) == (200, False)
    body = page_body(source_id, "a", ai_sales_agent_availability=True)
    _, set_ = await call(client, "POST", PAGES, version, body, check)
    _, kept = await call(client, "POST", PAGES, version, page_body(source_id, "a", title="Again"), check)
    assert (
        set_["ai_sales_agent_availability"] is kept["ai_sales_agent_availability"] is (version == "Preview")
    )


@pytest.mark.parametrize("version", VERSIONS)
async def test_put_takes_availability_only_in_preview(
    client: aiohttp.ClientSession, emulator: RunningEmulator, version: str
) -> None:
    """Preview's PUT /ai/external_pages/{id} sets the three flags; 2.15 and 2.16 know only
    fin_availability and ignore them, as the real API ignores fields it does not know."""
    source_id = await create_source(client)
    _, page = await call(client, "POST", PAGES, version, page_body(source_id, "a"))
    flags = {
        "ai_agent_availability": True,
        "ai_copilot_availability": True,
        "ai_sales_agent_availability": True,
    }
    put = page_body(source_id, "a", url="https://docs.example.com/a", **flags)
    status, updated = await call(client, "PUT", f"{PAGES}/{page['id']}", version, put)
    assert status == 200
    assert [updated[flag] for flag in flags] == [version == "Preview"] * 3
    _, fin = await call(client, "PUT", f"{PAGES}/{page['id']}", version, {**put, "fin_availability": True})
    assert fin["ai_agent_availability"] is True
    assert emulator.pages()[0]["ai_agent_availability"] is True


# -- lists -------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
async def test_the_external_page_list_stops_at_10000(
    client: aiohttp.ClientSession, emulator: RunningEmulator, version: str
) -> None:
    """Pages up to 10,000 results are listed; one ending past it (page x per_page) is a 400 naming
    page, whatever the workspace holds; per_page above 150 counts as 150."""
    source_id = await create_source(client)
    emulator.add_external_pages(source_id, (f"doc-{n}" for n in range(10_050)))
    status, last = await call(client, "GET", f"{PAGES}?page=80&per_page=125", version)
    assert (status, len(last["data"]), last["total_count"]) == (200, 125, 10_050)
    assert "page=81" in last["pages"]["next"]  # the list says there is more: reading it is refused
    for query in ("page=81&per_page=125", "page=67&per_page=150", "page=67&per_page=500"):
        status, refused = await call(client, "GET", f"{PAGES}?{query}", version)
        assert status == 400, query
        assert_error(refused, "parameter_invalid", "page")
    status, clamped = await call(client, "GET", f"{PAGES}?page=66&per_page=500", version)
    assert (status, clamped["pages"]["per_page"], len(clamped["data"])) == (200, 150, 150)
    status, refused = await call(client, "GET", f"{PAGES}?per_page=0", version)
    assert status == 400
    assert_error(refused, "parameter_invalid", "per_page")


async def test_source_totals_count_deleted_sources(client: aiohttp.ClientSession) -> None:
    """total_count and total_pages also count deleted sources: the last pages are short or empty,
    and only pages.next says where the list ends."""
    ids = [await create_source(client, f"https://s{n}.example.com") for n in range(5)]
    for source_id in ids[1:4]:
        async with client.delete(f"{SOURCES}/{source_id}") as response:
            assert response.status == 204
    seen: list[int] = []
    sizes: list[int] = []
    url: str | None = f"{SOURCES}?per_page=2"
    while url is not None:
        async with client.get(url) as response:
            body = await response.json()
        assert (body["total_count"], body["pages"]["total_pages"]) == (5, 3)
        seen.extend(source["id"] for source in body["data"])
        sizes.append(len(body["data"]))
        url = body["pages"].get("next")
    assert seen == [ids[0], ids[4]]
    assert sizes == [2, 0, 0]


async def test_preview_looks_up_one_page_by_source_and_external_id(
    client: aiohttp.ClientSession, emulator: RunningEmulator, spec_checks: Callable[[str], SpecCheck]
) -> None:
    """Preview's GET /ai/external_pages?source_id=S&external_id=E answers the one matching page or an
    empty list, among pages past the 10,000 the list reaches; one parameter alone is a 400."""
    check = spec_checks("Preview")
    first, second = await create_source(client), await create_source(client, "https://b.example.com")
    emulator.add_external_pages(first, (f"doc-{n}" for n in range(12_000)))
    emulator.add_external_pages(second, ["doc-5"])
    status, found = await call(
        client, "GET", f"{PAGES}?source_id={first}&external_id=doc-5", "Preview", check=check
    )
    assert status == 200
    assert [(p["source_id"], p["external_id"]) for p in found["data"]] == [(first, "doc-5")]
    assert found["total_count"] == 1 and "next" not in found["pages"]
    _, none = await call(
        client, "GET", f"{PAGES}?source_id={second}&external_id=doc-6", "Preview", check=check
    )
    assert (none["data"], none["total_count"]) == ([], 0)
    _, unknown = await call(client, "GET", f"{PAGES}?source_id=999&external_id=doc-5", "Preview")
    assert unknown["data"] == []
    for query, field in (("source_id=1", "external_id"), ("external_id=doc-5", "source_id")):
        status, refused = await call(client, "GET", f"{PAGES}?{query}", "Preview")
        assert status == 400
        assert_error(refused, "parameter_not_found", field)
    status, refused = await call(client, "GET", f"{PAGES}?source_id=x&external_id=doc-5", "Preview")
    assert status == 400
    assert_error(refused, "parameter_invalid", "source_id")


@pytest.mark.parametrize("version", ["2.15", "2.16"])
async def test_before_preview_the_lookup_parameters_are_ignored(
    client: aiohttp.ClientSession, emulator: RunningEmulator, version: str
) -> None:
    """2.15 and 2.16 know no lookup: source_id and external_id are ignored and every page is listed."""
    source_id = await create_source(client)
    emulator.add_external_pages(source_id, ["a", "b", "c"])
    _, listed = await call(client, "GET", f"{PAGES}?source_id={source_id}&external_id=a", version)
    assert [page["external_id"] for page in listed["data"]] == ["c", "b", "a"]


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
