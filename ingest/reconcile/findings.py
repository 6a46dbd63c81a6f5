"""What a reconcile found per source and target, and what ``--fix`` did about each finding."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from ingest.engine import SourceResult
from ingest.targets.reconciling import Drift, DriftKind


class Outcome(StrEnum):
    """What ``--fix`` did about one finding."""

    #: The fix run sent, created, adopted, deleted or set what repairs it.
    REPAIRED = "repaired"
    #: Left as it is on purpose: edited by a person (without ``--overwrite-edits``), or nothing
    #: fin-ingest can do (the finding says what a person must).
    LEFT = "left"
    #: Not repaired because the delete guard (``max_delete_share``) refuses it.
    REFUSED = "refused"
    #: The fix run failed for it (the reason is given); the next run tries again.
    FAILED = "failed"


@dataclass
class Finding:
    """One drift, with what ``--fix`` did about it (None without ``--fix``)."""

    drift: Drift
    outcome: Outcome | None = None
    #: Why it was not repaired, in a sentence.
    why: str | None = None

    @property
    def still_there(self) -> bool:
        """Whether Intercom still differs (not repaired)."""
        return self.outcome is not Outcome.REPAIRED

    def settle(self, outcome: Outcome, why: str | None = None) -> None:
        self.outcome, self.why = outcome, why


@dataclass
class TargetReport:
    """What reconciling one source's target compared, found, read and (with ``--fix``) repaired."""

    source: str
    target: str
    findings: list[Finding] = field(default_factory=list)
    #: Remote twins compared with what state says was sent.
    checked: int = 0
    #: Requests the comparison read (the workspace's page list counted where it was read first).
    reads: int = 0
    #: What could not be compared, and why (never drift).
    notes: list[str] = field(default_factory=list)
    #: Why the comparison could not be made (the API did not answer, the source could not be read).
    error: str | None = None
    #: Twins found as fin-ingest left them whose digest state did not know, for ``--fix`` to record.
    baselines: list[tuple[str, str]] = field(default_factory=list)
    #: The run ``--fix`` made for the source, as ``ingest run`` reports it (None: none was needed).
    fix: SourceResult | None = None

    @property
    def drifted(self) -> bool:
        """Whether Intercom still differs from state and the configuration here."""
        return any(finding.still_there for finding in self.findings)

    @property
    def ok(self) -> bool:
        """No drift left, nothing that could not be compared, and a fix run (if any) that went well."""
        fixed = self.fix is None or (self.fix.ok and not self.fix.drifted)
        return self.error is None and not self.drifted and fixed

    def counts(self) -> dict[str, int]:
        """Findings by kind, every kind named (0 when none)."""
        found = Counter(finding.drift.kind for finding in self.findings)
        return {kind.value: found[kind] for kind in DriftKind}
