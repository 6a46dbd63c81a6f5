"""What moved since a plan was made, said in one sentence: the configuration, state, or documents.

``ingest apply`` makes the plan again and compares it with the saved one, digest by digest, in
the order a person fixes things: the configuration, then state (another run synced the source),
then the documents (the scan, and what would be sent).
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.planfile.model import PlanItem, SourceEntry

#: Documents named in a refusal; the rest are counted.
NAMED = 5


def what_moved(saved: SourceEntry, now: SourceEntry) -> str | None:
    """Why ``now`` (the plan made again) is not ``saved``, in one sentence; None when it is."""
    if saved.config_digest != now.config_digest:
        return (
            f"the configuration of source {saved.source} changed since the plan (its keys, targets or "
            "[intercom] api_version / owner_tag_id): make the plan again"
        )
    if (saved.error is None) != (now.error is None):
        if now.error is not None:
            return f"source {saved.source} cannot be read now, and could when the plan was made: {now.error}"
        return (
            f"source {saved.source} could not be read when the plan was made and can now: make the plan again"
        )
    saved_targets = {entry.target: entry for entry in saved.targets}
    now_targets = {entry.target: entry for entry in now.targets}
    if saved_targets.keys() != now_targets.keys():
        return f"the targets of source {saved.source} changed since the plan: make the plan again"
    for name, entry in saved_targets.items():
        if entry.state_digest != now_targets[name].state_digest:
            return (
                f"state moved since the plan: what is recorded for source {saved.source} in {name} changed "
                "(another run synced it): make the plan again"
            )
    changed = sorted(
        {
            locator
            for name, entry in saved_targets.items()
            for locator in _differing_locators(entry.items, now_targets[name].items)
        }
    )
    if changed:
        return (
            f"{_documents(len(changed))} of source {saved.source} changed since the plan: {_listed(changed)}"
        )
    if saved.scan_digest != now.scan_digest:
        return (
            f"the documents of source {saved.source} changed since the plan (what the scan lists or their "
            "fingerprints), though nothing to send did: make the plan again"
        )
    for name, entry in saved_targets.items():
        if entry.items_digest != now_targets[name].items_digest:
            return (
                f"the plan of source {saved.source} for {name} changed since it was made: make the plan again"
            )
    return None


def _differing_locators(saved: Sequence[PlanItem], now: Sequence[PlanItem]) -> set[str]:
    """The locators of items in one plan and not, as they are, in the other."""
    differing = set(map(_compared, saved)).symmetric_difference(map(_compared, now))
    return {compared[0] for compared in differing}


def _compared(item: PlanItem) -> tuple[str, *tuple[str | None, ...]]:
    # A failure's message may say how long a conversion took: which documents fail is the plan.
    detail = None if item.kind == "failure" else item.detail
    return (item.locator, item.kind, item.external_id, item.title, item.digest, item.previous_digest, detail)


def _documents(count: int) -> str:
    return "1 document" if count == 1 else f"{count} documents"


def _listed(locators: Sequence[str]) -> str:
    shown = ", ".join(locators[:NAMED])
    return shown if len(locators) <= NAMED else f"{shown} and {len(locators) - NAMED} more"
