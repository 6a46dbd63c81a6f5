"""``ingest check --format sarif``: a SARIF 2.1.0 log valid against the official schema, whose
results code scanning can place: files relative to the repository root, lines where known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ingest.check_rules import RULES
from ingest.cli import main
from tests.checking.check_project import write_project

SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["check", "--all", "--config", str(config), "--format", "sarif", "--severity", "note"]) == 1
    log: dict[str, Any] = json.loads(capsys.readouterr().out)
    return log


def test_the_log_is_valid_sarif_2_1_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = sarif(write_project(tmp_path), capsys)
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert errors == []
    assert log["version"] == "2.1.0"


def test_the_schema_catches_a_broken_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The validation is not blind: a result with an unknown level is refused."""
    log = sarif(write_project(tmp_path), capsys)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log)) != []


def test_rules_and_results_say_what_code_scanning_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every rule is described with help and its default level; each result names its rule, its
    level from the severity, and its file from %SRCROOT% with the line when known."""
    run = sarif(write_project(tmp_path), capsys)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    assert all(rule["shortDescription"]["text"] and rule["help"]["text"] for rule in rules)
    assert {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}["empty-page"] == "error"
    by_rule = {
        (result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): result
        for result in run["results"]
    }
    link = by_rule[("broken-link", "docs/links.md")]
    assert link["level"] == "warning"
    assert rules[link["ruleIndex"]]["id"] == "broken-link"
    assert link["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "docs/links.md", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5},
    }
    empty = by_rule[("empty-page", "docs/empty.md")]
    assert empty["level"] == "error" and "region" not in empty["locations"][0]["physicalLocation"]
    assert by_rule[("no-citation-url", "handbook/intro.md")]["properties"] == {"source": "handbook"}
    assert len(run["results"]) == 11
