"""The daemon on the other connectors: a Confluence export zip dropped or rewritten in its folder, a
Notion export zip replaced by the next export, and a git repository whose branch moves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.emulator import RunningEmulator
from tests.connectors.confluence_builder import Page, Space, write_folder, write_zip
from tests.connectors.gitrepo_helpers import docs_repo, isolate_git
from tests.connectors.notion_builder import NotionPage, Workspace, para
from tests.connectors.notion_builder import write_zip as write_notion_zip
from tests.watch.conftest import SOURCE_URL, Project, page_posts, wait_until, write_config


def space(*titles: str, welcome: str = "Welcome.") -> Space:
    home = Page(100, "Home", f"<p>{welcome}</p>")
    pages = [
        Page(101 + index, title, f"<p>About {title}.</p>", parent=100) for index, title in enumerate(titles)
    ]
    return Space(pages=[home, *pages])


async def test_a_replaced_or_rewritten_export_zip_syncs_the_source(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """A zip moved over the configured one, then one rewritten in place, each sync only what changed."""
    export = tmp_path / "exports" / "space.zip"
    export.parent.mkdir()
    write_zip(space("Install", "Configure"), export)
    source = {"connector": "confluence_export", "path": "exports/space.zip", "url": SOURCE_URL,
              "base_url": "https://wiki.example.com"}  # fmt: skip
    project = Project(tmp_path, emulator)
    project.config = write_config(tmp_path, emulator.base_url, source=source, name="wiki")
    async with project.daemon():
        assert sorted(project.titles().values()) == ["Configure", "Home", "Install"]

        write_zip(space("Install", "Configure", "Upgrade"), export.with_name("incoming.zip"))
        os.replace(export.with_name("incoming.zip"), export)
        await wait_until(lambda: "Upgrade" in project.titles().values(), what="the page of the moved zip")

        write_zip(space("Install", "Set up", "Upgrade"), export)
        await wait_until(lambda: "Set up" in project.titles().values(), what="the page of the rewritten zip")
    assert sorted(project.titles().values()) == ["Home", "Install", "Set up", "Upgrade"]
    assert sorted(page_posts(emulator).values()) == [1, 1, 1, 2]  # only the renamed page was sent twice
    assert all(report.whole for report in project.batches())


async def test_a_changed_export_folder_syncs_the_source(tmp_path: Path, emulator: RunningEmulator) -> None:
    """An unpacked export folder is watched as a whole: a page rewritten there is synced."""
    write_folder(space("Install"), tmp_path / "export")
    source = {"connector": "confluence_export", "path": "export", "url": SOURCE_URL,
              "base_url": "https://wiki.example.com"}  # fmt: skip
    project = Project(tmp_path, emulator)
    project.config = write_config(tmp_path, emulator.base_url, source=source, name="wiki")
    async with project.daemon():
        assert sorted(project.titles().values()) == ["Home", "Install"]
        write_folder(space("Install", welcome="Hello again."), tmp_path / "export")
        await wait_until(
            lambda: any("Hello again." in page["html"] for page in project.remote().values()), what="the edit"
        )
    assert sorted(page_posts(emulator).values()) == [1, 2]


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.mark.usefixtures("isolated_git")
async def test_a_moved_git_branch_is_synced(tmp_path: Path, emulator: RunningEmulator) -> None:
    """A commit on the watched branch reaches the API by polling; the unchanged ref syncs nothing."""
    repo = docs_repo(
        tmp_path / "repo", {"docs/intro.md": "# Intro\n\nHello.\n", "docs/setup.md": "# Setup\n"}
    )
    source = {"connector": "git", "repo": "repo", "ref": "main", "paths": ["docs"], "url": SOURCE_URL}
    project = Project(tmp_path, emulator)
    project.config = write_config(tmp_path, emulator.base_url, source=source, name="handbook")
    async with project.daemon():
        assert project.titles() == {"docs/intro.md": "Intro", "docs/setup.md": "Setup"}
        repo.commit("edit", {"docs/setup.md": "# Set up\n\nInstall.\n", "docs/intro.md": None})
        await wait_until(
            lambda: project.titles() == {"docs/setup.md": "Set up"}, within=15, what="the moved branch"
        )
    assert [report.outcome for report in project.batches()] == ["ok", "ok"]
    assert page_posts(emulator) == {"docs/intro.md": 1, "docs/setup.md": 2}


async def test_an_export_link_moved_to_a_new_zip_syncs_the_source(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """space.zip -> releases/1.zip, then the link is moved to releases/2.zip, then to a zip beside it:
    each zip the link leads to in turn is synced."""
    releases = tmp_path / "releases"
    releases.mkdir()
    (tmp_path / "exports").mkdir()
    write_zip(space("Install"), releases / "1.zip")
    export = tmp_path / "exports" / "space.zip"
    export.symlink_to(releases / "1.zip")
    source = {"connector": "confluence_export", "path": "exports/space.zip", "url": SOURCE_URL,
              "base_url": "https://wiki.example.com"}  # fmt: skip
    project = Project(tmp_path, emulator)
    project.config = write_config(tmp_path, emulator.base_url, source=source, name="wiki")
    async with project.daemon():
        assert sorted(project.titles().values()) == ["Home", "Install"]
        write_zip(space("Install", "Upgrade"), releases / "2.zip")
        (tmp_path / "exports" / "next").symlink_to(releases / "2.zip")
        os.replace(tmp_path / "exports" / "next", export)
        await wait_until(lambda: "Upgrade" in project.titles().values(), what="the page of the new release")

        write_zip(space("Install", "Upgrade", "Migrate"), export.with_name("3.zip"))
        (tmp_path / "exports" / "next").symlink_to("3.zip")
        os.replace(tmp_path / "exports" / "next", export)
        await wait_until(lambda: "Migrate" in project.titles().values(), what="the page of the zip beside it")
    assert sorted(project.titles().values()) == ["Home", "Install", "Migrate", "Upgrade"]


def notion(*titles: str, run: int = 1) -> Workspace:
    home = NotionPage(1, "Home", [para("Welcome.")])
    pages = [NotionPage(2 + index, title, [para(f"About {title}.")]) for index, title in enumerate(titles)]
    return Workspace([home, *pages], run=run)


async def test_a_new_notion_export_zip_replacing_the_old_syncs_the_source(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """The next Notion export (a new nested zip, new export ids) moved over the configured one: only
    the page that changed is sent again."""
    export = tmp_path / "exports" / "notion.zip"
    write_notion_zip(notion("Install", "Configure"), export, "html")
    source = {"connector": "notion_export", "path": "exports/notion.zip", "url": SOURCE_URL}
    project = Project(tmp_path, emulator)
    project.config = write_config(tmp_path, emulator.base_url, source=source, name="notion")
    async with project.daemon():
        assert sorted(project.titles().values()) == ["Configure", "Home", "Install"]
        write_notion_zip(notion("Install", "Set up", run=2), export.with_name("Export-2.zip"), "html")
        os.replace(export.with_name("Export-2.zip"), export)
        await wait_until(lambda: "Set up" in project.titles().values(), what="the page of the new export")
    assert sorted(project.titles().values()) == ["Home", "Install", "Set up"]
    assert sorted(page_posts(emulator).values()) == [1, 1, 2]  # only the renamed page was sent twice
