"""Converting a batch of loaded documents in one call: in order, one page or failure each."""

from __future__ import annotations

from ingest.conversion import BatchConverter
from ingest.conversion_task import ToConvert
from ingest.convert import LinkBuilder
from ingest.document import BodyFormat, Failure, Page, SourceDocument
from ingest.document_limits import DocumentLimits


def loaded(path: str, body: str) -> ToConvert:
    document = SourceDocument(path, path, body, BodyFormat.MARKDOWN, path, "connector-fingerprint")
    return ToConvert(document, f"locator/{path}", f"effective-{path}")


async def test_a_batch_converts_in_order_and_a_failure_stays_with_its_document() -> None:
    """Three documents, the middle one past the size limit: page, failure, page, in that order,
    each page recorded under its locator and effective fingerprint."""
    batch = [loaded("a.md", "# A\n\nOne."), loaded("b.md", "x" * 5000), loaded("c.md", "# C\n\nThree.")]
    with BatchConverter(DocumentLimits(max_document_bytes=1024), jobs=1) as converter:
        converted = await converter.convert_batch(batch, LinkBuilder(None))
    assert [type(item) for item in converted] == [Page, Failure, Page]
    first, failed, last = converted
    assert isinstance(first, Page) and isinstance(failed, Failure) and isinstance(last, Page)
    assert (first.locator, first.fingerprint, first.external_id) == ("locator/a.md", "effective-a.md", "a.md")
    assert failed.locator == "locator/b.md" and "max_document_bytes" in failed.message
    assert last.html == '<h1 id="c">C</h1>\n<p>Three.</p>'


async def test_an_empty_batch_converts_to_nothing() -> None:
    """No document, no result (and no error)."""
    with BatchConverter(DocumentLimits(), jobs=1) as converter:
        assert await converter.convert_batch([], LinkBuilder(None)) == []
