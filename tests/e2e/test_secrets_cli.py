"""``ingest run`` with secrets, and ``ingest scan``: exit codes, the summary, the report, the log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config
from tests.secret_scan.seeded import seeded_secrets

BY_KIND = {item.detector: item for item in seeded_secrets()}
AWS, GOOGLE = BY_KIND["AWS Access Key"], BY_KIND["Google API Key"]


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "clean.md").write_text("# Clean\n\nNothing here.\n", encoding="utf-8")
    (docs / "runbook.md").write_text(f"# Runbook\n\nStep one.\n\n{AWS.line}\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(tmp_path, emulator.base_url)


def test_a_run_with_a_finding_exits_1_and_reports_where_never_what(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Summary, log and --report JSON name file, line, detector and fingerprint; none holds the key."""
    report = tmp_path / "report.json"
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 1
    captured = capsys.readouterr()
    assert "runbook.md: not sent: 1 secret found (line 5: AWS Access Key (fingerprint " in captured.out
    assert AWS.secret not in captured.out + captured.err
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["exit_code"] == 1
    (result,) = body["sources"]
    (failure,) = result["failures"]
    (secret,) = failure["secrets"]
    assert secret["file"] == "runbook.md" and secret["line"] == 5 and secret["detector"] == "AWS Access Key"
    assert len(secret["fingerprint"]) == 16 and AWS.secret not in report.read_text(encoding="utf-8")
    assert result["created"] == 1


def test_a_baseline_outside_the_source_is_one_sentence_naming_the_key(
    tmp_path: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    config = write_config(tmp_path, emulator.base_url, secrets_baseline="../outside.baseline")
    assert main(["run", "--all", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "sources.docs.secrets_baseline" in err and "stays inside it" in err


def test_an_unknown_plugin_is_one_sentence_naming_the_key(
    tmp_path: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    config = write_config(tmp_path, emulator.base_url, secrets_plugins_off=["AwsDetector"])
    assert main(["run", "--all", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "sources.docs.secrets_plugins_off" in err and "'AwsDetector' is no secret scanning plugin" in err
