"""The filesystem connector as the watch daemon asks it: what to observe, and which locators a changed
path affects, named exactly as the scan names them (symlink aliases included). Real temporary folders."""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pytest

from connectors.filesystem.watching import TreeShape
from ingest.connector import Affected, Watchable, WatchedFolder
from ingest.document import DocumentRef
from tests.connectors.test_filesystem import connector, refs, write

WHOLE = Affected(whole=True)
NOTHING = Affected()


def locators(*names: str) -> Affected:
    return Affected(locators=frozenset(names))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder.resolve()  # file events name real paths


def test_it_is_watchable_and_watches_its_folder_as_configured(tmp_path: Path, root: Path) -> None:
    """The folder is observed recursively under its configured path: a link to it stays a link."""
    (tmp_path / "current").symlink_to(root, target_is_directory=True)
    source = connector(tmp_path / "current")
    assert isinstance(source, Watchable)
    assert list(source.watched_paths()) == [WatchedFolder(tmp_path / "current", recursive=True)]


def test_a_file_maps_to_its_locator_when_the_scan_would_list_it(root: Path) -> None:
    """A document maps to its POSIX NFC locator; hidden, temporary, foreign and outside paths to nothing."""
    source = connector(root)
    decomposed = unicodedata.normalize("NFD", "café.md")
    assert source.affected_by(root / "guide" / "a.md", folder=False) == locators("guide/a.md")
    assert source.affected_by(root / decomposed, folder=False) == locators("café.md")
    for ignored in (".a.md.swp", "a.md~", "4913", ".git/x.md", ".hidden/deep/x.md", "image.png", "../out.md"):
        assert source.affected_by(root / ignored, folder=False) == NOTHING, ignored


def test_folders_and_the_root_affect_the_whole_source(root: Path) -> None:
    """A folder made, moved or deleted, or the root itself, means a whole scan; a hidden folder nothing."""
    source = connector(root)
    assert source.affected_by(root / "guide", folder=True) == WHOLE
    assert source.affected_by(root, folder=True) == WHOLE
    assert source.affected_by(root / ".cache", folder=True) == NOTHING


def test_a_file_in_a_linked_folder_maps_to_every_locator_naming_it(root: Path) -> None:
    """With alias -> shared, a change to shared/sub/x.md affects shared/sub/x.md and alias/sub/x.md."""
    write(root, "shared/sub/x.md")
    (root / "alias").symlink_to("shared", target_is_directory=True)
    source = connector(root)
    assert source.affected_by(root / "shared/sub/x.md", folder=False) == locators(
        "shared/sub/x.md", "alias/sub/x.md"
    )


def test_files_reached_only_through_a_link_map_to_the_link(root: Path) -> None:
    """A linked file, and a linked hidden folder, name files the scan lists only through the link."""
    write(root, ".drafts/guide.md")
    write(root, ".archive/old.md")
    (root / "guide.md").symlink_to(".drafts/guide.md")
    (root / "archive").symlink_to(".archive", target_is_directory=True)
    source = connector(root)
    assert source.affected_by(root / ".drafts/guide.md", folder=False) == locators("guide.md")
    assert source.affected_by(root / ".archive/old.md", folder=False) == locators("archive/old.md")


def test_a_link_made_or_removed_affects_the_whole_source_and_is_learnt(root: Path) -> None:
    """A link is a change of the tree's shape: the whole source, and files map through it from then on."""
    write(root, "shared/x.md")
    source = connector(root)
    assert source.affected_by(root / "shared/x.md", folder=False) == locators("shared/x.md")
    (root / "alias").symlink_to("shared", target_is_directory=True)
    assert source.affected_by(root / "alias", folder=False) == WHOLE
    assert source.affected_by(root / "shared/x.md", folder=False) == locators("shared/x.md", "alias/x.md")
    os.unlink(root / "alias")  # gone: known as a link only from what the connector learnt
    assert source.affected_by(root / "alias", folder=False) == WHOLE
    assert source.affected_by(root / "shared/x.md", folder=False) == locators("shared/x.md")


def test_a_tree_changed_unseen_is_read_again_when_the_root_is_reported(root: Path) -> None:
    """A link made while nothing was observed is learnt once the daemon reports the root itself."""
    write(root, "shared/x.md")
    source = connector(root)
    assert source.affected_by(root / "shared/x.md", folder=False) == locators("shared/x.md")
    (root / "alias").symlink_to("shared", target_is_directory=True)
    assert source.affected_by(root, folder=True) == WHOLE
    assert source.affected_by(root / "shared/x.md", folder=False) == locators("shared/x.md", "alias/x.md")


def test_links_are_ignored_when_not_followed(root: Path) -> None:
    """With follow_symlinks = false a file maps to its own locator and a link to nothing."""
    write(root, "shared/x.md")
    (root / "alias").symlink_to("shared", target_is_directory=True)
    source = connector(root, follow_symlinks=False)
    assert source.affected_by(root / "shared/x.md", folder=False) == locators("shared/x.md")
    assert source.affected_by(root / "alias", folder=False) == NOTHING


async def test_every_file_maps_to_exactly_the_locators_the_scan_gives_it(root: Path, tmp_path: Path) -> None:
    """On a tree of links (chains, a hidden target, a loop, one leading outside), each real file maps to
    exactly the scanned locators that resolve to it."""
    write(root, "a/one.md")
    write(root, "b/two.md")
    write(root, ".hidden/three.md")
    write(tmp_path / "elsewhere", "out.md")
    (root / "a/to-b").symlink_to("../b", target_is_directory=True)
    (root / "b/to-hidden").symlink_to("../.hidden", target_is_directory=True)
    (root / "b/up").symlink_to("..", target_is_directory=True)  # a loop: skipped by the scan
    (root / "outside").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "first.md").symlink_to("a/one.md")
    source = connector(root)
    scanned = await refs(source)
    assert {"a/one.md", "a/to-b/two.md", "a/to-b/to-hidden/three.md", "first.md"} <= set(scanned)
    for real, names in by_real_file(root, scanned.values()).items():
        assert source.affected_by(real, folder=False) == locators(*names), real


def by_real_file(root: Path, scanned: Iterable[DocumentRef]) -> dict[Path, set[str]]:
    """The scanned locators grouped by the real file each resolves to."""
    grouped: dict[Path, set[str]] = {}
    for ref in scanned:
        grouped.setdefault((root / ref.locator).resolve(), set()).add(ref.locator)
    return grouped


def test_folders_made_or_removed_do_not_read_the_tree_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of folder events (a checkout, an rm -rf) costs no walk of the tree each, which on a large
    tree would hold the daemon's events back for seconds: a file in a new folder below a linked one
    still maps to every locator naming it."""
    write(root, "shared/x.md")
    (root / "alias").symlink_to("shared", target_is_directory=True)
    source = connector(root)
    assert source.affected_by(root, folder=True) == WHOLE  # as the daemon starts observing: read once
    reads: list[str] = []
    read = TreeShape.read

    def counted(folder: str, follow_symlinks: bool) -> TreeShape:
        reads.append(folder)
        return read(folder, follow_symlinks)

    monkeypatch.setattr(TreeShape, "read", counted)
    for n in range(20):
        write(root, f"shared/new{n}/deeper/y.md")
        assert source.affected_by(root / f"shared/new{n}", folder=True) == WHOLE
        assert source.affected_by(root / f"shared/new{n}/deeper", folder=True) == WHOLE
        assert source.affected_by(root / f"shared/new{n}/deeper/y.md", folder=False) == locators(
            f"shared/new{n}/deeper/y.md", f"alias/new{n}/deeper/y.md"
        )
    for n in range(20):
        shutil.rmtree(root / f"shared/new{n}")
        assert source.affected_by(root / f"shared/new{n}", folder=True) == WHOLE
    assert reads == []
    (root / "other").symlink_to("shared", target_is_directory=True)  # a link still reads the tree
    assert source.affected_by(root / "other", folder=False) == WHOLE
    assert source.affected_by(root / "shared/x.md", folder=False) == locators(
        "shared/x.md", "alias/x.md", "other/x.md"
    )
    assert len(reads) == 1


def test_a_link_made_before_its_folder_names_the_folder_once_it_is_made(root: Path) -> None:
    """alias -> future made before future/ (and its folder made in two steps): once made, a file in
    it maps to both locators."""
    (root / "alias").symlink_to("future/docs", target_is_directory=True)
    source = connector(root)
    assert source.affected_by(root, folder=True) == WHOLE  # as the daemon starts observing
    (root / "future").mkdir()
    assert source.affected_by(root / "future", folder=True) == WHOLE
    write(root, "future/docs/x.md")
    assert source.affected_by(root / "future/docs", folder=True) == WHOLE
    assert source.affected_by(root / "future/docs/x.md", folder=False) == locators(
        "future/docs/x.md", "alias/x.md"
    )
