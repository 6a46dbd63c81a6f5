"""--fix turns findings into changes of state for a run to carry out: what a person wrote kept unless
asked, unknown twins deleted only within the delete guard, and each finding's outcome from the run."""

from __future__ import annotations

from pathlib import Path

from ingest.availability import UNSAID, Availability
from ingest.document import Failure
from ingest.engine import SourceResult
from ingest.reconcile import Finding, Outcome, TargetReport
from ingest.reconcile.repairs import FixPolicy, settle, stage
from ingest.state import AdoptedPage, StateStore, TargetStore
from ingest.targets.reconciling import Drift, DriftKind, Repair


def sent(store: TargetStore, *names: str) -> None:
    for name in names:
        store.record_sent(
            external_id=name,
            locator=name,
            fingerprint=f"fp-{name}",
            content_hash=f"h-{name}",
            remote_id=f"id-{name}",
            title=name,
            html="<p>x</p>",
            remote_digest=f"d-{name}",
        )


def drift(
    kind: DriftKind,
    name: str,
    repair: Repair,
    *,
    page: AdoptedPage | None = None,
    held: Availability = UNSAID,
) -> Drift:
    return Drift(kind, f"{kind} {name}", repair, name, name, f"id-{name}", (name,), page, held)


def report_of(*drifts: Drift) -> TargetReport:
    return TargetReport("docs", "articles", findings=[Finding(item) for item in drifts])


def test_an_edited_document_is_not_sent_again_unless_asked(tmp_path: Path) -> None:
    """An edit and a flag to set by sending the document again (articles): both left, state untouched;
    with overwrite_edits both are staged (the document marked stale). A flag set in bulk leaves the
    text as it is, so it is staged either way."""
    with StateStore(tmp_path / "s.db") as state:
        store = state.target("docs", "articles")
        sent(store, "a.md", "b.md")
        edited = drift(DriftKind.EDITED, "a.md", Repair.RESEND)
        flags = drift(DriftKind.AVAILABILITY, "a.md", Repair.RESEND)
        in_bulk = drift(DriftKind.AVAILABILITY, "b.md", Repair.SET_AVAILABILITY, held=Availability(False))
        report = report_of(edited, flags, in_bulk)

        staged = stage(report, store, FixPolicy(), pending_deletes=0)

        assert [finding.drift for finding in staged] == [in_bulk]
        assert [(f.outcome, (f.why or "")[:18]) for f in report.findings[:2]] == [
            (Outcome.LEFT, "edited by a person")
        ] * 2
        records = store.records()
        assert records["a.md"].content_hash == "h-a.md"  # not to be sent again
        assert records["b.md"].availability == Availability(ai_agent=False)

        again = report_of(edited, flags)
        assert len(stage(again, store, FixPolicy(overwrite_edits=True), pending_deletes=0)) == 2
        assert store.records()["a.md"].content_hash == ""


def test_nothing_fin_ingest_can_do_is_left_with_a_reason(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.db") as state:
        report = report_of(drift(DriftKind.CONTAINER, "", Repair.NONE))
        assert stage(report, state.target("docs", "external_pages"), FixPolicy(), pending_deletes=0) == []
        assert report.findings[0].outcome is Outcome.LEFT and "a person must act" in (
            report.findings[0].why or ""
        )


def test_unknown_twins_are_deleted_only_within_the_guard(tmp_path: Path) -> None:
    """Two orphans beside two recorded pages (and one delete the plan holds already) would delete 3
    of 4: refused, nothing adopted; allowed, both adopted for the run to delete."""
    with StateStore(tmp_path / "s.db") as state:
        store = state.target("docs", "external_pages")
        sent(store, "a.md", "b.md")
        orphans = [
            drift(DriftKind.UNKNOWN, name, Repair.DELETE, page=AdoptedPage(name, f"id-{name}", name))
            for name in ("old-1.md", "old-2.md")
        ]
        refused = report_of(*orphans)

        assert stage(refused, store, FixPolicy(), pending_deletes=1) == []
        assert {f.outcome for f in refused.findings} == {Outcome.REFUSED}
        assert "refusing to delete 3 of 4 pages" in (refused.findings[0].why or "")
        assert sorted(store.records()) == ["a.md", "b.md"]

        allowed = report_of(*orphans)
        assert len(stage(allowed, store, FixPolicy(allow_mass_delete=True), pending_deletes=1)) == 2
        assert sorted(store.records()) == ["a.md", "b.md", "old-1.md", "old-2.md"]


def test_each_staged_finding_takes_the_outcome_of_its_document_in_the_run() -> None:
    """Repaired unless the run failed for its document (its failure's message) or for the target."""
    first, second = (
        Finding(drift(DriftKind.DELETED, "a.md", Repair.RECREATE)),
        Finding(drift(DriftKind.ALTERED, "b.md", Repair.RESEND)),
    )
    result = SourceResult("docs", "external_pages", failures=[Failure("b.md", "update failed: HTTP 503")])
    settle([first, second], result)
    assert (first.outcome, second.outcome, second.why) == (
        Outcome.REPAIRED,
        Outcome.FAILED,
        "update failed: HTTP 503",
    )
    refused = Finding(drift(DriftKind.DELETED, "a.md", Repair.RECREATE))
    settle([refused], SourceResult("docs", "external_pages", error="refusing to delete 9 of 10 pages"))
    assert refused.outcome is Outcome.FAILED and refused.why == "refusing to delete 9 of 10 pages"
