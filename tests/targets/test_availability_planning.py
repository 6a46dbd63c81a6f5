"""Availability set apart from the upserts: which twins still need it, and in which bulk calls."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.availability import UNSAID, Availability
from ingest.intercom import MAX_BULK_ITEMS
from ingest.plan import Action, AvailabilityChange, Deletion, Plan, Refresh, Upsert
from ingest.state import DocumentRecord
from ingest.targets.availability import bulk_batches, pending_changes, set_availability_request
from tests.targets.pages import page

DEFAULTS = Availability(True, True, False)
POSTED = ("ai_agent", "ai_copilot")


def record(
    name: str, held: Availability = DEFAULTS, declared: Availability | None = UNSAID
) -> DocumentRecord:
    return DocumentRecord(
        name, name, f"fp-{name}", "hash", f"id-{name}", name, 0.0, declared=declared, availability=held
    )


def plan(**items: object) -> Plan:
    return Plan(source="docs", target="external_pages", **items)  # type: ignore[arg-type]


def changes(
    records: list[DocumentRecord], *, defaults: Availability = DEFAULTS, **items: object
) -> dict[str, Availability]:
    found = pending_changes(
        plan(**items), {r.external_id: r for r in records}, defaults=defaults, carried=POSTED
    )
    return {change.external_id: change.flags for change in found}


def test_a_twin_holding_what_its_document_wants_needs_nothing() -> None:
    """The record says the page holds the source's availability: nothing to set."""
    assert changes([record("a.md")]) == {}


def test_a_change_of_the_defaults_sets_only_the_flag_that_differs_where_it_differs() -> None:
    """Fin for sales turned on: every page that does not hold it gets that flag, and only that flag;
    a page whose front matter already said it gets nothing."""
    records = [
        record("a.md"),
        record("b.md", Availability(True, True, True), Availability(ai_sales_agent=True)),
    ]
    assert changes(records, defaults=Availability(True, True, True)) == {
        "a.md": Availability(ai_sales_agent=True)
    }


def test_a_flag_nobody_knows_the_value_of_is_set() -> None:
    """A record of an earlier release (its twin's availability unknown) gets every flag set once."""
    assert changes([record("a.md", UNSAID, declared=None)]) == {"a.md": DEFAULTS}


def test_front_matter_read_this_run_wins_over_what_was_recorded() -> None:
    """A refreshed document's new front matter decides, not the declaration recorded before."""
    refreshed = Refresh("a.md", "a.md", "fp2", Availability(ai_copilot=False))
    assert changes([record("a.md")], refreshes=(refreshed,)) == {"a.md": Availability(ai_copilot=False)}


def test_an_upsert_sets_what_its_request_carries_and_a_create_gets_intercoms_defaults() -> None:
    """An update's POST carries AI Agent and Copilot: only Fin for sales is left to set; a create
    holds false for what its request does not carry, so a page wanting false needs nothing."""
    wanted = Availability(False, True, True)
    updated = Upsert(
        Action.UPDATE, page("a.md", ai_agent=False), "h", "id-a.md", Availability(ai_agent=False)
    )
    created = Upsert(Action.CREATE, page("b.md"), "h", declared=UNSAID)
    found = pending_changes(
        plan(updates=(updated,), creates=(created,)),
        {"a.md": record("a.md", Availability(True, True, False))},
        defaults=Availability(True, True, True),
        carried=POSTED,
    )
    assert [(c.external_id, c.remote_id, c.wanted, c.flags) for c in found] == [
        ("a.md", "id-a.md", wanted, Availability(ai_sales_agent=True)),
        ("b.md", None, Availability(True, True, True), Availability(ai_sales_agent=True)),
    ]
    all_carried = pending_changes(
        plan(creates=(created,)),
        {},
        defaults=Availability(True, True, True),
        carried=(*POSTED, "ai_sales_agent"),
    )
    assert all_carried == ()


def test_a_page_being_deleted_is_left_alone() -> None:
    """Its document is gone: its availability does not matter any more."""
    gone = Deletion("a.md", "a.md", "A", "id-a.md")
    assert changes([record("a.md", UNSAID)], deletes=(gone,)) == {}


def change(index: int, flags: Availability) -> AvailabilityChange:
    return AvailabilityChange(f"p{index}.md", f"p{index}.md", str(index), DEFAULTS, flags)


def test_2500_changes_of_the_same_flags_are_3_bulk_calls() -> None:
    """At most 1,000 items a call: 1,000, 1,000 and 500."""
    batches = bulk_batches([change(i, Availability(ai_sales_agent=True)) for i in range(2500)])
    assert [len(batch) for batch in batches] == [1000, 1000, 500] and MAX_BULK_ITEMS == 1000


def test_changes_of_different_flags_go_in_different_calls() -> None:
    """One bulk action sets the same flags on every item: one call per set of flags to set."""
    on, off = Availability(ai_agent=True), Availability(ai_agent=False, ai_copilot=False)
    batches = bulk_batches([change(0, on), change(1, off), change(2, on)])
    assert sorted([c.remote_id for c in batch] for batch in batches) == [["0", "2"], ["1"]]


def test_a_batch_becomes_one_set_availability_request() -> None:
    """Items of the given type with their remote ids; only the flags to set, named as the API names them."""
    batch = [change(i, Availability(ai_agent=False, ai_sales_agent=True)) for i in range(2)]
    body = set_availability_request("external_content", batch).to_body()
    assert body == {
        "action": "set_availability",
        "content_ids": [{"type": "external_content", "id": "0"}, {"type": "external_content", "id": "1"}],
        "availability": {"ai_agent": False, "sales_agent": True},
    }


def test_a_batch_of_mixed_flags_or_without_remote_ids_is_a_bug() -> None:
    """Execution names every remote id and batches by flags: anything else fails loudly."""
    with pytest.raises(AssertionError):
        set_availability_request("external_content", [replace(change(0, DEFAULTS), remote_id=None)])
    with pytest.raises(AssertionError):
        set_availability_request("external_content", [change(0, DEFAULTS), change(1, UNSAID)])
