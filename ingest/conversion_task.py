"""One document to convert (loaded, or to load), and its conversion: what runs in this process or
in a worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ingest.connector import Connector, DocumentLoader
from ingest.convert import LinkBuilder, render_page
from ingest.document import DocumentRef, Failure, Page, SkippedDocument, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.locales import with_detected_locale


@dataclass(frozen=True, slots=True)
class ToConvert:
    """A loaded document, the locator it was loaded by and the fingerprint its page records."""

    document: SourceDocument
    locator: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class ToRead:
    """A scanned document to load and convert, and the fingerprint its page records."""

    ref: DocumentRef
    fingerprint: str


#: What reading one document gives: its page, the connector's reason to leave it out, or why not.
Read = Page | SkippedDocument | Failure

#: Converts one document; a test may give another (one that hangs, one that kills its process).
ConvertOne = Callable[[ToConvert, LinkBuilder, DocumentLimits], Page | Failure]


def convert_one(item: ToConvert, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
    """``item`` converted to its page, or the failure that says why it could not be."""
    try:
        page = with_detected_locale(render_page(item.document, links, limits))
    except RecursionError:  # a library's recursion on a tree the depth bounds let through
        return Failure(item.locator, "conversion failed: the document nests too deeply to convert")
    except Exception as exc:  # a converter bug must not stop the other documents
        return Failure(item.locator, f"conversion failed: {exc}")
    return replace(page, locator=item.locator, fingerprint=item.fingerprint)


async def load_one(
    loader: Connector | DocumentLoader, ref: DocumentRef
) -> SourceDocument | SkippedDocument | Failure:
    """``ref`` loaded by ``loader`` (the connector, or its loader in a worker)."""
    try:
        return await loader.load(ref)
    except Exception as exc:  # a connector bug on one document is that document's failure
        return Failure(ref.locator, f"could not be read: {exc}")


async def read_one(
    item: ToRead,
    loader: Connector | DocumentLoader,
    links: LinkBuilder,
    limits: DocumentLimits,
    convert: ConvertOne = convert_one,
) -> Read:
    """``item`` loaded by ``loader`` and converted: what a worker does with a document it loads."""
    document = await load_one(loader, item.ref)
    if not isinstance(document, SourceDocument):
        return document
    return convert(ToConvert(document, item.ref.locator, item.fingerprint), links, limits)
