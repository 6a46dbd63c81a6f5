"""Lists and look-ups against the emulator over loopback: pages.next followed, never totals; the
10,000 cap raised, never a silent truncation; Preview's look-up of one External Page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from contract import validate_recorded

from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.errors import ConfigError, ListCapError
from ingest.intercom import ExternalPage, IntercomClient

TOKEN = "loopback-token"
PAGES = "/ai/external_pages"


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


def client_for(emulator: RunningEmulator, version: str) -> IntercomClient:
    return IntercomClient(base_url=emulator.base_url, token=TOKEN, api_version=version)


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
async def test_sources_are_read_to_the_end_of_pages_next(emulator: RunningEmulator, version: str) -> None:
    """With deleted sources counted in the totals, the live ones fill the first page and the last
    pages are empty: the client reads every source, following pages.next to its end."""
    async with client_for(emulator, version) as intercom:
        made = [await intercom.create_content_import_source(f"https://s{n}.example.com") for n in range(60)]
        for source in made[1:55]:
            await intercom.delete_content_import_source(source.id)
        emulator.clear_requests()
        listed = await intercom.list_content_import_sources()
    assert [source.id for source in listed] == [made[0].id, *(source.id for source in made[55:])]
    pages = [request.query.get("page", "1") for request in emulator.requests()]
    assert pages == ["1", "2"]  # 6 live of 60 counted: 6 on the first page, none on the second
    validate_recorded(emulator.requests())


@pytest.mark.parametrize("version", ["2.15", "Preview"])
async def test_listing_past_10000_pages_raises_instead_of_stopping_short(
    emulator: RunningEmulator, version: str
) -> None:
    """The first 10,000 pages are read, 125 at a time (every result the list reaches); the list
    goes on, so ListCapError is raised, and the page the API would refuse is never asked for."""
    async with client_for(emulator, version) as intercom:
        source = await intercom.create_content_import_source("https://docs.example.com")
        emulator.add_external_pages(source.id, (f"doc-{n}" for n in range(10_001)))
        emulator.clear_requests()
        read: list[ExternalPage] = []
        with pytest.raises(ListCapError, match="at most 10,000 results of GET /ai/external_pages"):
            async for page in intercom.list_external_pages():
                read.append(page)
    assert len(read) == 10_000 and len({page.id for page in read}) == 10_000
    requests = emulator.requests()
    assert [int(r.query["page"]) for r in requests if "page" in r.query] == list(range(2, 81))
    assert {r.query["per_page"] for r in requests} == {"125"} and len(requests) == 80
    assert {r.status for r in requests} == {200}
    validate_recorded(requests)


async def test_exactly_10000_pages_are_listed_without_an_error(emulator: RunningEmulator) -> None:
    """At the cap but not past it, the list ends where pages.next says: every page, no error."""
    async with client_for(emulator, "2.16") as intercom:
        source = await intercom.create_content_import_source("https://docs.example.com")
        emulator.add_external_pages(source.id, (f"doc-{n}" for n in range(10_000)))
        assert len([page async for page in intercom.list_external_pages()]) == 10_000


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
async def test_a_short_list_reads_in_one_request(emulator: RunningEmulator, version: str) -> None:
    """A workspace of 100 pages is one request: nothing is asked past pages.next."""
    async with client_for(emulator, version) as intercom:
        source = await intercom.create_content_import_source("https://docs.example.com")
        emulator.add_external_pages(source.id, (f"doc-{n}" for n in range(100)))
        emulator.clear_requests()
        assert len([page async for page in intercom.list_external_pages()]) == 100
    assert len(emulator.requests()) == 1


async def test_preview_finds_one_page_among_more_than_the_list_reaches(emulator: RunningEmulator) -> None:
    """find_external_page is one request whatever the workspace holds: the page, or None."""
    async with client_for(emulator, "Preview") as intercom:
        source = await intercom.create_content_import_source("https://docs.example.com")
        other = await intercom.create_content_import_source("https://other.example.com")
        emulator.add_external_pages(source.id, (f"doc-{n}" for n in range(12_000)))
        emulator.clear_requests()
        found = await intercom.find_external_page(source.id, "doc-3")
        missing = await intercom.find_external_page(other.id, "doc-3")
    assert found is not None and (found.source_id, found.external_id) == (source.id, "doc-3")
    assert missing is None
    assert [(r.method, r.path, r.query) for r in emulator.requests()] == [
        ("GET", PAGES, {"source_id": str(source.id), "external_id": "doc-3"}),
        ("GET", PAGES, {"source_id": str(other.id), "external_id": "doc-3"}),
    ]
    validate_recorded(emulator.requests())


@pytest.mark.parametrize("version", ["2.15", "2.16"])
async def test_a_version_without_the_lookup_refuses_it_before_sending(
    emulator: RunningEmulator, version: str
) -> None:
    """Before Preview the parameters would be ignored and every page listed: a ConfigError naming
    the key and the version that has the look-up, and no request."""
    async with client_for(emulator, version) as intercom:
        with pytest.raises(ConfigError, match=r'intercom\.api_version: .* needs "Preview"'):
            await intercom.find_external_page(1, "doc-3")
    assert emulator.requests() == []
