"""What every kind of source watch offers the daemon: how one source's changes reach its queue."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ingest.config import Source

#: Thread-safe: gather ``locators`` (or, with ``whole=True``, the whole source) for the next batch.
Notify = Callable[[Iterable[str], bool], None]


class SourceWatch:
    """How one source's changes reach its queue. This base watches nothing."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def describe(self) -> str:
        """How the source's changes are found now, for the log ("watching /srv/docs")."""
        return "not watched"

    def start(self, notify: Notify) -> None:
        """Begin watching; called once, from a worker thread, before the start-up sync."""

    async def poll(self, notify: Notify) -> None:
        """Run for the daemon's life, calling ``notify`` when the source may have changed."""

    def events_lost(self, notify: Notify) -> None:
        """The kernel dropped file events (called from any thread): the whole source may have changed."""
        notify((), True)

    async def ready(self) -> None:
        """Wait until the source can be read (an export still being written)."""

    def synced(self) -> None:
        """Everything up to :meth:`ready` was synced."""
