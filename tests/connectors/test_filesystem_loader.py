"""The filesystem connector's loader, as a conversion worker gets it (pickled after a scan): it
loads exactly what the connector loads, and reads nothing the connector would not (a locator
out of the root, a file swapped for a symlink leading out after the scan, a symlink when
``follow_symlinks`` is false, a named pipe)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from connectors.filesystem.loading import FolderLoader
from ingest.connector import DocumentLoader, LoadsElsewhere
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument

Loaded = SourceDocument | SkippedDocument | Failure


def connector(root: Path, **options: object) -> FilesystemConnector:
    return FilesystemConnector(FilesystemOptions.model_validate({"path": str(root), **options}))


def worker_copy(source: FilesystemConnector) -> FolderLoader:
    """The connector's loader as a worker gets it: pickled and unpickled."""
    assert isinstance(source, LoadsElsewhere)
    loader = source.loader()
    assert loader is not None
    copied = pickle.loads(pickle.dumps(loader))  # noqa: S301 - our own bytes, as a worker gets them
    assert isinstance(copied, FolderLoader) and isinstance(copied, DocumentLoader)
    return copied


async def scanned_loader(source: FilesystemConnector) -> tuple[dict[str, DocumentRef], FolderLoader]:
    """The scan's references, and the loader a worker would get."""
    refs = {item.locator: item async for item in source.scan() if isinstance(item, DocumentRef)}
    return refs, worker_copy(source)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "guide").mkdir()
    (folder / "guide" / "setup.md").write_text("---\ntitle: Setup\ntags: [a]\n---\n# Setup\n\nText.\n")
    (folder / "page.html").write_text("<h1>HTML</h1><p>text</p>")
    (folder / "notes.txt").write_text("Plain text")
    (folder / "draft.md").write_text("---\nskip: true\n---\nNot yet.\n")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    return folder.resolve()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.md").write_text("# Secret\n")
    return folder.resolve()


async def test_the_loader_a_worker_gets_loads_what_the_connector_loads(root: Path) -> None:
    """Every document, its skip and its failure, equal to the connector's own load."""
    source = connector(root)
    refs, loader = await scanned_loader(source)
    assert sorted(refs) == ["broken.md", "draft.md", "guide/setup.md", "notes.txt", "page.html"]
    for ref in refs.values():
        assert await loader.load(ref) == await source.load(ref)
    assert isinstance(await loader.load(refs["draft.md"]), SkippedDocument)
    assert isinstance(await loader.load(refs["broken.md"]), Failure)


async def test_a_file_swapped_for_a_symlink_out_of_the_root_after_the_scan_is_not_read(
    root: Path, outside: Path
) -> None:
    refs, loader = await scanned_loader(connector(root))
    (root / "guide" / "setup.md").unlink()
    (root / "guide" / "setup.md").symlink_to(outside / "secret.md")
    assert await loader.load(refs["guide/setup.md"]) == Failure(
        "guide/setup.md", "guide/setup.md: resolves outside the source folder"
    )


@pytest.mark.parametrize(
    "locator", ["../elsewhere/secret.md", "/etc/hostname", "a/../../elsewhere/secret.md"]
)
async def test_locators_escaping_the_root_are_failures(root: Path, outside: Path, locator: str) -> None:
    _, loader = await scanned_loader(connector(root))
    result = await loader.load(DocumentRef(locator, "unused"))
    assert isinstance(result, Failure) and result.locator == locator


async def test_without_follow_symlinks_a_symlink_made_after_the_scan_is_refused(root: Path) -> None:
    refs, loader = await scanned_loader(connector(root, follow_symlinks=False))
    (root / "notes.txt").unlink()
    (root / "notes.txt").symlink_to(root / "page.html")
    assert await loader.load(refs["notes.txt"]) == Failure(
        "notes.txt", "notes.txt: goes through a symlink and follow_symlinks is false"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
async def test_a_named_pipe_made_after_the_scan_fails_without_blocking(root: Path) -> None:
    """Opened without blocking (nothing writes to the pipe: a blocking open would never return,
    so what ends this test is the O_NONBLOCK open and the regular-file check)."""
    refs, loader = await scanned_loader(connector(root))
    (root / "notes.txt").unlink()
    os.mkfifo(root / "notes.txt")
    assert await loader.load(refs["notes.txt"]) == Failure(
        "notes.txt", "cannot read notes.txt: not a regular file"
    )


SITES = Path(__file__).parent.parent / "sites" / "fixtures"


@pytest.mark.parametrize(("folder", "dialect"), [("hugo/docs", "hugo"), ("docusaurus/site", "docusaurus")])
async def test_a_docs_sites_pages_load_the_same_in_any_order_from_any_copy(folder: str, dialect: str) -> None:
    """Every page of the fixture site, loaded in reverse order by two copies of the loader taking
    turns (as two workers share a run), equals what the connector loads, in order, itself."""
    source = connector(SITES / folder, site=dialect, site_url="https://docs.example.com/")
    refs = {item.locator: item async for item in source.scan() if isinstance(item, DocumentRef)}
    assert source.site is not None and source.site.dialect == dialect
    await source.site_links()  # as a run asks before the workers start
    copies = [worker_copy(source), worker_copy(source)]
    here = {locator: await source.load(ref) for locator, ref in refs.items()}
    there = {ref.locator: await copies[n % 2].load(ref) for n, ref in enumerate(reversed(refs.values()))}
    assert there == here
    assert sum(isinstance(document, SourceDocument) for document in here.values()) >= 10


async def test_a_docs_site_dialect_is_loaded_by_the_connector_itself(tmp_path: Path) -> None:
    """MkDocs' site runs macros in processes of its own: no loader for it."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Docs\n")
    source = connector(tmp_path)
    assert source.loader() is None  # before a scan
    [item async for item in source.scan()]
    assert source.site is not None and source.site.dialect == "mkdocs"
    assert source.loader() is None
