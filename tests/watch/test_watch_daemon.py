"""The watch daemon in the test's loop, a real watchdog observer on a temporary folder, the emulator
over loopback: every change arrives once, a burst is one batch, an outage loses nothing."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest
from filelock import FileLock
from pydantic import SecretStr

from ingest.errors import AuthError, LockedError
from ingest.lock import lock_path
from ingest.state import PendingWork, StateStore
from ingest.watch import WatchDaemon
from tests.watch.conftest import PAGES, TOKEN, Project, page_posts, wait_until, write_config


async def test_create_edit_delete_and_rename_reach_the_api(project: Project) -> None:
    """Each change to the folder reaches the emulator: a new page, its new title, a delete, a rename."""
    project.write("keep.md", "# Keep\n\nStays.\n")
    project.write("guide/two.md", "# Two\n\nSecond.\n")
    project.write("gone.md", "# Gone\n\nWill go.\n")
    async with project.daemon():
        assert project.titles() == {"keep.md": "Keep", "guide/two.md": "Two", "gone.md": "Gone"}

        project.write("guide/new.md", "# New page\n\nHello.\n")
        await wait_until(lambda: "guide/new.md" in project.remote(), what="the created page")

        project.write("guide/new.md", "# New title\n\nHello again.\n")
        await wait_until(lambda: project.titles().get("guide/new.md") == "New title", what="the edit")

        (project.docs / "gone.md").unlink()
        await wait_until(lambda: "gone.md" not in project.remote(), what="the delete")

        os.rename(project.docs / "guide" / "two.md", project.docs / "guide" / "renamed.md")
        await wait_until(
            lambda: "guide/renamed.md" in project.remote() and "guide/two.md" not in project.remote(),
            what="the rename",
        )
    assert project.titles() == {"keep.md": "Keep", "guide/new.md": "New title", "guide/renamed.md": "Two"}
    assert page_posts(project.emulator) == {
        "keep.md": 1, "guide/two.md": 1, "gone.md": 1, "guide/new.md": 2, "guide/renamed.md": 1
    }  # fmt: skip


async def test_editor_save_dance_is_one_update(project: Project) -> None:
    """A save through a hidden swap file and a rename, with a backup file, is one update of one page."""
    project.write("page.md", "# Page\n\nOld.\n")
    async with project.daemon():
        swap = project.write(".page.md.swp", "binary junk")
        backup = project.docs / "page.md~"
        os.rename(project.docs / "page.md", backup)
        temporary = project.write("4913", "")
        temporary.unlink()
        project.write("page.md.tmp", "# Page\n\nNew.\n")
        os.rename(project.docs / "page.md.tmp", project.docs / "page.md")
        backup.unlink()
        swap.unlink()
        await wait_until(lambda: "New." in project.remote()["page.md"]["html"], what="the saved page")
        # The emulator holds the page before the batch that sent it has finished and reported.
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    assert [report.documents > 0 for report in project.batches()][1:] == [True]
    assert page_posts(project.emulator) == {"page.md": 2}
    assert set(project.remote()) == {"page.md"}


async def test_burst_of_500_files_is_one_batch_and_each_is_written_once(project: Project) -> None:
    """500 files written at once (a git checkout, say), with deletes and renames, are one batch in which
    each document is handled once: 510 upserts, one per new path, and 20 deletes."""
    for index in range(60):
        project.write(f"old/page-{index:02d}.md", f"# Old {index}\n\nBody.\n")
    async with project.daemon():
        for index in range(500):
            project.write(f"area-{index % 10}/page-{index:03d}.md", f"# Page {index}\n\nBody {index}.\n")
        old = project.docs / "old"
        for index in range(10):
            (old / f"page-{index:02d}.md").unlink()
            os.rename(old / f"page-{index + 10:02d}.md", old / f"moved-{index:02d}.md")
        await wait_until(lambda: len(project.batches()) >= 2, within=20, what="the batch")
    (batch,) = project.batches()[1:]
    assert batch.outcome == "ok" and batch.documents == 530
    assert (batch.created, batch.deleted, batch.updated) == (510, 20, 0)
    assert len(project.remote()) == 550
    posts = page_posts(project.emulator)
    assert len(posts) == 570 and set(posts.values()) == {1}
    deletes = [r for r in project.emulator.requests(PAGES) if r.method == "DELETE" and r.status == 200]
    assert len(deletes) == 20


async def test_outage_keeps_changes_pending_and_syncs_them_once_when_it_ends(project: Project) -> None:
    """While the API answers 503 the changes stay pending in state; after it, each arrives exactly once."""
    project.write("a.md", "# A\n\nFirst.\n")
    async with project.daemon():
        project.emulator.set_faults(fail_rate=1.0, fail_status=503)
        project.write("a.md", "# A edited\n\nSecond.\n")
        project.write("b.md", "# B\n\nNew.\n")
        await wait_until(lambda: project.batches("retry"), what="a failed batch")
        with StateStore(project.settings().state.path) as state:
            assert PendingWork(state).load("docs").locators >= {"a.md", "b.md"}
        assert project.titles() == {"a.md": "A"}
        project.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: project.titles() == {"a.md": "A edited", "b.md": "B"}, what="the pages")
        await wait_until(lambda: project.batches()[-1].outcome == "ok", what="a clean batch")
    assert page_posts(project.emulator) == {"a.md": 2, "b.md": 1}
    with StateStore(project.settings().state.path) as state:
        assert PendingWork(state).counts() == {}


async def test_an_api_down_at_start_does_not_stop_the_daemon(project: Project) -> None:
    """Started while the API answers 503, the daemon keeps the start-up sync pending until it is back."""
    project.write("a.md", "# A\n\nFirst.\n")
    project.emulator.set_faults(fail_rate=1.0, fail_status=503)
    async with project.daemon():
        assert project.batches()[0].outcome == "retry" and project.remote() == {}
        project.emulator.set_faults(fail_rate=0.0)
        await wait_until(lambda: project.titles() == {"a.md": "A"}, what="the page after the outage")
    assert page_posts(project.emulator) == {"a.md": 1}


async def test_restart_syncs_work_left_pending(project: Project) -> None:
    """Work pending when the daemon stops (the API was down) is synced, once, by the next daemon."""
    project.write("a.md", "# A\n\nFirst.\n")
    project.write("c.md", "# C\n\nStays.\n")
    async with project.daemon():
        project.emulator.set_faults(fail_rate=1.0, fail_status=503)
        project.write("b.md", "# B\n\nNew.\n")
        (project.docs / "a.md").unlink()
        await wait_until(lambda: project.batches("retry"), what="a failed batch")
    with StateStore(project.settings().state.path) as state:
        assert PendingWork(state).load("docs").locators == {"a.md", "b.md"}
    project.emulator.set_faults(fail_rate=0.0)
    async with project.daemon():
        assert project.batches()[-1].outcome == "ok"
        assert project.titles() == {"b.md": "B", "c.md": "C"}
    assert page_posts(project.emulator) == {"a.md": 1, "b.md": 1, "c.md": 1}
    with StateStore(project.settings().state.path) as state:
        assert PendingWork(state).counts() == {}


async def test_a_source_locked_by_another_process_waits_its_turn(project: Project) -> None:
    """While another ingest process holds the source's lock, a batch stays pending and says so."""
    async with project.daemon():
        held = FileLock(lock_path(project.settings().state.path, "docs"))
        with held:
            project.write("a.md", "# A\n\nText.\n")
            await wait_until(lambda: project.batches("locked"), what="a locked batch")
            assert project.remote() == {}
        await wait_until(lambda: "a.md" in project.remote(), what="the page after the lock")


async def test_a_refused_token_stops_the_daemon(project: Project) -> None:
    """A 401 is not an outage: the daemon stops with AuthError instead of retrying."""
    project.write("a.md", "# A\n\nText.\n")
    settings = project.settings()
    daemon = WatchDaemon(settings, settings.select(None), token=SecretStr("wrong-token-000000"))
    with pytest.raises(AuthError):
        await daemon.run()


async def test_lost_file_events_scan_the_whole_source(project: Project) -> None:
    """When watchdog reports an inotify queue overflow (events lost), the whole source is scanned."""
    async with project.daemon():
        logging.getLogger("watchdog.observers.inotify_c").warning(
            "Inotify queue overflowed; filesystem events were lost"
        )
        await wait_until(lambda: len(project.batches()) == 2, what="the scan after the overflow")
    assert all(report.whole for report in project.batches())


async def test_changes_waiting_for_their_batch_at_shutdown_are_kept(project: Project) -> None:
    """Stopped while a change waits out its debounce, the daemon persists it as pending work."""
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch={"debounce_ms": 60_000})
    async with project.daemon() as daemon:
        project.write("a.md", "# A\n\nText.\n")
        await wait_until(lambda: daemon.waiting() == ["docs"], what="the change in the queue")
    with StateStore(project.settings().state.path) as state:
        assert PendingWork(state).load("docs").locators == {"a.md"}
    assert project.remote() == {}


async def test_a_folder_that_cannot_be_watched_is_polled_until_it_can_be(project: Project) -> None:
    """A source folder missing at start cannot be watched: it is polled, synced once it appears,
    and watched from then on."""
    settings = project.settings()
    project.docs.rmdir()
    async with project.daemon(settings) as daemon:
        assert project.batches()[0].outcome == "retry"
        project.write("a.md", "# A\n\nText.\n")
        await wait_until(lambda: "a.md" in project.remote(), what="the page of the polled folder")
        await wait_until(
            lambda: daemon.watching() == {"docs": f"watching {project.docs.resolve()}"}, what="the watch"
        )
        project.write("b.md", "# B\n\nText.\n")
        await wait_until(lambda: "b.md" in project.remote(), what="the page of the watched folder")


async def test_a_stop_while_the_api_hangs_at_start_up_is_obeyed(project: Project) -> None:
    """SIGTERM while the start-up token check waits on an API that does not answer stops the daemon
    at once, instead of after every retry of the check."""
    project.write("a.md", "# A\n\nText.\n")
    project.emulator.set_faults(stall_next=5, stall_path="GET /me", stall_seconds=60)
    settings = project.settings()
    daemon = WatchDaemon(settings, settings.select(None), token=SecretStr(TOKEN))
    running = asyncio.create_task(daemon.run())
    # A stalled request is logged only once answered; its arrival shows in the stalls left.
    await wait_until(lambda: project.emulator.set_faults()["stall_next"] == 4, what="the token check")
    daemon.stop()
    await asyncio.wait_for(running, timeout=5)
    assert project.remote() == {} and daemon.reports == []


async def test_a_second_daemon_on_the_same_source_is_refused(project: Project) -> None:
    """Two daemons watching one source would sync every change twice: the second is refused."""
    async with project.daemon():
        settings = project.settings()
        second = WatchDaemon(settings, settings.select(None), token=SecretStr(TOKEN))
        with pytest.raises(LockedError, match="'docs' is already watched by another ingest watch"):
            await second.run()
    async with project.daemon():  # the first one's lock went with it
        pass


async def test_a_hostile_document_fails_alone_and_the_daemon_goes_on(project: Project) -> None:
    """A file nested 100,000 deep (which used to hold the daemon at 100% CPU for minutes) fails
    by name in its batch, and is not retried until it changes; the next file syncs as usual."""
    project.write("keep.md", "# Keep\n\nStays.\n")
    async with project.daemon():
        depth = 100_000
        project.write("deep.html", "<div>" * depth + "deep" + "</div>" * depth)
        failed = await wait_until(
            lambda: [report for report in project.batches() if report.failed], what="the failure"
        )
        assert (failed[0].outcome, failed[0].failed) == ("ok", 1)

        project.write("later.md", "# Later\n\nAfter the hostile file.\n")
        await wait_until(lambda: "later.md" in project.remote(), what="the next file")
    assert set(project.remote()) == {"keep.md", "later.md"}
