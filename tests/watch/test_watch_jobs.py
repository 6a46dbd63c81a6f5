"""The daemon with more than one job: its start-up sync converts on worker processes, a batch of
one file in the daemon's own process; every page reaches the API once."""

from __future__ import annotations

import logging
import os

import pytest
from processes import children, command_line, descendants

from ingest import conversion
from ingest.conversion_pool import StartingPool
from tests.watch.conftest import Project, page_posts, wait_until


async def test_the_daemon_converts_its_start_up_sync_on_workers_and_a_small_batch_itself(
    project: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """With jobs = 2 and 40 documents at start (the pool's threshold lowered to 20 for the test):
    the start-up sync's 40 documents convert on 2 workers, the one edited file after it converts
    in the daemon (no pool started for it), and once the daemon stops its workers are gone."""
    monkeypatch.setattr(conversion, "POOL_THRESHOLD", 20)
    ready = StartingPool.ready
    monkeypatch.setattr(StartingPool, "ready", lambda pool: (pool.wait(), ready(pool))[1])
    caplog.set_level(logging.DEBUG, logger="ingest.conversion")
    for index in range(40):
        project.write(f"area-{index % 4}/page-{index:02d}.md", f"# Page {index}\n\nBody {index}.\n")
    before = descendants(os.getpid())
    async with project.daemon(project.settings().with_jobs(2)):
        await wait_until(lambda: len(project.remote()) == 40, within=60, what="the start-up sync")
        project.write("area-0/page-00.md", "# Page zero\n\nEdited.\n")
        await wait_until(lambda: project.titles().get("area-0/page-00.md") == "Page zero", what="the edit")
    pooled = [record.getMessage() for record in caplog.records if record.name == "ingest.conversion"]
    assert pooled == ["40 documents converted on 2 worker processes"]
    posts = page_posts(project.emulator)
    assert len(posts) == 40 and posts["area-0/page-00.md"] == 2
    assert set(posts.values()) == {1, 2} and sum(posts.values()) == 41
    # Python's fork server (and its resource tracker) stay, idle, for this process's next pool;
    # no worker (forked by the fork server, so not a child of this process) does.
    left = descendants(os.getpid()) - before
    assert left <= children(os.getpid())
    helpers = ("multiprocessing.forkserver import main", "multiprocessing.resource_tracker import main")
    assert all(any(helper in command_line(pid) for helper in helpers) for pid in left)
