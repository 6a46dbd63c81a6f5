"""What moved since a plan was made: the first difference a person would fix, in one sentence."""

from __future__ import annotations

from ingest.planfile.model import Counts, PlanItem, SourceEntry, TargetEntry
from ingest.planfile.moved import what_moved

D = "d" * 64


def entry(
    items: list[PlanItem], *, config: str = D, state: str = D, scan: str = D, items_digest: str = D
) -> SourceEntry:
    target = TargetEntry(
        target="external_pages", state_digest=state, items_digest=items_digest, counts=Counts(), items=items
    )
    return SourceEntry(source="docs", config_digest=config, scan_digest=scan, targets=[target])


def create(locator: str, digest: str = D) -> PlanItem:
    return PlanItem(kind="create", locator=locator, external_id=locator, title="T", digest=digest)


def test_nothing_moved() -> None:
    assert what_moved(entry([create("a.md")]), entry([create("a.md")])) is None


def test_the_configuration_is_said_before_state_and_documents() -> None:
    moved = what_moved(entry([create("a.md")]), entry([create("b.md")], config="c" * 64, state="s" * 64))
    assert moved is not None and moved.startswith("the configuration of source docs changed since the plan")


def test_state_is_said_before_documents() -> None:
    moved = what_moved(entry([create("a.md")]), entry([create("b.md")], state="s" * 64))
    assert moved is not None and moved.startswith("state moved since the plan")


def test_documents_are_named_five_then_counted() -> None:
    saved = entry([create(f"{index}.md") for index in range(3)])
    now = entry([create(f"{index}.md", "e" * 64) for index in range(8)], scan="n" * 64)
    assert what_moved(saved, now) == (
        "8 documents of source docs changed since the plan: 0.md, 1.md, 2.md, 3.md, 4.md and 3 more"
    )


def test_a_failure_whose_message_differs_is_the_same_plan() -> None:
    """Which documents fail is the plan; a message saying how long a conversion took is not."""
    failed = PlanItem(kind="failure", locator="slow.md", detail="took 12.1 s")
    again = PlanItem(kind="failure", locator="slow.md", detail="took 12.4 s")
    assert what_moved(entry([failed]), entry([again])) is None


def test_a_scan_that_differs_with_the_same_items_is_said_so() -> None:
    moved = what_moved(entry([create("a.md")]), entry([create("a.md")], scan="n" * 64))
    assert moved is not None and "though nothing to send did" in moved
