"""The planner: what is created, updated, unchanged, deleted or refused, from plain values."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.availability import UNSAID, Availability
from ingest.document import Failure, Page, SkippedDocument
from ingest.plan import Action, Refresh, Upsert, _change_for, deletions_by_scan, failed_keys, make_plan
from ingest.state import DocumentRecord


def page(
    external_id: str,
    html: str = "<p>x</p>",
    locator: str | None = None,
    metadata: dict[str, object] | None = None,
) -> Page:
    return Page(
        external_id=external_id,
        title=external_id.title(),
        html=html,
        url=None,
        locator=locator or external_id,
        fingerprint=f"fp-{html}",
        metadata=metadata or {},
    )


def record(external_id: str, html: str = "<p>x</p>", locator: str | None = None) -> DocumentRecord:
    return DocumentRecord(
        external_id=external_id,
        locator=locator or external_id,
        fingerprint=f"fp-{html}",
        content_hash=f"hash-{html}",
        remote_id=f"remote-{external_id}",
        title=external_id.title(),
        synced_at=0.0,
        declared=UNSAID,
    )


def plan_for(pages, records, *, unchanged=(), skipped=(), failures=(), share=0.5, allow=False):  # type: ignore[no-untyped-def]
    return make_plan(
        source="docs",
        target="external_pages",
        pages=pages,
        unchanged_ids=set(unchanged),
        skipped=skipped,
        failures=failures,
        records={r.external_id: r for r in records},
        payload_hash=lambda p: f"hash-{p.html}",
        max_delete_share=share,
        allow_mass_delete=allow,
    )


def test_new_changed_and_same_pages() -> None:
    """A new page is a create, a changed payload an update with its remote id, an equal payload unchanged."""
    plan = plan_for(
        [page("new"), page("changed", "<p>v2</p>"), page("same")],
        [record("changed"), record("same")],
    )
    assert [u.page.external_id for u in plan.creates] == ["new"]
    assert [(u.page.external_id, u.remote_id, u.action) for u in plan.updates] == [
        ("changed", "remote-changed", Action.UPDATE)
    ]
    assert plan.unchanged == 1 and plan.deletes == () and plan.refusal is None


def test_fingerprint_skipped_documents_count_as_present() -> None:
    """Documents skipped by fingerprint are unchanged and never deleted."""
    plan = plan_for([], [record("a"), record("b")], unchanged={"a", "b"})
    assert plan.unchanged == 2 and plan.writes == 0


def test_gone_document_is_deleted_with_its_remote_id() -> None:
    """A recorded document missing from the source becomes one delete."""
    plan = plan_for([], [record("a"), record("b"), record("c")], unchanged={"a", "b"})
    assert [(d.external_id, d.remote_id) for d in plan.deletes] == [("c", "remote-c")]


def test_touched_file_with_same_payload_refreshes_fingerprint_only() -> None:
    """A file whose fingerprint changed but payload did not is unchanged, with a fingerprint refresh."""
    moved = replace(page("a"), fingerprint="fp-new")
    plan = plan_for([moved], [record("a")])
    assert plan.writes == 0 and plan.unchanged == 1
    assert [(r.external_id, r.fingerprint) for r in plan.refreshes] == [("a", "fp-new")]


def test_failed_document_keeps_its_page() -> None:
    """A document that could not be read is not deleted remotely."""
    plan = plan_for([], [record("a"), record("b")], unchanged={"a"}, failures=[Failure("b", "unreadable")])
    assert plan.deletes == () and [f.locator for f in plan.failures] == ["b"]


def test_a_document_failing_at_a_new_locator_keeps_its_page_by_id() -> None:
    """A document moved since the last run (a renamed Notion page) that fails at its new locator
    keeps its page when the failure names its external id, in a whole plan and a scan's outline;
    an id no record has protects nothing else."""
    records = [record("a"), record("b", locator="old/b"), record("c")]
    failures = [Failure("new/b", "unreadable", external_id="b"), Failure("new/z", "x", external_id="z")]
    plan = plan_for([], records, unchanged={"a"}, failures=failures)
    assert [d.external_id for d in plan.deletes] == ["c"]
    outline = deletions_by_scan(
        {r.external_id: r for r in records}, scanned=set(), unchanged_ids={"a"}, failed=failed_keys(failures)
    )
    assert [d.external_id for d in outline] == ["c"]


def test_unlistable_folder_keeps_the_pages_below_it() -> None:
    """A folder that could not be listed protects every page recorded under it."""
    records = [record("a"), record("private/x", locator="private/x"), record("private/deep/y")]
    plan = plan_for([], records, unchanged={"a"}, failures=[Failure("private", "cannot list folder")])
    assert plan.deletes == ()


def test_skipped_document_is_deleted() -> None:
    """A document now marked skip: true loses its remote page."""
    plan = plan_for([], [record("a"), record("b")], unchanged={"a"}, skipped=[SkippedDocument("b", "skip")])
    assert [d.external_id for d in plan.deletes] == ["b"]


def test_rename_is_create_plus_delete() -> None:
    """A moved file (path-based id) is a create of the new id and a delete of the old one."""
    plan = plan_for([page("new-name")], [record("old-name"), record("x"), record("y")], unchanged={"x", "y"})
    assert [u.page.external_id for u in plan.creates] == ["new-name"]
    assert [d.external_id for d in plan.deletes] == ["old-name"]


def test_duplicate_external_id_is_a_failure_not_a_second_page() -> None:
    """Two documents pinning one external_id: the first (by path) wins, the second is a failure."""
    plan = plan_for([page("dup", locator="a.md"), page("dup", locator="b.md")], [])
    assert [u.page.locator for u in plan.creates] == ["a.md"]
    assert [(f.locator, "already used by" in f.message) for f in plan.failures] == [("b.md", True)]


def test_a_document_that_takes_another_external_id_keeps_its_own_page() -> None:
    """b.md, which had a page of its own, now pins a.md's id: that is its failure, and its old page
    is not deleted while the conflict stands."""
    records = [record("a.md"), record("b.md")]
    plan = plan_for([page("a.md", "<p>v2</p>"), page("a.md", "<p>b</p>", locator="b.md")], records)
    assert [f.locator for f in plan.failures] == ["b.md"]
    assert plan.deletes == ()


def test_a_page_the_target_cannot_express_is_a_failure_that_keeps_its_remote_page() -> None:
    """payload_hash raising ValueError (a request that would not validate) fails that document alone."""

    def payload_hash(page: Page) -> str:
        if "\ud83d" in page.title:
            raise ValueError("title is not valid UTF-8")
        return f"hash-{page.html}"

    bad = replace(page("bad", "<p>v2</p>"), title="Bad \ud83d")
    plan = make_plan(
        source="docs", target="external_pages", pages=[bad, page("good")], unchanged_ids=set(), skipped=(),
        failures=(), records={"bad": record("bad")}, payload_hash=payload_hash, max_delete_share=0.5,
    )  # fmt: skip
    assert [u.page.external_id for u in plan.creates] == ["good"]
    (failure,) = plan.failures
    assert failure.locator == "bad" and failure.message.startswith("cannot build the external_pages request:")
    assert plan.deletes == () and plan.updates == ()


def test_mass_delete_is_refused_above_the_share() -> None:
    """Deleting 3 of 4 pages with a 50% limit is refused with a sentence that says how to proceed."""
    plan = plan_for([], [record(n) for n in "abcd"], unchanged={"a"})
    assert plan.refusal is not None
    assert "3 of 4" in plan.refusal and "--allow-mass-delete" in plan.refusal
    assert len(plan.deletes) == 3  # still shown, not carried out


def test_mass_delete_at_the_limit_or_allowed_goes_ahead() -> None:
    """Exactly the share, or --allow-mass-delete, is not refused."""
    records = [record(n) for n in "abcd"]
    assert plan_for([], records, unchanged={"a", "b"}).refusal is None
    assert plan_for([], records, allow=True).refusal is None
    assert len(plan_for([], records, allow=True).deletes) == 4


def test_empty_source_with_pages_is_refused() -> None:
    """A source that suddenly yields nothing (an unmounted folder) deletes nothing."""
    assert plan_for([], [record("a"), record("b")]).refusal is not None


def test_an_unchanged_id_given_twice_counts_once() -> None:
    """unchanged_ids is a collection of ids, not of documents: a repeat is one document."""
    plan = make_plan(
        source="docs",
        target="external_pages",
        pages=[],
        unchanged_ids=["a", "a"],
        skipped=[],
        failures=[],
        records={"a": record("a")},
        payload_hash=lambda p: f"hash-{p.html}",
        max_delete_share=0.5,
    )
    assert plan.unchanged == 1 and plan.deletes == ()


@pytest.mark.parametrize(
    ("recorded", "now", "expected"),
    [
        (None, page("a"), Upsert(Action.CREATE, page("a"), "hash-<p>x</p>")),
        (
            record("a"),
            page("a", "<p>v2</p>"),
            Upsert(Action.UPDATE, page("a", "<p>v2</p>"), "hash-<p>v2</p>", "remote-a"),
        ),
        (record("a", locator="old.md"), page("a", locator="new.md"), Refresh("a", "new.md", "fp-<p>x</p>")),
        (replace(record("a"), fingerprint="touched"), page("a"), Refresh("a", "a", "fp-<p>x</p>")),
        (record("a"), page("a"), None),
        (
            replace(record("a"), declared=None),
            page("a"),
            Refresh("a", "a", "fp-<p>x</p>", UNSAID),
        ),
    ],
    ids=["new", "payload-changed", "moved", "touched", "same", "declared-unknown"],
)
def test_what_one_page_needs(
    recorded: DocumentRecord | None, now: Page, expected: Upsert | Refresh | None
) -> None:
    """Create without a record, update when the payload hash differs, refresh the record when only
    the file moved or changed (or state does not know what its front matter says), nothing when
    all is as recorded."""
    assert _change_for(now, f"hash-{now.html}", recorded, UNSAID) == expected


def test_what_a_document_declares_of_its_availability_rides_on_its_plan_items() -> None:
    """A document's front matter availability is on its create or update, and a change of it
    alone (the payload the same) refreshes the record: nothing is sent for it here."""
    wants_off = page("a", metadata={"ai_agent": False, "ai_sales_agent": True})
    plan = plan_for([wants_off, page("b", metadata={"ai_copilot": False})], [record("b")])
    (created,) = plan.creates
    assert created.declared == Availability(ai_agent=False, ai_sales_agent=True)
    assert plan.updates == ()
    assert plan.refreshes == (Refresh("b", "b", "fp-<p>x</p>", Availability(ai_copilot=False)),)


@pytest.mark.parametrize("value", ["no", 0, None, [True]])
def test_a_front_matter_availability_that_is_not_a_boolean_fails_that_document(value: object) -> None:
    """``ai_agent: no`` fails its document with one sentence naming the key; the others go on."""
    plan = plan_for([page("a", metadata={"ai_agent": value}), page("b")], [])
    assert [item.page.external_id for item in plan.creates] == ["b"]
    assert plan.failures == (Failure("a", f"front matter ai_agent must be true or false, not {value!r}"),)
