"""The emulator's audiences (``/audiences``, Preview): names with predicates, kept with the rest of
its workspace and saved with it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Audience:
    id: int
    name: str
    predicates: list[dict[str, Any]] = field(default_factory=list)
    role_predicates: list[dict[str, Any]] = field(default_factory=list)
    created_at: int = 0
    updated_at: int = 0

    def to_api(self) -> dict[str, Any]:
        """The ``audience`` JSON object."""
        return {"type": "audience", **asdict(self), "id": str(self.id)}


@dataclass
class AudienceStore:
    """The workspace's audiences; ``on_change`` is called after every write."""

    on_change: Callable[[], None]
    next_id: int = 1
    _audiences: dict[int, Audience] = field(default_factory=dict)

    def create(
        self, name: str, predicates: list[Any] | None = None, roles: list[Any] | None = None
    ) -> Audience:
        now = int(time.time())
        audience = Audience(self.next_id, name, list(predicates or ()), list(roles or ()), now, now)
        self.next_id += 1
        self._audiences[audience.id] = audience
        self.on_change()
        return audience

    def get(self, audience_id: int) -> Audience | None:
        return self._audiences.get(audience_id)

    def all(self) -> list[Audience]:
        """Every audience, oldest first."""
        return sorted(self._audiences.values(), key=lambda audience: audience.id)

    def update(self, audience: Audience, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            setattr(audience, name, value)
        audience.updated_at = int(time.time())
        self.on_change()

    def delete(self, audience_id: int) -> None:
        del self._audiences[audience_id]
        self.on_change()

    def clear(self) -> None:
        self._audiences.clear()
        self.on_change()

    def dump(self) -> dict[str, Any]:
        return {"next_id": self.next_id, "audiences": [asdict(a) for a in self._audiences.values()]}

    def load(self, data: dict[str, Any]) -> None:
        """Replace the contents with a :meth:`dump`; raises KeyError/TypeError if malformed."""
        self._audiences = {a.id: a for a in (Audience(**audience) for audience in data["audiences"])}
        self.next_id = max([int(data["next_id"]), *(audience_id + 1 for audience_id in self._audiences)])
        self.on_change()
