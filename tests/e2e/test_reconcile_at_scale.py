"""``ingest reconcile`` in a workspace of more than 10,000 External Pages, where Intercom's list stops:
the pages state knows read one GET each by id (a bounded number at a time), the list never asked past
its cap, Preview's look-up for documents state does not know, and what stays out of sight said."""

from __future__ import annotations

import pytest
from contract import validate_recorded

from ingest.emulator import RecordedRequest
from ingest.reconcile import Outcome
from tests.e2e.conftest import Harness, write_docs
from tests.e2e.reconcile_helpers import Someone, kinds, only, reconcile
from tests.e2e.test_adoption_at_scale import crowd_the_workspace

PAGES = "/ai/external_pages"
DOCUMENTS = 30


def page_reads(requests: list[RecordedRequest]) -> list[str]:
    """The ids of the pages read one by one, in order."""
    return [r.path.rsplit("/", 1)[1] for r in requests if r.endpoint == "GET /ai/external_pages/{page_id}"]


def list_pages(requests: list[RecordedRequest]) -> list[int]:
    """The page numbers of the workspace list read (look-ups excluded)."""
    return [
        int(r.query.get("page", 1))
        for r in requests
        if r.endpoint == "GET /ai/external_pages" and "external_id" not in r.query
    ]


def peak_in_flight(requests: list[RecordedRequest]) -> int:
    events = sorted([(r.received_at, 1) for r in requests] + [(r.answered_at, -1) for r in requests])
    in_flight = peak = 0
    for _, change in events:
        in_flight += change
        peak = max(peak, in_flight)
    return peak


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
async def test_past_10000_pages_each_known_page_is_read_once_by_its_id(
    harness: Harness, version: str
) -> None:
    """The list stops at 10,000 newer pages of another source: it is read to its cap and never past
    it, each of the source's pages is read exactly once by its id (at most max_concurrency at once),
    a page deleted and one altered there are found, and a note says what cannot be seen past the cap."""
    harness.use_version(version)
    write_docs(harness.docs, DOCUMENTS)
    assert (await harness.sync()).ok
    ours = {key: page["id"] for key, page in harness.remote().items()}
    await crowd_the_workspace(harness.emulator, pages=10_050)
    someone = Someone(harness.emulator, version)
    await someone.call("DELETE", f"{PAGES}/{ours['section-0/page-000.md']}")
    altered = harness.remote()["section-1/page-001.md"]
    rewrite = {key: altered[key] for key in ("title", "url", "locale", "source_id", "external_id")}
    await someone.call(
        "POST",
        PAGES,
        rewrite | {"html": "<p>Other.</p>", "ai_agent_availability": True, "ai_copilot_availability": True},
    )
    harness.emulator.clear_requests()
    harness.emulator.set_faults(latency_ms=(5, 5))

    run = await reconcile(harness.settings())

    report = only(run, "external_pages")
    assert sorted(kinds(report)) == [
        ("altered", "section-1/page-001.md"),
        ("deleted", "section-0/page-000.md"),
    ]
    requests = harness.emulator.requests()
    assert sorted(page_reads(requests)) == sorted(ours.values())  # one GET per state record, no more
    assert list_pages(requests) == list(range(1, 81))  # 80 x 125 = 10,000: none past the cap
    assert report.checked == DOCUMENTS and report.reads == len(requests) == DOCUMENTS + 80 + 1
    reads = [r for r in requests if r.endpoint == "GET /ai/external_pages/{page_id}"]
    assert 1 < peak_in_flight(reads) <= 16  # the config's max_concurrency
    (note,) = report.notes
    assert "more External Pages than Intercom lists (10,000)" in note
    if version != "Preview":
        assert "cannot be found there" in note and 'api_version = "Preview"' in note
    validate_recorded(requests, version=version)

    harness.emulator.set_faults(latency_ms=(0, 0))
    fixed = await reconcile(harness.settings(), fix=True)

    assert fixed.ok and {f.outcome for f in only(fixed, "external_pages").findings} == {Outcome.REPAIRED}
    assert (await reconcile(harness.settings())).ok


async def test_past_10000_pages_preview_looks_up_the_documents_state_does_not_know(harness: Harness) -> None:
    """A document whose page exists but which state does not know (a run killed after its create) is
    past the list's reach: Preview looks it up by external_id, one request, and --fix adopts it."""
    harness.use_version("Preview")
    write_docs(harness.docs, DOCUMENTS)
    assert (await harness.sync()).ok
    source_id = next(iter(harness.remote().values()))["source_id"]
    (harness.docs / "late.md").write_text("# Late\n\nCreated, never recorded.\n")
    page = {"title": "Late", "html": "<p>Created.</p>", "locale": "en", "source_id": source_id}
    flags = {"ai_agent_availability": True, "ai_copilot_availability": True}
    created = await Someone(harness.emulator, "Preview").call(
        "POST", PAGES, page | flags | {"external_id": "late.md"}
    )
    await crowd_the_workspace(harness.emulator, pages=10_050)
    harness.emulator.clear_requests()

    run = await reconcile(harness.settings())

    report = only(run, "external_pages")
    assert kinds(report) == [("unknown", "late.md")]
    lookups = [r.query["external_id"] for r in harness.emulator.requests() if "external_id" in r.query]
    assert lookups == ["late.md"]
    assert len(page_reads(harness.emulator.requests())) == DOCUMENTS
    validate_recorded(harness.emulator.requests(), version="Preview")

    fixed = await reconcile(harness.settings(), fix=True)

    assert fixed.ok
    late = [p for p in harness.emulator.pages() if p["external_id"] == "late.md"]
    assert [p["id"] for p in late] == [created["id"]] and late[0]["title"] == "Late"
