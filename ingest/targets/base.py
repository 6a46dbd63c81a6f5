"""The contract between the engine and a target (External Pages now, Articles later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.canonical import digest
from ingest.document import Page
from ingest.plan import Deletion, Plan, Upsert

#: The targets' name for :func:`ingest.canonical.digest` (one encoder for every hash).
payload_digest = digest


@dataclass(frozen=True, slots=True)
class Sent:
    """What a successful create or update left remotely: the remote id, and any detail the
    target needs to find it again (recorded in state beside the id)."""

    remote_id: str | None
    detail: str | None = None


class Target(Protocol):
    """**Protocol**: one kind of remote content that a source's documents become.

    The engine plans with :meth:`payload_hash` and records every success in state; a
    target only turns plan items into requests and reports the remote id.
    """

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
        """The hash of exactly what :meth:`upsert` would send for ``page``."""
        ...

    async def prepare(self, plan: Plan) -> bool:
        """Get ready to carry out ``plan`` (find or create containers). Returns True when it
        changed what state records (a container recreated, remote pages adopted), so the
        engine must collect and plan again."""
        ...

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        """The upserts in the order they must run: each batch runs concurrently, after the
        one before it has finished (an article before its translations)."""
        ...

    async def upsert(self, item: Upsert) -> Sent:
        """Create or update one page."""
        ...

    async def delete(self, item: Deletion) -> None:
        """Delete one page (or do what the target's delete policy says); a page already gone
        counts as deleted."""
        ...

    async def finish(self, plan: Plan) -> None:
        """Tidy up after ``plan`` was carried out (e.g. remove containers left empty)."""
        ...
