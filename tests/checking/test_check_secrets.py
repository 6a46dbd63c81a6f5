"""``ingest check`` holds every page to the run's secret scan: a secret a run would refuse to send
is an error finding at its line (never the secret itself), allowed the ways a run allows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.cli import main
from tests.checking.check_project import ENGLISH, write, write_project
from tests.secret_scan.seeded import seeded_secrets


def test_a_secret_is_an_error_at_its_line_and_the_report_never_holds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_project(tmp_path)
    docs = tmp_path / "repo" / "docs"
    aws, github = seeded_secrets()[:2]
    write(docs, "runbook.md", f"# Runbook\n\n{ENGLISH}\n\n{aws.line.format(aws.secret)}\n")
    write(
        docs,
        "allowed.md",
        f"# Example\n\n{ENGLISH}\n\n{github.line.format(github.secret)}  <!-- pragma: allowlist secret -->\n",
    )
    code = main(["check", "--source", "docs", "--config", str(config), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1
    report = json.loads(out)
    secrets = [f for f in report["findings"] if f["rule"] == "secret"]
    assert [(f["path"], f["line"], f["severity"]) for f in secrets] == [("runbook.md", 5, "error")]
    assert secrets[0]["message"].startswith(f"{aws.detector} (fingerprint ")
    assert aws.secret not in out and github.secret not in out

    sarif_file = tmp_path / "check.sarif"
    main(
        [
            "check",
            "--source",
            "docs",
            "--config",
            str(config),
            "--format",
            "sarif",
            "--output",
            str(sarif_file),
        ]
    )
    sarif = sarif_file.read_text()
    assert aws.secret not in sarif
    results = [r for r in json.loads(sarif)["runs"][0]["results"] if r["ruleId"] == "secret"]
    assert [r["level"] for r in results] == ["error"]


def test_a_source_that_does_not_scan_has_no_secret_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_project(tmp_path)
    text = config.read_text().replace("[sources.handbook]", "scan_secrets = false\n\n[sources.handbook]")
    config.write_text(text)
    aws = seeded_secrets()[0]
    write(
        tmp_path / "repo" / "docs", "runbook.md", f"# Runbook\n\n{ENGLISH}\n\n{aws.line.format(aws.secret)}\n"
    )
    main(["check", "--source", "docs", "--config", str(config), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [f for f in report["findings"] if f["rule"] == "secret"] == []


def test_the_html_report_never_shows_a_page_that_holds_a_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report previews each page and its source: a page with a secret is listed with its
    findings, its preview and source withheld (a report is a CI artifact people share)."""
    config = write_project(tmp_path)
    docs = tmp_path / "repo" / "docs"
    aws, github = seeded_secrets()[:2]
    write(docs, "runbook.md", f"# Runbook\n\n{ENGLISH}\n\n{aws.line.format(aws.secret)}\n")
    write(docs, "title.md", f"---\ntitle: Deploy with {github.secret}\n---\n\n{ENGLISH}\n")
    report = tmp_path / "report.html"
    code = main(["check", "--source", "docs", "--config", str(config), "--html", str(report)])
    capsys.readouterr()
    assert code == 1
    html = report.read_text()
    assert aws.secret not in html and github.secret not in html
    assert "runbook.md" in html and "title.md" in html  # still listed, with their findings
    assert html.count("<h3>(withheld: the page holds a secret)</h3>") == 2
    assert "A good page" in html  # the other pages keep their previews


def test_the_html_report_withholds_a_secret_page_also_with_the_secret_rule_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_project(tmp_path, check_table='severity = { "secret" = "off" }\n')
    aws = seeded_secrets()[0]
    write(
        tmp_path / "repo" / "docs", "runbook.md", f"# Runbook\n\n{ENGLISH}\n\n{aws.line.format(aws.secret)}\n"
    )
    report = tmp_path / "report.html"
    main(["check", "--source", "docs", "--config", str(config), "--html", str(report)])
    capsys.readouterr()
    html = report.read_text()
    assert aws.secret not in html
    assert html.count("<h3>(withheld: the page holds a secret)</h3>") == 1


def test_no_finding_of_any_rule_quotes_a_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken link's href, a leaked construct, a duplicate title: a finding quoting what the page
    holds must not quote its secret, in any output."""
    config = write_project(tmp_path)
    docs = tmp_path / "repo" / "docs"
    secrets = seeded_secrets()
    github, slack = secrets[1], secrets[3]
    write(docs, "setup.md", f"# Setup\n\n{ENGLISH}\n\nRead [the guide](missing.md?token={github.secret}).\n")
    write(docs, "one/deploy.md", f"---\ntitle: Deploy {slack.secret}\n---\n\n{ENGLISH}\n")
    write(docs, "two/deploy.md", f"---\ntitle: Deploy {slack.secret}\n---\n\n{ENGLISH} Again.\n")
    outputs = []
    for kind in ("text", "json", "sarif"):
        main(["check", "--source", "docs", "--config", str(config), "--format", kind])
        outputs.append(capsys.readouterr().out)
    report = json.loads(outputs[1])
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    wanted = {("setup.md", "secret"), ("setup.md", "broken-link"), ("one/deploy.md", "duplicate-title")}
    assert wanted <= rules
    for out in outputs:
        assert github.secret not in out and slack.secret not in out
