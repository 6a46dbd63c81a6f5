"""Owner tags: the configured tag on every remote twin fin-ingest owns, moved apart from the upserts.

``[intercom] owner_tag_id`` names an existing tag of the workspace; teammates filter the Knowledge
Hub by it to see what fin-ingest keeps in step (and should not be edited there). API 2.16 and
Preview put tags on content with the ``update_tags`` bulk action only (External Pages as
``external_content``, articles by their own ``article`` id, internal articles): no page, article
or internal article request carries tags. So tags are settled as availability is
(:mod:`ingest.targets.availability`): state records the owner tag each twin carries, a plan moves
exactly the twins whose tag differs from the configured one (creates and adoptions included), after
the upserts, up to 1,000 per call, each accepted call recorded at once. A changed tag is moved
(the old one removed, the new one added, in the same call); no tag configured removes the one
fin-ingest put there; a twin fin-ingest lets go of but leaves in Intercom (an article kept or made a
draft by ``on_delete``) loses it, since it is no longer kept in step.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ingest.errors import ConfigError, RejectedError
from ingest.intercom import BulkTags, ContentBulkActionRequest, ContentItem, IntercomClient
from ingest.intercom.bulk_actions import ContentType
from ingest.plan import Plan, TagChange
from ingest.state import DocumentRecord, touched_records, untouched_records_where
from ingest.targets.availability import BULK_LIMIT

log = logging.getLogger("ingest.targets.tagging")

#: The configuration key naming the owner tag, as error messages name it.
OWNER_TAG_KEY: Final = "intercom.owner_tag_id"


@dataclass(frozen=True, slots=True)
class OwnerTagging:
    """The owner tag a source's targets keep on what they own, where the API version can tag."""

    #: The configured tag; None: none (a tag fin-ingest put on a twin is removed).
    tag_id: int | None


def owner_tag_changes(
    plan: Plan,
    records: Mapping[str, DocumentRecord],
    tag_id: int | None,
    *,
    keeps_retired: bool = False,
    shared_twins: Collection[str] = (),
) -> tuple[TagChange, ...]:
    """The twins whose owner tag will differ from ``tag_id`` once ``plan``'s upserts are done: every
    recorded document that stays, by the tag state knows its twin carries, and every document
    ``plan`` creates. A document ``plan`` deletes is left out, unless the target ``keeps_retired``
    twins in Intercom: then the tag it carries is removed. ``shared_twins`` (external ids) are
    written into another document's twin (a translation into its original's article) and carry no
    tag of their own. Records a run leaves untouched (found unchanged by the scan) are looked over
    by kind, and built only where their kind carries another tag."""
    gone = {deletion.external_id for deletion in plan.deletes}
    untouched = untouched_records_where(records, lambda kind: kind.owner_tag != tag_id)
    looked_over = [*touched_records(records).items(), *((record.external_id, record) for record in untouched)]
    changes: list[TagChange] = []
    for external_id, record in sorted(looked_over):
        if external_id in shared_twins:
            continue
        retired = external_id in gone
        if retired and not keeps_retired:
            continue
        wanted = None if retired else tag_id
        if record.owner_tag != wanted:
            changes.append(TagChange(external_id, record.locator, record.remote_id, wanted, record.owner_tag))
    if tag_id is not None:
        for item in plan.creates:
            page = item.page
            if page.external_id not in records and page.external_id not in shared_twins:
                changes.append(TagChange(page.external_id, page.locator, None, tag_id, None))
    return tuple(changes)


def due_tag_changes(planned: Sequence[TagChange], records: Mapping[str, DocumentRecord]) -> list[TagChange]:
    """What of ``planned`` still differs from what state knows once the upserts are done, each naming
    its twin: a twin whose create failed has nothing to tag; one that was recreated under a new id
    carries no tag any more."""
    due: list[TagChange] = []
    for change in planned:
        record = records.get(change.external_id)
        if record is None or record.remote_id is None or record.owner_tag == change.add:
            continue
        due.append(
            TagChange(change.external_id, change.locator, record.remote_id, change.add, record.owner_tag)
        )
    return due


def tag_batches(changes: Sequence[TagChange], limit: int = BULK_LIMIT) -> list[list[TagChange]]:
    """``changes`` grouped by the tags they add and remove (one ``update_tags`` does the same to every
    item), in calls of at most ``limit`` items."""
    groups: dict[tuple[int, int], list[TagChange]] = {}
    for change in changes:
        groups.setdefault((change.add or 0, change.remove or 0), []).append(change)
    return [
        group[start : start + limit]
        for _, group in sorted(groups.items())
        for start in range(0, len(group), limit)
    ]


def update_tags_request(
    kind: ContentType, batch: Sequence[TagChange], *, removing: bool = True
) -> ContentBulkActionRequest:
    """The ``update_tags`` bulk action doing what every change of ``batch`` (one of :func:`tag_batches`)
    does; without ``removing``, only what it adds."""
    add, remove = batch[0].add, batch[0].remove if removing else None
    items: dict[str, ContentItem] = {}
    for change in batch:
        assert change.remote_id is not None and change.add == batch[0].add, "a batch of tag_batches()"
        items.setdefault(change.remote_id, ContentItem(type=kind, id=change.remote_id))
    return ContentBulkActionRequest(
        action="update_tags",
        content_ids=tuple(items.values()),
        tags=BulkTags(
            add_tag_ids=None if add is None else (add,),
            remove_tag_ids=None if remove is None else (remove,),
        ),
    )


async def move_owner_tags(client: IntercomClient, kind: ContentType, batch: Sequence[TagChange]) -> None:
    """Send one ``update_tags`` for ``batch``: afterwards its twins carry the tag each change adds.

    Intercom refuses (422) an action naming a tag that does not exist or is archived. The tag
    removed is the one configured before, which may have been deleted or archived since (often the
    reason it was changed): its twins are then tagged with the new one alone, and a tag that cannot
    be removed is left as it is, with a warning. A refused configured tag is a ConfigError naming
    the key: every later call would be refused alike.
    """
    add, remove = batch[0].add, batch[0].remove
    try:
        await client.bulk_content_action(update_tags_request(kind, batch))
        return
    except RejectedError as exc:
        if not _refuses_a_tag(exc):
            raise
        if remove is None:
            raise _refused(add, exc) from None
        refusal = exc
    if add is not None:
        try:
            await client.bulk_content_action(update_tags_request(kind, batch, removing=False))
        except RejectedError as exc:
            if not _refuses_a_tag(exc):
                raise
            raise _refused(add, exc) from None
    log.warning(
        "tag %s could not be removed from %d %s items (Intercom: %s); it no longer exists or is archived, "
        "so it is left as it is",
        remove,
        len(batch),
        kind,
        refusal,
    )


def _refuses_a_tag(exc: RejectedError) -> bool:
    """Whether Intercom refused the tags named (rather than the items)."""
    return exc.status == 422 and (exc.field is None or exc.field.startswith("tags"))


def _refused(tag_id: int | None, exc: RejectedError) -> ConfigError:
    return ConfigError(
        f"{OWNER_TAG_KEY}: Intercom refused tag {tag_id}: {exc}; name the id of an existing tag that is "
        "not archived, or remove the key"
    )
