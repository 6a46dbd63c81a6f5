"""The contract between the engine and a target, in two halves.

A target's *planning* half (:class:`TargetPlanner`) is pure: from the source's settings
alone it says which pages it takes, hashes exactly what it would send and orders the
upserts; it has no client and writes no state, so ``ingest plan`` and every planner test
use it alone. Its *sending* half (:class:`TargetSender`) turns plan items into requests
with the client and keeps what it must in its own :class:`~ingest.state.TargetStore`.
:class:`BoundTarget` joins the two into the :class:`Target` the engine drives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from ingest.availability import UNSAID, Availability
from ingest.canonical import digest
from ingest.document import Page
from ingest.plan import AvailabilityChange, Deletion, Plan, TagChange, Upsert
from ingest.state import DocumentRecord, Placement
from ingest.state.placement import NO_PLACEMENT
from ingest.targets.reconciling import Reconciles, ReconcileScope, Reconciliation
from ingest.targets.tagging import OwnerTagging, tag_batches

#: The targets' name for :func:`ingest.canonical.digest` (one encoder for every hash).
payload_digest = digest


@dataclass(frozen=True, slots=True)
class Sent:
    """What a successful create or update left remotely: the remote id, and where the target
    put it (recorded in state beside the id, so the target finds it again)."""

    remote_id: str | None
    placement: Placement = NO_PLACEMENT
    #: The availability the answer says the remote twin now holds (flags it does not say: unknown).
    availability: Availability = UNSAID
    #: The target's digest of what the answer says the twin now holds (None: the target keeps none),
    #: which ``ingest reconcile`` compares the twin with later (:mod:`ingest.targets.reconciling`).
    remote_digest: str | None = None


class FindingKind(StrEnum):
    """What a check of the remote truth can find besides "as configured"."""

    #: The target's container was deleted in Intercom (with its pages): it is created again and
    #: every document sent again, in the same run.
    RECREATED = "recreated"
    #: The container's url in Intercom is no longer the configured one.
    URL_CHANGED = "url_changed"
    #: The container is deactivated in Intercom: Fin ignores its pages.
    DEACTIVATED = "deactivated"
    #: The configuration names another container (a new ``url``): every document is sent to it,
    #: the old one left as it is.
    MOVED = "moved"
    #: The container was given the audiences the configuration names (they had changed).
    AUDIENCES = "audiences"


@dataclass(frozen=True, slots=True)
class RemoteFinding:
    """One thing a check found remotely, in a sentence for the run's report."""

    kind: FindingKind
    message: str

    @property
    def drift(self) -> bool:
        """Whether the remote twin differs from the configuration in a way no run repairs: a
        person must act, so the run fails (exit 1) until one does."""
        return self.kind in (FindingKind.URL_CHANGED, FindingKind.DEACTIVATED)


@dataclass(frozen=True, slots=True)
class RemoteCheck:
    """What one target's check of the remote truth did and found."""

    #: Whether it sent an authenticated read (which proved the token).
    read: bool = False
    #: Whether it forgot what state recorded (a container gone): the whole source is read and sent.
    forgot: bool = False
    findings: tuple[RemoteFinding, ...] = ()


#: The answer of a target with nothing of its own to read.
NOTHING_READ = RemoteCheck()


@runtime_checkable
class ChecksRemote(Protocol):
    """**Protocol** (optional, for a sending half): checks what is remote for the target on every
    run, also when nothing is to be sent, so that a revoked token or a container deleted in
    Intercom is noticed the night it happens rather than when a document next changes."""

    async def check(self, *, must_read: bool) -> RemoteCheck:
        """Read what the target keeps remotely (its container, by the id state remembers) in at
        most one request: forget what state records of a container that is gone, and report a
        container that differs from the configuration. A target with nothing of its own to read
        sends nothing, unless ``must_read``: then one cheap authenticated read, so that a source
        whose targets have no container still proves its token. An AuthError is raised as itself."""
        ...


@runtime_checkable
class StreamsUpserts(Protocol):
    """**Protocol** (optional, for a planning half): its upserts may be sent in any order, a batch at
    a time while the source is still being read (one batch in :meth:`TargetPlanner.batches`), and its
    sending half gets ready from the plan's outline (what the scan alone decides, no page). A run of
    such a target holds a batch of pages at a time, whatever the size of the source."""

    streams_upserts: bool


@runtime_checkable
class Streamed(Protocol):
    """**Protocol**: a target the engine may sync as a stream (:mod:`ingest.streaming`)."""

    @property
    def streams(self) -> bool: ...


class TargetPlanner(Protocol):
    """**Protocol**: the pure half of a target, built from settings alone."""

    @property
    def name(self) -> str:
        """The target's name in config, state and reports (``external_pages``, ``articles``)."""
        ...

    def settings_digest(self) -> str:
        """A hash of the settings that shape every payload; a change re-sends every page."""
        ...

    def accepts(self, page: Page) -> str | None:
        """None when this target takes ``page``; else why not (it is skipped for this target,
        and its remote twin, if any, retired)."""
        ...

    def payload_hash(self, page: Page) -> str:
        """The hash of exactly what the sending half would send for ``page``."""
        ...

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        """The upserts in the order they must run: each batch runs concurrently, after the
        one before it has finished (an article before its translations)."""
        ...

    def availability_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord]
    ) -> tuple[AvailabilityChange, ...]:
        """The remote twins whose availability will still differ from what their documents want
        once ``plan``'s upserts are done, to be set apart from them; () for a target whose
        requests carry every flag (or whose API version has no way to set them apart)."""
        ...

    def availability_batches(self, changes: Sequence[AvailabilityChange]) -> list[list[AvailabilityChange]]:
        """``changes`` (each naming its remote id) in the groups one call sets at once."""
        ...

    def tag_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord], tag_id: int | None
    ) -> tuple[TagChange, ...]:
        """The remote twins whose owner tag will differ from ``tag_id`` (None: no tag) once ``plan``'s
        upserts are done, to be moved apart from them (:func:`ingest.targets.tagging.owner_tag_changes`,
        with what the target knows: which twins it keeps when it retires them, which are shared)."""
        ...


class TargetSender(Protocol):
    """**Protocol**: the half of a target that sends, with a client and its own typed state."""

    async def prepare(self, plan: Plan) -> bool:
        """Get ready to carry out ``plan`` (find or create containers). Returns True when it
        changed what state records (a container recreated, remote pages adopted), so the
        engine must collect and plan again."""
        ...

    async def upsert(self, item: Upsert) -> Sent:
        """Create or update one page."""
        ...

    async def delete(self, item: Deletion) -> None:
        """Delete one page (or do what the target's delete policy says); a page already gone
        counts as deleted."""
        ...

    async def set_availability(self, batch: Sequence[AvailabilityChange]) -> None:
        """Set the ``flags`` of every change of one of :meth:`TargetPlanner.availability_batches`."""
        ...

    async def update_tags(self, batch: Sequence[TagChange]) -> None:
        """Move the owner tag of every change of one of :func:`ingest.targets.tagging.tag_batches`
        (one ``update_tags`` bulk action, :func:`ingest.targets.tagging.move_owner_tags`)."""
        ...

    async def finish(self, plan: Plan) -> None:
        """Tidy up after ``plan`` was carried out (e.g. remove containers left empty)."""
        ...


class Target(TargetPlanner, TargetSender, Protocol):
    """**Protocol**: one kind of remote content that a source's documents become.

    The engine plans with :meth:`payload_hash` and records every success in state; a
    target only turns plan items into requests and reports the remote id.
    """

    def planned_tags(self, plan: Plan, records: Mapping[str, DocumentRecord]) -> tuple[TagChange, ...]:
        """The owner tags ``plan`` moves for the configured tag; () where the API version cannot tag."""
        ...

    def tag_batches(self, changes: Sequence[TagChange]) -> list[list[TagChange]]:
        """``changes`` (each naming its remote id) in the groups one call moves at once."""
        ...


@runtime_checkable
class TrustsRemembered(Protocol):
    """**Protocol** (optional, for a sending half): reads the container state remembers (a Content
    Import Source) before its first write of a run, unless told the caller read it a moment ago."""

    def trust_remembered(self) -> None:
        """Write to the remembered container without reading it first: the caller (the watch
        daemon, between two polls) read it recently, and a write's error sends it to read again."""
        ...


class BoundTarget:
    """A target's two halves as one :class:`Target`; without a sender it can only plan."""

    def __init__(
        self, planner: TargetPlanner, sender: TargetSender | None, tagging: OwnerTagging | None = None
    ) -> None:
        self.planner = planner
        self._sender = sender
        #: The owner tag the target keeps on what it owns; None where the API version cannot tag.
        self.tagging = tagging

    @property
    def name(self) -> str:
        return self.planner.name

    @property
    def streams(self) -> bool:
        """Whether the planner lets its upserts be sent batch by batch (:class:`StreamsUpserts`)."""
        return isinstance(self.planner, StreamsUpserts) and self.planner.streams_upserts

    @property
    def sender(self) -> TargetSender:
        if self._sender is None:
            raise RuntimeError(f"the {self.name} target was built for planning only; it has no client")
        return self._sender

    def settings_digest(self) -> str:
        return self.planner.settings_digest()

    def accepts(self, page: Page) -> str | None:
        return self.planner.accepts(page)

    def payload_hash(self, page: Page) -> str:
        return self.planner.payload_hash(page)

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        return self.planner.batches(upserts)

    async def check(self, *, must_read: bool) -> RemoteCheck:
        """The sender's check (:class:`ChecksRemote`); a sender without one checks nothing."""
        sender = self.sender
        if isinstance(sender, ChecksRemote):
            return await sender.check(must_read=must_read)
        return NOTHING_READ

    def trust_remembered(self) -> None:
        """Pass the word on to the sender (:class:`TrustsRemembered`); another reads nothing to skip."""
        if isinstance(self._sender, TrustsRemembered):
            self._sender.trust_remembered()

    async def reconcile(self, scope: ReconcileScope) -> Reconciliation:
        """The sender's reconciliation (:class:`Reconciles`); a sender without one compares nothing."""
        sender = self.sender
        if isinstance(sender, Reconciles):
            return await sender.reconcile(scope)
        return Reconciliation(notes=[f"the {self.name} target cannot compare what Intercom holds"])

    def availability_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord]
    ) -> tuple[AvailabilityChange, ...]:
        return self.planner.availability_changes(plan, records)

    def availability_batches(self, changes: Sequence[AvailabilityChange]) -> list[list[AvailabilityChange]]:
        return self.planner.availability_batches(changes)

    async def set_availability(self, batch: Sequence[AvailabilityChange]) -> None:
        await self.sender.set_availability(batch)

    def tag_changes(
        self, plan: Plan, records: Mapping[str, DocumentRecord], tag_id: int | None
    ) -> tuple[TagChange, ...]:
        return self.planner.tag_changes(plan, records, tag_id)

    def planned_tags(self, plan: Plan, records: Mapping[str, DocumentRecord]) -> tuple[TagChange, ...]:
        if self.tagging is None:
            return ()
        return self.planner.tag_changes(plan, records, self.tagging.tag_id)

    def tag_batches(self, changes: Sequence[TagChange]) -> list[list[TagChange]]:
        return tag_batches(changes)

    async def update_tags(self, batch: Sequence[TagChange]) -> None:
        await self.sender.update_tags(batch)

    async def prepare(self, plan: Plan) -> bool:
        return await self.sender.prepare(plan)

    async def upsert(self, item: Upsert) -> Sent:
        return await self.sender.upsert(item)

    async def delete(self, item: Deletion) -> None:
        await self.sender.delete(item)

    async def finish(self, plan: Plan) -> None:
        await self.sender.finish(plan)
