"""``ingest check``: each rule's findings where they are, the exit codes a CI gates on, the
outputs, and that nothing is sent or recorded (no token, no state file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.cli import main
from tests.checking.check_project import write_project


def check_json(config: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--all", "--config", str(config), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def found(report: dict[str, Any]) -> set[tuple[str, str, str, str, int | None]]:
    return {(f["rule"], f["severity"], f["source"], f["path"], f["line"]) for f in report["findings"]}


def test_each_rule_finds_what_it_is_for_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every document of the project trips its rule, at its file's line when one is known."""
    code, report = check_json(write_project(tmp_path), "--severity", "note", capsys=capsys)
    assert code == 1
    assert found(report) == {
        ("conversion-failed", "error", "docs", "huge.md", None),
        ("empty-page", "error", "docs", "empty.md", None),
        ("near-empty-page", "warning", "docs", "stub.md", None),
        ("oversize-page", "warning", "docs", "big.md", None),
        ("broken-link", "warning", "docs", "links.md", 5),
        ("site-syntax", "warning", "docs", "shortcode.md", 5),
        ("language-mismatch", "warning", "docs", "guide/french.md", None),
        ("duplicate-title", "warning", "docs", "a/intro.md", 2),
        ("duplicate-title", "warning", "docs", "b/intro.md", 2),
        ("duplicate-title", "warning", "handbook", "intro.md", 2),
        ("no-citation-url", "warning", "handbook", "intro.md", None),
    }
    messages = {f["path"]: f["message"] for f in report["findings"] if f["rule"] != "duplicate-title"}
    assert messages["huge.md"].startswith("conversion failed: the document is 5,009 bytes")
    assert messages["links.md"] == "links to missing.md, but the source holds no missing.md"
    assert messages["guide/french.md"] == "the page reads as fr but its locale is en"
    assert "{{<" in messages["shortcode.md"] and ">}}" in messages["shortcode.md"]
    ranks = [("note", "warning", "error").index(f["severity"]) for f in report["findings"]]
    assert ranks == sorted(ranks, reverse=True)  # most severe first
    docs = next(s for s in report["sources"] if s["source"] == "docs")
    assert (docs["scanned"], docs["converted"], docs["failed"]) == (10, 9, 1)
    assert report["counts"]["by_severity"] == {"error": 2, "warning": 9, "note": 0}
    # Files are named from the repository root, as code scanning expects.
    assert {f["file"] for f in report["findings"] if f["source"] == "handbook"} == {"handbook/intro.md"}


def test_nothing_is_sent_nor_recorded_and_no_token_is_needed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check runs without INTERCOM_ACCESS_TOKEN and leaves no state file (nor lock) behind."""
    config = write_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(path.name for path in tmp_path.iterdir())
    check_json(config, capsys=capsys)
    assert sorted(path.name for path in tmp_path.iterdir()) == before == ["ingest.toml", "repo"]


def test_exit_codes_follow_the_severity_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 1 when a finding is at or above --severity (default error), 0 when none is."""
    config = write_project(
        tmp_path,
        check_table='severity = { "conversion-failed" = "warning", "empty-page" = "note" }\n',
    )
    code, report = check_json(config, capsys=capsys)
    assert code == 0 and report["exit_code"] == 0 and report["severity_threshold"] == "error"
    code, _ = check_json(config, "--severity", "warning", capsys=capsys)
    assert code == 1


def test_a_rule_set_off_is_not_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``off`` silences a rule; the thresholds of [check] move what is near-empty and oversize."""
    config = write_project(
        tmp_path,
        check_table=(
            'near_empty_chars = 5\nseverity = { "duplicate-title" = "off", "no-citation-url" = "note" }\n'
        ),
    )
    _, report = check_json(config, "--severity", "note", capsys=capsys)
    rules = {(f["rule"], f["severity"]) for f in report["findings"]}
    assert not any(rule == "duplicate-title" for rule, _ in rules)
    assert ("no-citation-url", "note") in rules
    assert not any(rule == "near-empty-page" for rule, _ in rules)


@pytest.mark.parametrize(
    ("table", "sentence"),
    [
        ('severity = { "spelling" = "error" }', "check.severity: 'spelling' is no rule of ingest check"),
        ('severity = { "empty-page" = "fatal" }', "check.severity: 'empty-page' = 'fatal' is not a severity"),
        ("near_empty_chars = 0", "check.near_empty_chars: must be at least 1"),
        ("colour = true", "check.colour: unknown key"),
    ],
)
def test_a_mistake_in_check_is_one_sentence_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, sentence: str
) -> None:
    config = write_project(tmp_path, check_table=table + "\n")
    assert main(["check", "--all", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert sentence in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_text_output_lists_each_finding_and_each_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_project(tmp_path)
    assert main(["check", "--source", "docs", "--config", str(config)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "error: docs:empty.md: the page has no text [empty-page]" in out
    assert (
        "warning: docs:links.md:5: links to missing.md, but the source holds no missing.md [broken-link]"
        in out
    )
    assert out[-2].startswith("source docs: checked 9 of 10 documents (1 failed, 0 skipped) in ")
    assert out[-1] == "9 findings: 2 errors, 7 warnings, 0 notes"
    assert not any("handbook" in line for line in out)


def test_output_goes_to_a_file_and_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "out" / "findings.json"
    assert main(["check", "--all", "--config", str(config), "--format", "json", "--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["exit_code"] == 1
    assert main(["check", "--all", "--config", str(config), "--output", str(tmp_path)]) == 2
    assert "--output: " in capsys.readouterr().err


def test_neither_source_nor_all_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(write_project(tmp_path))]) == 2
    assert "--source NAME (repeatable) or --all" in capsys.readouterr().err


def test_a_source_that_cannot_be_read_is_an_error_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing folder is one ``unreadable-source`` error; the other sources are still checked."""
    config = write_project(tmp_path)
    config.write_text(
        config.read_text().replace(str(tmp_path / "repo" / "handbook"), str(tmp_path / "gone")),
        encoding="utf-8",
    )
    code, report = check_json(config, capsys=capsys)
    assert code == 1
    (unreadable,) = [f for f in report["findings"] if f["rule"] == "unreadable-source"]
    assert (unreadable["severity"], unreadable["source"], unreadable["path"]) == ("error", "handbook", "")
    assert str(tmp_path / "gone") in unreadable["message"]
    tallies = {s["source"]: s for s in report["sources"]}
    assert tallies["handbook"]["error"] == unreadable["message"] and tallies["docs"]["converted"] == 9
