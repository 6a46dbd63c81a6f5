"""A run killed between its upserts and its bulk action converges on the next run: the pages are not
sent again, the availability is set, and the run after that writes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, running_emulator
from ingest.state import StateStore
from tests.e2e.conftest import SOURCE_READ, TOKEN, endpoints, write_config
from tests.e2e.killing import ingest_command
from tests.waiting import wait_for

DOCS = 30


def at_version(config: Path, version: str) -> Path:
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[intercom]\n", f'[intercom]\napi_version = "{version}"\n', 1))
    return config


@pytest.mark.parametrize("carried_out", [False, True], ids=["action-lost", "action-done-unheard"])
def test_a_run_killed_before_its_bulk_action_is_heard_converges(tmp_path: Path, carried_out: bool) -> None:
    """SIGKILL while the bulk action is on its way (Intercom queued it, the client has not heard):
    whether Intercom then carries it out or not, the rerun sends the bulk action again (setting
    availability twice is harmless), no page, and every page ends available to Fin for sales."""
    for index in range(DOCS):
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / f"page-{index:02d}.md").write_text(
            f"# Page {index}\n\nText.\n", encoding="utf-8"
        )
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    with running_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)) as emulator:
        config = at_version(write_config(tmp_path, emulator.base_url, ai_sales_agent=True), "2.16")
        emulator.set_faults(stall_next=1, stall_path="POST /content/bulk_actions", stall_seconds=60)
        process = subprocess.Popen(  # noqa: S603 - our own command line, built above
            ingest_command(config), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            wait_for(
                lambda: emulator.pending_bulk_actions() or process.poll() is not None, what="the bulk action"
            )
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate()
        assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
        assert len(emulator.pages()) == DOCS
        with StateStore(tmp_path / "ingest.db") as state:
            records = state.target("docs", "external_pages").records().values()
        assert len(records) == DOCS
        assert {record.availability.ai_sales_agent for record in records} == {False}
        if carried_out:
            emulator.flush_bulk_actions()
        else:
            emulator.drop_bulk_actions()

        emulator.clear_requests()
        rerun = subprocess.run(  # noqa: S603 - our own command line, built above
            ingest_command(config), env=env, capture_output=True, text=True, timeout=120
        )
        assert rerun.returncode == 0, rerun.stderr
        writes = [(r.method, r.path) for r in emulator.requests() if r.method != "GET"]
        assert writes == [("POST", "/content/bulk_actions")]
        assert "set availability 30" in rerun.stdout
        emulator.flush_bulk_actions()
        assert {page["ai_sales_agent_availability"] for page in emulator.pages()} == {True}

        emulator.clear_requests()
        last = subprocess.run(  # noqa: S603 - our own command line, built above
            ingest_command(config), env=env, capture_output=True, text=True, timeout=120
        )
        assert last.returncode == 0, last.stderr
        assert endpoints(emulator) == SOURCE_READ
