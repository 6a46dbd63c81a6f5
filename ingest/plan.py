"""Documents + state -> Plan: what one source needs done to one target, decided before anything is sent.

The planner is a pure function: it reads no files and sends no requests, so every rule
here (what counts as unchanged, what is deleted, when a delete is refused) is tested
with plain values.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol, overload

from ingest.availability import FRONT_MATTER_KEYS, UNSAID, Availability
from ingest.availability_rules import AvailabilityRules
from ingest.document import Failure, Page, SkippedDocument
from ingest.state import DocumentRecord, touched_records


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Upsert:
    """Send ``page``; ``remote_id`` is known for an update."""

    action: Action
    page: Page
    content_hash: str
    remote_id: str | None = None
    #: What the document says of its own availability (``ai_agent: false``) under its source's rules.
    declared: Availability = UNSAID
    #: Whether this update restores a withdrawn twin (its document came back): the same page, sent
    #: again with the availability its document wants.
    restore: bool = False
    #: What the source's availability rules looked at and gave (None: it has none).
    rule_facts: str | None = None


@dataclass(frozen=True, slots=True)
class Deletion:
    """Delete the remote twin of a document that is gone from the source."""

    external_id: str
    locator: str
    title: str
    remote_id: str | None
    #: Whether the twin was withdrawn before (``on_delete = "withdraw"``) and its grace period is
    #: over: users saw it go then, so the mass-delete guard does not count it again.
    expired: bool = False


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Make the remote twin of a document gone from the source unavailable to every Fin surface,
    keeping it (and its record) so that the document may come back to it (``on_delete = "withdraw"``)."""

    external_id: str
    locator: str
    title: str
    remote_id: str | None


@dataclass(frozen=True, slots=True)
class SoftDelete:
    """``on_delete = "withdraw"``: a document gone from the source has its twin withdrawn first, and
    deleted once it has stayed gone ``grace_seconds`` (``withdraw_days``), as of ``now``."""

    grace_seconds: float
    #: The time of the run (a Unix time; injected, so that tests control it).
    now: float

    def expired(self, withdrawn_at: float) -> bool:
        return self.now - withdrawn_at >= self.grace_seconds


@dataclass(frozen=True, slots=True)
class Refresh:
    """A document whose file changed but whose payload did not: store the new fingerprint only."""

    external_id: str
    locator: str
    fingerprint: str
    declared: Availability = UNSAID
    rule_facts: str | None = None


@dataclass(frozen=True, slots=True)
class AvailabilityChange:
    """Make a remote twin available to the Fin surfaces its document wants, without sending it again.

    ``remote_id`` is None for a page this run creates (known once it is). ``flags`` are the
    flags to set, the others left as they are: in a plan, what the target expects to differ
    once the upserts are done; when carried out, what still differs from what state knows.
    """

    external_id: str
    locator: str
    remote_id: str | None
    #: Every flag, as the source's settings and rules and the document's front matter say.
    wanted: Availability
    flags: Availability
    #: What the remote twin holds before (as state knows it; a flag None: not known).
    held: Availability = UNSAID

    def moves(self) -> list[tuple[str, bool | None, bool]]:
        """Each flag set: its name, what the twin holds before (None: not known) and after."""
        before, after = self.held.as_tuple(), self.flags.as_tuple()
        return [
            (name, was, now)
            for name, was, now in zip(FRONT_MATTER_KEYS, before, after, strict=True)
            if now is not None
        ]

    def described(self) -> str:
        """The flags set, as ``ai_agent true -> false, ai_sales_agent unknown -> true``."""
        return ", ".join(f"{name} {_said(was)} -> {_said(now)}" for name, was, now in self.moves())


def _said(flag: bool | None) -> str:
    return "unknown" if flag is None else str(flag).lower()


@dataclass(frozen=True, slots=True)
class TagChange:
    """Move a remote twin's owner tag (``[intercom] owner_tag_id``) from the one state knows it
    carries to the configured one, without sending the twin again: ``add`` it, ``remove`` the
    other (either may be None). ``remote_id`` is None for a twin this run creates."""

    external_id: str
    locator: str
    remote_id: str | None
    add: int | None
    remove: int | None


@dataclass(frozen=True)
class Plan:
    """Everything one run will do for one source and target."""

    source: str
    target: str
    #: Tuples, or (a streamed run's) records kept on disk and read back one at a time.
    creates: Sequence[Upsert] = ()
    updates: Sequence[Upsert] = ()
    deletes: tuple[Deletion, ...] = ()
    refreshes: tuple[Refresh, ...] = ()
    unchanged: int = 0
    skipped: tuple[SkippedDocument, ...] = ()
    failures: tuple[Failure, ...] = ()
    known: int = 0
    #: Set when the mass-delete guard refuses this plan: why, in one sentence. A refused
    #: plan is shown but not carried out, not even its creates and updates.
    refusal: str | None = None
    #: Availability to set after the upserts, apart from them (a bulk action), by the target.
    availability: tuple[AvailabilityChange, ...] = ()
    #: Owner tags to move after the upserts, apart from them (a bulk action), by the target.
    tags: tuple[TagChange, ...] = ()
    #: Whether this is the outline a streamed run gets ready from: what the scan alone decides
    #: (deletes it shows, what is settled apart), before any document is read; no upsert is known.
    outline: bool = False
    #: Twins to withdraw (``on_delete = "withdraw"``), after the upserts, in bulk actions.
    withdrawals: tuple[Withdrawal, ...] = ()
    #: Twins withdrawn earlier whose document is still gone and whose grace period is not over.
    still_withdrawn: int = 0
    #: The source's soft delete, when it withdraws rather than deletes (its clock included).
    soft_delete: SoftDelete | None = None

    @property
    def writes(self) -> int:
        settled_apart = len(self.availability) + len(self.tags) + len(self.withdrawals)
        return len(self.creates) + len(self.updates) + len(self.deletes) + settled_apart

    @property
    def expiries(self) -> int:
        """The deletes of twins withdrawn before whose grace period is over."""
        return sum(deletion.expired for deletion in self.deletes)

    @property
    def restores(self) -> int:
        """The updates that bring back a withdrawn twin (read through: a streamed plan's are on disk)."""
        return sum(update.restore for update in self.updates)

    @property
    def upserts(self) -> Sequence[Upsert]:
        if isinstance(self.creates, tuple) and isinstance(self.updates, tuple):
            return self.creates + self.updates
        return _Joined(self.creates, self.updates)


class UpsertsByPosition(Sequence[Upsert]):
    """Upserts read by position where they are kept (a subclass gives :meth:`_at`); a slice is a
    tuple of the upserts it covers."""

    @abstractmethod
    def _at(self, position: int) -> Upsert:
        """The upsert at ``position`` (0 <= position < len(self))."""

    @overload
    def __getitem__(self, index: int) -> Upsert: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Upsert]: ...
    def __getitem__(self, index: int | slice) -> Upsert | Sequence[Upsert]:
        if isinstance(index, slice):
            return tuple(self._at(position) for position in range(*index.indices(len(self))))
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self._at(position)


class _Joined(UpsertsByPosition):
    """Creates then updates, read through without copying either (they may be kept on disk)."""

    def __init__(self, first: Sequence[Upsert], second: Sequence[Upsert]) -> None:
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first) + len(self._second)

    def _at(self, position: int) -> Upsert:
        first = len(self._first)
        return self._first[position] if position < first else self._second[position - first]

    def __iter__(self) -> Iterator[Upsert]:
        yield from self._first
        yield from self._second


class IdSet(Protocol):
    """A growing set of external ids (:class:`ingest.state.seen_ids.SeenIds`: on disk)."""

    def add(self, external_id: str, /) -> object: ...

    def __contains__(self, external_id: object, /) -> bool: ...


class _Present:
    """External ids the source still has: unchanged by fingerprint (the scan's set, not copied)
    or planned now."""

    def __init__(self, unchanged: Collection[str], converted: IdSet) -> None:
        self._unchanged, self._converted = unchanged, converted

    def __contains__(self, external_id: str) -> bool:
        return external_id in self._unchanged or external_id in self._converted

    def add(self, external_id: str) -> None:
        self._converted.add(external_id)


class KeptUpserts(Protocol):
    """Where a :class:`PlanBuilder` keeps each upsert's light record to the end of a run
    (:class:`ingest.plan_spill.SpilledUpserts`: on disk), read back as its plan's creates and updates."""

    def append(self, upsert: Upsert) -> None: ...

    def creates(self) -> Sequence[Upsert]: ...

    def updates(self) -> Sequence[Upsert]: ...


class WholePlanNeeded(Exception):
    """Raised by a target getting ready from an outline (:attr:`Plan.outline`) when it cannot do so
    without knowing every upsert first (adopting the pages a lost state file left needs their
    external ids): nothing was sent or recorded, and the engine plans the source whole instead."""


def mass_delete_refusal(deleting: int, known: int, max_share: float, *, verb: str = "delete") -> str | None:
    """Why deleting (``verb``: or withdrawing) ``deleting`` of ``known`` pages is refused (more than
    ``max_share``), or None."""
    if known == 0 or deleting == 0 or deleting <= max_share * known:
        return None
    return (
        f"refusing to {verb} {deleting} of {known} pages ({deleting / known:.0%}, limit {max_share:.0%}): "
        "check that the source is complete, then rerun with --allow-mass-delete"
    )


@dataclass(frozen=True)
class Retired:
    """What becomes of the twins of documents gone from the source, and the guard's word on it."""

    deletes: tuple[Deletion, ...]
    withdrawals: tuple[Withdrawal, ...]
    still_withdrawn: int
    refusal: str | None


def retire(
    gone: Iterable[Deletion],
    records: Mapping[str, DocumentRecord],
    soft_delete: SoftDelete | None,
    *,
    max_share: float,
    allow_mass_delete: bool,
) -> Retired:
    """Split the twins of ``gone`` documents into deletes and withdrawals, and ask the guard.

    Without ``soft_delete`` every one is deleted; with it, a twin not withdrawn yet is withdrawn,
    and a twin withdrawn earlier is deleted once its grace period is over (else left as it is). A
    twin withdrawn earlier is deleted at once when the source deletes (it was withdrawn under
    ``on_delete = "withdraw"``, set back since). The guard counts what users see go in this run
    (deletes of twins still available, withdrawals) against the twins still available: a twin
    withdrawn earlier was counted when it was withdrawn.
    """
    deletes: list[Deletion] = []
    withdrawals: list[Withdrawal] = []
    waiting = 0
    for deletion in gone:
        record = records[deletion.external_id]
        if record.withdrawn_at is not None:
            if soft_delete is None or soft_delete.expired(record.withdrawn_at):
                deletes.append(replace(deletion, expired=True))
            else:
                waiting += 1
        elif soft_delete is not None:
            withdrawals.append(
                Withdrawal(deletion.external_id, deletion.locator, deletion.title, deletion.remote_id)
            )
        else:
            deletes.append(deletion)
    refusal = None
    if not allow_mass_delete:
        # Every withdrawn twin is a record the run may touch: its document is gone (not scanned
        # unchanged) or back (its fingerprint was forgotten, so it is read).
        withdrawn = sum(record.withdrawn_at is not None for record in touched_records(records).values())
        going = len(withdrawals) + sum(not deletion.expired for deletion in deletes)
        verb = "delete" if soft_delete is None else "withdraw"
        refusal = mass_delete_refusal(going, len(records) - withdrawn, max_share, verb=verb)
    return Retired(tuple(deletes), tuple(withdrawals), waiting, refusal)


def failed_keys(failures: Iterable[Failure]) -> frozenset[str]:
    """What ``failures`` protect from deletion: their locators, and their external ids (each as
    ``\\0id:<external id>``, which no locator is) where the connector gave one."""
    keys: set[str] = set()
    for failure in failures:
        keys.add(failure.locator)
        if failure.external_id is not None:
            keys.add(f"\0id:{failure.external_id}")
    return frozenset(keys)


def protected_ids(records: Mapping[str, DocumentRecord], failures: Iterable[Failure]) -> list[str]:
    """The external ids of the records ``failures`` keep as they were (see :func:`failed_keys`)."""
    failed = failed_keys(failures)
    return [external_id for external_id, record in records.items() if _protected(record, failed)]


def _protected(record: DocumentRecord, failed: Collection[str]) -> bool:
    """A failure on a document (at its recorded locator, or by its external id wherever it moved),
    or on a folder above it (one that could not be listed)."""
    locator = record.locator
    if locator in failed or f"\0id:{record.external_id}" in failed:
        return True
    parts = locator.split("/")
    return any("/".join(parts[:depth]) in failed for depth in range(1, len(parts)))


def make_plan(
    *,
    source: str,
    target: str,
    pages: Iterable[Page],
    unchanged_ids: Collection[str],
    skipped: Iterable[SkippedDocument],
    failures: Iterable[Failure],
    records: Mapping[str, DocumentRecord],
    payload_hash: Callable[[Page], str],
    max_delete_share: float,
    allow_mass_delete: bool = False,
    soft_delete: SoftDelete | None = None,
    rules: AvailabilityRules | None = None,
) -> Plan:
    """Compare converted ``pages`` (documents whose fingerprint changed) and ``unchanged_ids``
    (documents skipped by fingerprint) with the ``records`` of the last successful sends.

    A document that failed to load keeps its remote page: only documents that are really
    gone (or skipped on purpose) are deleted.
    """
    builder = PlanBuilder(
        source=source,
        target=target,
        unchanged_ids=unchanged_ids,
        records=records,
        payload_hash=payload_hash,
        max_delete_share=max_delete_share,
        allow_mass_delete=allow_mass_delete,
        keep_html=True,
        soft_delete=soft_delete,
        rules=rules,
    )
    builder.add(pages)
    return builder.finish(skipped=skipped, failures=failures)


@dataclass(frozen=True)
class PlannedBatch:
    """What one batch of converted pages needs: its upserts (each holding its page whole, to be
    sent now), the records to refresh, and the pages that cannot be planned."""

    upserts: tuple[Upsert, ...]
    refreshes: tuple[Refresh, ...]
    failures: tuple[Failure, ...]


class PlanBuilder:
    """A plan made batch by batch, as documents are converted: each batch's upserts are handed
    back whole to be sent at once, while the plan keeps of them only what its deletes, its
    report and what is settled after the upserts need (never the HTML, unless ``keep_html``).

    Batches must come in locator order (a page whose external id another page took first fails,
    as in one sorted pass); the deletes and the mass-delete guard are decided in :meth:`finish`,
    from the records and the ids the batches and the scan left present.
    """

    def __init__(
        self,
        *,
        source: str,
        target: str,
        unchanged_ids: Collection[str],
        records: Mapping[str, DocumentRecord],
        payload_hash: Callable[[Page], str],
        max_delete_share: float,
        allow_mass_delete: bool = False,
        keep_html: bool = False,
        kept: KeptUpserts | None = None,
        converted_ids: IdSet | None = None,
        soft_delete: SoftDelete | None = None,
        rules: AvailabilityRules | None = None,
    ) -> None:
        """``kept``: where each upsert's light record is kept (None: in memory); ``converted_ids``:
        where the external ids of the pages planned are kept (None: a set in memory);
        ``soft_delete``: withdraw the twins of documents gone rather than delete them; ``rules``: the
        source's availability rules (None: none)."""
        self._soft_delete = soft_delete
        self._source, self._target = source, target
        self._records = records
        self._payload_hash = payload_hash
        self._max_delete_share = max_delete_share
        self._allow_mass_delete = allow_mass_delete
        self._keep_html = keep_html
        self._kept = kept
        unchanged = unchanged_ids if isinstance(unchanged_ids, set | frozenset) else set(unchanged_ids)
        present = _Present(unchanged, set() if converted_ids is None else converted_ids)
        self._compared = _Comparison(present=present, unchanged=len(unchanged))
        self._owner_of: dict[str, str] | None = None
        self._rules = rules or AvailabilityRules()
        #: Positions of the availability rules a page planned matched.
        self.rules_matched: set[int] = set()

    def add(self, pages: Iterable[Page]) -> PlannedBatch:
        """Plan ``pages`` (one batch, after every batch before it)."""
        compared = self._compared
        refreshed, failed = len(compared.refreshes), len(compared.failures)
        upserts: list[Upsert] = []
        for page in sorted(pages, key=lambda page: page.locator):
            change = self._compare(page)
            if isinstance(change, Upsert):
                upserts.append(change)
                if self._kept is not None:
                    self._kept.append(change)
                    continue
                kept = change if self._keep_html else _without_html(change)
                (compared.creates if change.action is Action.CREATE else compared.updates).append(kept)
        return PlannedBatch(
            upserts=tuple(upserts),
            refreshes=tuple(compared.refreshes[refreshed:]),
            failures=tuple(compared.failures[failed:]),
        )

    def finish(self, *, skipped: Iterable[SkippedDocument], failures: Iterable[Failure]) -> Plan:
        """The whole plan: every batch's, the deletes, and the guard's refusal if it refuses.
        ``failures`` are those before planning (to read, to convert), which protect their pages."""
        compared = self._compared
        failures_out = (*failures, *compared.failures)
        retired = retire(
            _deletions(self._records, compared.present, failed_keys(failures_out)),
            self._records,
            self._soft_delete,
            max_share=self._max_delete_share,
            allow_mass_delete=self._allow_mass_delete,
        )
        return Plan(
            source=self._source,
            target=self._target,
            creates=tuple(compared.creates) if self._kept is None else self._kept.creates(),
            updates=tuple(compared.updates) if self._kept is None else self._kept.updates(),
            deletes=retired.deletes,
            refreshes=tuple(compared.refreshes),
            unchanged=compared.unchanged,
            skipped=tuple(skipped),
            failures=failures_out,
            known=len(self._records),
            refusal=retired.refusal,
            withdrawals=retired.withdrawals,
            still_withdrawn=retired.still_withdrawn,
            soft_delete=self._soft_delete,
        )

    def _compare(self, page: Page) -> Upsert | Refresh | None:
        """What ``page`` needs; a page whose external id is taken or whose request cannot be built
        is a failure (kept in the comparison, None returned)."""
        compared = self._compared
        if page.external_id in compared.present:
            owner = self._records.get(page.external_id)
            other = "another document" if owner is None else owner.locator
            compared.failures.append(
                Failure(page.locator, f"external_id {page.external_id!r} is already used by {other}")
            )
            return None
        compared.present.add(page.external_id)
        try:
            declared = self._rules.declared(page.locator, page.metadata)
        except ValueError as exc:
            compared.failures.append(Failure(page.locator, str(exc)))
            return None
        self.rules_matched.update(declared.matched)
        try:
            content_hash = self._payload_hash(page)
        except ValueError as exc:  # the target cannot express this page (pydantic's errors are ValueErrors)
            compared.failures.append(Failure(page.locator, f"cannot build the {self._target} request: {exc}"))
            return None
        record = self._records.get(page.external_id)
        change = _change_for(page, content_hash, record, declared.availability, declared.facts)
        if not isinstance(change, Upsert):
            compared.unchanged += 1
            if change is not None:
                compared.refreshes.append(change)
        return change


def deletions_by_scan(
    records: Mapping[str, DocumentRecord],
    *,
    scanned: Collection[str],
    unchanged_ids: Collection[str],
    failed: Collection[str],
) -> tuple[Deletion, ...]:
    """The recorded pages a scan alone shows gone: neither unchanged nor listed under their
    locator (``scanned``), nor protected by a failure of the scan. Reading the listed documents
    can only add deletes (drafts, pages a target refuses), unless a document moved to another
    locator under the same external id: the mass-delete guard asks this before anything is sent."""
    return tuple(
        Deletion(record.external_id, record.locator, record.title, record.remote_id)
        for external_id, record in sorted(touched_records(records).items())
        if external_id not in unchanged_ids
        and record.locator not in scanned
        and not _protected(record, failed)
    )


def _without_html(upsert: Upsert) -> Upsert:
    """``upsert`` keeping of its page what the report and the steps after the upserts read (its
    ids, title and scalar metadata): one is kept per document to the end of a run, so not its
    URL or fingerprint either, which only its request and its record (both done by then) read."""
    page = upsert.page
    light = Page(
        external_id=page.external_id,
        title=page.title,
        html="",
        url=None,
        locator=page.locator,
        fingerprint="",
        metadata={key: value for key, value in page.metadata.items() if isinstance(value, str | int | float)},
    )
    return replace(upsert, page=light)


@dataclass
class _Comparison:
    """Converted pages held against the records of the last sends."""

    #: External ids the source still has: converted now, or unchanged by fingerprint.
    present: _Present
    unchanged: int
    creates: list[Upsert] = field(default_factory=list)
    updates: list[Upsert] = field(default_factory=list)
    refreshes: list[Refresh] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def _change_for(
    page: Page, content_hash: str, record: DocumentRecord | None, said: Availability, facts: str | None = None
) -> Upsert | Refresh | None:
    """A create for a new page, an update for a changed payload or a withdrawn twin whose document
    came back, a refresh of the record for a page whose payload is the same but whose file moved or
    changed (or whose front matter or rules say another availability); None for no change."""
    if record is None:
        return Upsert(Action.CREATE, page, content_hash, declared=said, rule_facts=facts)
    if record.withdrawn_at is not None:  # back: the same twin, sent again with its availability
        return Upsert(
            Action.UPDATE, page, content_hash, record.remote_id, said, restore=True, rule_facts=facts
        )
    if record.content_hash != content_hash:
        return Upsert(Action.UPDATE, page, content_hash, record.remote_id, said, rule_facts=facts)
    if (
        record.fingerprint != page.fingerprint
        or record.locator != page.locator
        or record.declared != said
        or record.rule_facts != facts
    ):
        return Refresh(page.external_id, page.locator, page.fingerprint, said, facts)
    return None


def _deletions(
    records: Mapping[str, DocumentRecord], present: _Present, failed: Collection[str]
) -> tuple[Deletion, ...]:
    """The recorded pages whose document is gone, by external id, except those a failure protects
    (``present`` holds every id the scan found unchanged: those records need not be built)."""
    return tuple(
        Deletion(record.external_id, record.locator, record.title, record.remote_id)
        for external_id, record in sorted(touched_records(records).items())
        if external_id not in present and not _protected(record, failed)
    )
