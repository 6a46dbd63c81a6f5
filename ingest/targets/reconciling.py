"""Reconciling a target with what Intercom holds: what a target's inspection finds, and how each
finding is repaired.

``ingest reconcile`` asks every target whose sending half can (:class:`Reconciles`) to compare
what Intercom holds with what state says was sent, in reads only, and to say for each difference
(:class:`Drift`) what would repair it (:class:`Repair`). The repair is always a change of what
state knows, made by the engine, after which an ordinary run of the source sends what is needed
through the target's own paths: state stays right, the delete guard applies, and a run's report
says what was done. A target knows how to read its twins and how its requests carry what; the
engine knows no target by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, TypeVar, cast, runtime_checkable

from ingest.availability import UNSAID, Availability
from ingest.state import AdoptedPage, DocumentRecord

_T = TypeVar("_T")

#: Each Fin surface as a person names it.
SURFACES = {"ai_agent": "Fin", "ai_copilot": "Copilot", "ai_sales_agent": "Fin for sales"}


class DriftKind(StrEnum):
    """How a remote twin differs from what state and the configuration say."""

    #: Gone from Intercom (its GET answers 404).
    DELETED = "deleted"
    #: Holds other content than fin-ingest sent (another tool wrote it).
    ALTERED = "altered"
    #: Edited by a person since fin-ingest last wrote it (Help Center and internal articles).
    EDITED = "edited"
    #: Under the source's container, unknown to state (a crash, another tool).
    UNKNOWN = "unknown"
    #: Available to other Fin surfaces than the configuration (and front matter) say.
    AVAILABILITY = "availability"
    #: The container itself (a Content Import Source) is gone, deactivated or has another url.
    CONTAINER = "container"
    #: The owner tag (``[intercom] owner_tag_id``) is not on a twin state says carries it.
    TAG = "tag"


class Repair(StrEnum):
    """What ``--fix`` does about a drift, through state and then an ordinary run of the source."""

    #: State forgets what was sent (the remote id stays): the run sends the document again.
    RESEND = "resend"
    #: State forgets the document: the run creates its twin again.
    RECREATE = "recreate"
    #: State records the unknown twin as the document's: the run updates it from the document.
    ADOPT = "adopt"
    #: State records the unknown twin, which no document makes: the run deletes it (guarded).
    DELETE = "delete"
    #: State learns what the twin holds: the run sets the flags that differ.
    SET_AVAILABILITY = "set_availability"
    #: State forgets the owner tag the twin carried: the run tags it again.
    RETAG = "retag"
    #: Nothing to change first: the run's own check of the truth repairs it.
    SYNC = "sync"
    #: Nothing fin-ingest can do: the message says what a person must.
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Drift:
    """One difference between a remote twin and what state and the configuration say."""

    kind: DriftKind
    #: One sentence saying what differs and what repairs it.
    message: str
    repair: Repair
    #: The document it concerns ("" for the container, or a twin no document makes).
    locator: str = ""
    external_id: str = ""
    remote_id: str | None = None
    #: The documents (external ids) whose state the repair changes: an article's translations
    #: go with it.
    documents: tuple[str, ...] = ()
    #: :attr:`Repair.ADOPT` and :attr:`Repair.DELETE`: the twin state is to record.
    page: AdoptedPage | None = None
    #: :attr:`Repair.SET_AVAILABILITY`: what the twin holds.
    held: Availability = UNSAID

    @property
    def overwrites_a_person(self) -> bool:
        """Whether repairing it overwrites what a person wrote (done only when asked)."""
        return self.kind is DriftKind.EDITED


@dataclass
class Reconciliation:
    """What one target's inspection compared and found."""

    drift: list[Drift] = field(default_factory=list)
    #: Remote twins compared with what state says was sent.
    checked: int = 0
    #: What could not be compared, and why, in sentences (never drift).
    notes: list[str] = field(default_factory=list)
    #: (external id, digest) of twins found as fin-ingest left them whose digest state did not know
    #: (written by an earlier release): ``--fix`` records them, so later inspections compare exactly.
    baselines: list[tuple[str, str]] = field(default_factory=list)


class SharedReads:
    """Reads one reconcile makes once for all its sources (the workspace's External Page list)."""

    def __init__(self) -> None:
        self._done: dict[str, object] = {}
        self._lock = asyncio.Lock()

    async def once(self, key: str, read: Callable[[], Awaitable[_T]]) -> _T:
        """What ``read`` returns, read the first time ``key`` is asked for only."""
        async with self._lock:
            if key not in self._done:
                self._done[key] = await read()
            return cast(_T, self._done[key])


@dataclass(frozen=True)
class ReconcileScope:
    """What a target's inspection is told of the source, besides its own state."""

    #: The source's documents the target takes now, external id -> locator; None when the source
    #: could not be read (then no unknown twin can be told a document's from an orphan).
    documents: Mapping[str, str] | None
    #: Whether every document of the source was read: an unknown twin no document makes is ours to
    #: delete only then (one that could not be read may make it).
    complete: bool
    shared: SharedReads = field(default_factory=SharedReads)
    #: The configured owner tag (None: none, or the API version cannot tag).
    owner_tag: int | None = None

    def makes(self, external_id: str) -> bool | None:
        """Whether a current document has ``external_id`` (None: not known)."""
        return None if self.documents is None else external_id in self.documents


@runtime_checkable
class Reconciles(Protocol):
    """**Protocol** (optional, for a sending half): compares what Intercom holds for the target with
    what state says was sent, in reads only, and says what would repair each difference."""

    async def reconcile(self, scope: ReconcileScope) -> Reconciliation:
        """Read the remote twins state records (by id, a bounded number at a time) and what the
        container holds that state does not know, and return the drift found. Changes nothing, in
        Intercom or in state. An AuthError is raised as itself."""
        ...


def contradicted(wanted: Availability, held: Availability) -> Availability:
    """The flags of ``wanted`` that ``held`` says otherwise (a flag an answer does not carry is not
    compared: nobody knows it)."""
    return Availability(
        *(
            want if want is not None and have is not None and want != have else None
            for want, have in zip(wanted.as_tuple(), held.as_tuple(), strict=True)
        )
    )


def describe(availability: Availability) -> str:
    """``Fin on, Copilot off``: the flags said, as a person reads them."""
    return ", ".join(
        f"{SURFACES[name]} {'on' if value else 'off'}" for name, value in availability.said().items()
    )


async def each_bounded(items: Iterable[_T], work: Callable[[_T], Awaitable[None]], limit: int) -> None:
    """``work`` on every item, by at most ``limit`` workers (not a task per item: a source may hold a
    hundred thousand); the first failure is raised as itself (an AuthError ends the reconcile)."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:  # shared: each item is taken by one worker
            await work(item)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, limit)):
                group.create_task(worker())
    except* Exception as errors:
        raise errors.exceptions[0] from None


#: How far Intercom's clock may run ahead of this machine's before an ``updated_at`` later than
#: fin-ingest's write counts as a change made after it (twins written by an earlier release only).
CLOCK_ALLOWANCE = 120.0


def changed_since_written(
    record: DocumentRecord, digest_now: str, *, as_sent: bool, updated_at: int | None
) -> bool:
    """Whether a twin changed since fin-ingest last wrote it.

    Exactly, when state knows the digest of the answer to that write (``digest_now`` differs from
    it: Intercom's own rewriting of what was sent is part of both). A twin written by an earlier
    release has none: it is unchanged when it holds what was sent (``as_sent``), and otherwise
    changed only when Intercom says so (``updated_at`` later than the write, beyond
    :data:`CLOCK_ALLOWANCE`), since Intercom may rewrite what it is sent.
    """
    if record.remote_digest is not None:
        return digest_now != record.remote_digest
    if as_sent:
        return False
    return updated_at is None or updated_at > record.synced_at + CLOCK_ALLOWANCE
