"""Collecting a source: scan, filter, decide what to read, load and convert."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import aclosing

import pytest

from ingest.collect import Collected, PathFilter, TargetRecords, collect, read, scan
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.state import DocumentRecord, RememberedSkip

#: Computed before collect was split into steps: a change would reread every document of every user.
PINNED_FINGERPRINT = "068f3d377ac4756a5cb18310f090416a55a8bb08"
TEMPLATE = "https://docs.example.com/{path}"


class Folder:
    """Markdown documents by path, each with a fixed connector fingerprint; counts what is loaded."""

    def __init__(
        self, fingerprints: Mapping[str, str], *, scan_extras: Collection[Failure | SkippedDocument] = ()
    ):
        self.fingerprints = dict(fingerprints)
        self.scan_extras = list(scan_extras)
        self.loaded: list[str] = []

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        for item in self.scan_extras:
            yield item
        for path, fingerprint in sorted(self.fingerprints.items()):
            yield DocumentRef(path, fingerprint)

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        self.loaded.append(ref.locator)
        if ref.locator.startswith("broken"):
            raise OSError("disk on fire")
        return SourceDocument(
            ref.locator, ref.locator, "# A\n", BodyFormat.MARKDOWN, ref.locator, ref.fingerprint
        )


async def gather(
    folder: Folder,
    targets: Mapping[str, TargetRecords],
    *,
    only: Collection[str] | None = None,
    exclude: Collection[str] = (),
) -> Collected:
    return await collect(
        folder,
        targets=targets,
        settings_digest="d",
        path_filter=PathFilter(["**"], exclude),
        url_template=TEMPLATE,
        only=only,
    )


def sent(locator: str, fingerprint: str) -> DocumentRecord:
    """The record of a document sent with ``fingerprint``."""
    return DocumentRecord(f"id-{locator}", locator, fingerprint, "hash", "remote", locator, 0.0)


async def effective(locator: str, fingerprint: str) -> str:
    """The effective fingerprint collect gives a document (read once with no records)."""
    collected = await gather(Folder({locator: fingerprint}), {"pages": TargetRecords(records={})})
    return collected.pages[0].fingerprint


async def test_the_effective_fingerprint_is_what_it_always_was() -> None:
    """The fingerprint recorded for a document does not change across versions of the code."""
    (page,) = (
        await gather(Folder({"guides/a.md": "fp-1"}), {"external_pages": TargetRecords(records={})})
    ).pages
    assert page.fingerprint == PINNED_FINGERPRINT


async def test_scan_failures_and_skips_are_kept_and_the_filter_drops_paths() -> None:
    """What the scan reports is passed on; an excluded path is neither counted nor read."""
    failure, skip = Failure("x.md", "unreadable"), SkippedDocument("y.md", "draft")
    folder = Folder({"a.md": "1", "private/b.md": "2"}, scan_extras=[failure, skip])
    collected = await gather(folder, {"pages": TargetRecords(records={})}, exclude=["private/**"])
    assert (collected.failures, collected.skipped, collected.scanned) == ([failure], [skip], 1)
    assert folder.loaded == ["a.md"]


async def test_a_document_unchanged_for_every_target_is_not_read() -> None:
    """Same fingerprint as recorded for each target: counted unchanged, never loaded."""
    fingerprint = await effective("a.md", "1")
    record = sent("a.md", fingerprint)
    folder = Folder({"a.md": "1"})
    targets = {
        "pages": TargetRecords({record.external_id: record}),
        "articles": TargetRecords({record.external_id: record}),
    }
    collected = await gather(folder, targets)
    assert folder.loaded == [] and collected.pages == []
    assert collected.unchanged_ids == {"pages": {"id-a.md"}, "articles": {"id-a.md"}}


async def test_a_document_changed_for_one_target_is_read_once_for_all() -> None:
    """One target's stale record is enough to read the document; no target counts it unchanged."""
    fingerprint = await effective("a.md", "1")
    fresh, stale = sent("a.md", fingerprint), sent("a.md", "older")
    folder = Folder({"a.md": "1"})
    targets = {
        "pages": TargetRecords({fresh.external_id: fresh}),
        "articles": TargetRecords({stale.external_id: stale}),
    }
    collected = await gather(folder, targets)
    assert folder.loaded == ["a.md"] and [page.locator for page in collected.pages] == ["a.md"]
    assert collected.unchanged_ids == {"pages": set(), "articles": set()}


async def test_a_target_whose_settings_changed_reads_everything() -> None:
    """Changed target settings make every recorded fingerprint stale for that target."""
    fingerprint = await effective("a.md", "1")
    record = sent("a.md", fingerprint)
    folder = Folder({"a.md": "1"})
    await gather(folder, {"pages": TargetRecords({record.external_id: record}, settings_changed=True)})
    assert folder.loaded == ["a.md"]


async def test_a_document_left_out_unchanged_is_left_out_again_unread() -> None:
    """A remembered skip with the same fingerprint is carried over without reading the document."""
    skip = RememberedSkip("a.md", await effective("a.md", "1"), "language not taken")
    folder = Folder({"a.md": "1"})
    collected = await gather(folder, {"articles": TargetRecords({}, skips={"a.md": skip})})
    assert folder.loaded == [] and collected.remembered_skips == {"articles": [skip]}


async def test_only_reads_the_named_documents_and_keeps_the_rest_as_they_were() -> None:
    """With ``only``, a document outside it counts as it was even if its fingerprint moved."""
    a, b = sent("a.md", "old"), sent("b.md", "old")
    folder = Folder({"a.md": "new", "b.md": "new"})
    collected = await gather(
        folder, {"pages": TargetRecords({a.external_id: a, b.external_id: b})}, only={"b.md"}
    )
    assert folder.loaded == ["b.md"]
    assert collected.unchanged_ids == {"pages": {"id-a.md"}}


async def test_a_document_that_cannot_be_read_is_a_failure_and_the_rest_are_converted() -> None:
    """A load that raises is that document's failure; the others still become pages."""
    folder = Folder({"a.md": "1", "broken.md": "2"})
    collected = await gather(folder, {"pages": TargetRecords(records={})})
    assert [page.locator for page in collected.pages] == ["a.md"] and collected.converted == 1
    assert collected.failures == [Failure("broken.md", "could not be read: disk on fire")]


@pytest.mark.parametrize("count", [31, 32, 33, 70])
async def test_every_document_is_read_across_load_batches(count: int) -> None:
    """Documents are loaded in batches; none is lost or read twice at a batch's edge."""
    folder = Folder({f"d{n:03}.md": str(n) for n in range(count)})
    collected = await gather(folder, {"pages": TargetRecords(records={})})
    assert sorted(folder.loaded) == sorted(folder.fingerprints) and len(collected.pages) == count


async def test_reading_lets_go_of_each_reference_once_its_batch_is_read() -> None:
    """The scan's list of documents to read shrinks batch by batch as they are read, so a large
    first sync does not keep every reference to the end; every document is still read once."""
    folder = Folder({f"d{n:03}.md": str(n) for n in range(70)})
    scanned = await scan(
        folder,
        targets={"pages": TargetRecords(records={})},
        settings_digest="d",
        path_filter=PathFilter(["**"], ()),
        url_template=TEMPLATE,
        only=None,
    )
    left: list[int] = []
    async with aclosing(read(folder, scanned, batch_size=32)) as batches:
        async for batch in batches:
            left.append(len(scanned.to_read))
            assert len(batch.pages) == min(32, 70 - 32 * (len(left) - 1))
    assert left == [38, 6, 0]
    assert sorted(folder.loaded) == sorted(folder.fingerprints)


async def test_a_first_sync_scan_keeps_no_locator_per_document() -> None:
    """Only a recorded document's locator is ever looked up in the scan's set (to find it gone):
    with no record, the scan keeps none, and every document is still to be read."""
    folder = Folder({f"d{n:03}.md": str(n) for n in range(5)})
    scanned = await scan(
        folder,
        targets={"pages": TargetRecords(records={})},
        settings_digest="d",
        path_filter=PathFilter(["**"], ()),
        url_template=TEMPLATE,
        only=None,
    )
    assert scanned.locators == frozenset()
    assert [ref.locator for ref, _ in scanned.to_read.take(10)] == [f"d{n:03}.md" for n in range(5)]
