"""Owner tags moved apart from the upserts: which twins need the tag moved, in which calls, and what a
refusal of Intercom means."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ingest.errors import ConfigError, RejectedError
from ingest.intercom import MAX_BULK_ITEMS, ContentBulkAction, ContentBulkActionRequest
from ingest.plan import Deletion, Plan, TagChange
from ingest.state import DocumentRecord, Placement
from ingest.targets.articles.planning import ArticlesPlanner
from ingest.targets.articles.settings import ArticlesSettings
from ingest.targets.base import BoundTarget
from ingest.targets.external_pages.planning import ExternalPagesPlanner
from ingest.targets.tagging import (
    OwnerTagging,
    due_tag_changes,
    move_owner_tags,
    owner_tag_changes,
    tag_batches,
    update_tags_request,
)
from tests.targets.pages import create, page

OWNER, OTHER = 7, 8


def record(
    name: str, tag: int | None = None, *, remote_id: str | None = None, locale: str | None = None
) -> DocumentRecord:
    return DocumentRecord(
        name,
        name,
        f"fp-{name}",
        "hash",
        remote_id or f"id-{name}",
        name,
        0.0,
        placement=Placement(locale=locale),
        owner_tag=tag,
    )


def plan(**items: object) -> Plan:
    return Plan(source="docs", target="external_pages", **items)  # type: ignore[arg-type]


def by_name(records: Sequence[DocumentRecord]) -> dict[str, DocumentRecord]:
    return {r.external_id: r for r in records}


def moves(changes: Sequence[TagChange]) -> dict[str, tuple[int | None, int | None]]:
    return {change.external_id: (change.add, change.remove) for change in changes}


def test_twins_carrying_the_configured_tag_need_nothing_and_the_others_get_it() -> None:
    """A twin state knows carries the tag is left alone; one it knows carries none (an earlier release's,
    an adopted one) gets it; one carrying the old tag has it moved; a new page gets it."""
    records = by_name([record("a.md", OWNER), record("b.md"), record("c.md", OTHER)])
    found = owner_tag_changes(plan(creates=(create(page("d.md")),)), records, OWNER)
    assert moves(found) == {"b.md": (OWNER, None), "c.md": (OWNER, OTHER), "d.md": (OWNER, None)}
    assert {c.external_id: c.remote_id for c in found} == {"b.md": "id-b.md", "c.md": "id-c.md", "d.md": None}


def test_no_tag_configured_removes_the_tag_fin_ingest_put_there_and_tags_nothing_new() -> None:
    records = by_name([record("a.md", OWNER), record("b.md")])
    assert moves(owner_tag_changes(plan(creates=(create(page("c.md")),)), records, None)) == {
        "a.md": (None, OWNER)
    }


def test_a_deleted_twin_keeps_its_tag_unless_the_target_keeps_it_in_intercom() -> None:
    """A deleted page goes with its tags; an article kept (or made a draft) loses the tag, being no
    longer kept in step; one that never carried it needs nothing."""
    records = by_name([record("a.md", OWNER), record("b.md")])
    deletes = tuple(Deletion(name, name, name, f"id-{name}") for name in ("a.md", "b.md"))
    assert owner_tag_changes(plan(deletes=deletes), records, OWNER) == ()
    assert moves(owner_tag_changes(plan(deletes=deletes), records, OWNER, keeps_retired=True)) == {
        "a.md": (None, OWNER)
    }


def test_a_translation_carries_no_tag_of_its_own() -> None:
    """The articles planner leaves out translations (recorded, and created in this plan): their
    original's article carries the tag."""
    planner = ArticlesPlanner(ArticlesSettings(author_id=1, collection="Docs"))
    records = by_name(
        [record("guide.md", OWNER, remote_id="1"), record("guide.de.md", remote_id="1", locale="de")]
    )
    creates = (create(page("guide.fr.md")), create(page("other.md")))
    assert moves(planner.tag_changes(plan(creates=creates), records, OWNER)) == {"other.md": (OWNER, None)}


def test_a_version_that_cannot_tag_plans_no_tag_change() -> None:
    """2.15 (no bulk actions): a target built without tagging moves nothing, whatever state says."""
    records = by_name([record("a.md", OWNER)])
    planner = ExternalPagesPlanner(url="https://docs.example.com")
    assert BoundTarget(planner, None).planned_tags(plan(), records) == ()
    assert moves(BoundTarget(planner, None, OwnerTagging(None)).planned_tags(plan(), records)) == {
        "a.md": (None, OWNER)
    }


def test_what_is_due_once_the_upserts_are_done_is_held_against_state() -> None:
    """A page whose create failed has no twin to tag; one whose answer left it tagged needs nothing;
    a twin made again under a new id is tagged by that id, with nothing to remove."""
    planned = [
        TagChange("new.md", "new.md", None, OWNER, None),
        TagChange("done.md", "done.md", "id-done.md", OWNER, None),
        TagChange("made-again.md", "made-again.md", "id-old", OWNER, OTHER),
    ]
    records = by_name([record("done.md", OWNER), record("made-again.md", remote_id="id-new")])
    (due,) = due_tag_changes(planned, records)
    assert (due.external_id, due.remote_id, due.add, due.remove) == ("made-again.md", "id-new", OWNER, None)


def test_batches_hold_one_move_each_and_at_most_1000_items() -> None:
    """One ``update_tags`` adds and removes the same tags on every item: 2,500 pages getting the tag
    are 3 calls; pages whose old tag differs are a call of their own."""
    changes = [TagChange(f"{i}.md", f"{i}.md", str(i), OWNER, None) for i in range(2500)]
    changes.append(TagChange("old.md", "old.md", "9999", OWNER, OTHER))
    batches = tag_batches(changes)
    assert sorted(len(batch) for batch in batches) == [1, 500, 1000, 1000]
    assert all(len({(c.add, c.remove) for c in batch}) == 1 for batch in batches)
    assert max(len(batch) for batch in batches) == MAX_BULK_ITEMS


def test_the_request_names_each_twin_once_and_may_leave_out_the_removal() -> None:
    batch = [TagChange(name, name, "42", OWNER, OTHER) for name in ("a.md", "a.de.md")]
    assert update_tags_request("article", batch).to_body() == {
        "action": "update_tags",
        "content_ids": [{"type": "article", "id": "42"}],
        "tags": {"add_tag_ids": [OWNER], "remove_tag_ids": [OTHER]},
    }
    assert update_tags_request("article", batch, removing=False).to_body()["tags"] == {"add_tag_ids": [OWNER]}


class Refusing:
    """A client whose bulk actions are refused as ``refusals`` says, in order (None: accepted)."""

    def __init__(self, *refusals: RejectedError | None) -> None:
        self.refusals = list(refusals)
        self.sent: list[ContentBulkActionRequest] = []

    async def bulk_content_action(self, request: ContentBulkActionRequest) -> ContentBulkAction:
        self.sent.append(request)
        refusal = self.refusals.pop(0)
        if refusal is not None:
            raise refusal
        return ContentBulkAction(type="content_bulk_action", status="queued")


def refused_tags(field: str | None = "tags") -> RejectedError:
    return RejectedError(
        "tag 8 does not exist or is archived", status=422, code="parameter_invalid", field=field
    )


BATCH = [TagChange("a.md", "a.md", "1", OWNER, OTHER)]


async def test_a_refused_configured_tag_is_a_config_error_naming_the_key() -> None:
    """Nothing to remove, so the refused tag is the configured one: every later call would be refused."""
    client = Refusing(refused_tags())
    with pytest.raises(ConfigError, match=r"^intercom\.owner_tag_id: Intercom refused tag 7: tag 8 does not"):
        await move_owner_tags(client, "external_content", [TagChange("a.md", "a.md", "1", OWNER, None)])  # type: ignore[arg-type]


async def test_a_refused_old_tag_is_left_and_the_new_one_added() -> None:
    client = Refusing(refused_tags(), None)
    await move_owner_tags(client, "external_content", BATCH)  # type: ignore[arg-type]
    assert [request.to_body()["tags"] for request in client.sent] == [
        {"add_tag_ids": [OWNER], "remove_tag_ids": [OTHER]},
        {"add_tag_ids": [OWNER]},
    ]


async def test_a_refused_new_tag_after_a_refused_move_is_a_config_error() -> None:
    client = Refusing(refused_tags(), refused_tags())
    with pytest.raises(ConfigError, match=r"^intercom\.owner_tag_id: Intercom refused tag 7"):
        await move_owner_tags(client, "external_content", BATCH)  # type: ignore[arg-type]


async def test_an_old_tag_that_cannot_be_removed_any_more_is_left_as_it_is() -> None:
    """No tag configured, the one to remove refused (deleted or archived since): nothing more to do."""
    client = Refusing(refused_tags())
    await move_owner_tags(client, "external_content", [TagChange("a.md", "a.md", "1", None, OTHER)])  # type: ignore[arg-type]
    assert len(client.sent) == 1


async def test_a_refusal_of_the_items_is_no_config_error() -> None:
    """A 422 naming the items is those items' failure, raised as it is."""
    client = Refusing(refused_tags(field="content_ids[0].id"))
    with pytest.raises(RejectedError):
        await move_owner_tags(client, "external_content", BATCH)  # type: ignore[arg-type]
    assert len(client.sent) == 1
