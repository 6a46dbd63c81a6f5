"""External Pages, sending half: the Content Import Source found once, pages upserted, gone ones deleted."""

from __future__ import annotations

import pytest

from ingest.availability import Availability
from ingest.emulator import RunningEmulator
from ingest.intercom import ExternalPage, IntercomClient
from ingest.plan import Deletion, Plan
from ingest.state import StateStore, TargetStore
from ingest.targets.base import Sent
from ingest.targets.external_pages.planning import ExternalPagesPlanner
from ingest.targets.external_pages.sending import ExternalPagesSender
from ingest.targets.external_pages.settings import NAME
from tests.targets.pages import create, page

URL = "https://docs.example.com"
PLAN = Plan(source="docs", target=NAME)


@pytest.fixture
def store(state: StateStore) -> TargetStore:
    return state.target("docs", NAME)


@pytest.fixture
def sender(client: IntercomClient, store: TargetStore) -> ExternalPagesSender:
    return ExternalPagesSender(ExternalPagesPlanner(url=URL), client, store)


async def test_prepare_creates_the_content_import_source_and_remembers_it(
    sender: ExternalPagesSender, store: TargetStore, emulator: RunningEmulator
) -> None:
    """With nothing remembered and none remotely, the source is created; nothing to plan again."""
    assert await sender.prepare(PLAN) is False
    (source,) = emulator.sources()
    remembered = store.import_source.get()
    assert remembered is not None and (remembered.remote_id, remembered.url) == (source["id"], URL)


async def test_upsert_sends_the_page_under_the_source(
    sender: ExternalPagesSender, emulator: RunningEmulator
) -> None:
    """An upsert returns the remote page's id and the availability the answer says it holds."""
    await sender.prepare(PLAN)
    sent = await sender.upsert(create(page("guide.md", "Guide", "<p>Hi.</p>")))
    (remote,) = emulator.pages()
    held = Availability(True, True, False)
    digest = ExternalPagesPlanner(url=URL).remote_hash(ExternalPage.model_validate(remote), held)
    assert sent == Sent(remote["id"], availability=held, remote_digest=digest)
    assert (remote["external_id"], remote["title"], remote["source_id"]) == ("guide.md", "Guide", 1)


async def test_a_remembered_source_is_used_with_one_read(
    sender: ExternalPagesSender, client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """A remembered source that still exists costs one GET and no write."""
    source = await client.create_content_import_source(URL)
    store.import_source.remember(source.id, URL)
    emulator.clear_requests()
    assert await sender.prepare(PLAN) is False
    assert [(r.method, r.path) for r in emulator.requests()] == [
        ("GET", f"/ai/content_import_sources/{source.id}")
    ]


async def test_a_remembered_source_that_is_gone_is_forgotten_with_its_pages(
    sender: ExternalPagesSender, store: TargetStore, state: StateStore, emulator: RunningEmulator
) -> None:
    """The 404 of a deleted source: its pages leave state (to be sent again), a new source is
    made, and the engine is told to plan again."""
    store.import_source.remember(99, URL)
    store.record_sent(
        external_id="a.md",
        locator="a.md",
        fingerprint="fp",
        content_hash="h",
        remote_id="5",
        title="A",
        html="",
    )
    state.set_checkpoint("docs", "abc")
    assert await sender.prepare(PLAN) is True
    assert store.records() == {} and state.checkpoint("docs") is None
    remembered = store.import_source.get()
    assert remembered is not None and remembered.remote_id == emulator.sources()[0]["id"] != 99


async def test_a_source_found_remotely_with_an_empty_state_adopts_its_pages(
    sender: ExternalPagesSender, client: IntercomClient, store: TargetStore
) -> None:
    """A lost state file: the existing source's pages are adopted (so gone documents are deleted),
    and the engine plans again. Another source's pages are not this source's."""
    source = await client.create_content_import_source(URL)
    other = await client.create_content_import_source("https://other.example.com")
    remote = await client.upsert_external_page(
        ExternalPagesPlanner(url=URL).request(page("old.md", "Old"), source.id)
    )
    await client.upsert_external_page(ExternalPagesPlanner(url=URL).request(page("theirs.md"), other.id))
    assert await sender.prepare(PLAN) is True
    (adopted,) = store.records().values()
    assert (adopted.external_id, adopted.remote_id, adopted.title, adopted.content_hash) == (
        "old.md",
        remote.id,
        "Old",
        "",
    )


async def test_deleting_a_page_already_gone_counts_as_deleted(
    sender: ExternalPagesSender, emulator: RunningEmulator
) -> None:
    """The API's 404 for a page someone deleted by hand is no failure."""
    await sender.prepare(PLAN)
    await sender.delete(Deletion("gone.md", "gone.md", "Gone", remote_id="12345"))
    assert [r.status for r in emulator.requests() if r.method == "DELETE"] == [404]


async def test_deleting_removes_the_remote_page(
    sender: ExternalPagesSender, emulator: RunningEmulator
) -> None:
    """A delete removes the page by its remote id."""
    await sender.prepare(PLAN)
    sent = await sender.upsert(create(page("guide.md")))
    await sender.delete(Deletion("guide.md", "guide.md", "Guide", remote_id=sent.remote_id))
    assert emulator.pages() == []
