"""What one run did for one source and target: the numbers and documents a user reads in the summary.

Kept apart from :mod:`ingest.engine` so that both halves of a run (the whole plan, the stream)
fill it in without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.collect import Collected
from ingest.document import DocumentWarning, Failure, SkippedDocument
from ingest.plan import Plan
from ingest.state import RunCounts
from ingest.targets.base import RemoteFinding


@dataclass
class SourceResult:
    """What one run did for one source and target: the numbers a user reads in the summary."""

    source: str
    target: str
    counts: RunCounts = field(default_factory=RunCounts)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[SkippedDocument] = field(default_factory=list)
    error: str | None = None
    scanned: int = 0
    converted: int = 0
    seconds: float = 0.0
    plan: Plan | None = None
    #: What the documents read in this run warned about (a docs site's); never a failure.
    warnings: list[DocumentWarning] = field(default_factory=list)
    #: Per document read, the site constructs its dialect did not know, counted by name.
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    #: What this run's check of the remote truth found (a container recreated, drift).
    remote: list[RemoteFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether everything was synced (drift found remotely aside: see :attr:`drifted`)."""
        return self.error is None and not self.failures

    @property
    def drifted(self) -> bool:
        """Whether Intercom holds the target's container otherwise than configured (a person must act)."""
        return any(finding.drift for finding in self.remote)


def start_result(result: SourceResult, collected: Collected, plan: Plan) -> None:
    """``result`` as ``plan`` stands before anything is sent: what reading found, what failed,
    what is unchanged; no error yet."""
    result.scanned, result.converted = collected.scanned, collected.converted
    result.warnings = list(collected.warnings)
    result.unknown = dict(collected.unknown)
    result.plan, result.skipped, result.failures = plan, list(plan.skipped), list(plan.failures)
    result.counts = RunCounts(unchanged=plan.unchanged, skipped=len(plan.skipped), failed=len(plan.failures))
    result.error = None
