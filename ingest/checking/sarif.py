"""``ingest check``'s findings as SARIF 2.1.0, the format code-scanning tools (GitHub's among them)
read to annotate a pull request: one run, its rules with help, each result located in a file
relative to the repository root (``%SRCROOT%``) with its line when known."""

from __future__ import annotations

import json
from typing import Any, Final

from ingest import __version__
from ingest.check_rules import RULES, Severity
from ingest.checking.findings import Finding
from ingest.checking.run import CheckOutcome

SARIF_VERSION: Final = "2.1.0"
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVELS: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def as_sarif(outcome: CheckOutcome) -> str:
    """The SARIF log of ``outcome``, as JSON text."""
    rule_ids = list(RULES)
    log: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fin-ingest",
                        "version": __version__,
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
                "results": [_result(finding, rule_ids.index(finding.rule)) for finding in outcome.findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "name": "".join(part.title() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} {rule.help}"},
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding)],
        "properties": {"source": finding.source},
    }
    return result


def _location(finding: Finding) -> dict[str, Any]:
    """The finding's file in the repository where it is one; else the document's path in its
    source (an export's entry), named relative to no base."""
    artifact: dict[str, Any]
    if finding.file is not None:
        artifact = {"uri": _uri(finding.file), "uriBaseId": "%SRCROOT%"}
    else:
        artifact = {"uri": _uri(f"{finding.source}/{finding.path}" if finding.path else finding.source)}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if finding.line is not None and finding.file is not None:
        physical["region"] = {"startLine": finding.line}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"name": finding.path or finding.source, "kind": "module"}],
    }


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
