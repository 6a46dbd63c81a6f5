"""A finding: one thing ``ingest check`` found about one document, where, and how much it matters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ingest.check_rules import OFF, RULES, Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found: the rule's id, the severity it has in this configuration, the source and
    the document's path in it, the line of the document's file when known, and one sentence."""

    rule: str
    severity: Severity
    source: str
    path: str
    message: str
    line: int | None = None
    #: The document's file relative to the repository root (``%SRCROOT%``), when it is a file on disk.
    file: str | None = None


class Severities:
    """Each rule's severity in this configuration: ``[check.severity]`` over the defaults."""

    def __init__(self, overrides: Mapping[str, str]) -> None:
        self._levels: dict[str, Severity | None] = {
            rule: (None if overrides.get(rule) == OFF else Severity(overrides.get(rule, info.severity)))
            for rule, info in RULES.items()
        }

    def of(self, rule: str) -> Severity | None:
        """The severity of ``rule``'s findings, or None when the rule is off."""
        return self._levels[rule]

    def rules_on(self) -> list[str]:
        return [rule for rule, level in self._levels.items() if level is not None]


def at_or_above(findings: Iterable[Finding], threshold: Severity) -> list[Finding]:
    """The findings that gate a CI job at ``threshold``."""
    return [finding for finding in findings if finding.severity.rank >= threshold.rank]


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by source, path, line and rule: the same order on every run."""
    return sorted(
        findings,
        key=lambda f: (-f.severity.rank, f.source, f.path, f.line or 0, f.rule, f.message),
    )
