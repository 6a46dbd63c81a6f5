"""How a source is watched is chosen from the Protocols its connector implements, never from the
connector's name or the names of its options: third-party connectors, a real watchdog observer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from watchdog.observers import Observer

from ingest.config import Source
from ingest.connector import Affected, ConnectorOptions, WatchedFolder, WatchedPath
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.settings import SourceSettings, WatchSettings
from ingest.watching.choice import watch_for
from tests.watch.conftest import Notified, wait_until

FAST = WatchSettings(poll_seconds=0.05, debounce_ms=0)


class NotesOptions(ConnectorOptions):
    """A third party's options: its folder is not called ``path``."""

    notebook: Path


class PathOptions(ConnectorOptions):
    """Options like the filesystem connector's."""

    path: Path


class Notes:
    """A third-party connector of ``*.note`` files that implements no optional Protocol."""

    def __init__(self, notebook: Path) -> None:
        self.notebook = notebook

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        for _ in ():
            yield DocumentRef("never", "listed")

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        return Failure(ref.locator, "not read in these tests")


class WatchedNotes(Notes):
    """The same connector, Watchable: a note's locator is its name without the suffix."""

    def watched_paths(self) -> Sequence[WatchedPath]:
        return (WatchedFolder(self.notebook),)

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        if folder or path.suffix != ".note":
            return Affected(whole=folder)
        return Affected(locators=frozenset({path.stem}))


class RevisionedNotes(Notes):
    """The same connector, Revisioned: its revision is whatever the test sets."""

    revision = "1"

    async def current_revision(self) -> str:
        return self.revision


def notes_source(notebook: Path) -> Source:
    settings = SourceSettings(connector="notes", url="https://notes.example.com")
    return Source("notes", settings, NotesOptions(notebook=notebook))


def filesystem_source(folder: Path) -> Source:
    """A source configured as ``filesystem``, with a ``path`` option, for connectors that are not."""
    settings = SourceSettings(connector="filesystem", url="https://docs.example.com")
    return Source("docs", settings, PathOptions(path=folder))


async def test_a_connector_implementing_nothing_is_synced_at_every_poll(tmp_path: Path) -> None:
    """Even configured as ``filesystem`` on a folder, a connector with neither Protocol is polled whole."""
    source = filesystem_source(tmp_path)
    watch = watch_for(source, Notes(tmp_path), observer=Observer(), settings=FAST)
    assert watch.describe() == "polling the source every 0.05 s"
    notified = Notified()
    polling = asyncio.create_task(watch.poll(notified))
    try:
        await wait_until(lambda: len(notified.calls) >= 2, what="two polls")
    finally:
        polling.cancel()
    assert set(notified.calls) == {((), True)}


async def test_a_revisioned_connector_is_synced_when_its_revision_moves(tmp_path: Path) -> None:
    """A Revisioned connector is polled, and announces a change once per new revision."""
    connector = RevisionedNotes(tmp_path)
    watch = watch_for(notes_source(tmp_path), connector, observer=Observer(), settings=FAST)
    assert watch.describe() == "polling the ref every 0.05 s"
    await watch.ready()
    watch.synced()
    notified = Notified()
    polling = asyncio.create_task(watch.poll(notified))
    try:
        await asyncio.sleep(0.2)  # several polls of an unchanged revision
        assert notified.calls == []
        connector.revision = "2"
        await wait_until(lambda: notified.calls, what="the moved revision")
        await asyncio.sleep(0.2)  # polled again before its batch: announced once
    finally:
        polling.cancel()
    assert notified.calls == [((), True)]


async def test_a_watchable_connector_is_observed_whatever_its_name_and_options(tmp_path: Path) -> None:
    """A third-party Watchable connector's folder is observed by a real observer: a saved note arrives
    as the locator the connector gives it; files it does not name are dropped."""
    notebook = tmp_path / "notebook"
    await asyncio.to_thread(notebook.mkdir)
    observer = Observer()
    observer.start()
    watch = watch_for(notes_source(notebook), WatchedNotes(notebook), observer=observer, settings=FAST)
    notified = Notified()
    try:
        await asyncio.to_thread(watch.start, notified)
        assert watch.describe() == f"watching {notebook.resolve()}"
        assert notified.calls == [((), True)]  # the folder itself, reported as it starts being observed
        await asyncio.to_thread((notebook / "ignored.txt").write_text, "x", "utf-8")
        await asyncio.to_thread((notebook / "groceries.note").write_text, "milk", "utf-8")
        await wait_until(lambda: "groceries" in notified.locators(), what="the saved note")
    finally:
        observer.stop()
        await asyncio.to_thread(observer.join)
    assert notified.locators() == {"groceries"}


async def test_paths_the_connector_names_anew_are_observed_instead(tmp_path: Path) -> None:
    """When the connector names another folder (a source moved), the new one is observed and the
    source synced whole; saves in the old folder no longer arrive."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        await asyncio.to_thread(folder.mkdir)
    connector = WatchedNotes(first)
    observer = Observer()
    observer.start()
    watch = watch_for(notes_source(first), connector, observer=observer, settings=FAST)
    notified = Notified()
    await asyncio.to_thread(watch.start, notified)
    polling = asyncio.create_task(watch.poll(notified))
    try:
        connector.notebook = second
        await wait_until(lambda: watch.describe() == f"watching {second.resolve()}", what="the new folder")
        notified.calls.clear()
        await asyncio.to_thread((first / "old.note").write_text, "x", "utf-8")
        await asyncio.to_thread((second / "new.note").write_text, "x", "utf-8")
        await wait_until(lambda: "new" in notified.locators(), what="the note in the new folder")
    finally:
        polling.cancel()
        observer.stop()
        await asyncio.to_thread(observer.join)
    assert "old" not in notified.locators()


class FailingNotes(WatchedNotes):
    """A Watchable connector that fails to name its paths while ``failing`` is set."""

    failing = False

    def watched_paths(self) -> Sequence[WatchedPath]:
        if self.failing:
            raise RuntimeError("the notebook index is being rebuilt")
        return super().watched_paths()


async def test_a_connector_failing_to_name_its_paths_is_asked_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A connector's error while the watch is checked is logged once; the checks go on, and the paths it
    names once it recovers are observed."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        await asyncio.to_thread(folder.mkdir)
    connector = FailingNotes(first)
    observer = Observer()
    observer.start()
    watch = watch_for(notes_source(first), connector, observer=observer, settings=FAST)
    notified = Notified()
    await asyncio.to_thread(watch.start, notified)
    polling = asyncio.create_task(watch.poll(notified))
    try:
        connector.failing = True
        await wait_until(lambda: "being rebuilt" in caplog.text, what="the error logged")
        await asyncio.sleep(0.2)  # checked again several times, still failing
        connector.notebook, connector.failing = second, False
        await wait_until(lambda: watch.describe() == f"watching {second.resolve()}", what="the new folder")
    finally:
        polling.cancel()
        observer.stop()
        await asyncio.to_thread(observer.join)
    assert caplog.text.count("being rebuilt") == 1


async def test_a_connector_failing_to_name_its_paths_before_it_is_observed_is_polled_until_it_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A connector that cannot name its paths as the daemon starts (or again while nothing is observed)
    is synced at every poll, its error logged once; once it names a folder that exists, it is observed."""
    notebook = tmp_path / "notebook"
    connector = FailingNotes(notebook)
    connector.failing = True
    observer = Observer()
    observer.start()
    notified = Notified()
    try:
        watch = watch_for(notes_source(notebook), connector, observer=observer, settings=FAST)
        await asyncio.to_thread(watch.start, notified)
        polling = asyncio.create_task(watch.poll(notified))
        try:
            await wait_until(lambda: len(notified.calls) >= 2, what="polls while the connector fails")
            assert set(notified.calls) == {((), True)}
            assert watch.describe() == "polling the source every 0.05 s until it can be watched"
            connector.failing = False
            await asyncio.to_thread(notebook.mkdir)
            await wait_until(lambda: watch.describe() == f"watching {notebook.resolve()}", what="the folder")
        finally:
            polling.cancel()
    finally:
        observer.stop()
        await asyncio.to_thread(observer.join)
    assert caplog.text.count("being rebuilt") == 1


class MisreadNotes(WatchedNotes):
    """A Watchable connector whose mapping of changed paths fails."""

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        raise RuntimeError("the note index is corrupt")


async def test_a_change_the_connector_fails_to_map_syncs_the_whole_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """When affected_by raises, for the folder as it starts being observed or for a saved note, the
    change is not lost: the source is synced whole, and the error logged."""
    notebook = tmp_path / "notebook"
    await asyncio.to_thread(notebook.mkdir)
    observer = Observer()
    observer.start()
    watch = watch_for(notes_source(notebook), MisreadNotes(notebook), observer=observer, settings=FAST)
    notified = Notified()
    try:
        await asyncio.to_thread(watch.start, notified)
        assert watch.describe() == f"watching {notebook.resolve()}"
        assert notified.calls == [((), True)]
        notified.calls.clear()
        await asyncio.to_thread((notebook / "groceries.note").write_text, "milk", "utf-8")
        await wait_until(lambda: notified.calls, what="the saved note")
    finally:
        observer.stop()
        await asyncio.to_thread(observer.join)
    assert set(notified.calls) == {((), True)}
    assert "the note index is corrupt" in caplog.text


class ElsewhereNotes(WatchedNotes):
    """A Watchable connector that names nothing to observe (its notebook is not a local folder now)."""

    def watched_paths(self) -> Sequence[WatchedPath]:
        return ()


async def test_a_watchable_connector_naming_no_path_is_polled(tmp_path: Path) -> None:
    """A connector that names no path to observe is synced at every poll, not left unsynced."""
    observer = Observer()
    observer.start()
    watch = watch_for(notes_source(tmp_path), ElsewhereNotes(tmp_path), observer=observer, settings=FAST)
    notified = Notified()
    try:
        await asyncio.to_thread(watch.start, notified)
        polling = asyncio.create_task(watch.poll(notified))
        try:
            await wait_until(lambda: len(notified.calls) >= 2, what="two polls")
        finally:
            polling.cancel()
    finally:
        observer.stop()
        await asyncio.to_thread(observer.join)
    assert set(notified.calls) == {((), True)}
    assert watch.describe() == "polling the source every 0.05 s until it can be watched"
