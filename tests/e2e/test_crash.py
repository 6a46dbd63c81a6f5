"""A run killed at a random point mid-way, then rerun: nothing lost, nothing duplicated, nothing resent."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, running_emulator
from ingest.state import StateStore
from tests.e2e.conftest import TOKEN, write_config, write_docs
from tests.e2e.killing import ingest_command
from tests.waiting import wait_for

DOCS = 120


@pytest.mark.parametrize("kill_after", [1, 40, 100])
def test_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path, kill_after: int) -> None:
    """SIGKILL after N pages arrived; the rerun sends only what was not recorded, and remote == source.

    The answer to the N-th page is withheld, so a fast run cannot finish before the kill lands
    (the kill then falls anywhere from the N-th page to every other page sent and recorded)."""
    titles = write_docs(tmp_path / "docs", DOCS)
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    with running_emulator(EmulatorConfig(token=TOKEN, latency_ms=(5.0, 15.0), seed=kill_after)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        emulator.set_faults(
            stall_next=1, stall_skip=kill_after - 1, stall_path="POST /ai/external_pages", stall_seconds=60
        )
        process = subprocess.Popen(  # noqa: S603 - our own command line, built above
            ingest_command(config), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            wait_for(lambda: len(emulator.pages()) >= kill_after or process.poll() is not None)
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            emulator.set_faults(stall_next=0, stall_skip=0)
        assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"

        with StateStore(tmp_path / "ingest.db") as state:
            recorded = set(state.target("docs", "external_pages").records())
        assert len(recorded) < DOCS
        emulator.clear_requests()

        rerun = subprocess.run(  # noqa: S603 - our own command line, built above
            ingest_command(config), env=env, capture_output=True, text=True, timeout=120
        )
        assert rerun.returncode == 0, rerun.stderr

        pages = emulator.pages()
        assert len(pages) == DOCS == len({page["external_id"] for page in pages})
        assert {page["external_id"]: page["title"] for page in pages} == titles
        assert len(emulator.sources()) == 1
        resent = {
            request.body["external_id"]
            for request in emulator.requests()
            # Requests the killed process left in flight are answered (or dropped) after the clear.
            if request.method == "POST" and request.path == "/ai/external_pages" and request.status == 200
        }
        assert resent.isdisjoint(recorded), "pages finished before the kill were sent again"
        assert resent | recorded == set(titles)
