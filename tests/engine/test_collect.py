"""Collecting a source: scan, filter, decide what to read, load and convert."""

from __future__ import annotations

from collections.abc import AsyncIterator

from ingest.collect import PathFilter, TargetRecords, collect
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument

#: Computed before collect was split into steps: a change would reread every document of every user.
PINNED_FINGERPRINT = "068f3d377ac4756a5cb18310f090416a55a8bb08"


class OneDocument:
    """A connector holding one Markdown document with a fixed fingerprint."""

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        yield DocumentRef("guides/a.md", "fp-1")

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        return SourceDocument(ref.locator, "A", "# A\n", BodyFormat.MARKDOWN, ref.locator, ref.fingerprint)


async def test_the_effective_fingerprint_is_what_it_always_was() -> None:
    """The fingerprint recorded for a document does not change across versions of the code."""
    collected = await collect(
        OneDocument(),
        targets={"external_pages": TargetRecords(records={})},
        settings_digest="d",
        path_filter=PathFilter(["**"], []),
        url_template="https://docs.example.com/{path}",
    )
    (page,) = collected.pages
    assert page.fingerprint == PINNED_FINGERPRINT
