"""``ingest plan`` shows what a changed availability rule would do, page by page, and sends nothing;
the run then counts it in its line and its report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


def configure(tmp_path: Path, emulator: RunningEmulator, rule: str) -> Path:
    path = write_config(tmp_path, emulator.base_url)
    path.write_text(path.read_text(encoding="utf-8") + rule, encoding="utf-8")
    return path


def test_plan_shows_each_page_a_changed_rule_moves_and_the_run_counts_them(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    docs = tmp_path / "docs"
    (docs / "internal").mkdir(parents=True)
    for name in ("guide.md", "internal/runbook.md", "internal/oncall.md"):
        (docs / name).write_text(f"# {name}\n\nText.\n", encoding="utf-8")
    config = configure(tmp_path, emulator, "")
    assert main(["run", "--all", "--config", str(config)]) == 0
    capsys.readouterr()

    config = configure(
        tmp_path, emulator, '\n[[sources.docs.availability]]\npaths = ["internal/**"]\nai_agent = false\n'
    )
    emulator.clear_requests()
    assert main(["plan", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if "availability internal" in line] == [
        "docs (external_pages): availability internal/oncall.md: ai_agent true -> false",
        "docs (external_pages): availability internal/runbook.md: ai_agent true -> false",
    ]
    assert "guide.md" not in out
    assert all(request.method == "GET" for request in emulator.requests())

    report = tmp_path / "report.json"
    assert main(["run", "--all", "--config", str(config), "--report", str(report)]) == 0
    assert "set availability 2" in capsys.readouterr().out
    (source,) = json.loads(report.read_text())["sources"]
    assert source["availability"] == 2
    assert [(c["document"], c["changes"]) for c in source["changes"]] == [
        ("internal/oncall.md", {"ai_agent": {"from": True, "to": False}}),
        ("internal/runbook.md", {"ai_agent": {"from": True, "to": False}}),
    ]
