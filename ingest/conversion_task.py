"""One loaded document to convert, and its conversion: what runs in this process or in a worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ingest.convert import LinkBuilder, render_page
from ingest.document import Failure, Page, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.locales import with_detected_locale


@dataclass(frozen=True, slots=True)
class ToConvert:
    """A loaded document, the locator it was loaded by and the fingerprint its page records."""

    document: SourceDocument
    locator: str
    fingerprint: str


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
