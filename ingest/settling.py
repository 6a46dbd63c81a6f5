"""What a target sets on remote twins apart from their upserts: after them, in bulk calls, each
accepted call recorded at once.

Availability (where the API version has bulk actions) and owner tags are both settled this way. The
plan carries the changes the target expects; once the upserts are done, execution sends what still
differs from what state records (an upsert's answer may have settled it; a twin whose create failed
has nothing to set it on), in the target's batches. State says what the twins hold only once a call
is accepted, so a run killed between the upserts and these calls converges: the next run finds the
same differences and sends the calls again, and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar

from ingest.availability import WITHDRAWN
from ingest.plan import AvailabilityChange, Plan, TagChange, Withdrawal
from ingest.state import DocumentRecord, TargetStore
from ingest.targets.availability import due_availability_changes
from ingest.targets.base import Target
from ingest.targets.tagging import due_tag_changes


class ChangeApart(Protocol):
    """**Protocol**: a change of one remote twin, settled apart from its upsert."""

    @property
    def external_id(self) -> str: ...

    @property
    def locator(self) -> str: ...


Change = TypeVar("Change", bound=ChangeApart)


@dataclass(frozen=True)
class ApartStep(Generic[Change]):
    """One kind of change settled apart: how to tell what is still due, batch it, send it, record it."""

    #: What it does, as a failure says it ("tagging failed: ...").
    doing: str
    #: The count of the run it adds to.
    counter: Literal["availability", "tagged", "withdrawn"]
    #: The planned changes still due once the upserts are done, against what state records.
    due: Callable[[Sequence[Change], Mapping[str, DocumentRecord]], list[Change]]
    #: The due changes in the groups one call settles.
    batches: Callable[[Sequence[Change]], list[list[Change]]]
    #: One call for one batch.
    send: Callable[[Sequence[Change]], Awaitable[None]]
    #: Remember in state what an accepted call settled.
    record: Callable[[Sequence[Change]], None]
    #: Whether :attr:`due` looks at the records (built for it only then).
    needs_records: bool = True


def availability_step(target: Target, store: TargetStore) -> ApartStep[AvailabilityChange]:
    """Availability set with bulk actions: ``set_availability``, the flags that differ."""

    def record(batch: Sequence[AvailabilityChange]) -> None:
        store.record_availability((change.external_id, change.flags) for change in batch)

    return ApartStep(
        doing="setting availability",
        counter="availability",
        due=due_availability_changes,
        batches=target.availability_batches,
        send=target.set_availability,
        record=record,
    )


def withdrawing(item: Withdrawal) -> AvailabilityChange:
    """The availability change that withdraws ``item``'s twin: every flag off."""
    return AvailabilityChange(item.external_id, item.locator, item.remote_id, WITHDRAWN, WITHDRAWN)


def withdrawal_step(target: Target, store: TargetStore, *, at: float) -> ApartStep[AvailabilityChange]:
    """Twins of documents gone withdrawn with bulk actions (``set_availability``, every flag off),
    each accepted call recorded with the time of the run ``at``. Every planned one is due: a run
    killed after Intercom accepted the call but before it was recorded withdraws them again on the
    next run (setting the same flags twice is harmless), and records them then."""

    def record(batch: Sequence[AvailabilityChange]) -> None:
        store.record_withdrawn((change.external_id for change in batch), at=at)

    return ApartStep(
        doing="withdrawing",
        counter="withdrawn",
        due=lambda planned, records: list(planned),
        batches=target.availability_batches,
        send=target.set_availability,
        record=record,
        needs_records=False,
    )


def tags_step(target: Target, store: TargetStore, plan: Plan, *, retiring: bool) -> ApartStep[TagChange]:
    """Owner tags moved with bulk actions: ``update_tags``, the old tag removed, the new one added.

    What is due is planned again against state once the upserts are done, not only checked: a twin
    an upsert made again under a new id (deleted in Intercom meanwhile) carries no tag, and is tagged
    in this run too. Unless ``retiring`` (deletes wait for a run whose uploads all succeed), the twins
    about to be retired keep theirs: they are still kept in step until then."""
    waiting = set() if retiring else {deletion.external_id for deletion in plan.deletes}

    def due(planned: Sequence[TagChange], records: Mapping[str, DocumentRecord]) -> list[TagChange]:
        now = [change for change in target.planned_tags(plan, records) if change.external_id not in waiting]
        return due_tag_changes(now, records)

    def record(batch: Sequence[TagChange]) -> None:
        store.record_tags((change.external_id, change.add) for change in batch)

    return ApartStep(
        doing="tagging",
        counter="tagged",
        due=due,
        batches=target.tag_batches,
        send=target.update_tags,
        record=record,
    )
