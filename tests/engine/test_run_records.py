"""A target's records as a run sees them (:class:`~ingest.state.RunRecords`): the scan compared
with state in SQLite, only the records of documents not found unchanged built, the rest asked
for by kind."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.availability import UNSAID, Availability
from ingest.collect import PathFilter, Scanned, TargetRecords, read, scan
from ingest.document import Page
from ingest.plan import Action, Deletion, Plan, PlanBuilder, deletions_by_scan
from ingest.state import AdoptedPage, RecordKind, RunRecords, StateStore, TargetStore, unchanged_at
from ingest.state import run_records as run_records_module
from ingest.state.placement import Placement
from ingest.targets.availability import SOURCE_DEFAULTS, pending_changes
from ingest.targets.tagging import owner_tag_changes
from tests.engine.test_collect import TEMPLATE, Folder

OFF = Availability(False, True, False)


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore(tmp_path / "state.db") as store:
        yield store


def send(
    pages: TargetStore,
    external_id: str,
    locator: str,
    fingerprint: str,
    *,
    declared: Availability = UNSAID,
    held: Availability = UNSAID,
    locale: str | None = None,
) -> None:
    pages.record_sent(
        external_id=external_id,
        locator=locator,
        fingerprint=fingerprint,
        content_hash=f"hash-{external_id}",
        remote_id=f"r-{external_id}",
        title=external_id,
        html="<p>x</p>",
        placement=Placement(None, locale),
        declared=declared,
        availability=held,
    )


def test_the_scan_is_matched_by_locator_and_fingerprint(state: StateStore) -> None:
    """A document recorded at its locator with the same effective fingerprint is unchanged (under
    its own external id, which may differ from its locator); another fingerprint, another locator
    or no record is not; a fingerprint of None (a document counted as it was) matches any."""
    pages = state.target("docs", "external_pages")
    send(pages, "a.md", "a.md", "fp-a")
    send(pages, "guide-b", "b.md", "fp-b")
    send(pages, "c.md", "c.md", "fp-c")
    records = pages.run_records()

    scanned = [("a.md", "fp-a"), ("b.md", "fp-b"), ("c.md", "fp-new"), ("d.md", "fp-a")]
    assert records.unchanged_at(scanned) == ["a.md", "guide-b", None, None]
    assert records.unchanged_at([("c.md", None), ("d.md", None)]) == ["c.md", None]
    assert state.target("docs", "articles").run_records().unchanged_at(scanned) == [None] * 4
    assert unchanged_at(pages.records(), scanned) == records.unchanged_at(scanned)  # a plain mapping alike


def _compared_in_one_statement(
    records: RunRecords, source: str, target: str, scanned: Sequence[tuple[str, str | None]]
) -> list[str | None]:
    """The comparison as it was made before the slices were read in locator order: every scanned
    document joined with ``documents`` in SQL, the last matching record by rowid winning."""
    unchanged: list[str | None] = [None] * len(scanned)
    rows = records._db.execute(
        "SELECT s.key, d.external_id FROM json_each(?) AS s "
        "JOIN documents AS d ON d.source = ? AND d.target = ? AND d.locator = s.value ->> 0 "
        "WHERE s.value ->> 1 IS NULL OR s.value ->> 1 = d.fingerprint ORDER BY d.rowid",
        (json.dumps(list(scanned)), source, target),
    )
    for position, external_id in rows:
        unchanged[position] = external_id
    return unchanged


_LOCATORS = st.sampled_from(["a.md", "b.md", "b/c.md", "c.md", "d.md", "é.md", "z.md"])
_FINGERPRINTS = st.sampled_from(["fp-1", "fp-2", "fp-3"])


@settings(max_examples=150, deadline=None)
@given(
    recorded=st.lists(
        st.tuples(st.sampled_from(["a.md", "b.md", "c.md", "pinned", "other"]), _LOCATORS, _FINGERPRINTS),
        max_size=8,
    ),
    scanned=st.lists(st.tuples(_LOCATORS, st.none() | _FINGERPRINTS), max_size=12),
    in_order=st.booleans(),
)
def test_the_scan_read_in_slices_answers_as_one_statement(
    recorded: list[tuple[str, str, str]], scanned: list[tuple[str, str | None]], in_order: bool
) -> None:
    """Slices of 3 (so that a scan spans several), in or out of locator order, with locators
    scanned twice, recorded twice (under two external ids), or not at all, external ids other
    than the locator, and fingerprints that match or not: the answer is the one-statement
    comparison's, position by position."""
    if in_order:
        scanned = sorted(scanned, key=lambda item: item[0])
    with tempfile.TemporaryDirectory() as folder, StateStore(Path(folder) / "state.db") as store:
        pages = store.target("docs", "external_pages")
        for external_id, locator, fingerprint in recorded:
            send(pages, external_id, locator, fingerprint)
        records = pages.run_records()
        with mock.patch.object(run_records_module, "_COMPARED_AT_ONCE", 3):
            assert records.unchanged_at(scanned) == _compared_in_one_statement(
                records, "docs", "external_pages", scanned
            )


def test_only_the_records_not_found_unchanged_are_built(state: StateStore) -> None:
    """Told which documents are unchanged, the mapping builds the others; it still answers for every
    record (its length, membership, each one by id, read from the file) as state holds them."""
    pages = state.target("docs", "external_pages")
    for name in ("a", "b", "c"):
        send(pages, f"{name}.md", f"{name}.md", f"fp-{name}")
    records = pages.run_records()

    records.load_all_but({"a.md", "b.md"})

    assert set(records.touched()) == {"c.md"}
    assert len(records) == 3 and sorted(records) == ["a.md", "b.md", "c.md"]
    assert "a.md" in records and "z.md" not in records
    assert records["a.md"] == pages.record("a.md") and records.get("c.md") == pages.record("c.md")
    assert dict(records.items()) == pages.records()
    with pytest.raises(KeyError):
        records["z.md"]


def test_every_record_unchanged_builds_none(state: StateStore) -> None:
    pages = state.target("docs", "external_pages")
    send(pages, "a.md", "a.md", "fp-a")
    send(pages, "b.md", "b.md", "fp-b")
    records = pages.run_records()

    records.load_all_but({"a.md", "b.md"})

    assert dict(records.touched()) == {} and len(records) == 2
    assert dict(records.items()) == pages.records()


def test_not_told_what_is_unchanged_every_record_is_built(state: StateStore) -> None:
    pages = state.target("docs", "external_pages")
    send(pages, "a.md", "a.md", "fp-a")
    send(pages, "b.md", "b.md", "fp-b")

    records = pages.run_records()
    assert dict(records.touched()) == pages.records() == dict(records.items())
    records.load_all_but(set())
    assert dict(records.touched()) == pages.records()
    assert records.untouched_where(lambda kind: True) == []


def test_untouched_records_are_asked_for_once_per_kind(state: StateStore) -> None:
    """1,000 untouched records of three kinds: the question is asked three times, and only the
    records of the kinds it wants are built (never a touched one)."""
    pages = state.target("docs", "external_pages")
    for n in range(1_000):
        kind = n % 3
        send(
            pages,
            f"{n:04}.md",
            f"{n:04}.md",
            "fp",
            declared=OFF if kind == 1 else UNSAID,
            held=OFF if kind == 1 else UNSAID,
            locale="fr" if kind == 2 else None,
        )
    pages.record_tags([("0000.md", 7), ("0003.md", 7)])
    records = pages.run_records()
    records.load_all_but({f"{n:04}.md" for n in range(1, 1_000)})
    asked: list[RecordKind] = []

    def tagged(kind: RecordKind) -> bool:
        asked.append(kind)
        return kind.owner_tag == 7

    found = records.untouched_where(tagged)

    assert [record.external_id for record in found] == ["0003.md"]  # 0000.md is touched
    assert len(asked) == 4  # untagged of three kinds, tagged of one
    assert RecordKind(OFF, OFF, None, False) in asked
    assert RecordKind(UNSAID, UNSAID, None, True) in asked
    translations = records.untouched_where(lambda kind: kind.translation)
    assert len(translations) == 333 and {r.placement.locale for r in translations} == {"fr"}


async def test_a_change_an_addition_and_a_deletion_among_10000_unchanged_documents(
    state: StateStore,
) -> None:
    """10,000 documents recorded as the scan fingerprints them; then one changes, one is added and
    one deleted: those two are read, the deleted one is deleted, and only the records of the
    changed and the deleted documents are built."""
    names = [f"docs/page-{n:05}.md" for n in range(10_000)]
    folder = Folder(dict.fromkeys(names, "v1"))
    pages = state.target("docs", "external_pages")
    first = await scan_with(folder, pages.run_records())
    assert len(first.to_read) == 10_000
    pages.adopt(AdoptedPage(name, f"r-{name}", name) for name in names)
    to_read = first.to_read.take(len(first.to_read))
    pages.refresh_fingerprints((ref.locator, ref.locator, fp, UNSAID, None) for ref, fp in to_read)

    changed, deleted, added = names[4_321], names[9_999], "docs/page-new.md"
    folder.fingerprints[changed] = "v2"
    del folder.fingerprints[deleted]
    folder.fingerprints[added] = "v1"
    records = pages.run_records()
    scanned = await scan_with(folder, records)
    unchanged = scanned.collected.unchanged_ids["external_pages"]
    records.load_all_but(unchanged)

    assert len(scanned.to_read) == 2
    assert len(unchanged) == 9_998 and changed not in unchanged and deleted not in unchanged
    assert set(records.touched()) == {changed, deleted} and len(records) == 10_000
    by_scan = deletions_by_scan(records, scanned=scanned.locators, unchanged_ids=unchanged, failed=())
    assert [deletion.external_id for deletion in by_scan] == [deleted]

    builder = PlanBuilder(
        source="docs",
        target="external_pages",
        unchanged_ids=unchanged,
        records=records,
        payload_hash=lambda page: f"hash-{page.fingerprint}",
        max_delete_share=0.5,
    )
    read_pages: list[Page] = []
    async for batch in read(folder, scanned):
        read_pages += batch.pages
    assert [page.locator for page in read_pages] == [changed, added]
    planned = builder.add(read_pages)
    plan = builder.finish(skipped=(), failures=())
    assert [(u.action, u.page.external_id) for u in planned.upserts] == [
        (Action.UPDATE, changed),
        (Action.CREATE, added),
    ]
    assert [d.external_id for d in plan.deletes] == [deleted]
    assert (plan.unchanged, plan.known) == (9_998, 10_000)


async def scan_with(folder: Folder, records: RunRecords) -> Scanned:
    return await scan(
        folder,
        targets={"external_pages": TargetRecords(records=records)},
        settings_digest="d",
        path_filter=PathFilter(["**"], ()),
        url_template=TEMPLATE,
    )


def test_what_is_settled_apart_is_the_same_as_over_every_record_built(state: StateStore) -> None:
    """Availability and owner tags to settle, looked over untouched records by kind, are exactly
    what looking over every record built finds: the same changes in the same order."""
    pages = state.target("docs", "external_pages")
    kinds = [(OFF, UNSAID), (UNSAID, SOURCE_DEFAULTS), (OFF, OFF), (UNSAID, OFF)]
    for n in range(200):
        declared, held = kinds[n % 4]
        send(
            pages,
            f"{n:03}.md",
            f"{n:03}.md",
            "fp",
            declared=declared,
            held=held,
            locale="fr" if n % 5 == 0 else None,
        )
    pages.record_tags([(f"{n:03}.md", 7 if n % 3 else 9) for n in range(0, 200, 2)])
    records = pages.run_records()
    touched = {"000.md", "001.md", "002.md", "011.md"}
    records.load_all_but({f"{n:03}.md" for n in range(200)} - touched)
    plan = Plan(
        source="docs", target="external_pages", deletes=(Deletion("011.md", "011.md", "011.md", "r-011.md"),)
    )
    every = pages.records()

    availability = pending_changes(plan, records, defaults=SOURCE_DEFAULTS, carried=())
    assert availability == pending_changes(plan, every, defaults=SOURCE_DEFAULTS, carried=())
    assert len(availability) == 99  # the two kinds that differ, but the page deleted
    for tag_id in (7, None):
        tags = owner_tag_changes(plan, records, tag_id, keeps_retired=True, shared_twins={"005.md"})
        assert tags == owner_tag_changes(plan, every, tag_id, keeps_retired=True, shared_twins={"005.md"})
        assert tags


def test_a_record_written_after_the_scan_is_not_taken_for_an_untouched_one(state: StateStore) -> None:
    """A page the run creates is recorded while its plan's records are in use: looking over the
    untouched records for what to settle apart must not count it (the plan's creates do)."""
    pages = state.target("docs", "external_pages")
    send(pages, "a.md", "a.md", "fp-a", declared=OFF)
    records = pages.run_records()
    records.load_all_but({"a.md"})

    send(pages, "new.md", "new.md", "fp-new", declared=OFF)

    assert [record.external_id for record in records.untouched_where(lambda kind: True)] == ["a.md"]
    assert "new.md" not in records and len(records) == 1


async def test_a_scan_of_unchanged_documents_builds_no_record(
    state: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan asks whether a target holds any record (a first sync keeps no locators); asking
    must not build every record (at 50,000 documents that cost a no-op run 0.25 s and 26 MB),
    and neither must the records' truth: an empty source holds none, a recorded one some."""
    names = [f"docs/page-{n:03}.md" for n in range(300)]
    folder = Folder(dict.fromkeys(names, "v1"))
    pages = state.target("docs", "external_pages")
    assert not pages.run_records()
    first = await scan_with(folder, pages.run_records())
    to_read = first.to_read.take(len(first.to_read))
    pages.adopt(AdoptedPage(name, f"r-{name}", name) for name in names)
    pages.refresh_fingerprints((ref.locator, ref.locator, fp, UNSAID, None) for ref, fp in to_read)
    built = mock.Mock(wraps=run_records_module.record_from_row)
    monkeypatch.setattr(run_records_module, "record_from_row", built)

    records = pages.run_records()
    assert records
    scanned = await scan_with(folder, records)
    records.load_all_but(scanned.collected.unchanged_ids["external_pages"])

    assert len(scanned.to_read) == 0 and len(scanned.collected.unchanged_ids["external_pages"]) == 300
    assert built.call_count == 0
