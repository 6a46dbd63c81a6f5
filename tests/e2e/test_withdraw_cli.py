"""The soft delete as the ``ingest`` command shows it: ``plan`` lists withdraw / restore / expire
apart from create, update and delete; ``run`` says them in its summary and its ``--report``;
``status`` counts withdrawn pages apart from the pages available."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs

DAY = 86_400.0
GONE = "section-1/page-001.md"
BACK = "section-2/page-002.md"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=0)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_docs(tmp_path / "docs", 6)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(
        tmp_path, emulator.base_url, api_version="2.16", on_delete="withdraw", withdraw_days=7
    )


def age_withdrawals(state_file: Path, days: float) -> None:
    with sqlite3.connect(state_file) as db:
        db.execute("UPDATE documents SET withdrawn_at = withdrawn_at - ?", (days * DAY,))
    db.close()


def test_plan_run_report_and_status_say_withdraw_restore_and_expire(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    config = ["--config", str(project)]
    assert main(["run", "--all", *config]) == 0
    back_text = (docs / BACK).read_text(encoding="utf-8")
    (docs / GONE).unlink()
    (docs / BACK).unlink()
    capsys.readouterr()

    assert main(["plan", *config]) == 0
    planned = capsys.readouterr().out
    assert f"docs (external_pages): withdraw {GONE}" in planned
    assert f"docs (external_pages): withdraw {BACK}" in planned
    assert "delete section" not in planned

    report = tmp_path / "report.json"
    assert main(["run", "--all", *config, "--report", str(report)]) == 0
    assert "delete 0, withdraw 2;" in capsys.readouterr().out
    (source,) = json.loads(report.read_text(encoding="utf-8"))["sources"]
    assert (source["withdrawn"], source["deleted"]) == (2, 0)
    assert sorted(c["document"] for c in source["changes"] if c["action"] == "withdraw") == [GONE, BACK]

    assert main(["status", *config]) == 0
    status = capsys.readouterr().out
    assert "documents: 4 (2 withdrawn)" in status and "withdrawn 2" in status

    (docs / BACK).write_text(back_text, encoding="utf-8")
    age_withdrawals(tmp_path / "ingest.db", 8)
    assert main(["plan", *config]) == 0
    planned = capsys.readouterr().out
    assert f"docs (external_pages): restore {BACK}" in planned
    assert f"docs (external_pages): expire {GONE}" in planned
    assert "update section" not in planned and "delete section" not in planned

    assert main(["run", "--all", *config, "--report", str(report)]) == 0
    assert "update 0, delete 0, restore 1, expire 1;" in capsys.readouterr().out
    (source,) = json.loads(report.read_text(encoding="utf-8"))["sources"]
    assert (source["restored"], source["expired"], source["updated"], source["deleted"]) == (1, 1, 0, 0)
    assert sorted((c["action"], c["document"]) for c in source["changes"]) == [
        ("expire", GONE),
        ("restore", BACK),
    ]

    assert main(["status", *config]) == 0
    status = capsys.readouterr().out
    assert "documents: 5;" in status and "restored 1 expired 1" in status
