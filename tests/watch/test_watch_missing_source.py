"""The daemon with a source folder missing (at start, or unmounted while watched): it reports the
source, syncs the others, polls the missing one until it appears, and deletes nothing meanwhile."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.waiting import wait_for
from tests.watch.conftest import FAST_WATCH, TOKEN, Project, wait_until, write_config


def write_two_sources(folder: Path, base_url: str) -> Path:
    """A config watching ``docs`` and ``more`` (two folders under ``folder``), fast [watch] settings."""
    lines = ["[intercom]", f'base_url = "{base_url}"', "max_attempts = 2", "", "[watch]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in FAST_WATCH.items()]
    for name in ("docs", "more"):
        lines += ["", f"[sources.{name}]", 'connector = "filesystem"', f'path = "{name}"']
        lines.append(f'url = "https://{name}.example.com"')
    config = folder / "ingest.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def external_ids(emulator: RunningEmulator) -> set[str]:
    return {page["external_id"] for page in emulator.pages()}


async def test_a_source_missing_at_start_is_reported_polled_and_synced_when_it_appears(
    project: Project,
) -> None:
    """Started with ``more`` missing: ``docs`` syncs, ``more``'s batch fails naming its folder (kept
    pending, retried), and once the folder appears its pages are sent."""
    project.config = write_two_sources(project.tmp_path, project.emulator.base_url)
    project.write("a.md", "# A\n\nText.\n")
    more = project.tmp_path / "more"
    async with project.daemon():
        await wait_until(lambda: external_ids(project.emulator) == {"a.md"}, what="the docs page")
        failed = await wait_until(
            lambda: [r for r in project.batches("retry") if r.source == "more"], what="more's failure"
        )
        assert failed[0].error == f"source folder {more} does not exist"
        more.mkdir()
        (more / "b.md").write_text("# B\n\nText.\n", encoding="utf-8")
        await wait_until(lambda: len(project.emulator.pages()) == 2, what="the page of the new folder")
        await wait_until(
            lambda: [r for r in project.batches("ok") if r.source == "more"], what="more's clean batch"
        )


async def test_a_watched_folder_that_disappears_deletes_nothing_and_is_synced_when_back(
    project: Project,
) -> None:
    """A watched folder unmounted (moved away whole) fails its source, deletes none of its pages,
    and is watched and synced again when it is back."""
    # Polls of the unwatchable folder further apart than the debounce, so that they do not hold
    # its batch back until max_batch_wait_ms.
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch={"poll_seconds": 1.0})
    project.write("a.md", "# A\n\nText.\n")
    project.write("b.md", "# B\n\nText.\n")
    async with project.daemon():
        await wait_until(lambda: len(project.remote()) == 2, what="the pages")
        shutil.move(project.docs, project.tmp_path / "unmounted")
        await wait_until(
            lambda: any("does not exist" in (r.error or "") for r in project.batches("retry")),
            what="the failure of the vanished folder",
        )
        assert [r for r in project.emulator.requests() if r.method == "DELETE"] == []
        assert set(project.remote()) == {"a.md", "b.md"}
        shutil.move(project.tmp_path / "unmounted", project.docs)
        project.write("c.md", "# C\n\nText.\n")
        await wait_until(lambda: "c.md" in project.remote(), what="the page written after the remount")
    assert set(project.remote()) == {"a.md", "b.md", "c.md"}
    assert [r for r in project.emulator.requests() if r.method == "DELETE"] == []


def test_ingest_watch_started_with_a_source_missing_keeps_running(tmp_path: Path) -> None:
    """The real command, as the README's systemd unit starts it: a source folder missing at start
    neither exits (exit 2 is never restarted) nor holds back the other source; the missing folder
    is synced once it appears, and SIGTERM still exits 0."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_two_sources(tmp_path, emulator.base_url)
        log_file = tmp_path / "watch.log"
        command = [sys.executable, "-m", "ingest.cli", "--log-format", "json", "watch"]
        command += ["--config", str(config)]
        env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
        with log_file.open("wb") as log:
            daemon = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
        try:
            wait_for(lambda: external_ids(emulator) == {"a.md"} or daemon.poll() is not None, what="docs")
            assert daemon.poll() is None, log_file.read_text()
            wait_for(lambda: f"{tmp_path / 'more'} does not exist" in log_file.read_text(), what="the report")
            (tmp_path / "more").mkdir()
            (tmp_path / "more" / "b.md").write_text("# B\n\nText.\n", encoding="utf-8")
            wait_for(lambda: len(emulator.pages()) == 2, what="the page of the folder that appeared")
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(timeout=10) == 0
        finally:
            daemon.kill()
            daemon.wait()


async def test_a_source_whose_folder_cannot_be_looked_at_does_not_stop_the_daemon(
    project: Project,
) -> None:
    """A source folder stat() answers with an error other than "no such file" (a name too long here,
    standing in for an unmounted FUSE disk's ENOTCONN or a stale NFS handle): the daemon starts,
    ``docs`` syncs, and the source's batch fails naming its folder instead of the whole
    configuration being refused."""
    unreadable = "x" * 300
    config = write_two_sources(project.tmp_path, project.emulator.base_url)
    config.write_text(config.read_text().replace('path = "more"', f'path = "{unreadable}"'))
    project.config = config
    project.write("a.md", "# A\n\nText.\n")
    async with project.daemon():
        await wait_until(lambda: external_ids(project.emulator) == {"a.md"}, what="the docs page")
        failed = await wait_until(
            lambda: [r for r in project.batches("retry") if r.source == "more"], what="more's failure"
        )
        assert failed[0].error is not None and unreadable in failed[0].error
