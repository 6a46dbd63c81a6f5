"""The contract between the engine and a target (External Pages now, Articles later)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol

from ingest.document import Page
from ingest.plan import Deletion, Plan, Upsert


def payload_digest(payload: Any) -> str:
    """A stable hash of a JSON-able payload: the same request always hashes the same."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Target(Protocol):
    """**Protocol**: one kind of remote content that a source's documents become.

    The engine plans with :meth:`payload_hash` and records every success in state; a
    target only turns plan items into requests and reports the remote id.
    """

    name: str

    def settings_digest(self) -> str:
        """A hash of the settings that shape every payload; a change re-sends every page."""
        ...

    def payload_hash(self, page: Page) -> str:
        """The hash of exactly what :meth:`upsert` would send for ``page``."""
        ...

    async def prepare(self, plan: Plan) -> bool:
        """Get ready to carry out ``plan`` (find or create containers). Returns True when it
        changed what state records (a container recreated, remote pages adopted), so the
        engine must collect and plan again."""
        ...

    async def upsert(self, item: Upsert) -> str | None:
        """Create or update one page; returns its remote id."""
        ...

    async def delete(self, item: Deletion) -> None:
        """Delete one page; a page already gone counts as deleted."""
        ...
