"""Adopting a source's pages after a lost state file in a workspace of more than 10,000 External
Pages, where Intercom's list stops: looked up one by one in Preview, a clear failure before it."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from contract import validate_recorded

from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.intercom import IntercomClient
from ingest.state import StateStore
from ingest.targets.external_pages.adoption import remote_pages
from tests.e2e.conftest import SOURCE_URL, TOKEN, Harness, write_docs

PAGES = "/ai/external_pages"


async def crowd_the_workspace(emulator: RunningEmulator, pages: int = 10_500) -> None:
    """Another source with ``pages`` newer pages: the list (newest first) reaches none of ours."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}
    async with (
        aiohttp.ClientSession(emulator.base_url, headers=headers) as session,
        session.post(
            "/ai/content_import_sources", json={"sync_behavior": "api", "url": "https://crm.example.com"}
        ) as r,
    ):
        other = (await r.json())["id"]
    emulator.add_external_pages(other, (f"crm-{n}" for n in range(pages)))


async def lose_state_and_a_document(harness: Harness) -> dict[str, str]:
    """Six documents synced; then the state file is lost and one document deleted. The remote
    page ids of the five left, by external id."""
    write_docs(harness.docs, 6)
    assert (await harness.sync()).ok
    ids = {key: page["id"] for key, page in harness.remote().items()}
    harness.forget_state()
    (harness.docs / "section-2/page-005.md").unlink()
    return {key: remote_id for key, remote_id in ids.items() if key != "section-2/page-005.md"}


async def test_past_10000_pages_preview_adopts_by_looking_each_page_up(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The list stops at 10,000 without reaching the source's pages: each document's page is looked
    up and adopted (updated, none created or duplicated); the deleted document's page cannot be
    found that way and stays, as a warning says; every request keeps the Preview contract."""
    harness.use_version("Preview")
    kept = await lose_state_and_a_document(harness)
    await crowd_the_workspace(harness.emulator)
    harness.emulator.clear_requests()

    with caplog.at_level(logging.WARNING, logger="ingest.targets.external_pages"):
        result = await harness.sync()

    assert result.ok and (result.counts.created, result.counts.updated, result.counts.deleted) == (0, 5, 0)
    [source] = [s for s in harness.emulator.sources() if s["url"] == SOURCE_URL]
    ours = {p["external_id"]: p["id"] for p in harness.emulator.pages() if p["source_id"] == source["id"]}
    assert ours == {**kept, "section-2/page-005.md": ours["section-2/page-005.md"]}  # no duplicate
    requests = harness.emulator.requests(PAGES)
    lookups = sorted(r.query["external_id"] for r in requests if "external_id" in r.query)
    assert lookups == sorted(kept)
    assert sum(1 for r in requests if r.method == "GET" and "external_id" not in r.query) == 80
    assert max(int(r.query.get("page", 1)) for r in requests if r.method == "GET") == 80
    assert "looking up 5 page(s) one by one" in caplog.text and "stays in Intercom" in caplog.text
    validate_recorded(harness.emulator.requests())


@pytest.mark.parametrize("version", ["2.15", "2.16"])
async def test_past_10000_pages_without_the_lookup_the_source_fails_saying_how_to_fix_it(
    harness: Harness, version: str
) -> None:
    """Without a look-up the pages cannot all be found: the source fails in one sentence naming
    the key and the version that can, and writes nothing (no page is sent as new)."""
    harness.use_version(version)
    await lose_state_and_a_document(harness)
    await crowd_the_workspace(harness.emulator)
    harness.emulator.clear_requests()

    result = await harness.sync()

    assert not result.ok and result.error is not None
    assert "stops at 10,000" in result.error and 'set [intercom] api_version = "Preview"' in result.error
    assert "\n" not in result.error
    assert [r.method for r in harness.emulator.requests(PAGES)] == ["GET"] * 80
    with StateStore(harness.settings().state.path) as state:
        assert state.target("docs", "external_pages").count() == 0


async def test_lookups_run_a_bounded_number_at_a_time() -> None:
    """Looking up 40 pages keeps several in flight at once, but never more than the client allows (4)."""
    async with (
        start_emulator(EmulatorConfig(token=TOKEN, latency_ms=(10, 10))) as emulator,
        IntercomClient(
            base_url=emulator.base_url, token=TOKEN, api_version="Preview", max_concurrency=4
        ) as client,
    ):
        source = await client.create_content_import_source("https://docs.example.com")
        planned = [f"doc-{n}" for n in range(40)]
        emulator.add_external_pages(source.id, planned)
        await crowd_the_workspace(emulator, pages=10_001)
        adopted = await remote_pages(client, source.id, planned, source="docs")
    assert sorted(page.external_id for page in adopted) == sorted(planned)
    lookups = [r for r in emulator.requests(PAGES) if "external_id" in r.query]
    assert len(lookups) == 40
    events = sorted([(r.received_at, 1) for r in lookups] + [(r.answered_at, -1) for r in lookups])
    in_flight = peak = 0
    for _, change in events:
        in_flight += change
        peak = max(peak, in_flight)
    assert 1 < peak <= 4
