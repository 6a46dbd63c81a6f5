"""What the notion_export connector keeps between scan and load is bounded, as Confluence's is."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path
from typing import ClassVar

from connectors.notion_export import NotionExportConnector, NotionExportOptions
from ingest.document import DocumentRef, SourceDocument
from tests.connectors.notion_builder import NotionPage, Workspace, para, write_folder
from tests.connectors.test_notion_export import documents

PAGES = 120
WORDS = 4000  # about 24 kB of text a page, 3 MB in all


class KeepingNothing(NotionExportConnector):
    """Keeps no body between scan and load: every load builds its page again."""

    kept_body_chars: ClassVar[int] = 0


def big_export(tmp_path: Path) -> Path:
    pages = [
        NotionPage(number, f"Page {number}", blocks=[para(" ".join(f"w{number}x{n}" for n in range(WORDS)))])
        for number in range(1, PAGES + 1)
    ]
    pages[0].children = pages[1:10]
    # Unpacked, so that no zip is held in memory: what is measured is the pages.
    return write_folder(Workspace([pages[0], *pages[10:]]), tmp_path / "Export-big", "html")


async def test_bodies_kept_between_scan_and_load_are_bounded(tmp_path: Path) -> None:
    """With nothing to keep, a scan of 3 MB of pages holds well under 1 MB once done, and never all
    the pages at once while it runs."""
    path = big_export(tmp_path)
    source = KeepingNothing(NotionExportOptions.model_validate({"path": str(path)}))
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        refs = [item async for item in source.scan()]
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        held = current - before - sum(len(repr(ref)) * 2 for ref in refs)
    finally:
        tracemalloc.stop()
    assert len(refs) == PAGES
    assert held < 1024**2, f"{held} bytes held after the scan"
    assert peak - before < 2 * 1024**2, (
        f"{peak - before} bytes at the peak of the scan (pages built one by one)"
    )


async def test_a_page_not_kept_is_built_again_alike(tmp_path: Path) -> None:
    """Each load builds the page the scan fingerprinted, the same document as when it was kept."""
    path = big_export(tmp_path)
    kept = await documents(NotionExportConnector(NotionExportOptions.model_validate({"path": str(path)})))
    source = KeepingNothing(NotionExportOptions.model_validate({"path": str(path)}))
    refs = [item async for item in source.scan() if isinstance(item, DocumentRef)]
    for ref in refs:
        document = await source.load(ref)
        assert isinstance(document, SourceDocument)
        assert document.fingerprint == ref.fingerprint
        assert document == kept[document.external_id]
    source.close()
