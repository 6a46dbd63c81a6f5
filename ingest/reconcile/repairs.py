"""``--fix``: what state must know so that an ordinary run of the source repairs each finding.

Nothing is sent from here. Each finding's :class:`~ingest.targets.reconciling.Repair` becomes a
change of the target's state (forget a document, mark it stale, adopt a twin, learn what a twin
holds); then the engine syncs the source as ``ingest run`` does, through the targets' own paths,
so every success is recorded as it happens, the delete guard applies and the run's report says
what was done. What a person wrote is left alone unless ``--overwrite-edits``; a twin no document
makes is deleted only within ``max_delete_share`` (or with ``--allow-mass-delete``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.engine import SourceResult
from ingest.plan import mass_delete_refusal
from ingest.reconcile.findings import Finding, Outcome, TargetReport
from ingest.state import TargetStore
from ingest.targets.reconciling import Repair

_EDITED = (
    "edited by a person since fin-ingest wrote it: --overwrite-edits writes the document's version over it"
)


@dataclass(frozen=True)
class FixPolicy:
    """What ``--fix`` may do beyond repairing what fin-ingest itself wrote."""

    overwrite_edits: bool = False
    allow_mass_delete: bool = False
    #: The source's ``max_delete_share``.
    max_delete_share: float = 0.5


def stage(
    report: TargetReport, store: TargetStore, policy: FixPolicy, *, pending_deletes: int
) -> list[Finding]:
    """Change what ``store`` knows so that the next run of the source repairs each finding it may;
    settle the others (left as they are, refused) and return those staged. ``pending_deletes``:
    how many deletes (and withdrawals) the source's own plan holds already (the guard counts them too)."""
    kept = {
        external_id
        for finding in report.findings
        if finding.drift.overwrites_a_person and not policy.overwrite_edits
        for external_id in finding.drift.documents
    }
    staged: list[Finding] = []
    orphans: list[Finding] = []
    for finding in report.findings:
        drift = finding.drift
        if drift.repair is Repair.NONE:
            finding.settle(Outcome.LEFT, "nothing fin-ingest can change: a person must act")
        elif drift.repair is Repair.RESEND and kept & set(drift.documents):
            finding.settle(Outcome.LEFT, _EDITED)
        elif drift.repair is Repair.DELETE:
            orphans.append(finding)
        else:
            staged.append(finding)
    _apply(staged, store)
    if orphans:
        known = store.count() - store.withdrawn_count() + len(orphans)  # the pages still available
        refusal = None
        if not policy.allow_mass_delete:
            refusal = mass_delete_refusal(pending_deletes + len(orphans), known, policy.max_delete_share)
        if refusal is not None:
            for finding in orphans:
                finding.settle(Outcome.REFUSED, refusal)
        else:
            _apply(orphans, store)
            staged += orphans
    store.record_remote_digests(report.baselines)
    return staged


def _apply(findings: Sequence[Finding], store: TargetStore) -> None:
    def documents(*repairs: Repair) -> list[str]:
        return [
            external_id
            for finding in findings
            if finding.drift.repair in repairs
            for external_id in finding.drift.documents
        ]

    store.forget_documents(documents(Repair.RECREATE))
    store.mark_stale(documents(Repair.RESEND))
    store.adopt(
        finding.drift.page
        for finding in findings
        if finding.drift.repair in (Repair.ADOPT, Repair.DELETE) and finding.drift.page is not None
    )
    store.record_tags((external_id, None) for external_id in documents(Repair.RETAG))
    store.record_availability(
        (external_id, finding.drift.held)
        for finding in findings
        if finding.drift.repair is Repair.SET_AVAILABILITY
        for external_id in finding.drift.documents
    )


def settle(staged: Iterable[Finding], result: SourceResult | None) -> None:
    """What the fix run did for each finding staged for it."""
    failures = {} if result is None else {failure.locator: failure.message for failure in result.failures}
    for finding in staged:
        where = finding.drift.locator or finding.drift.external_id  # an adopted twin's locator is its id
        if result is None:
            finding.settle(Outcome.FAILED, "the source was not synced")
        elif result.error is not None:
            finding.settle(Outcome.FAILED, result.error)
        elif where in failures:
            finding.settle(Outcome.FAILED, failures[where])
        else:
            finding.settle(Outcome.REPAIRED)
