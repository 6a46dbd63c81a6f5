"""Availability set apart from the upserts: which remote twins still need it, and in which calls.

A target whose API version has bulk actions (2.16, Preview) keeps availability out of the hash
of what it sends: a change of ``ai_agent`` re-sends no page, it is set with
``POST /content/bulk_actions`` instead, on exactly the pages whose availability differs from
what state knows they hold. Pure functions of the plan and the records, shared by the targets
that settle availability this way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Final, TypedDict

from ingest.availability import UNSAID, Availability
from ingest.intercom import BulkAvailability, ContentBulkActionRequest, ContentItem
from ingest.intercom.bulk_actions import ContentType
from ingest.plan import AvailabilityChange, Plan
from ingest.state import DocumentRecord, touched_records, untouched_records_where

#: The most items Intercom takes in one bulk action.
BULK_LIMIT: Final = 1000
#: A source's availability unless its keys say otherwise: Fin and Copilot, not Fin for sales.
SOURCE_DEFAULTS: Final = Availability(True, True, False)
#: What Intercom gives a flag that a create does not set.
CREATED_WITHOUT: Final = Availability(False, False, False)
#: Fin for sales cannot be set before these versions, in any request.
SALES_VERSIONS: Final = "2.16 or Preview"


class ArticleFlags(TypedDict):
    """Availability as an article's or internal article's request says it (2.16): *chatbot* there
    is Fin, the AI Agent. ``None`` leaves a flag out of the request."""

    ai_chatbot_availability: bool | None
    ai_copilot_availability: bool | None
    ai_sales_agent_availability: bool | None


def request_flags(availability: Availability) -> ArticleFlags:
    """``availability`` as the fields of an article's or internal article's request."""
    return ArticleFlags(
        ai_chatbot_availability=availability.ai_agent,
        ai_copilot_availability=availability.ai_copilot,
        ai_sales_agent_availability=availability.ai_sales_agent,
    )


def no_sales_before(version: str, wanted: Availability, what: str) -> None:
    """Raise ValueError when ``wanted`` asks for Fin for sales, which ``version`` cannot set on ``what``."""
    if wanted.ai_sales_agent:
        raise ValueError(
            f"Intercom API {version} cannot make {what} available to Fin for sales "
            f"(front matter ai_sales_agent: true); api_version {SALES_VERSIONS} can"
        )


def pending_changes(
    plan: Plan,
    records: Mapping[str, DocumentRecord],
    *,
    defaults: Availability,
    carried: Collection[str],
) -> tuple[AvailabilityChange, ...]:
    """What will still differ once ``plan``'s upserts are done, whose requests carry the flags
    named in ``carried``: every document that stays, by what it wants (its front matter over
    ``defaults``) against what its remote twin holds (as recorded, or as the upsert will leave it).

    A flag state does not know the remote value of counts as differing, so it is set once.
    Records a run leaves untouched (found unchanged by the scan: not upserted, refreshed or
    deleted) are looked over by kind, and built only where their kind differs.
    """
    # Only recorded twins are looked up: a first sync's creates are read through once, not held.
    upserted = {
        item.page.external_id: item.declared for item in plan.upserts if item.page.external_id in records
    }
    declared = dict(upserted)
    declared |= {refresh.external_id: refresh.declared for refresh in plan.refreshes}
    gone = {deletion.external_id for deletion in plan.deletes}
    gone |= {withdrawal.external_id for withdrawal in plan.withdrawals}
    # Documents declare one of a few availabilities: each is resolved once, not once per record.
    resolved: dict[Availability, Availability] = {}

    def wanted_for(said: Availability) -> Availability:
        return resolved.get(said) or resolved.setdefault(said, said.over(defaults))

    untouched = untouched_records_where(
        records, lambda kind: wanted_for(kind.declared or UNSAID) != kind.availability
    )
    looked_over = [*touched_records(records).items(), *((record.external_id, record) for record in untouched)]
    changes: list[AvailabilityChange] = []
    for external_id, record in sorted(looked_over):
        if external_id in gone or (record.withdrawn_at is not None and external_id not in upserted):
            continue  # a withdrawn twin stays unavailable until its document comes back (an upsert)
        wanted = wanted_for(declared.get(external_id, record.declared or UNSAID))
        held = (
            wanted.only(*carried).over(record.availability)
            if external_id in upserted
            else record.availability
        )
        if held != wanted:
            _add(changes, external_id, record.locator, record.remote_id, wanted, held)
    for item in plan.creates:
        if item.page.external_id not in records:
            wanted = item.declared.over(defaults)
            _add(changes, item.page.external_id, item.page.locator, None, wanted, _created(wanted, carried))
    return tuple(changes)


def due_availability_changes(
    planned: Sequence[AvailabilityChange], records: Mapping[str, DocumentRecord]
) -> list[AvailabilityChange]:
    """What of ``planned`` still differs from what state knows the remote twins hold once the upserts
    are done (an upsert's answer may hold it already; a page whose create failed has nothing to set
    it on), each naming its twin."""
    due: list[AvailabilityChange] = []
    for change in planned:
        record = records.get(change.external_id)
        if record is not None and record.remote_id is not None:
            flags = change.wanted.differences(record.availability)
            if not flags.is_empty():
                due.append(replace(change, remote_id=record.remote_id, flags=flags, held=record.availability))
    return due


def _created(wanted: Availability, carried: Collection[str]) -> Availability:
    return wanted.only(*carried).over(CREATED_WITHOUT)


def _add(
    changes: list[AvailabilityChange],
    external_id: str,
    locator: str,
    remote_id: str | None,
    wanted: Availability,
    held: Availability,
) -> None:
    flags = wanted.differences(held)
    if not flags.is_empty():
        changes.append(AvailabilityChange(external_id, locator, remote_id, wanted, flags, held))


def bulk_batches(
    changes: Sequence[AvailabilityChange], limit: int = BULK_LIMIT
) -> list[list[AvailabilityChange]]:
    """``changes`` grouped by the flags they set (one bulk action sets the same flags on every
    item), in calls of at most ``limit`` items."""
    groups: dict[tuple[int, ...], list[AvailabilityChange]] = {}
    for change in changes:
        key = tuple(-1 if flag is None else int(flag) for flag in change.flags.as_tuple())
        groups.setdefault(key, []).append(change)
    return [
        group[start : start + limit]
        for _, group in sorted(groups.items())
        for start in range(0, len(group), limit)
    ]


def set_availability_request(
    kind: ContentType, batch: Sequence[AvailabilityChange]
) -> ContentBulkActionRequest:
    """The ``set_availability`` bulk action giving every item of ``batch`` (one of
    :func:`bulk_batches`, each naming its remote id) the flags they share."""
    flags = batch[0].flags
    items = []
    for change in batch:
        assert change.remote_id is not None and change.flags == flags, "a batch of bulk_batches()"
        items.append(ContentItem(type=kind, id=change.remote_id))
    return ContentBulkActionRequest(
        action="set_availability",
        content_ids=tuple(items),
        availability=BulkAvailability(
            ai_agent=flags.ai_agent, copilot=flags.ai_copilot, sales_agent=flags.ai_sales_agent
        ),
    )
