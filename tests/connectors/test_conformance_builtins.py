"""The built-in connectors keep the connector contract, checked by the conformance kit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connectors.confluence_export import ConfluenceExportConnector
from connectors.filesystem import FilesystemConnector
from connectors.git import GitRepoConnector
from connectors.notion_export import NotionExportConnector
from ingest.document import DocumentRef
from ingest.testing import assert_conforms
from tests.connectors.confluence_builder import Page, Space, write_folder, write_zip
from tests.connectors.gitrepo_helpers import docs_repo, isolate_git
from tests.connectors.notion_builder import Format as NotionFormat
from tests.connectors.notion_builder import NotionPage, para
from tests.connectors.notion_builder import write_folder as write_notion_folder
from tests.connectors.notion_builder import write_zip as write_notion_zip
from tests.connectors.notion_workspace import make_workspace


async def test_filesystem_keeps_the_contract(tmp_path: Path) -> None:
    """A folder: stat-only scan (no file opened), a Failure for a binary file, ConnectorError once gone."""
    root = tmp_path / "docs"
    (root / "guides").mkdir(parents=True)
    (root / "guides" / "setup.md").write_text("---\ntitle: Setup\n---\nInstall it.\n", encoding="utf-8")
    (root / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    (root / "notes.txt").write_text("Plain notes.\n", encoding="utf-8")
    (root / "page.html").write_text("<h1>Page</h1><p>Body.</p>", encoding="utf-8")

    await assert_conforms(
        FilesystemConnector,
        {"path": str(root)},
        edit_document=lambda ref: (root / ref.locator).write_text("# Edited\n\nA longer body than before.\n"),
        break_document=lambda ref: (root / ref.locator).write_bytes(b"\0\x01 not text"),
        break_source=lambda: shutil.rmtree(root),
        documents_at=root,
    )


async def test_git_keeps_the_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real repository: scan reads no blob (a lost blob is still listed, then fails to load)."""
    isolate_git(monkeypatch, tmp_path)
    repo = docs_repo(tmp_path / "repo")

    def edit(ref: DocumentRef) -> None:
        repo.commit("edit", {ref.locator: "# Edited\n\nNew content.\n"})

    def lose_blob(ref: DocumentRef) -> None:
        repo.commit("soon lost", {ref.locator: "# Lost\n\nThis blob is about to be deleted.\n"})
        blob = repo.blob(ref.locator)
        (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()

    report = await assert_conforms(
        GitRepoConnector,
        {"repo": str(repo.path)},
        edit_document=edit,
        break_document=lose_blob,
        break_source=lambda: shutil.rmtree(repo.path),
    )
    assert "resume-hides-nothing" in report.passed


def _space() -> Space:
    return Space(
        pages=[
            Page(100, "Home", "<p>Welcome to the docs.</p>"),
            Page(110, "Install", "<p>Run the installer.</p>", parent=100),
            Page(120, "FAQ", "<p>Ask us anything.</p>", parent=100),
        ]
    )


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
async def test_confluence_export_keeps_the_contract(tmp_path: Path, packed: bool) -> None:
    """An export, unpacked or zipped: its fingerprint hashes each page's content, so its scan reads bodies."""
    space = _space()
    export = tmp_path / ("export.zip" if packed else "export")

    def write(extra: dict[str, bytes] | None = None) -> None:
        if packed:
            write_zip(space, export, extra)
        else:
            write_folder(space, export, extra)

    def page_of(ref: DocumentRef) -> Page:
        return next(page for page in space.pages if space.file_name(page) == ref.locator.rsplit("/", 1)[-1])

    def edit(ref: DocumentRef) -> None:
        page_of(ref).body = "<p>Edited: a paragraph that was not there.</p>"
        write()

    def garble(ref: DocumentRef) -> None:
        write({space.file_name(page_of(ref)): b"\xff\xfe\0 not a page"})

    def remove() -> None:
        if packed:
            export.unlink()
        else:
            shutil.rmtree(export)

    write()
    await assert_conforms(
        ConfluenceExportConnector,
        {"path": str(export), "base_url": "https://wiki.example.com"},
        edit_document=edit,
        break_document=garble,
        break_source=remove,
        scan_reads_bodies=True,
    )


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("fmt", ["html", "markdown"])
async def test_notion_export_keeps_the_contract(tmp_path: Path, packed: bool, fmt: NotionFormat) -> None:
    """A Notion export of either format, unpacked or as nested zips: its fingerprints hash each page's
    mapped content, so its scan reads bodies."""
    workspace = make_workspace()
    export = tmp_path / ("Export-1.zip" if packed else "export")

    def write(extra: dict[str, bytes] | None = None) -> None:
        if packed:
            write_notion_zip(workspace, export, fmt, extra=extra)
        else:
            write_notion_folder(workspace, export, fmt, extra)

    def page_of(ref: DocumentRef) -> NotionPage:
        return next(page for page in workspace.walk() if page.page_id in ref.locator.rsplit("/", 1)[-1])

    def edit(ref: DocumentRef) -> None:
        page = page_of(ref)
        page.blocks = [para("Edited: a paragraph that was not there.")]
        page.columns, page.children = None, []
        write()

    def garble(ref: DocumentRef) -> None:
        write({ref.locator: b"\xff\xfe\0 not a page"})

    def remove() -> None:
        if packed:
            export.unlink()
        else:
            shutil.rmtree(export)

    write()
    await assert_conforms(
        NotionExportConnector,
        {"path": str(export)},
        edit_document=edit,
        break_document=garble,
        break_source=remove,
        scan_reads_bodies=True,
    )
