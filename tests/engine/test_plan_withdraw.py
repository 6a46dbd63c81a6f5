"""The planner's soft delete (``on_delete = "withdraw"``), from plain values: what is withdrawn,
restored, left waiting or expired, and what the mass-delete guard counts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.availability import UNSAID, Availability
from ingest.document import Failure, Page
from ingest.plan import Action, Deletion, Plan, SoftDelete, Upsert, Withdrawal, make_plan, retire
from ingest.plan_spill import SpilledUpserts
from ingest.state import DocumentRecord
from ingest.targets.availability import pending_changes

DAY = 86_400.0
NOW = 1_800_000_000.0
WEEK = SoftDelete(grace_seconds=7 * DAY, now=NOW)


def page(external_id: str, html: str = "<p>x</p>") -> Page:
    return Page(
        external_id=external_id,
        title=external_id,
        html=html,
        url=None,
        locator=external_id,
        fingerprint=f"fp-{html}",
        metadata={},
    )


def record(external_id: str, *, withdrawn_days_ago: float | None = None) -> DocumentRecord:
    withdrawn = withdrawn_days_ago is not None
    return DocumentRecord(
        external_id=external_id,
        locator=external_id,
        fingerprint="" if withdrawn else "fp-<p>x</p>",
        content_hash="hash-<p>x</p>",
        remote_id=f"remote-{external_id}",
        title=external_id,
        synced_at=0.0,
        declared=UNSAID,
        availability=Availability(False, False, False) if withdrawn else Availability(True, True, False),
        withdrawn_at=None if withdrawn_days_ago is None else NOW - withdrawn_days_ago * DAY,
    )


def plan_for(
    pages: list[Page],
    records: list[DocumentRecord],
    *,
    unchanged: tuple[str, ...] = (),
    soft_delete: SoftDelete | None = WEEK,
    share: float = 1.0,
    failures: tuple[Failure, ...] = (),
) -> Plan:
    return make_plan(
        source="docs",
        target="external_pages",
        pages=pages,
        unchanged_ids=set(unchanged),
        skipped=(),
        failures=failures,
        records={r.external_id: r for r in records},
        payload_hash=lambda p: f"hash-{p.html}",
        max_delete_share=share,
        soft_delete=soft_delete,
    )


def test_a_document_gone_is_withdrawn_not_deleted() -> None:
    plan = plan_for([], [record("a.md"), record("b.md")], unchanged=("b.md",))
    assert plan.deletes == ()
    assert plan.withdrawals == (Withdrawal("a.md", "a.md", "a.md", "remote-a.md"),)
    assert plan.writes == 1 and plan.soft_delete == WEEK


def test_without_a_soft_delete_a_document_gone_is_deleted() -> None:
    plan = plan_for([], [record("a.md")], soft_delete=None)
    assert plan.withdrawals == ()
    assert plan.deletes == (Deletion("a.md", "a.md", "a.md", "remote-a.md"),)


def test_a_withdrawn_page_waits_for_its_grace_period_then_expires() -> None:
    waiting = plan_for([], [record("a.md", withdrawn_days_ago=6.9)])
    assert (waiting.deletes, waiting.withdrawals, waiting.still_withdrawn, waiting.writes) == ((), (), 1, 0)
    expired = plan_for([], [record("a.md", withdrawn_days_ago=7)])
    assert expired.deletes == (Deletion("a.md", "a.md", "a.md", "remote-a.md", expired=True),)
    assert expired.expiries == 1 and expired.withdrawals == ()


def test_a_withdrawn_page_is_deleted_at_once_when_the_source_deletes_again() -> None:
    """on_delete set back to "delete": a page withdrawn earlier goes now, as an expiry."""
    plan = plan_for([], [record("a.md", withdrawn_days_ago=1)], soft_delete=None)
    assert plan.deletes == (Deletion("a.md", "a.md", "a.md", "remote-a.md", expired=True),)


def test_a_document_back_is_sent_again_to_its_page_as_a_restore() -> None:
    """Even unchanged: its page holds no availability now, and the POST gives it back."""
    plan = plan_for([page("a.md")], [record("a.md", withdrawn_days_ago=3)])
    (update,) = plan.updates
    assert (update.action, update.remote_id, update.restore) == (Action.UPDATE, "remote-a.md", True)
    assert plan.restores == 1 and plan.creates == () and plan.deletes == () and plan.withdrawals == ()


def test_a_failure_protects_a_withdrawn_page_from_expiry() -> None:
    plan = plan_for([], [record("a.md", withdrawn_days_ago=30)], failures=(Failure("a.md", "unreadable"),))
    assert plan.deletes == () and plan.withdrawals == ()


def test_the_guard_counts_withdrawals_against_the_pages_still_available() -> None:
    records = [record(f"w{i}.md", withdrawn_days_ago=1) for i in range(6)]
    records += [record(f"p{i}.md") for i in range(4)]
    plan = plan_for([], records, unchanged=("p0.md",), share=0.5)
    assert plan.refusal is not None and plan.refusal.startswith("refusing to withdraw 3 of 4 pages")
    allowed = retire(
        [Deletion(f"p{i}.md", f"p{i}.md", "", None) for i in (1, 2, 3)],
        {r.external_id: r for r in records},
        WEEK,
        max_share=0.5,
        allow_mass_delete=True,
    )
    assert allowed.refusal is None and len(allowed.withdrawals) == 3


def test_expiries_are_not_counted_again_by_the_guard() -> None:
    records = [record(f"w{i}.md", withdrawn_days_ago=8) for i in range(6)] + [record("p.md")]
    plan = plan_for([], records, unchanged=("p.md",), share=0.1)
    assert plan.refusal is None and plan.expiries == 6


def test_a_withdrawn_page_is_not_made_available_again_while_its_document_is_gone() -> None:
    """What is settled apart leaves withdrawals and waiting pages alone; a restore's POST carries
    AI Agent and Copilot, so nothing else is due for it."""
    records = {r.external_id: r for r in (record("gone.md"), record("waiting.md", withdrawn_days_ago=2))}
    records["back.md"] = record("back.md", withdrawn_days_ago=2)
    plan = plan_for([page("back.md")], list(records.values()))
    changes = pending_changes(
        plan, records, defaults=Availability(True, True, False), carried=("ai_agent", "ai_copilot")
    )
    assert changes == ()
    wants_sales = replace(
        plan, updates=(replace(plan.updates[0], declared=Availability(ai_sales_agent=True)),)
    )
    (change,) = pending_changes(
        wants_sales, records, defaults=Availability(True, True, False), carried=("ai_agent", "ai_copilot")
    )
    assert change.external_id == "back.md" and change.flags == Availability(ai_sales_agent=True)


def test_a_restore_survives_the_plan_kept_on_disk(tmp_path: Path) -> None:
    spill = SpilledUpserts(tmp_path)
    spill.append(Upsert(Action.UPDATE, page("a.md"), "h", "remote-a.md", restore=True))
    spill.append(Upsert(Action.UPDATE, page("b.md"), "h", "remote-b.md"))
    assert [update.restore for update in spill.updates()] == [True, False]
