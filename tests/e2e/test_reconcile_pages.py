"""``ingest reconcile`` on External Pages against the emulator: every kind of drift found in reads
only, repaired by --fix through an ordinary run, and nothing left for the next reconcile."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from contract import validate_recorded

from ingest.config import Source
from ingest.connector import Connector
from ingest.document import DocumentRef
from ingest.errors import ConnectorError, LockedError
from ingest.lock import source_locks
from ingest.reconcile import Outcome
from ingest.runner import build_connector
from ingest.targets.reconciling import Repair
from tests.e2e.conftest import VERSIONS, Harness, write_docs
from tests.e2e.reconcile_helpers import Someone, kinds, only, reconcile

PAGES = "/ai/external_pages"


def body(page: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What another tool posts to rewrite ``page`` (its fields, with ``changes``)."""
    fields = {
        key: page[key]
        for key in ("title", "html", "url", "locale", "source_id", "external_id")
        if page.get(key) is not None
    }
    flags = {"ai_agent_availability": True, "ai_copilot_availability": True}
    return fields | flags | changes


async def drift_every_way(harness: Harness, version: str) -> dict[str, dict[str, Any]]:
    """Six documents synced; then, behind fin-ingest's back: one page deleted, one rewritten, one
    switched off for Fin, one page no document makes and one of a document never synced (as a run
    killed after its create leaves it). The pages as they were, by external id."""
    write_docs(harness.docs, 6)
    assert (await harness.sync()).ok
    pages = harness.remote()
    source_id = pages["section-0/page-000.md"]["source_id"]
    someone = Someone(harness.emulator, version)
    await someone.call("DELETE", f"{PAGES}/{pages['section-0/page-000.md']['id']}")
    rewritten = body(pages["section-1/page-001.md"], title="Rewritten by another tool")
    await someone.call("POST", PAGES, rewritten)
    await someone.call("POST", PAGES, body(pages["section-2/page-002.md"], ai_agent_availability=False))
    orphan = {"title": "Retired", "html": "<p>Old.</p>", "locale": "en", "source_id": source_id}
    await someone.call("POST", PAGES, body(orphan, external_id="retired.md"))
    (harness.docs / "section-0/page-006.md").write_text("# Page 6\n\nNew.\n")
    unrecorded = {"title": "Page 6", "html": "<p>New.</p>", "locale": "en", "source_id": source_id}
    await someone.call("POST", PAGES, body(unrecorded, external_id="section-0/page-006.md"))
    harness.emulator.clear_requests()
    return pages


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_synced_source_has_no_drift(harness: Harness, version: str) -> None:
    """Right after a run, every page is as it was sent (compared as the planner hashes it): nothing to
    report, one read of the source, one list of the workspace (it holds few pages), no GET per page."""
    harness.use_version(version)
    write_docs(harness.docs, 6)
    assert (await harness.sync()).ok
    harness.emulator.clear_requests()

    run = await reconcile(harness.settings())

    report = only(run, "external_pages")
    assert run.ok and report.findings == [] and report.checked == 6 and report.notes == []
    assert [r.endpoint for r in harness.emulator.requests()] == [
        "GET /ai/content_import_sources/{source_id}",
        "GET /ai/external_pages",
    ]
    assert report.reads == run.reads == 2
    validate_recorded(harness.emulator.requests(), version=version)


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_kind_of_drift_is_found_then_repaired(harness: Harness, version: str) -> None:
    """A page deleted, one altered, one whose availability differs, one no document makes and one of a
    document state does not know: each reported with its repair, in reads only; --fix repairs each
    through a run (the deleted page sent again, the altered one updated, the flag set, the orphan
    deleted, the unknown one adopted rather than duplicated) and the next reconcile finds nothing."""
    harness.use_version(version)
    before = await drift_every_way(harness, version)

    run = await reconcile(harness.settings())

    report = only(run, "external_pages")
    assert not run.ok and report.drifted
    assert sorted(kinds(report)) == [
        ("altered", "section-1/page-001.md"),
        ("availability", "section-2/page-002.md"),
        ("deleted", "section-0/page-000.md"),
        ("unknown", "retired.md"),
        ("unknown", "section-0/page-006.md"),
    ]
    repairs = {f.drift.locator or f.drift.external_id: f.drift.repair for f in report.findings}
    assert repairs == {
        "section-0/page-000.md": Repair.RECREATE,
        "section-1/page-001.md": Repair.RESEND,
        "section-2/page-002.md": Repair.RESEND if version == "2.15" else Repair.SET_AVAILABILITY,
        "retired.md": Repair.DELETE,
        "section-0/page-006.md": Repair.ADOPT,
    }
    assert {r.method for r in harness.emulator.requests()} == {"GET"}
    assert report.reads == len(harness.emulator.requests())
    validate_recorded(harness.emulator.requests(), version=version)

    harness.emulator.clear_requests()
    fixed = await reconcile(harness.settings(), fix=True)
    harness.emulator.flush_bulk_actions()

    report = only(fixed, "external_pages")
    assert fixed.ok and {f.outcome for f in report.findings} == {Outcome.REPAIRED}
    assert report.fix is not None and report.fix.ok
    counts = report.fix.counts
    # 2.15 sets a page's flags only by sending it again; later versions set them in bulk.
    resent, set_apart = (1, 0) if version == "2.15" else (0, 1)
    assert (counts.created, counts.updated, counts.deleted) == (1, 2 + resent, 1)
    assert counts.availability == set_apart
    pages = harness.remote()
    assert "retired.md" not in pages
    assert pages["section-0/page-000.md"]["title"] == "Page 0"
    assert pages["section-1/page-001.md"]["title"] == "Page 1"
    assert pages["section-1/page-001.md"]["id"] == before["section-1/page-001.md"]["id"]
    assert pages["section-2/page-002.md"]["ai_agent_availability"] is True
    assert len(pages) == 7  # the unknown page was adopted, not duplicated
    validate_recorded(harness.emulator.requests(), version=version)

    again = await reconcile(harness.settings())
    assert again.ok and only(again, "external_pages").findings == []
    assert only(again, "external_pages").checked == 7


async def test_without_fix_nothing_is_written_in_intercom_or_in_state(harness: Harness) -> None:
    """A reconcile without --fix sends only reads and leaves state as it was: the next run does what
    it would have done anyway."""
    await drift_every_way(harness, "2.16")
    with_state = harness.settings().state.path.read_bytes()

    await reconcile(harness.settings())

    assert {r.method for r in harness.emulator.requests()} == {"GET"}
    assert harness.settings().state.path.read_bytes() == with_state


async def test_a_deleted_content_import_source_is_one_finding_and_the_fix_run_recreates_it(
    harness: Harness,
) -> None:
    """A source deleted in Intercom (its pages with it) is one finding, not one per page, and no page
    is read; --fix's run creates it again and sends every page."""
    write_docs(harness.docs, 3)
    assert (await harness.sync()).ok
    (source,) = harness.emulator.sources()
    await Someone(harness.emulator).call("DELETE", f"/ai/content_import_sources/{source['id']}")
    harness.emulator.clear_requests()

    run = await reconcile(harness.settings())

    report = only(run, "external_pages")
    assert kinds(report) == [("container", "")] and report.findings[0].drift.repair is Repair.SYNC
    assert [r.endpoint for r in harness.emulator.requests()] == ["GET /ai/content_import_sources/{source_id}"]
    fixed = await reconcile(harness.settings(), fix=True)
    assert fixed.ok and only(fixed, "external_pages").findings[0].outcome is Outcome.REPAIRED
    assert len(harness.remote()) == 3
    assert (await reconcile(harness.settings())).ok


async def test_deleting_unknown_pages_keeps_to_the_delete_guard(harness: Harness) -> None:
    """Pages no document makes are deleted by --fix only within max_delete_share: past it they are
    refused in one sentence (exit 1, nothing deleted, the nightly run unaffected), and
    --allow-mass-delete deletes them."""
    write_docs(harness.docs, 2)
    assert (await harness.sync()).ok
    source_id = next(iter(harness.remote().values()))["source_id"]
    someone = Someone(harness.emulator)
    for n in range(3):
        page = {"title": f"Old {n}", "html": "<p>Old.</p>", "locale": "en", "source_id": source_id}
        await someone.call("POST", PAGES, body(page, external_id=f"old-{n}.md"))

    refused = await reconcile(harness.settings(), fix=True)

    report = only(refused, "external_pages")
    assert not refused.ok and {f.outcome for f in report.findings} == {Outcome.REFUSED}
    assert "refusing to delete 3 of 5 pages" in (report.findings[0].why or "")
    assert "--allow-mass-delete" in (report.findings[0].why or "")
    assert len(harness.remote()) == 5
    assert (await harness.sync_fresh()).ok and harness.writes() == []  # state was left as it was

    allowed = await reconcile(harness.settings(), fix=True, allow_mass_delete=True)

    assert allowed.ok and sorted(harness.remote()) == ["section-0/page-000.md", "section-1/page-001.md"]


def unreadable(source: Source) -> Connector:
    """The source's connector, whose scan fails as a repository out of reach does."""
    connector = build_connector(source)

    async def out_of_reach() -> AsyncIterator[DocumentRef]:
        raise ConnectorError("cannot reach the repository")
        yield  # pragma: no cover - makes this an async generator

    connector.scan = out_of_reach  # type: ignore[method-assign]
    return connector


async def test_a_source_that_cannot_be_read_is_compared_but_not_repaired(harness: Harness) -> None:
    """The source cannot be read: what state knows is still compared (a deleted page is found), an
    unknown page cannot be told a document's from an orphan (left as it is), the source's error is
    said, and --fix writes nothing."""
    write_docs(harness.docs, 2)
    assert (await harness.sync()).ok
    pages = harness.remote()
    someone = Someone(harness.emulator)
    await someone.call("DELETE", f"{PAGES}/{pages['section-0/page-000.md']['id']}")
    source_id = pages["section-1/page-001.md"]["source_id"]
    orphan = {"title": "Old", "html": "<p>Old.</p>", "locale": "en", "source_id": source_id}
    await someone.call("POST", PAGES, body(orphan, external_id="old.md"))
    harness.emulator.clear_requests()

    fixed = await reconcile(harness.settings(), fix=True, connector_factory=unreadable)

    report = only(fixed, "external_pages")
    assert not fixed.ok and report.error is not None
    assert report.error.startswith("the source could not be read (cannot reach the repository)")
    assert sorted(kinds(report)) == [("deleted", "section-0/page-000.md"), ("unknown", "old.md")]
    assert [f.drift.repair for f in report.findings if f.drift.kind.value == "unknown"] == [Repair.NONE]
    assert {f.outcome for f in report.findings} == {Outcome.LEFT} and report.fix is None
    assert {r.method for r in harness.emulator.requests()} == {"GET"}


async def test_a_source_being_synced_is_not_compared(harness: Harness) -> None:
    """Reconcile holds each source's lock: while another ingest process syncs the source it waits up to
    --lock-wait and then refuses (LockedError, exit 2), reading nothing meanwhile."""
    write_docs(harness.docs, 2)
    assert (await harness.sync()).ok
    harness.emulator.clear_requests()
    settings = harness.settings()
    with source_locks(settings.state.path, ["docs"]), pytest.raises(LockedError, match="another ingest"):
        await reconcile(settings, lock_wait=0.0)
    assert harness.emulator.requests() == []
