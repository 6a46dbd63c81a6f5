"""A source's plan as a saved plan's entry: its items, and the digests ``ingest apply`` compares.

Items are produced and hashed one at a time from the plan (whose upserts a streamed run may keep
on disk); no body is read, only ids, titles, locators and hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from ingest.availability import Availability
from ingest.canonical import canonical_json, digest
from ingest.config import Settings, Source
from ingest.engine import SourcePlan
from ingest.plan import Plan
from ingest.planfile.model import Counts, PlanItem, SourceEntry, TargetEntry
from ingest.state import StateStore, TargetStore
from ingest.targets.base import Target


def config_digest(settings: Settings, source: Source, targets: Sequence[Target]) -> str:
    """The digest of ``source``'s effective configuration: its keys (not its connector's options,
    whose effect on documents the scan shows), its targets' tables and the settings digests they
    keep, and what of ``[intercom]`` shapes a request (the API version, the owner tag)."""
    return digest(
        {
            "source": source.settings.model_dump(mode="json"),
            "tables": {name: table.model_dump(mode="json") for name, table in source.target_tables.items()},
            "targets": [[target.name, target.settings_digest()] for target in targets],
            "api_version": settings.intercom.api_version,
            "owner_tag_id": settings.intercom.owner_tag_id,
        }
    )


def source_entry(settings: Settings, planned: SourcePlan, state: StateStore) -> SourceEntry:
    """The saved entry of one source's plan, made against ``state``."""
    targets = [target for target, _ in planned.plans]
    return SourceEntry(
        source=planned.source.name,
        config_digest=config_digest(settings, planned.source, targets),
        scan_digest=planned.collected.scan_digest,
        targets=[
            target_entry(plan, state.target(planned.source.name, target.name))
            for target, plan in planned.plans
        ],
    )


def unread_source_entry(
    settings: Settings, source: Source, targets: Sequence[Target], error: str
) -> SourceEntry:
    """The saved entry of a source that could not be read: nothing is done for it."""
    return SourceEntry(
        source=source.name, config_digest=config_digest(settings, source, targets), error=error
    )


def target_entry(plan: Plan, store: TargetStore) -> TargetEntry:
    items = list(plan_items(plan, store))
    return TargetEntry(
        target=plan.target,
        state_digest=store.state_digest(),
        items_digest=items_digest(items, plan.refusal),
        refusal=plan.refusal,
        counts=Counts(
            create=len(plan.creates),
            update=len(plan.updates),
            delete=len(plan.deletes),
            availability=len(plan.availability),
            tags=len(plan.tags),
            withdraw=len(plan.withdrawals),
            restore=plan.restores,
            expire=plan.expiries,
            unchanged=plan.unchanged,
            skip=len(plan.skipped),
            failure=len(plan.failures),
        ),
        items=items,
    )


def items_digest(items: Sequence[PlanItem], refusal: str | None) -> str:
    """The digest of ``items`` in order and of the guard's refusal, hashed one item at a time."""
    hashed = hashlib.sha256(canonical_json(refusal).encode())
    for item in items:
        # A failure's message may say how long a conversion took: which documents fail is the plan.
        fields = item.model_dump(mode="json", exclude={"detail"} if item.kind == "failure" else None)
        hashed.update(b"\x1e")
        hashed.update(canonical_json(fields).encode("utf-8", "surrogatepass"))
    return hashed.hexdigest()


def plan_items(plan: Plan, store: TargetStore) -> Iterator[PlanItem]:
    """What ``plan`` does, item by item: creates, updates, deletes, availability and tag changes,
    then its failures and skips; each change with the digest of what would be sent and, where
    something was sent before, the digest state records of it."""
    for upsert in plan.creates:
        page = upsert.page
        yield PlanItem(
            kind="create",
            locator=page.locator,
            external_id=page.external_id,
            title=page.title,
            digest=upsert.content_hash,
        )
    for upsert in plan.updates:
        page = upsert.page
        yield PlanItem(
            kind="restore" if upsert.restore else "update",
            locator=page.locator,
            external_id=page.external_id,
            title=page.title,
            digest=upsert.content_hash,
            previous_digest=_sent_digest(store, page.external_id),
        )
    for deletion in plan.deletes:
        yield PlanItem(
            kind="expire" if deletion.expired else "delete",
            locator=deletion.locator,
            external_id=deletion.external_id,
            title=deletion.title,
            previous_digest=_sent_digest(store, deletion.external_id),
        )
    for withdrawal in plan.withdrawals:
        yield PlanItem(
            kind="withdraw",
            locator=withdrawal.locator,
            external_id=withdrawal.external_id,
            title=withdrawal.title,
            previous_digest=_sent_digest(store, withdrawal.external_id),
            detail="made unavailable to every Fin surface until it comes back or its grace period ends",
        )
    for change in plan.availability:
        yield PlanItem(
            kind="availability",
            locator=change.locator,
            external_id=change.external_id,
            digest=digest(change.flags.as_tuple()),
            detail=_flags(change.flags),
        )
    for tag in plan.tags:
        yield PlanItem(
            kind="tags",
            locator=tag.locator,
            external_id=tag.external_id,
            digest=digest([tag.add, tag.remove]),
            detail=", ".join(
                part
                for part in (
                    f"add tag {tag.add}" if tag.add is not None else "",
                    f"remove tag {tag.remove}" if tag.remove is not None else "",
                )
                if part
            ),
        )
    for failure in plan.failures:
        yield PlanItem(
            kind="failure", locator=failure.locator, external_id=failure.external_id, detail=failure.message
        )
    for skipped in plan.skipped:
        yield PlanItem(kind="skip", locator=skipped.locator, detail=skipped.reason)


def _sent_digest(store: TargetStore, external_id: str) -> str | None:
    record = store.record(external_id)
    return record.content_hash if record is not None else None


def _flags(flags: Availability) -> str:
    """``ai_agent on, ai_copilot off``: the flags an availability change sets."""
    names = ("ai_agent", "ai_copilot", "ai_sales_agent")
    return ", ".join(
        f"{name} {'on' if value else 'off'}"
        for name, value in zip(names, flags.as_tuple(), strict=True)
        if value is not None
    )
