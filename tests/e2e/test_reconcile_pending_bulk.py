"""Reconcile right after a run whose bulk actions Intercom has accepted (202) but not yet carried
out: the flags not set yet are a note, not drift, and ``--fix`` does not send the same action again;
once the run is long past, the same difference is drift again (a person, or a lost action)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.reconcile.pending import BULK_SETTLE_SECONDS
from tests.e2e.conftest import TOKEN
from tests.e2e.reconcile_helpers import kinds, only, reconcile
from tests.e2e.test_owner_tag import Project

BULK = "POST /content/bulk_actions"


@pytest.fixture
async def slow_bulk() -> AsyncIterator[RunningEmulator]:
    """Intercom carrying out bulk actions an hour after accepting them (none in these tests)."""
    async with start_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=3600)) as running:
        yield running


def age_last_run(project: Project, seconds: float) -> None:
    with sqlite3.connect(project.tmp_path / "ingest.db") as db:
        db.execute("UPDATE runs SET finished_at = finished_at - ?", (seconds,))


async def test_flags_a_bulk_action_has_yet_to_set_are_a_note_and_not_sent_again(
    tmp_path: Path, slow_bulk: RunningEmulator
) -> None:
    project = Project(tmp_path, slow_bulk)
    project.configure(owner_tag_id=None)
    project.config.write_text(
        project.config.read_text(encoding="utf-8") + "ai_sales_agent = true\n", encoding="utf-8"
    )
    project.write("a.md")
    project.write("b.md")
    assert (await project.sync()).counts.availability == 2

    run = await reconcile(load_settings(project.config))
    report = only(run, "external_pages")
    assert run.ok and kinds(report) == []
    assert len(report.notes) == 2 and all("bulk action accepted" in note for note in report.notes)

    slow_bulk.clear_requests()
    fixed = await reconcile(load_settings(project.config), fix=True)
    assert fixed.ok and only(fixed, "external_pages").fix is None
    assert BULK not in [r.endpoint for r in slow_bulk.requests()]

    age_last_run(project, BULK_SETTLE_SECONDS + 1)
    late = await reconcile(load_settings(project.config))
    assert not late.ok
    assert kinds(only(late, "external_pages")) == [("availability", "a.md"), ("availability", "b.md")]
