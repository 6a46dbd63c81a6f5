"""The emulator's tags (the workspace's tags, and which content carries which) and the audience
segments bulk ``set_audience`` puts on content.

Intercom's bulk ``update_tags`` takes only existing, non-archived tags; the description this
emulator follows serves no endpoint to create them, so they come from the configuration
(:attr:`~ingest.emulator.config.EmulatorConfig.tags`) or the control API
(``POST /_emulator/tags``). Content is named as bulk actions name it: ``(type, id)``, an
External Page being ``("external_content", page id)`` and an article ``("article", article id)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

#: A piece of content as a bulk action names it: its type and Intercom's id.
ContentKey = tuple[str, str]


@dataclass(slots=True)
class Tag:
    """A tag of the workspace; an archived one cannot be applied."""

    id: int
    name: str
    archived: bool = False

    def to_api(self) -> dict[str, Any]:
        """The ``tag`` JSON object."""
        return {"type": "tag", "id": str(self.id), "name": self.name}


@dataclass
class TagStore:
    """Tags and the content they are applied to; ``on_change`` is called after every write."""

    on_change: Callable[[], None]
    next_id: int = 1
    _tags: dict[int, Tag] = field(default_factory=dict)
    _applied: dict[ContentKey, set[int]] = field(default_factory=dict)

    def create(self, name: str, *, archived: bool = False, tag_id: int | None = None) -> Tag:
        """A new tag (with ``tag_id``, or the next id)."""
        tag = Tag(self.next_id if tag_id is None else tag_id, name, archived)
        self.next_id = max(self.next_id, tag.id + 1)
        self._tags[tag.id] = tag
        self.on_change()
        return tag

    def get(self, tag_id: int) -> Tag | None:
        return self._tags.get(tag_id)

    def all(self) -> list[Tag]:
        """Every tag, by id."""
        return sorted(self._tags.values(), key=lambda tag: tag.id)

    def apply(self, key: ContentKey, add: Iterable[int], remove: Iterable[int]) -> None:
        """Add and remove tags on one piece of content."""
        applied = self._applied.setdefault(key, set())
        applied.update(add)
        applied.difference_update(remove)
        if not applied:
            del self._applied[key]
        self.on_change()

    def tags_of(self, key: ContentKey) -> list[Tag]:
        """The tags on one piece of content, by id."""
        return [self._tags[tag_id] for tag_id in sorted(self._applied.get(key, ())) if tag_id in self._tags]

    def tag_list(self, key: ContentKey) -> dict[str, Any]:
        """The ``tags`` object an answer shows of one piece of content (a ``tag.list``)."""
        return {"type": "tag.list", "tags": [tag.to_api() for tag in self.tags_of(key)]}

    def forget(self, key: ContentKey) -> None:
        """Content that is gone carries no tags."""
        if self._applied.pop(key, None) is not None:
            self.on_change()

    def tagged(self) -> list[dict[str, Any]]:
        """Every tagged piece of content, JSON-ready: type, id and tag ids."""
        return [
            {"type": kind, "id": content_id, "tag_ids": [str(tag) for tag in sorted(tags)]}
            for (kind, content_id), tags in sorted(self._applied.items())
        ]

    def clear(self) -> None:
        self._tags.clear()
        self._applied.clear()
        self.on_change()

    def dump(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data (see :meth:`load`)."""
        return {
            "next_id": self.next_id,
            "tags": [asdict(tag) for tag in self._tags.values()],
            "applied": [
                [kind, content_id, sorted(tags)] for (kind, content_id), tags in self._applied.items()
            ],
        }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the contents with a :meth:`dump`; raises KeyError/TypeError/ValueError if malformed."""
        tags = {tag.id: tag for tag in (Tag(**tag) for tag in data["tags"])}
        self._tags = tags
        self._applied = {(str(kind), str(content_id)): set(ids) for kind, content_id, ids in data["applied"]}
        self.next_id = max([int(data["next_id"]), *(tag_id + 1 for tag_id in tags)])
        self.on_change()


@dataclass
class SegmentStore:
    """The audience segments bulk ``set_audience`` left on content, by ``(type, id)``."""

    on_change: Callable[[], None]
    _segments: dict[ContentKey, set[int]] = field(default_factory=dict)

    def of(self, key: ContentKey) -> set[int]:
        return set(self._segments.get(key, ()))

    def set(self, key: ContentKey, segments: Iterable[int]) -> None:
        chosen = set(segments)
        if chosen:
            self._segments[key] = chosen
        else:
            self._segments.pop(key, None)
        self.on_change()

    def all(self) -> list[dict[str, Any]]:
        """Every piece of content with segments, JSON-ready."""
        return [
            {"type": kind, "id": content_id, "segment_ids": sorted(ids)}
            for (kind, content_id), ids in sorted(self._segments.items())
        ]

    def clear(self) -> None:
        self._segments.clear()
        self.on_change()

    def dump(self) -> list[list[Any]]:
        return [[kind, content_id, sorted(ids)] for (kind, content_id), ids in self._segments.items()]

    def load(self, data: list[list[Any]]) -> None:
        self._segments = {
            (str(kind), str(content_id)): {int(i) for i in ids} for kind, content_id, ids in data
        }
        self.on_change()
