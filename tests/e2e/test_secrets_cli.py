"""``ingest run`` with secrets, and ``ingest scan``: exit codes, the summary, the report, the log."""

from __future__ import annotations

import json
import subprocess
import sys
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


def test_scan_checks_every_document_without_token_request_or_state(
    project: Path,
    emulator: RunningEmulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``ingest scan``: exit 1 on a finding, text and JSON; the emulator hears nothing, no state file."""
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    assert main(["scan", "--all", "--config", str(project)]) == 1
    out = capsys.readouterr().out
    assert "source docs: scanned 2, findings 1, not scanned 0" in out
    assert "runbook.md: line 5: AWS Access Key (fingerprint " in out and AWS.secret not in out
    assert main(["scan", "--source", "docs", "--format", "json", "--config", str(project)]) == 1
    (source,) = json.loads(capsys.readouterr().out)["sources"]
    assert [(f["file"], f["line"], f["detector"]) for f in source["findings"]] == [
        ("runbook.md", 5, "AWS Access Key")
    ]
    assert emulator.requests() == []
    assert not list(project.parent.glob("ingest.db*"))


def test_scan_of_files_as_pre_commit_passes_them(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files of a source scan through it (front matter allow-list included); others as plain
    documents; exit 0 when clean."""
    docs = tmp_path / "docs"
    assert main(["scan", "--config", str(project), str(docs / "clean.md")]) == 0
    assert main(["scan", "--config", str(project), str(docs / "runbook.md")]) == 1
    capsys.readouterr()
    loose = tmp_path / "notes.md"
    loose.write_text(f"# Notes\n\n{GOOGLE.line}\n", encoding="utf-8")
    assert main(["scan", "--config", str(project), str(loose)]) == 1
    assert "(files in no source)" in capsys.readouterr().out
    assert main(["scan", "--config", str(project), "--format", "json", str(docs / "runbook.md")]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["sources"][0]["findings"]
    (docs / "runbook.md").write_text(
        f"---\nsecrets_allow: [{finding['fingerprint']}]\n---\n# Runbook\n\n{AWS.line}\n", encoding="utf-8"
    )
    assert main(["scan", "--config", str(project), str(docs / "runbook.md")]) == 0


def test_scan_lists_its_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--plugins"]) == 0
    out = capsys.readouterr().out
    assert "IntercomTokenDetector\n" in out and "KeywordDetector  (off by default)" in out


def test_a_no_op_run_never_loads_the_scanner(project: Path) -> None:
    """Nothing changed, nothing read: the run after a sync does not even import detect-secrets."""
    assert main(["run", "--all", "--config", str(project)]) == 1  # the runbook's secret
    (project.parent / "docs" / "runbook.md").write_text("# Runbook\n\nStep one.\n", encoding="utf-8")
    assert main(["run", "--all", "--config", str(project)]) == 0
    script = (
        "import sys\nfrom ingest.cli import main\n"
        f"code = main(['run', '--all', '--config', {str(project)!r}])\n"
        "print(code, 'detect_secrets' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a script of the test's own
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split()[-2:] == ["0", "False"]
