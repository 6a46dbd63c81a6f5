"""``ingest check``'s findings as text (one line each, for people and logs) and as JSON (for
scripts); SARIF is :mod:`.sarif`, the HTML report :mod:`.html_report`."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ingest.check_rules import RULES, Severity
from ingest.checking.findings import Finding
from ingest.checking.run import CheckOutcome

#: The JSON output's shape; raised when a field changes meaning or goes away.
JSON_VERSION = 1


def where(finding: Finding) -> str:
    """``source:path:line`` (``source:path`` without a line, the source alone without a path)."""
    place = f"{finding.source}:{finding.path}" if finding.path else finding.source
    return f"{place}:{finding.line}" if finding.line is not None else place


def as_text(outcome: CheckOutcome) -> str:
    """One line per finding, most severe first, then one line per source and the totals."""
    lines = [f"{f.severity.value}: {where(f)}: {f.message} [{f.rule}]" for f in outcome.findings]
    for tally in outcome.sources:
        if tally.error is not None:
            lines.append(f"source {tally.source}: could not be read: {tally.error}")
            continue
        lines.append(
            f"source {tally.source}: checked {tally.converted} of {tally.scanned} documents "
            f"({tally.failed} failed, {tally.skipped} skipped) in {tally.seconds:.2f}s"
        )
    lines.append(totals(outcome))
    return "\n".join(lines) + "\n"


def totals(outcome: CheckOutcome) -> str:
    counts = Counter(finding.severity for finding in outcome.findings)
    said = ", ".join(
        f"{counts[level]} {level.value}{'s' if counts[level] != 1 else ''}" for level in Severity
    )
    count = len(outcome.findings)
    return f"{count} finding{'s' if count != 1 else ''}: {said}"


def as_json(outcome: CheckOutcome, *, threshold: Severity, exit_code: int) -> str:
    """The findings, each source's tally and counts per rule and severity, as one JSON document."""
    document: dict[str, Any] = {
        "version": JSON_VERSION,
        "severity_threshold": threshold.value,
        "exit_code": exit_code,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "source": f.source,
                "path": f.path,
                "line": f.line,
                "file": f.file,
                "message": f.message,
            }
            for f in outcome.findings
        ],
        "sources": [
            {
                "source": t.source,
                "scanned": t.scanned,
                "converted": t.converted,
                "failed": t.failed,
                "skipped": t.skipped,
                "seconds": t.seconds,
                "error": t.error,
            }
            for t in outcome.sources
        ],
        "counts": {
            "by_severity": {level.value: 0 for level in Severity}
            | dict(Counter(f.severity.value for f in outcome.findings)),
            "by_rule": dict(sorted(Counter(f.rule for f in outcome.findings).items())),
        },
        "rules": {
            rule.id: {"default_severity": rule.severity.value, "summary": rule.summary}
            for rule in RULES.values()
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
