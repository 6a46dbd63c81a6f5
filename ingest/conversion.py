"""Loaded documents -> pages, a batch at a time: the one call through which ``collect`` converts.

A batch goes through :func:`convert_batch` whole, so a parallel converter can stand behind the same
call; whatever converts, the answer keeps the batch's order, one page or failure per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.convert import LinkBuilder, render_page
from ingest.document import Failure, Page, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.locales import with_detected_locale


@dataclass(frozen=True, slots=True)
class Loaded:
    """A document read from its source, with what its page is recorded under."""

    document: SourceDocument
    locator: str
    #: The effective fingerprint (the connector's, bound to everything else that shapes the payload).
    fingerprint: str


def convert_batch(
    documents: Sequence[Loaded], links: LinkBuilder, *, limits: DocumentLimits | None = None
) -> list[Page | Failure]:
    """Each of ``documents`` converted, in order: a page, or the failure that document alone is.
    A document past ``limits`` (size, time, nesting) fails alone."""
    bounds = limits or DocumentLimits()
    return [convert_one(loaded, links, bounds) for loaded in documents]


def convert_one(loaded: Loaded, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
    """One document's page, or its failure."""
    try:
        page = with_detected_locale(render_page(loaded.document, links, limits))
    except RecursionError:  # a library's recursion on a tree the depth bounds let through
        return Failure(loaded.locator, "conversion failed: the document nests too deeply to convert")
    except Exception as exc:  # a converter bug must not stop the other documents
        return Failure(loaded.locator, f"conversion failed: {exc}")
    return replace(page, locator=loaded.locator, fingerprint=loaded.fingerprint)
