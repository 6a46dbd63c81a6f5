"""Conversions for the process pool's tests: each runs in a worker, so it lives in a module the
worker can import (tests/ is on the path)."""

from __future__ import annotations

import os
import sys
import threading

from ingest.conversion_task import ToConvert, convert_one
from ingest.convert import LinkBuilder
from ingest.document import BodyFormat, DocumentRef, Failure, Page, SkippedDocument, SourceDocument
from ingest.document_limits import DocumentLimits

#: The exit code of a worker killed by :func:`crash_on_crash_md`.
CRASH_EXIT = 3


def hang_on_hang_md(item: ToConvert, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
    """Converts as usual, except ``hang.md``, which blocks for ever and never reaches a checkpoint
    of the time budget (as a C library stuck in a loop would)."""
    if item.locator == "hang.md":
        threading.Event().wait()
    return convert_one(item, links, limits)


def crash_on_crash_md(item: ToConvert, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
    """Converts as usual, except ``crash.md``, which ends its process at once (as a segfault would)."""
    if item.locator == "crash.md":
        os._exit(CRASH_EXIT)
    return convert_one(item, links, limits)


class SiteLinks:
    """A docs site's links, as a dialect gives them: headings named the site's way, one page gone."""

    def resolve(self, href: str, from_path: str) -> object:
        from ingest.sites import ResolvedLink

        return ResolvedLink(None, f"link to {href}, which is not a page") if href == "gone.md" else None

    def heading_id(self, text: str, taken: object) -> str:
        return "site-" + "-".join(text.lower().split())


#: What converting a Markdown, HTML or text document imports: the fork server holds them.
CONVERTER_MODULES = ("ingest.convert.markdown", "ingest.convert.html", "ingest.convert.text", "bs4", "nh3")


def fail_unless_preloaded(item: ToConvert, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
    """Fails a document whose worker had not imported the converter before it came (the fork
    server's preload), so that a fresh worker's first document does not pay for the imports
    inside its time budget; converts as usual otherwise."""
    missing = [name for name in CONVERTER_MODULES if name not in sys.modules]
    if missing:
        return Failure(item.locator, f"not preloaded: {', '.join(missing)}")
    return convert_one(item, links, limits)


class BodiesLoader:
    """Satisfies :class:`ingest.connector.DocumentLoader` from bodies held by locator (picklable,
    as a worker gets it): ``hang.md`` blocks for ever while loading, ``crash.md`` ends its
    process, ``draft.md`` is left out, ``gone.md`` cannot be read."""

    def __init__(self, bodies: dict[str, str]) -> None:
        self.bodies = bodies

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        if ref.locator == "hang.md":
            threading.Event().wait()
        if ref.locator == "crash.md":
            os._exit(CRASH_EXIT)
        if ref.locator == "draft.md":
            return SkippedDocument(ref.locator, "front matter says skip")
        if ref.locator not in self.bodies:
            return Failure(ref.locator, f"cannot read {ref.locator}: gone")
        body = self.bodies[ref.locator]
        return SourceDocument(
            ref.locator, f"Title of {ref.locator}", body, BodyFormat.MARKDOWN, ref.locator, "fp"
        )
