"""Soft delete, crashed: a real ``ingest run`` killed (SIGKILL) at each step a withdrawal, an expiry and
a restore take, then run again: nothing lost, nothing duplicated, the state file sound, the
withdrawn pages withdrawn (and recorded so) or gone as they should be, and the run after that
writes nothing.

The kill lands where the emulator withholds an answer (``tests/e2e/killing.py``), never after a
wait. The time a page was withdrawn is moved back in the state file to stand for the days passed
(these runs are other processes: their clock is the machine's).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.state import DocumentRecord, StateStore
from tests.e2e.conftest import SOURCE_URL, TOKEN, write_docs
from tests.e2e.killing import integrity_check, kill_at, run_ingest

DOCS = 9
#: A third of the source (under ``max_delete_share``).
GONE = ("section-1/page-001.md", "section-1/page-004.md", "section-1/page-007.md")
WITHDRAW_DAYS = 7
DAY = 86_400.0


@dataclass(frozen=True)
class Project:
    root: Path
    emulator: RunningEmulator
    env: dict[str, str] = field(default_factory=lambda: {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN})

    @property
    def config(self) -> Path:
        return self.root / "ingest.toml"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write_config(self) -> None:
        lines = [
            "[intercom]",
            f'base_url = "{self.emulator.base_url}"',
            'api_version = "2.16"',
            "max_concurrency = 1",
            "",
            "[sources.docs]",
            'connector = "filesystem"',
            'path = "docs"',
            f'url = "{SOURCE_URL}"',
            'on_delete = "withdraw"',
            f"withdraw_days = {WITHDRAW_DAYS}",
        ]
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def sync(self) -> str:
        """One whole run, which must succeed; the bulk actions it queued are carried out."""
        result = run_ingest(self.config, self.env)
        assert result.returncode == 0, result.stdout + result.stderr
        self.emulator.flush_bulk_actions()
        return result.stdout

    def records(self) -> dict[str, DocumentRecord]:
        with StateStore(self.root / "ingest.db") as state:
            return state.target("docs", "external_pages").records()

    def age_withdrawals(self, days: float) -> None:
        """Move every withdrawal ``days`` back, as if they had passed since."""
        with sqlite3.connect(self.root / "ingest.db") as db:
            db.execute("UPDATE documents SET withdrawn_at = withdrawn_at - ?", (days * DAY,))
        db.close()

    def pages(self) -> dict[str, dict[str, object]]:
        pages = self.emulator.pages()
        by_id = {str(page["external_id"]): page for page in pages}
        assert len(by_id) == len(pages), "duplicate external ids in the emulator"
        return by_id

    def writes_of_another_run(self) -> list[tuple[str, str]]:
        self.emulator.clear_requests()
        self.sync()
        return [(r.method, r.endpoint) for r in self.emulator.requests() if r.method != "GET"]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with running_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)) as emulator:
        made = Project(tmp_path, emulator)
        write_docs(made.docs, DOCS)
        made.write_config()
        made.sync()
        yield made


def available(page: dict[str, object]) -> tuple[object, object, object]:
    return (
        page["ai_agent_availability"],
        page["ai_copilot_availability"],
        page["ai_sales_agent_availability"],
    )


@pytest.mark.parametrize("carried_out", [False, True], ids=["action-lost", "action-done-unheard"])
def test_killed_at_the_withdrawal_converges(project: Project, carried_out: bool) -> None:
    """Killed while the bulk action is on its way: whether Intercom carried it out or not, the rerun
    withdraws the same pages again (harmless twice) and records them; none is deleted or duplicated."""
    ids = {external_id: page["id"] for external_id, page in project.pages().items()}
    for path in GONE:
        (project.docs / path).unlink()

    kill_at(project.emulator, project.config, project.env, "POST /content/bulk_actions")
    assert not any(record.withdrawn_at for record in project.records().values())
    if carried_out:
        project.emulator.flush_bulk_actions()
    else:
        project.emulator.drop_bulk_actions()

    project.emulator.clear_requests()
    out = project.sync()

    assert "withdraw 3" in out
    pages = project.pages()
    assert {external_id: page["id"] for external_id, page in pages.items()} == ids
    assert {path for path, page in pages.items() if available(page) == (False, False, False)} == set(GONE)
    records = project.records()
    assert len(records) == DOCS
    assert {path for path, record in records.items() if record.withdrawn_at is not None} == set(GONE)
    assert integrity_check(project.root / "ingest.db") == "ok"
    assert project.writes_of_another_run() == []


@pytest.mark.parametrize("skip", [0, 2], ids=["first-delete", "last-delete"])
def test_killed_at_an_expiry_converges(project: Project, skip: int) -> None:
    """Killed at a DELETE of a page whose grace period is over: the rerun deletes the rest (a page
    already gone is as good as deleted), forgets them, and deletes nothing else."""
    for path in GONE:
        (project.docs / path).unlink()
    assert "withdraw 3" in project.sync()
    project.age_withdrawals(WITHDRAW_DAYS + 1)

    kill_at(project.emulator, project.config, project.env, "DELETE /ai/external_pages/", skip=skip)
    project.emulator.clear_requests()
    out = project.sync()

    assert "expire" in out
    assert set(project.pages()) == {f"section-{i % 3}/page-{i:03d}.md" for i in range(DOCS)} - set(GONE)
    assert set(project.records()) == set(project.pages())
    assert integrity_check(project.root / "ingest.db") == "ok"
    assert project.writes_of_another_run() == []


def test_killed_at_a_restore_converges(project: Project) -> None:
    """Killed at the POST that brings a withdrawn page back: the rerun sends it (and the others)
    again to the same page ids, every page available, none withdrawn, none created."""
    ids = {external_id: page["id"] for external_id, page in project.pages().items()}
    texts = {path: (project.docs / path).read_text(encoding="utf-8") for path in GONE}
    for path in GONE:
        (project.docs / path).unlink()
    project.sync()
    for path, text in texts.items():
        (project.docs / path).write_text(text, encoding="utf-8")

    kill_at(project.emulator, project.config, project.env, "POST /ai/external_pages", skip=1)
    project.emulator.clear_requests()
    out = project.sync()

    assert "restore" in out
    pages = project.pages()
    assert {external_id: page["id"] for external_id, page in pages.items()} == ids
    assert {available(page) for page in pages.values()} == {(True, True, False)}
    assert not any(record.withdrawn_at for record in project.records().values())
    assert integrity_check(project.root / "ingest.db") == "ok"
    assert project.writes_of_another_run() == []
