"""A source's ``on_delete``, as its plans carry it: the soft delete of ``on_delete = "withdraw"``,
with the time of the run, or None when the twins of documents gone are deleted at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ingest.config import Source
from ingest.plan import SoftDelete

#: Seconds in one of ``withdraw_days``.
DAY: Final = 86_400.0


def soft_delete_of(source: Source, clock: Callable[[], float]) -> SoftDelete | None:
    """The soft delete of ``source`` as of ``clock()``; None when it deletes (``on_delete = "delete"``)."""
    settings = source.settings
    if settings.on_delete != "withdraw":
        return None
    return SoftDelete(grace_seconds=settings.withdraw_days * DAY, now=clock())
