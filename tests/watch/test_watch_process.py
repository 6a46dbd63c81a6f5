"""``ingest watch`` as a real process: SIGTERM in the middle of a batch exits 0 promptly, and the next
daemon finishes the work: nothing lost, nothing duplicated. Its log is one JSON line per batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from ingest.emulator import EmulatorConfig, running_emulator
from ingest.state import PendingWork, StateStore
from tests.waiting import wait_for
from tests.watch.conftest import TOKEN, page_posts, write_config

FILES = 300


class Daemon:
    """``ingest --log-format json watch`` in a child process, its log in a file."""

    def __init__(self, config: Path, log_file: Path) -> None:
        self.log_file = log_file
        env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
        command = [
            sys.executable,
            "-m",
            "ingest.cli",
            "--log-format",
            "json",
            "watch",
            "--config",
            str(config),
        ]
        with log_file.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603

    def lines(self) -> list[dict[str, Any]]:
        text = self.log_file.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def batches(self) -> list[dict[str, Any]]:
        return [line["batch"] for line in self.lines() if "batch" in line]

    def terminate(self, within: float) -> int:
        """SIGTERM; the exit code, which must come within ``within`` seconds."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=within)


def test_sigterm_during_a_batch_then_restart_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """SIGTERM mid-batch: exit 0 within seconds, work kept pending; the next daemon sends only the rest."""
    docs = tmp_path / "docs"
    docs.mkdir()
    emulator_config = EmulatorConfig(token=TOKEN, latency_ms=(20.0, 40.0))
    with running_emulator(emulator_config) as emulator:
        config = write_config(tmp_path, emulator.base_url, watch={"shutdown_grace_seconds": 0.3})
        first = Daemon(config, tmp_path / "first.log")
        try:
            wait_for(first.batches, what="the start-up batch")
            titles = {}
            for index in range(FILES):
                (docs / f"page-{index:03d}.md").write_text(f"# Page {index}\n\nBody.\n", encoding="utf-8")
                titles[f"page-{index:03d}.md"] = f"Page {index}"
            wait_for(lambda: len(emulator.pages()) >= 30, what="the batch under way")
            assert first.terminate(within=5.0) == 0
        finally:
            first.process.kill()
        assert len(emulator.pages()) < FILES, "the batch finished before the signal"
        assert any(line["message"].startswith("stopping: a batch did not finish") for line in first.lines())

        with StateStore(tmp_path / "ingest.db") as state:
            recorded = set(state.target("docs", "external_pages").records())
            assert len(PendingWork(state).load("docs").locators) == FILES
        assert recorded <= {page["external_id"] for page in emulator.pages()}
        sent_before = page_posts(emulator)

        second = Daemon(config, tmp_path / "second.log")
        try:
            wait_for(lambda: len(emulator.pages()) == FILES, what="every page")
            wait_for(lambda: [b for b in second.batches() if b["outcome"] == "ok"], what="the clean batch")
            assert second.terminate(within=5.0) == 0
        finally:
            second.process.kill()

    pages = emulator.pages()
    assert {page["external_id"]: page["title"] for page in pages} == titles
    assert len(pages) == FILES
    posts = page_posts(emulator)
    # A page recorded before the signal is never sent again; any other is sent once by the second
    # daemon (one in flight when the first was cut short may have arrived too: an upsert, no copy).
    assert all(posts[external_id] == 1 for external_id in recorded)
    assert all(posts[external_id] - sent_before[external_id] == 1 for external_id in set(titles) - recorded)
    with StateStore(tmp_path / "ingest.db") as state:
        assert PendingWork(state).counts() == {}
    (batch,) = [b for b in second.batches() if b["outcome"] == "ok"]
    assert batch["source"] == "docs" and batch["created"] == FILES - len(recorded) and batch["failed"] == 0
    assert batch["latency"] > 0
