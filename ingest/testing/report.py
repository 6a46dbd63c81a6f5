"""The rules of the connector contract, and the report of one conformance check against them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

#: Every rule the kit checks, by id, with the sentence that states it.
RULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "factory": (
            "the factory's options_model derives from ConnectorOptions, has no option named like a "
            "common [sources.<name>] key or a target's table, validates the sample options, and builds "
            "an object with scan() and load()"
        ),
        "sample": (
            "the sample source scans (and the connector closes) without error and holds at least two "
            "documents that load"
        ),
        "shapes": (
            "scan yields only DocumentRef, SkippedDocument and Failure; load returns a SourceDocument, "
            "SkippedDocument or Failure"
        ),
        "scan-reads-no-body": (
            "scan lists documents without reading their bodies, nor does building the connector (a "
            "connector whose fingerprint hashes content declares scan_reads_bodies=True)"
        ),
        "fingerprints-stable": "two scans of an unchanged source give every document the same fingerprint",
        "fingerprints-change": "an edit of one document's content changes its fingerprint, and no other's",
        "ids-unique": (
            "locators are relative POSIX paths, unique within a scan; external ids are unique among "
            "the loaded documents"
        ),
        "ids-stable": (
            "a document keeps its locator and external id across scans, connector instances and "
            "edits of its content"
        ),
        "failure-is-a-value": (
            "an unreadable document is a Failure value (from load, or from scan when scan reads bodies): "
            "it neither raises, nor vanishes, nor stops the other documents from loading"
        ),
        "source-failure-raises": (
            "scan of a source that cannot be read raises ConnectorError rather than ending normally"
        ),
        "load-consistent": (
            "loading an unchanged ref gives the same document every time (concurrently, one by one, "
            "from a fresh connector), carrying the ref's fingerprint; after an edit, the new content"
        ),
        "resume-hides-nothing": (
            "a Resumable connector resumed from its own checkpoint lists what a scan from scratch lists, "
            "with the same fingerprints, also once a document was edited after the checkpoint"
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule, with what the kit saw."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass
class ConformanceReport:
    """What :func:`~ingest.testing.check_connector` found, rule by rule.

    A rule is in exactly one of ``passed``, ``violated`` (see ``violations``), ``unchecked``
    (a hook or a working sample was missing: the reason says which) and ``not_applicable``
    (e.g. ``resume-hides-nothing`` for a connector that is not Resumable).
    """

    connector: str
    violations: list[Violation] = field(default_factory=list)
    unchecked: dict[str, str] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)

    @property
    def violated(self) -> list[str]:
        """The ids of the rules broken, in the order of :data:`RULES`."""
        broken = {violation.rule for violation in self.violations}
        return [rule for rule in RULES if rule in broken]

    @property
    def passed(self) -> list[str]:
        """The ids of the rules checked and kept."""
        settled = set(self.violated) | set(self.unchecked) | set(self.not_applicable)
        return [rule for rule in RULES if rule not in settled]

    @property
    def ok(self) -> bool:
        """True when no rule is broken and every applicable rule was checked."""
        return not self.violations and not self.unchecked

    def broken(self, rule: str, message: str) -> None:
        """Record that ``rule`` is broken (once per distinct message)."""
        violation = Violation(rule, message)
        if violation not in self.violations:
            self.violations.append(violation)
        self.unchecked.pop(rule, None)

    def skip(self, rule: str, reason: str) -> None:
        """Record that ``rule`` could not be checked, unless it is already broken."""
        if rule not in self.violated:
            self.unchecked.setdefault(rule, reason)

    def __str__(self) -> str:
        lines = [
            f"connector conformance of {self.connector}: {len(self.violated)} rule(s) broken, "
            f"{len(self.passed)} kept, {len(self.unchecked)} not checked"
        ]
        lines += [f"  BROKEN {violation}" for violation in self.violations]
        lines += [f"  NOT CHECKED {rule}: {reason}" for rule, reason in self.unchecked.items()]
        lines += [f"  not applicable {rule}: {reason}" for rule, reason in self.not_applicable.items()]
        if self.passed:
            lines.append(f"  kept: {', '.join(self.passed)}")
        return "\n".join(lines)


class ConformanceError(AssertionError):
    """A connector broke the contract (or could not be checked fully); the message is the whole report."""

    def __init__(self, report: ConformanceReport) -> None:
        self.report = report
        super().__init__(str(report))
