"""Availability a bulk action was accepted to set, which Intercom has yet to carry out.

Bulk actions are answered 202 and carried out in the background; state records the flags as soon as
a call is accepted. A reconcile soon after a run (cron often runs one right after ``ingest run``)
would see those flags not set yet, report drift that is not, and ``--fix`` would send the same action
again. So where state records that a twin holds other flags than Intercom shows, and the target's
last run set availability less than :data:`BULK_SETTLE_SECONDS` ago, the difference is a note, not
drift. Past that, it is drift again: a person changed the flags, or the action was lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ingest.reconcile.findings import TargetReport
from ingest.state import DocumentRecord, RunRecord
from ingest.targets.reconciling import DriftKind, Repair, contradicted

#: How long after a run its accepted bulk actions may still be waiting in Intercom's queue.
BULK_SETTLE_SECONDS: Final = 600.0


def set_aside_pending(
    report: TargetReport, records: Mapping[str, DocumentRecord], last_run: RunRecord | None, now: float
) -> None:
    """Move from ``report``'s findings to its notes the availability a bulk action of ``last_run``
    (finished less than :data:`BULK_SETTLE_SECONDS` before ``now``) may not have set yet."""
    if last_run is None or last_run.finished_at is None or not last_run.counts.availability:
        return
    age = max(0.0, now - last_run.finished_at)
    if age >= BULK_SETTLE_SECONDS:
        return
    kept = []
    for finding in report.findings:
        drift = finding.drift
        record = records.get(drift.external_id)
        waiting = (
            drift.kind is DriftKind.AVAILABILITY
            and drift.repair is Repair.SET_AVAILABILITY
            and record is not None
            and not contradicted(record.availability, drift.held).is_empty()
        )
        if not waiting:
            kept.append(finding)
            continue
        shown = drift.message.split(":", 1)[0]
        report.notes.append(
            f"{drift.locator or drift.external_id}: {shown}, yet a bulk action accepted {age:.0f} s ago sets "
            "it and Intercom carries those out in the background: not drift (reconcile again later)"
        )
    report.findings = kept
