"""Every Fin surface as configuration, end to end: AI Agent, Copilot and Fin for sales per source
and per document, sent where the API version lets a page's request say it, otherwise set with
bulk actions after the upserts, on exactly the pages whose availability differs, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded

from ingest.emulator import EmulatorConfig, RecordedRequest, RunningEmulator, start_emulator
from ingest.runner import run_sources
from ingest.state import StateStore
from tests.e2e.conftest import SOURCE_READ, TOKEN, SyncedProject, endpoints, write_config

BULK = "/content/bulk_actions"
PAGES = "/ai/external_pages"


class Project(SyncedProject):
    """A docs folder, its config at one API version, and the emulator (bulk actions held until flushed)."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, api_version: str) -> None:
        self.tmp_path = tmp_path
        self.docs = tmp_path / "docs"
        self.docs.mkdir(exist_ok=True)
        self.emulator = emulator
        self.api_version = api_version
        self.configure()

    def configure(self, *, max_attempts: int = 6, **source_keys: Any) -> None:
        """Write the config with ``source_keys`` on top of the defaults, at this project's version."""
        path = write_config(self.tmp_path, self.emulator.base_url, **source_keys)
        intercom = f'[intercom]\napi_version = "{self.api_version}"\nmax_attempts = {max_attempts}\n'
        path.write_text(path.read_text(encoding="utf-8").replace("[intercom]\n", intercom, 1))
        self.config = path

    def write(self, name: str, body: str = "Some text.", **front: bool) -> None:
        lines = [f"{key}: {str(value).lower()}" for key, value in front.items()]
        matter = "---\n" + "\n".join(lines) + "\n---\n" if lines else ""
        (self.docs / name).write_text(f"{matter}# {name}\n\n{body}\n", encoding="utf-8")

    def bulk_requests(self) -> list[RecordedRequest]:
        return [r for r in self.emulator.requests() if r.method == "POST" and r.path == BULK]

    def page_posts(self) -> list[RecordedRequest]:
        return [r for r in self.emulator.requests() if r.method == "POST" and r.path == PAGES]

    def availability(self) -> dict[str, tuple[bool, bool, bool]]:
        """Each page's (AI Agent, Copilot, Fin for sales), once every queued bulk action is carried out."""
        self.emulator.flush_bulk_actions()
        return {
            page["external_id"]: (
                page["ai_agent_availability"],
                page["ai_copilot_availability"],
                page["ai_sales_agent_availability"],
            )
            for page in self.emulator.pages()
        }

    def validated(self) -> int:
        """Every request of the last sync checked against this version's description."""
        return validate_recorded(self.emulator.requests(), version=self.api_version)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)) as running:
        yield running


@pytest.fixture
def at_2_16(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return Project(tmp_path, emulator, "2.16")


@pytest.fixture
def at_preview(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return Project(tmp_path, emulator, "Preview")


def items_of(request: RecordedRequest) -> list[str]:
    assert isinstance(request.body, dict)
    assert {item["type"] for item in request.body["content_ids"]} == {"external_content"}
    return [item["id"] for item in request.body["content_ids"]]


async def test_fin_for_sales_reaches_2500_pages_in_3_bulk_calls(at_2_16: Project) -> None:
    """2.16 cannot say Fin for sales in a page's POST: the 2,500 pages are created with AI Agent and
    Copilot, then made available to Fin for sales with exactly 3 bulk actions (1,000, 1,000, 500),
    each a valid 2.16 request; the next run writes nothing."""
    for index in range(2500):
        at_2_16.write(f"page-{index:04d}.md")
    at_2_16.configure(ai_sales_agent=True)
    result = await at_2_16.sync_fresh()
    assert result.ok, result.failures
    assert (result.counts.created, result.counts.availability) == (2500, 2500)
    bulks = at_2_16.bulk_requests()
    assert sorted(len(items_of(request)) for request in bulks) == [500, 1000, 1000]
    assert [request.status for request in bulks] == [202, 202, 202]
    assert all(isinstance(r.body, dict) and r.body["availability"] == {"sales_agent": True} for r in bulks)
    assert len(set().union(*(items_of(request) for request in bulks))) == 2500
    assert all("ai_sales_agent_availability" not in (r.body or {}) for r in at_2_16.page_posts())
    assert at_2_16.validated() == 2500 + 3 + 2  # pages, bulk actions, list and create of the source
    assert set(at_2_16.availability().values()) == {(True, True, True)}

    again = await at_2_16.sync_fresh()
    assert (again.counts.unchanged, again.counts.availability) == (2500, 0)
    assert endpoints(at_2_16.emulator) == SOURCE_READ


async def test_a_settings_change_touches_exactly_the_pages_whose_availability_differs_once(
    at_2_16: Project,
) -> None:
    """Turning the AI Agent off for a source is one bulk action on the pages whose front matter does
    not already say so; no page is sent again; the run after writes nothing; turning it back on
    touches the same pages."""
    for index in range(6):
        front = {"ai_agent": False} if index < 2 else {}
        at_2_16.write(f"page-{index}.md", **front)
    await at_2_16.sync()
    assert at_2_16.availability()["page-0.md"] == (False, True, False)
    assert at_2_16.availability()["page-5.md"] == (True, True, False)

    at_2_16.configure(ai_agent=False)
    result = await at_2_16.sync_fresh()
    assert result.ok and (result.counts.availability, result.counts.updated, result.converted) == (4, 0, 0)
    (bulk,) = at_2_16.bulk_requests()
    assert isinstance(bulk.body, dict) and bulk.body["availability"] == {"ai_agent": False}
    remote = at_2_16.emulator.pages()
    ids = {page["id"]: page["external_id"] for page in remote}
    assert sorted(ids[item] for item in items_of(bulk)) == [f"page-{i}.md" for i in range(2, 6)]
    assert at_2_16.page_posts() == []
    assert at_2_16.validated() == 2  # the source looked up, the bulk action
    assert set(at_2_16.availability().values()) == {(False, True, False)}

    assert (await at_2_16.sync_fresh()).counts.availability == 0
    assert endpoints(at_2_16.emulator) == SOURCE_READ

    at_2_16.configure(ai_agent=True)
    await at_2_16.sync_fresh()
    (back,) = at_2_16.bulk_requests()
    assert isinstance(back.body, dict) and back.body["availability"] == {"ai_agent": True}
    assert sorted(ids[item] for item in items_of(back)) == [f"page-{i}.md" for i in range(2, 6)]
    assert at_2_16.availability()["page-0.md"] == (False, True, False)


async def test_front_matter_overrides_the_source_and_a_change_of_it_alone_sends_no_page(
    at_2_16: Project,
) -> None:
    """A document's ``ai_sales_agent: true`` and ``ai_copilot: false`` win over the source's keys; an
    edit of its front matter alone is a bulk action on that page, not a POST of its body."""
    at_2_16.write("sales.md", ai_sales_agent=True)
    at_2_16.write("plain.md")
    result = await at_2_16.sync_fresh()
    assert result.ok and result.counts.availability == 1
    assert at_2_16.availability() == {"sales.md": (True, True, True), "plain.md": (True, True, False)}
    (bulk,) = at_2_16.bulk_requests()
    assert isinstance(bulk.body, dict) and bulk.body["availability"] == {"sales_agent": True}

    at_2_16.write("plain.md", ai_copilot=False)
    result = await at_2_16.sync_fresh()
    assert (result.counts.updated, result.counts.availability, result.counts.unchanged) == (0, 1, 2)
    assert at_2_16.page_posts() == []
    (bulk,) = at_2_16.bulk_requests()
    assert isinstance(bulk.body, dict) and bulk.body["availability"] == {"copilot": False}
    assert at_2_16.availability()["plain.md"] == (True, False, False)
    at_2_16.validated()

    assert (await at_2_16.sync_fresh()).counts.availability == 0
    assert endpoints(at_2_16.emulator) == SOURCE_READ


async def test_a_front_matter_value_that_is_not_a_boolean_fails_that_document_alone(at_2_16: Project) -> None:
    """``ai_agent: maybe`` fails its document with one sentence naming the key; the others are synced."""
    (at_2_16.docs / "odd.md").write_text("---\nai_agent: maybe\n---\n# Odd\n\nText.\n", encoding="utf-8")
    at_2_16.write("fine.md")
    result = await at_2_16.sync()
    assert [(f.locator, f.message) for f in result.failures] == [
        ("odd.md", "front matter ai_agent must be true or false, not 'maybe'")
    ]
    assert set(at_2_16.availability()) == {"fine.md"}


async def test_preview_says_everything_in_the_page_request_and_needs_no_bulk_action(
    at_preview: Project,
) -> None:
    """Preview's POST carries Fin for sales: a page is right from its first request; a later change of
    the source's keys re-sends no page but is one bulk action; each request valid for Preview."""
    at_preview.write("a.md", ai_sales_agent=True)
    at_preview.write("b.md")
    result = await at_preview.sync_fresh()
    assert result.ok and result.counts.availability == 0 and at_preview.bulk_requests() == []
    sent = {
        r.body["external_id"]: r.body["ai_sales_agent_availability"]
        for r in at_preview.page_posts()
        if r.body
    }
    assert sent == {"a.md": True, "b.md": False}
    assert at_preview.validated() == 4
    assert at_preview.availability() == {"a.md": (True, True, True), "b.md": (True, True, False)}

    at_preview.configure(ai_copilot=False)
    result = await at_preview.sync_fresh()
    assert (result.counts.availability, result.counts.updated) == (2, 0)
    (bulk,) = at_preview.bulk_requests()
    assert isinstance(bulk.body, dict) and bulk.body["availability"] == {"copilot": False}
    at_preview.validated()


async def test_a_failed_bulk_action_is_reported_and_the_next_run_sets_it(at_2_16: Project) -> None:
    """A bulk action answered 5xx (past its retries) fails its pages, one line each, to be retried;
    the pages themselves were upserted and are not sent again: the next run sends only the bulk action."""
    for name in ("a.md", "b.md", "c.md"):
        at_2_16.write(name)
    at_2_16.configure(ai_sales_agent=True, max_attempts=1)
    at_2_16.emulator.set_faults(fail_next=1, fail_path=f"POST {BULK}", fail_status=503)
    result = await at_2_16.sync()
    assert (result.counts.created, result.counts.availability, result.ok) == (3, 0, False)
    assert sorted(f.locator for f in result.failures) == ["a.md", "b.md", "c.md"]
    assert all(f.message.startswith("setting availability failed:") and f.retryable for f in result.failures)
    assert [r.status for r in at_2_16.bulk_requests()] == [503]

    again = await at_2_16.sync_fresh()
    assert again.ok and (again.counts.created, again.counts.updated, again.counts.availability) == (0, 0, 3)
    assert [r.path for r in at_2_16.emulator.requests() if r.method != "GET"] == [BULK]
    assert set(at_2_16.availability().values()) == {(True, True, True)}


async def test_state_records_what_each_page_holds_and_what_its_document_declares(at_2_16: Project) -> None:
    """After a run, state knows each page's availability (from the answers and the accepted bulk
    action) and what its front matter says, so the next run needs no read to know it is done."""
    at_2_16.write("a.md", ai_copilot=False)
    at_2_16.configure(ai_sales_agent=True)
    await at_2_16.sync()
    with StateStore(at_2_16.tmp_path / "ingest.db") as state:
        (record,) = state.target("docs", "external_pages").records().values()
    assert record.availability.as_tuple() == (True, False, True)
    assert record.declared is not None and record.declared.said() == {"ai_copilot": False}


async def test_a_page_whose_create_failed_is_left_out_of_the_bulk_action(at_2_16: Project) -> None:
    """There is nothing to set Fin for sales on: the bulk action names the pages that exist; the
    next run creates the page and sets it, and sends nothing for the others."""
    for name in ("a.md", "b.md", "c.md"):
        at_2_16.write(name)
    at_2_16.configure(ai_sales_agent=True, max_attempts=1)
    at_2_16.emulator.set_faults(fail_next=1, fail_path=f"POST {PAGES}", fail_status=400)
    result = await at_2_16.sync_fresh()
    assert (result.counts.created, result.counts.availability, len(result.failures)) == (2, 2, 1)
    (bulk,) = at_2_16.bulk_requests()
    assert len(items_of(bulk)) == 2

    again = await at_2_16.sync_fresh()
    assert again.ok and (again.counts.created, again.counts.availability) == (1, 1)
    assert set(at_2_16.availability().values()) == {(True, True, True)}


async def test_a_dry_run_counts_the_availability_it_would_set_and_sends_nothing(at_2_16: Project) -> None:
    """``--dry-run`` (and ``ingest plan``) count the pages whose availability a run would set."""
    for name in ("a.md", "b.md"):
        at_2_16.write(name)
    await at_2_16.sync()
    at_2_16.configure(ai_copilot=False)
    settings = at_2_16.settings()
    at_2_16.emulator.clear_requests()
    (planned,) = await run_sources(settings, settings.select(None), dry_run=True)
    assert (planned.counts.availability, planned.counts.updated) == (2, 0)
    assert at_2_16.emulator.requests() == []
