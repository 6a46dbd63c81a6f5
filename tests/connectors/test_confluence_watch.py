"""The confluence_export connector as the watch daemon asks it: the export folder, or the zip that must
stop growing before it is read; any change to it affects the whole source."""

from __future__ import annotations

from pathlib import Path

from ingest.connector import Affected, Watchable, WatchedFile, WatchedFolder
from tests.connectors.confluence_builder import Page, Space, write_folder, write_zip
from tests.connectors.test_confluence_export import connector

SPACE = Space(pages=[Page(100, "Home", "<p>Welcome.</p>")])


def test_an_unpacked_export_is_watched_as_a_folder(tmp_path: Path) -> None:
    """An export folder is observed recursively."""
    export = write_folder(SPACE, tmp_path / "export")
    source = connector(export)
    assert isinstance(source, Watchable)
    assert list(source.watched_paths()) == [WatchedFolder(export, recursive=True)]


def test_a_zip_or_a_missing_export_is_watched_as_a_settling_file(tmp_path: Path) -> None:
    """A zip, or a path where the export is gone for now, is one file observed until it stops growing;
    once a folder is there, the folder is watched instead."""
    archive = write_zip(SPACE, tmp_path / "space.zip")
    source = connector(archive)
    assert list(source.watched_paths()) == [WatchedFile(archive, settles=True)]
    archive.unlink()
    assert list(source.watched_paths()) == [WatchedFile(archive, settles=True)]
    write_folder(SPACE, archive)
    assert list(source.watched_paths()) == [WatchedFolder(archive)]


def test_any_change_affects_the_whole_export(tmp_path: Path) -> None:
    """Every export rewrites every file: a change anywhere is a whole (fingerprinted) scan."""
    export = write_folder(SPACE, tmp_path / "export")
    source = connector(export)
    assert source.affected_by(export / "100.html", folder=False) == Affected(whole=True)
    assert source.affected_by(export, folder=True) == Affected(whole=True)
