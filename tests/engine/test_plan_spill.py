"""A streamed plan's upserts kept on disk: read back as the same light upserts memory kept."""

from __future__ import annotations

import gc
import os
import sys
import threading
from enum import IntEnum, StrEnum
from pathlib import Path

import pytest

from ingest.availability import UNSAID, Availability
from ingest.document import Page
from ingest.plan import Action, PlanBuilder, Upsert, _without_html
from ingest.plan_spill import SpilledUpserts
from ingest.state import DocumentRecord
from ingest.state.seen_ids import SeenIds


def page(external_id: str, html: str = "<p>x</p>", metadata: dict[str, object] | None = None) -> Page:
    return Page(
        external_id=external_id,
        title=f"Title of {external_id}",
        html=html,
        url=f"https://example.com/{external_id}",
        locator=f"{external_id}.md",
        fingerprint=f"fp-{external_id}",
        metadata=metadata or {},
    )


def record(external_id: str) -> DocumentRecord:
    return DocumentRecord(
        external_id=external_id,
        locator=f"{external_id}.md",
        fingerprint="old",
        content_hash="old-hash",
        remote_id=f"remote-{external_id}",
        title=external_id,
        synced_at=0.0,
        declared=UNSAID,
    )


def builder(records: dict[str, DocumentRecord], kept: SpilledUpserts | None) -> PlanBuilder:
    return PlanBuilder(
        source="docs",
        target="external_pages",
        unchanged_ids=(),
        records=records,
        payload_hash=lambda p: f"hash-{p.html}",
        max_delete_share=1.0,
        kept=kept,
    )


def test_a_spilled_plan_reads_back_what_memory_kept(tmp_path: Path) -> None:
    """Same creates and updates, in the same order, each as light as the in-memory record:
    ids, title, locator, scalar front matter (bools, numbers and text; no lists), hash,
    remote id and declared availability; no HTML, URL or fingerprint."""
    records = {name: record(name) for name in ("b", "d")}
    batches = [
        [page("a", metadata={"author": "Ann", "weight": 3, "ratio": 0.5, "draft": False, "tags": ["x"]})],
        [page("b", html="<p>new</p>"), page("c", metadata={"ai_agent": False})],
        [page("d", html="<p>also new</p>"), page("e")],
    ]
    in_memory, spilled = builder(records, None), builder(records, SpilledUpserts(tmp_path))
    for batch in batches:
        sent = spilled.add(batch).upserts
        assert all(upsert.page.html for upsert in sent)  # the batch's own upserts still hold their page whole
        in_memory.add(batch)
    expected, plan = in_memory.finish(skipped=(), failures=()), spilled.finish(skipped=(), failures=())

    assert list(plan.creates) == list(expected.creates)
    assert list(plan.updates) == list(expected.updates)
    assert list(plan.upserts) == list(expected.upserts)
    assert [u.page.external_id for u in plan.upserts] == ["a", "c", "e", "b", "d"]
    assert plan.writes == expected.writes == 5
    first = plan.creates[0]
    assert dict(first.page.metadata) == {"author": "Ann", "weight": 3, "ratio": 0.5, "draft": False}
    assert first.page.metadata["draft"] is False
    assert (first.page.html, first.page.url, first.page.fingerprint) == ("", None, "")
    assert plan.creates[1].declared == Availability(ai_agent=False)
    assert plan.updates[-1].remote_id == "remote-d"
    assert plan.upserts[3] == expected.upserts[3]
    assert list(plan.upserts[1:3]) == list(expected.upserts[1:3])
    with pytest.raises(IndexError):
        plan.creates[3]


def test_the_spill_file_has_no_name_in_the_state_folder(tmp_path: Path) -> None:
    """Nothing is left for a crash's next run to clean up: the file is unlinked from the start."""
    spill = SpilledUpserts(tmp_path)
    spill.append(Upsert(Action.CREATE, page("a"), "hash"))
    assert os.listdir(tmp_path) == []
    assert [upsert.page.external_id for upsert in spill.creates()] == ["a"]


def test_appends_after_a_read_go_to_the_end(tmp_path: Path) -> None:
    spill = SpilledUpserts(tmp_path)
    spill.append(Upsert(Action.CREATE, page("a"), "h1"))
    assert spill.creates()[0].page.external_id == "a"
    spill.append(Upsert(Action.UPDATE, page("b"), "h2", "remote-b"))
    spill.append(Upsert(Action.CREATE, page("c"), "h3"))
    assert [u.page.external_id for u in spill.creates()] == ["a", "c"]
    assert list(spill.updates()) == [_without_html(Upsert(Action.UPDATE, page("b"), "h2", "remote-b"))]


def test_ids_planned_kept_on_disk_still_find_a_duplicate_and_the_deletes(tmp_path: Path) -> None:
    """With the planned ids in a SeenIds, a second document taking an id fails as with a set, and
    a recorded document neither unchanged nor planned is deleted; one unchanged is not."""
    records = {name: record(name) for name in ("gone", "same", "b")}
    on_disk = PlanBuilder(
        source="docs",
        target="external_pages",
        unchanged_ids={"same"},
        records=records,
        payload_hash=lambda p: f"hash-{p.html}",
        max_delete_share=1.0,
        kept=SpilledUpserts(tmp_path),
        converted_ids=SeenIds(),
    )
    with_set = PlanBuilder(
        source="docs",
        target="external_pages",
        unchanged_ids={"same"},
        records=records,
        payload_hash=lambda p: f"hash-{p.html}",
        max_delete_share=1.0,
    )
    twin = Page(external_id="a", title="A again", html="<p>y</p>", url=None, locator="z.md", fingerprint="f")
    for planner in (with_set, on_disk):
        planner.add([page("a"), page("b", html="<p>new</p>")])
        planner.add([twin])
    expected, plan = with_set.finish(skipped=(), failures=()), on_disk.finish(skipped=(), failures=())
    assert plan.failures == expected.failures
    assert [failure.locator for failure in plan.failures] == ["z.md"]
    assert "already used" in plan.failures[0].message
    assert plan.deletes == expected.deletes
    assert [deletion.external_id for deletion in plan.deletes] == ["gone"]
    assert plan.unchanged == expected.unchanged == 1


def test_seen_ids_say_which_id_is_new() -> None:
    seen = SeenIds()
    assert [seen.add(name) for name in ("a", "b", "a", "é/ü", "b")] == [True, True, False, True, False]
    assert "a" in seen and "é/ü" in seen and "c" not in seen
    assert len(seen) == 3


def test_ids_made_on_one_thread_are_let_go_on_another(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run on a thread of its own (the watch daemon's) leaves its plan to be collected anywhere:
    closing the ids' database then is no error."""
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    made: list[SeenIds] = []
    maker = threading.Thread(target=lambda: made.append(SeenIds()))
    maker.start()
    maker.join()
    made[0].add("a")
    made.clear()
    gc.collect()
    assert unraisable == []


class Status(StrEnum):
    PUBLISHED = "published"


class Level(IntEnum):
    BEGINNER = 1


class Title(str):
    """A connector's own kind of text (the SDK takes any str)."""


def test_a_connectors_own_str_and_int_kinds_are_kept_as_memory_kept_them(tmp_path: Path) -> None:
    """A connector (the SDK's own) may give an enum or a str subclass as metadata, a title or an
    id: marshal refuses them, and the first such page failed the whole run with ValueError
    (unmarshallable object). They read back as the text and numbers memory kept."""
    odd = Page(
        external_id=Title("odd"),
        title=Title("An odd title"),
        html="<p>x</p>",
        url=None,
        locator=Title("odd.md"),
        fingerprint="f",
        metadata={"status": Status.PUBLISHED, "level": Level.BEGINNER, "owner": Title("ann")},
    )
    in_memory, spilled = builder({}, None), builder({}, SpilledUpserts(tmp_path))
    in_memory.add([odd])
    spilled.add([odd])
    (expected,), (kept,) = (
        in_memory.finish(skipped=(), failures=()).creates,
        spilled.finish(skipped=(), failures=()).creates,
    )
    assert kept == expected
    assert dict(kept.page.metadata) == {"status": "published", "level": 1, "owner": "ann"}
    assert (kept.page.external_id, kept.page.title, kept.page.locator) == ("odd", "An odd title", "odd.md")
