"""The daemon on a full disk: a batch whose state cannot be written is one line, kept and retried,
and once there is room every change reaches Intercom; the daemon never stops for it."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.watch.conftest import Project, wait_until

#: SQLite's largest page count: no cap.
NO_CAP = 1_073_741_823


async def test_a_batch_on_a_full_disk_is_one_line_retried_until_there_is_room(
    project: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """With the state file unable to grow (SQLite's max_page_count at its size, as a full disk), a
    burst of 300 files fails its batch with one line naming the state file (no traceback), the
    work is retried, and when room is made every page is sent."""
    state = project.settings().state.path
    capped: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def capping(database: str | os.PathLike[str], *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(database, *args, **kwargs)
        if Path(database) == state:
            capped.append(db)
        return db

    monkeypatch.setattr(sqlite3, "connect", capping)
    project.write("a.md", "# A\n\nText.\n")
    async with project.daemon():
        for db in capped:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages}")
        for index in range(300):
            project.write(f"page-{index:03d}.md", f"# Page {index}\n\nText.\n")
        failed = await wait_until(
            lambda: [r for r in project.batches("retry") if r.error], what="the batch on the full disk"
        )
        assert failed[0].error is not None
        assert failed[0].error.startswith(f"cannot write the state file {state}: database or disk is full (")
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
        for db in capped:
            db.execute(f"PRAGMA max_page_count = {NO_CAP}")
        await wait_until(lambda: len(project.remote()) == 301, what="every page once there is room")
        await wait_until(lambda: project.batches()[-1].outcome == "ok", what="a clean batch")
