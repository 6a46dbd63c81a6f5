"""``ingest reconcile`` on the command line: its text, its JSON, its report and its exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three documents synced into the emulator; the token in the environment."""
    write_docs(tmp_path / "docs", 3)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(tmp_path, emulator.base_url)
    assert main(["run", "--all", "--config", str(config)]) == 0
    return config


def delete_a_page(emulator: RunningEmulator) -> str:
    """Delete the page of section-0/page-000.md behind fin-ingest's back; its id."""
    import urllib.request

    (page,) = [p for p in emulator.pages() if p["external_id"] == "section-0/page-000.md"]
    request = urllib.request.Request(  # noqa: S310 - the emulator on loopback
        f"{emulator.base_url}/ai/external_pages/{page['id']}",
        method="DELETE",
        headers={"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"},
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310 - the emulator on loopback
        assert answer.status == 200
    return str(page["id"])


def test_no_drift_is_exit_0_with_its_counts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A synced source: one line saying what was compared in how many reads, exit 0."""
    assert main(["reconcile", "--config", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "reconcile docs (external_pages): compared 3 in 2 reads; no drift",
        "reconcile: 0 finding(s) in 1 target(s), 2 reads",
    ]


def test_drift_is_one_line_per_finding_and_exit_1_then_fix_repairs_it(
    project: Path, emulator: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page deleted in Intercom: its line under its source's counts, exit 1, the same in --report;
    --fix repairs it (exit 0, the fix run's summary line), and a reconcile after finds nothing."""
    page_id = delete_a_page(emulator)
    report = tmp_path / "reconcile.json"

    assert main(["reconcile", "--source", "docs", "--config", str(project), "--report", str(report)]) == 1

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "reconcile docs (external_pages): compared 3 in 3 reads; drift: deleted 1"
    assert out[1] == (
        f"  deleted section-0/page-000.md: External Page {page_id} was deleted in Intercom: "
        "--fix sends it again"
    )
    assert out[-1] == "reconcile: 1 finding(s) in 1 target(s), 3 reads; drift left in 1 target(s)"
    body = json.loads(report.read_text())
    assert (body["exit_code"], body["drift"], body["fix"], body["reads"]) == (1, True, False, 3)
    (entry,) = body["sources"]
    assert entry["counts"]["deleted"] == 1 and entry["ok"] is False and entry["fix"] is None
    (finding,) = entry["findings"]
    assert finding["kind"] == "deleted" and finding["repair"] == "recreate" and finding["outcome"] is None

    assert main(["reconcile", "--fix", "--config", str(project), "--report", str(report)]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[1].endswith("[repaired]")
    assert out[2].startswith("  fix run: source docs (external_pages): did create 1, update 0, delete 0;")
    assert out[-1].endswith("; repaired 1, left 0; no drift left")
    body = json.loads(report.read_text())
    assert body["exit_code"] == 0 and body["sources"][0]["findings"][0]["outcome"] == "repaired"
    assert body["sources"][0]["fix"]["created"] == 1

    assert main(["reconcile", "--config", str(project)]) == 0


def test_json_prints_the_report_on_stdout(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints the report instead of the text (what --report would write), for scripts."""
    delete_a_page(emulator)
    assert main(["reconcile", "--json", "--config", str(project)]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["drift"] is True and body["sources"][0]["counts"]["deleted"] == 1


def test_a_refused_token_is_exit_2_with_the_usual_sentence(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A revoked token stops the reconcile at its first read: exit 2, one line, and the report says so."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "revoked-token-000000")
    report = tmp_path / "reconcile.json"
    assert main(["reconcile", "--config", str(project), "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert "INTERCOM_ACCESS_TOKEN" in err and "revoked-token" not in err and "Traceback" not in err
    body = json.loads(report.read_text())
    assert body["exit_code"] == 2 and "INTERCOM_ACCESS_TOKEN" in body["error"] and body["sources"] == []


def test_options_that_only_mean_something_with_fix_are_refused_without_it(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """--overwrite-edits (or --allow-mass-delete) without --fix would do nothing: a usage error, exit 2,
    before anything is read."""
    emulator.clear_requests()
    assert main(["reconcile", "--overwrite-edits", "--config", str(project)]) == 2
    assert "only apply with --fix" in capsys.readouterr().err
    assert emulator.requests() == []


def test_an_unknown_source_is_one_sentence_and_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --source that is not configured is a configuration error naming it."""
    assert main(["reconcile", "--source", "wiki", "--config", str(project)]) == 2
    assert "wiki" in capsys.readouterr().err
