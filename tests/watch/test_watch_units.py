"""The daemon's parts alone: the debouncing queue, file events mapped to locators, persisted pending work."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)
from watchdog.observers import Observer

from ingest.config import load_settings
from ingest.runner import build_connector
from ingest.state import PendingWork, StateStore
from ingest.watching.batches import ChangeQueue
from ingest.watching.kept import KeptWatch
from ingest.watching.observed import ObservedSource
from tests.watch.conftest import Notified, wait_until, write_config


async def test_a_burst_is_one_batch_with_each_locator_once() -> None:
    """Changes close together come out as one batch holding each locator once."""
    queue = ChangeQueue(debounce=0.05, max_wait=5.0)
    for _ in range(3):
        queue.add(["a.md", "b.md"])
    queue.add(["a.md"], whole=False)
    batch = await asyncio.wait_for(queue.next(), timeout=5)
    assert batch is not None and batch.locators == {"a.md", "b.md"} and not batch.whole and not batch.retry


async def test_changes_during_a_batch_wait_for_the_next_one() -> None:
    """What arrives after a batch was handed out forms the next batch; nothing is handed out twice."""
    queue = ChangeQueue(debounce=0.02, max_wait=5.0)
    queue.add(["a.md"])
    first = await asyncio.wait_for(queue.next(), timeout=5)
    queue.add(["b.md"])
    queue.add([], whole=True)
    second = await asyncio.wait_for(queue.next(), timeout=5)
    assert first is not None and first.locators == {"a.md"}
    assert second is not None and second.locators == {"b.md"} and second.whole


async def test_a_never_ending_stream_still_flushes() -> None:
    """Changes that never pause for the debounce are handed out after the maximum wait."""
    queue = ChangeQueue(debounce=0.1, max_wait=0.3)
    waiter = asyncio.create_task(queue.next())
    sent = 0
    while not waiter.done():
        assert sent < 2_000, "the stream never flushed"
        queue.add([f"page-{sent}.md"])
        sent += 1
        await asyncio.sleep(0.01)  # the stream's pace: never quiet for the 100 ms debounce
    batch = waiter.result()
    assert batch is not None and len(batch.locators) == sent


async def test_retry_and_close() -> None:
    """A retry timer hands out an empty retry batch; a closed queue hands out None."""
    queue = ChangeQueue(debounce=1.0, max_wait=1.0)
    queue.retry_in(0.01)
    retry = await asyncio.wait_for(queue.next(), timeout=5)
    assert retry is not None and retry.retry and not retry.locators
    queue.add(["a.md"], immediate=True)
    now = await asyncio.wait_for(queue.next(), timeout=5)
    assert now is not None and now.locators == {"a.md"}
    waiter = asyncio.create_task(queue.next())
    queue.close()
    assert await asyncio.wait_for(waiter, timeout=5) is None


async def test_a_due_check_is_a_batch_of_its_own_or_rides_with_changes() -> None:
    """With no change, a check falling due is handed out as an empty batch marked check (not a
    retry); changes gathered by then travel with it; once taken it is not handed out again."""
    queue = ChangeQueue(debounce=5.0, max_wait=5.0)
    queue.check_in(0.01)
    alone = await asyncio.wait_for(queue.next(), timeout=5)
    assert alone is not None and alone.check and not alone.retry and not alone.locators
    queue.add(["a.md"])  # waits out its 5 s debounce...
    queue.check_in(0.01)  # ...but the check falls due first, and takes it along
    together = await asyncio.wait_for(queue.next(), timeout=5)
    assert together is not None and together.check and together.locators == {"a.md"}
    queue.add(["b.md"], immediate=True)
    after = await asyncio.wait_for(queue.next(), timeout=5)
    assert after is not None and not after.check


def observed(tmp_path: Path, source: dict[str, object] | None = None) -> ObservedSource:
    """The filesystem source of ``tmp_path``'s config (``docs``, or ``source``), as the daemon observes it."""
    settings = load_settings(write_config(tmp_path, "http://127.0.0.1:1", source=source))
    docs = settings.sources["docs"]
    return ObservedSource(docs, build_connector(docs), settle=0.1)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The source folder, by its real path (the one file events name)."""
    (tmp_path / "docs").mkdir()
    return (tmp_path / "docs").resolve()


@pytest.fixture
def folder(tmp_path: Path, root: Path) -> ObservedSource:
    source = {"connector": "filesystem", "path": "docs", "url": "https://docs.example.com",
              "exclude": ["drafts/**"]}  # fmt: skip
    return observed(tmp_path, source)


def test_file_events_become_the_locators_the_connector_would_see(folder: ObservedSource, root: Path) -> None:
    """Documents map to POSIX NFC locators; hidden, temporary, excluded and foreign files are dropped."""
    decomposed = unicodedata.normalize("NFD", "café.md")
    assert folder.changes(FileModifiedEvent(f"{root}/guide/a.md")) == (["guide/a.md"], False)
    assert folder.changes(FileClosedEvent(f"{root}/{decomposed}")) == (["café.md"], False)
    assert folder.changes(FileDeletedEvent(f"{root}/old.html")) == (["old.html"], False)
    for ignored in (".a.md.swp", "a.md~", "#a.md#", "4913", "a.md___jb_tmp___", ".git/x.md", "drafts/a.md",
                    "image.png", "../outside.md"):  # fmt: skip
        assert folder.changes(FileCreatedEvent(f"{root}/{ignored}")) == ([], False), ignored


def test_renames_and_folders(folder: ObservedSource, root: Path) -> None:
    """A rename names both ends; a save through a temporary file names the document; a folder scans all."""
    assert folder.changes(FileMovedEvent(f"{root}/a.md", f"{root}/b.md")) == (["a.md", "b.md"], False)
    assert folder.changes(FileMovedEvent(f"{root}/.a.md.tmp", f"{root}/a.md")) == (["a.md"], False)
    assert folder.changes(DirCreatedEvent(f"{root}/guide")) == ([], True)
    assert folder.changes(DirDeletedEvent(f"{root}/.cache")) == ([], False)


def test_after_lost_events_the_tree_is_read_again(tmp_path: Path, root: Path) -> None:
    """When the kernel lost events the source is synced whole, and a link made unseen meanwhile names
    its documents from then on."""
    (root / "shared").mkdir()
    (root / "shared" / "x.md").write_text("# X\n", encoding="utf-8")
    folder = observed(tmp_path)
    assert folder.changes(FileModifiedEvent(f"{root}/shared/x.md")) == (["shared/x.md"], False)
    (root / "alias").symlink_to("shared", target_is_directory=True)
    notified = Notified()
    folder.events_lost(notified)
    assert ((), True) in notified.calls
    assert folder.changes(FileModifiedEvent(f"{root}/shared/x.md")) == (["alias/x.md", "shared/x.md"], False)


def test_pending_work_survives_until_done_and_keeps_newer_changes(tmp_path: Path) -> None:
    """done() forgets what the batch held, except failed locators and changes made during the batch."""
    with StateStore(tmp_path / "state.db") as state:
        pending = PendingWork(state)
        pending.add("docs", ["a.md", "b.md", "c.md"])
        batch = pending.load("docs")
        pending.add("docs", ["b.md"])  # changed again while the batch ran
        pending.add("other", [], whole=True)
        pending.done("docs", batch, keep={"c.md"})
        assert pending.load("docs").locators == {"b.md", "c.md"}
    with StateStore(tmp_path / "state.db") as state:
        pending = PendingWork(state)
        assert pending.load("other").whole and pending.counts() == {"docs": 2, "other": 1}
        pending.done("docs", pending.load("docs"))
        assert pending.load("docs").empty


def test_only_failures_that_may_pass_stay_pending() -> None:
    """A write that failed on a 5xx or an outage stays pending; a rejected or unreadable one waits
    for its next edit; a source-level error keeps everything."""
    from ingest.document import Failure
    from ingest.engine import SourceResult
    from ingest.watching.worker import _outcome

    result = SourceResult(
        source="docs",
        target="external_pages",
        failures=[
            Failure("down.md", "update failed: HTTP 503", retryable=True),
            Failure("rejected.md", "create failed: title is required (HTTP 400)"),
            Failure("binary.md", "binary.md: binary file, not a document"),
        ],
    )
    assert _outcome([result]) == (None, {"down.md"})
    broken = SourceResult(source="docs", target="articles", error="could not prepare articles: HTTP 503")
    assert _outcome([result, broken]) == ("could not prepare articles: HTTP 503", {"down.md"})


@contextlib.asynccontextmanager
async def kept(folder: ObservedSource, notified: Notified) -> AsyncIterator[KeptWatch]:
    """``folder`` kept watched by a real observer, checked every 50 ms, polled every 200 ms."""
    observer = Observer()
    observer.start()
    watch = KeptWatch(folder, observer, check_seconds=0.05, poll_seconds=0.2)
    await asyncio.to_thread(watch.start, notified)
    polling = asyncio.create_task(watch.poll(notified))
    try:
        yield watch
    finally:
        polling.cancel()
        observer.stop()
        await asyncio.to_thread(observer.join)


async def saved(root: Path, name: str, notified: Notified) -> None:
    """Write ``name`` under ``root`` and wait for its file event."""
    await asyncio.to_thread((root / name).write_text, "# Page\n", "utf-8")
    await wait_until(lambda: name in notified.locators(), what=f"the file event of {name}")


async def test_a_folder_that_could_not_be_watched_is_polled_then_watched(
    folder: ObservedSource, root: Path
) -> None:
    """While the folder is missing it is synced every poll; once it exists it is watched by a real
    observer, and a saved file arrives as its locator, with no more polling."""
    notified = Notified()
    await asyncio.to_thread(root.rmdir)
    async with kept(folder, notified) as watch:
        assert watch.describe() == "polling the source every 0.2 s until it can be watched"
        await wait_until(lambda: len(notified.calls) >= 2, what="polls of the missing folder")
        assert set(notified.calls) == {((), True)}
        await asyncio.to_thread(root.mkdir)
        await wait_until(lambda: watch.describe() == f"watching {root}", what="the watch")
        notified.calls.clear()
        await saved(root, "a.md", notified)
        assert set(notified.calls) == {(("a.md",), False)}


async def test_a_folder_deleted_and_made_again_is_watched_again(folder: ObservedSource, root: Path) -> None:
    """rm -rf of the folder and a fresh copy: a whole sync, and files saved later still arrive."""
    notified = Notified()
    async with kept(folder, notified) as watch:
        await saved(root, "a.md", notified)
        notified.calls.clear()
        await asyncio.to_thread(shutil.rmtree, root)
        await asyncio.to_thread(root.mkdir)
        await wait_until(lambda: watch.times_watched == 2, what="the watch of the new folder")
        assert ((), True) in notified.calls  # the new folder is synced as a whole
        await saved(root, "b.md", notified)


async def test_a_folder_swapped_for_a_new_release_is_watched_in_its_place(
    folder: ObservedSource, root: Path
) -> None:
    """A deploy renames the folder away and a new one into place: the new one is watched, and edits
    in the old one, now outside the source, are no longer reported."""
    notified = Notified()
    release = root.with_name("docs.new")
    await asyncio.to_thread(release.mkdir)
    async with kept(folder, notified) as watch:
        await asyncio.to_thread(os.rename, root, root.with_name("docs.old"))
        await asyncio.to_thread(os.rename, release, root)
        await wait_until(lambda: watch.times_watched == 2, what="the watch of the new folder")
        assert ((), True) in notified.calls
        await saved(root, "new.md", notified)
        notified.calls.clear()
        await asyncio.to_thread((root.with_name("docs.old") / "old.md").write_text, "# Old\n", "utf-8")
        await saved(root, "later.md", notified)
        assert "old.md" not in notified.locators()


async def test_a_link_moved_to_a_new_release_is_followed(tmp_path: Path) -> None:
    """docs -> releases/1, then the link is moved to releases/2: files saved in releases/2 arrive."""
    first, second = tmp_path / "releases" / "1", tmp_path / "releases" / "2"
    await asyncio.to_thread(first.mkdir, parents=True)
    await asyncio.to_thread(second.mkdir)
    (tmp_path / "docs").symlink_to(first)
    folder = observed(tmp_path)
    notified = Notified()
    async with kept(folder, notified) as watch:
        await saved(first, "a.md", notified)
        (tmp_path / "next").symlink_to(second)
        await asyncio.to_thread(os.replace, tmp_path / "next", tmp_path / "docs")
        await wait_until(lambda: watch.times_watched == 2, what="the watch of the new release")
        assert watch.describe() == f"watching {second}"
        await saved(second, "b.md", notified)


def test_the_daemons_own_files_in_a_site_folder_change_nothing(tmp_path: Path) -> None:
    """``ingest init`` puts ``ingest.toml`` beside the docs (``path = "."``), so the state file, its
    WAL and journal, the lock files and the plan's spill file live in the watched site folder. Each
    batch writes them: as
    changes to the site (every file is) they synced the whole source again, over and over. They
    concern no source; the site's own files still do."""
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: Docs\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text("# Home\n\nSee [about](about.md).\n", encoding="utf-8")
    (site / "docs" / "about.md").write_text("# About\n\nWho we are.\n", encoding="utf-8")
    source = {"connector": "filesystem", "path": ".", "site": "mkdocs", "url": "https://docs.example.com"}
    settings = load_settings(write_config(site, "http://127.0.0.1:1", source=source))
    assert settings.state.path.resolve() == (site / "ingest.db").resolve()
    docs = settings.sources["docs"]
    watched = ObservedSource(docs, build_connector(docs), settle=0.1, state_path=settings.state.path)
    root = site.resolve()
    watched.events_lost(Notified())  # the site read, as when the daemon starts observing
    for own in ("ingest.db", "ingest.db-wal", "ingest.db-shm", "ingest.db-journal", "ingest.db.docs.lock",
                "ingest.db.docs.watch.lock"):  # fmt: skip
        (root / own).write_bytes(b"")
        assert watched.changes(FileCreatedEvent(f"{root}/{own}")) == ([], False), own
        assert watched.changes(FileClosedEvent(f"{root}/{own}")) == ([], False), own
    # A batch's plan spills to an unnamed temporary file beside the state (O_TMPFILE), which the
    # kernel's events name by its inode.
    assert watched.changes(FileClosedEvent(f"{root}/#4196363")) == ([], False)
    assert watched.changes(FileModifiedEvent(f"{root}/mkdocs.yml")) == ([], True)
    assert watched.changes(FileModifiedEvent(f"{root}/ingest.dbx")) == ([], True)  # only its own names
    assert watched.changes(FileModifiedEvent(f"{root}/docs/about.md"))[1]
