"""Documents left out on purpose cost nothing while unchanged: a ``skip: true`` page, and
translations that External Pages do not take while Articles do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.filesystem import FilesystemConnector
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.emulator import RunningEmulator
from tests.e2e.conftest import SOURCE_READ, Harness, endpoints
from tests.e2e.test_articles import Project, write


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The locators the filesystem connector reads, in order."""
    read: list[str] = []
    real_load = FilesystemConnector.load

    async def load(self: FilesystemConnector, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        read.append(ref.locator)
        return await real_load(self, ref)

    monkeypatch.setattr(FilesystemConnector, "load", load)
    return read


async def test_a_skipped_document_is_not_read_again_until_it_changes(
    harness: Harness, loads: list[str]
) -> None:
    """skip: true is read once; unchanged, it is reported as skipped without being read; edited to
    drop the flag, it is created."""
    write(harness.docs, "page.md", "# Page\n\nPublished.\n")
    draft = harness.docs / "draft.md"
    write(harness.docs, "draft.md", "---\nskip: true\n---\n# Draft\n\nNot yet.\n")
    first = await harness.sync()
    assert (first.counts.created, first.counts.skipped, first.converted) == (1, 1, 1)
    (skipped,) = first.skipped
    assert skipped.locator == "draft.md"

    assert sorted(loads) == ["draft.md", "page.md"]
    loads.clear()
    harness.emulator.clear_requests()
    again = await harness.sync()
    assert loads == []
    assert (again.counts.unchanged, again.counts.skipped, again.converted) == (1, 1, 0)
    assert again.skipped == first.skipped
    assert endpoints(harness.emulator) == SOURCE_READ

    draft.write_text("# Draft\n\nReady now.\n", encoding="utf-8")
    os.utime(draft, ns=(1, 1))  # a different mtime even on a coarse clock
    published = await harness.sync()
    assert loads == ["draft.md"]
    assert (published.counts.created, published.counts.skipped, published.converted) == (1, 0, 1)
    assert set(harness.remote()) == {"page.md", "draft.md"}


async def test_translations_left_out_of_external_pages_are_not_converted_again(
    tmp_path: Path, emulator: RunningEmulator, loads: list[str]
) -> None:
    """With both targets, unchanged translations are neither read nor converted on the next run;
    External Pages still report them as skipped, with the reason."""
    project = Project(tmp_path, emulator)
    project.configure(targets='["external_pages", "articles"]')
    for index in range(3):
        write(project.docs, f"guide-{index}.md", f"# Guide {index}\n\nHello.\n")
        write(project.docs, f"guide-{index}.fr.md", f"# Guide {index} (fr)\n\nBonjour.\n")
    pages, articles = await project.sync()
    assert (pages.counts.created, pages.counts.skipped, articles.counts.created) == (3, 3, 6)

    loads.clear()
    emulator.clear_requests()
    pages, articles = await project.sync()
    assert loads == [] and (pages.converted, articles.converted) == (0, 0)
    assert (pages.counts.unchanged, pages.counts.skipped) == (3, 3)
    assert articles.counts.unchanged == 6
    assert sorted(skip.locator for skip in pages.skipped) == [f"guide-{n}.fr.md" for n in range(3)]
    assert endpoints(emulator) == SOURCE_READ  # the articles target needs no read of its own
