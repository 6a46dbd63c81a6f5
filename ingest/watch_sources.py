"""How the watch daemon learns that a source changed, per kind of connector.

* ``filesystem``: a recursive watchdog observer on the folder. A file event becomes the
  document's locator (relative POSIX path, NFC), kept only when the connector would see the
  file (not hidden, a document suffix, the source's include/exclude); so an editor's swap
  and backup files never start a batch. A folder created, moved or deleted scans the whole
  source: the scan, not the event, decides what is there.
* ``confluence_export``, and any connector whose options name a ``path``: the export zip
  (its folder is watched, not recursively) or the export folder (recursively); any change
  scans the whole source, once the zip has stopped growing. Content fingerprints make
  unchanged pages free.
* ``git``: polled every ``poll_seconds``: fetched, and synced only when the ref moved.
* any other connector: polled with an incremental sync every ``poll_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver

from ingest.collect import PathFilter
from ingest.config import Source
from ingest.engine import build_connector
from ingest.textdoc import format_for

log = logging.getLogger("ingest.watch")

#: Thread-safe: gather ``locators`` (or, with ``whole=True``, the whole source) for the next batch.
Notify = Callable[[Iterable[str], bool], None]

#: Opening and reading a file (as the connector does) must not look like a change.
_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


@runtime_checkable
class Revisioned(Protocol):
    """**Protocol** (optional): a connector that can say cheaply where its source stands now.

    ``current_revision`` (fetching first, for a remote) returns an id that changes whenever
    the documents may have changed, such as the commit a git ref resolves to.
    """

    async def current_revision(self) -> str: ...


class SourceWatch:
    """How one source's changes reach its queue. This base watches nothing."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def describe(self) -> str:
        return "not watched"

    def schedule(self, observer: BaseObserver, notify: Notify) -> None:
        """Register watchdog watches (called once, before the observer starts)."""

    async def poll(self, notify: Notify) -> None:
        """Run for the daemon's life, calling ``notify`` when the source may have changed."""

    async def ready(self) -> None:
        """Wait until the source can be read (an export still being written)."""

    def synced(self) -> None:
        """Everything up to :meth:`ready` was synced."""


class _Handler(FileSystemEventHandler):
    def __init__(self, on_event: Callable[[FileSystemEvent], None]) -> None:
        self._on_event = on_event

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # an exception would end the observer's thread, and all watching with it
            log.exception("could not handle the file event %s", event)


def _paths(event: FileSystemEvent) -> list[str]:
    return [os.fsdecode(path) for path in (event.src_path, event.dest_path) if path]


class FolderWatch(SourceWatch):
    """A ``filesystem`` source: file events become locators; see the module docstring."""

    def __init__(self, source: Source, root: Path) -> None:
        super().__init__(source)
        self.root = os.path.realpath(root)
        self._filter = PathFilter(source.settings.include, source.settings.exclude)

    def describe(self) -> str:
        return f"watching {self.root}"

    def schedule(self, observer: BaseObserver, notify: Notify) -> None:
        def on_event(event: FileSystemEvent) -> None:
            locators, whole = self.changes(event)
            if locators or whole:
                notify(locators, whole)

        observer.schedule(_Handler(on_event), self.root, recursive=True, event_filter=_EVENTS)

    def locator(self, path: str) -> str | None:
        """The locator of ``path`` as the connector names it, or ``None`` when it is outside the
        folder or hidden (the connector skips names starting with a dot, at any depth)."""
        relative = os.path.relpath(path, self.root)
        parts = relative.split(os.sep)
        if relative == "." or any(part.startswith(".") for part in parts):
            return None  # also catches "..": a path outside the root
        return "/".join(part if part.isascii() else unicodedata.normalize("NFC", part) for part in parts)

    def changes(self, event: FileSystemEvent) -> tuple[list[str], bool]:
        """The locators an event concerns, and whether the whole source must be scanned."""
        locators: list[str] = []
        whole = False
        for path in _paths(event):
            locator = self.locator(path)
            if locator is None:
                continue
            if event.is_directory:
                whole = True
            elif format_for(locator) is not None and self._filter(locator):
                locators.append(locator)
        return locators, whole


class ExportWatch(SourceWatch):
    """A source read from one file or folder as a whole (a Confluence export): any change
    scans it all, once a file being written has stopped growing."""

    def __init__(self, source: Source, path: Path, *, settle: float) -> None:
        super().__init__(source)
        self.path = Path(os.path.realpath(path))
        self._settle = settle

    def describe(self) -> str:
        return f"watching {self.path}"

    def schedule(self, observer: BaseObserver, notify: Notify) -> None:
        if self.path.is_dir():
            observer.schedule(
                _Handler(lambda event: notify((), True)), str(self.path), recursive=True, event_filter=_EVENTS
            )
            return
        target = str(self.path)

        def on_event(event: FileSystemEvent) -> None:
            if target in _paths(event):
                notify((), True)

        observer.schedule(_Handler(on_event), str(self.path.parent), recursive=False, event_filter=_EVENTS)

    async def ready(self) -> None:
        """Wait (at most a minute) until the file's size and time stay the same for ``settle``."""
        if await asyncio.to_thread(self.path.is_dir):
            return
        deadline = time.monotonic() + 60.0
        last = await asyncio.to_thread(_stat, self.path)
        while time.monotonic() < deadline:
            await asyncio.sleep(self._settle)
            now = await asyncio.to_thread(_stat, self.path)
            if now == last:
                return
            last = now


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


class PollWatch(SourceWatch):
    """Polled every ``interval`` seconds: with a ``revision`` function, a sync only when it
    changed; without one, an incremental sync every time."""

    def __init__(
        self, source: Source, *, interval: float, revision: Callable[[], Awaitable[str]] | None = None
    ) -> None:
        super().__init__(source)
        self._interval = interval
        self._revision = revision
        self._lock = asyncio.Lock()
        self._seen: str | None = None
        self._synced: str | None = None
        self._announced: str | None = None
        self._failing = False

    def describe(self) -> str:
        what = "ref" if self._revision is not None else "source"
        return f"polling the {what} every {self._interval:g} s"

    async def poll(self, notify: Notify) -> None:
        while True:
            await asyncio.sleep(self._interval)
            if self._revision is None:
                notify((), True)
                continue
            revision = await self._current()
            # Announced once: announcing again before its batch starts would put the batch off.
            if revision is not None and revision not in (self._synced, self._announced):
                log.info("%s: the ref moved to %s", self.source.name, revision[:12])
                self._announced = revision
                notify((), True)

    async def ready(self) -> None:
        if self._revision is not None:
            self._seen = await self._current()

    def synced(self) -> None:
        self._synced = self._seen

    async def _current(self) -> str | None:
        assert self._revision is not None
        async with self._lock:  # the poll and a batch must not run git in one repository at once
            try:
                revision = await self._revision()
            except Exception as exc:  # the network is down, say: the next poll tries again
                if not self._failing:
                    log.warning("%s: cannot check for changes: %s", self.source.name, exc)
                self._failing = True
                return None
        if self._failing:
            log.warning("%s: can check for changes again", self.source.name)
        self._failing = False
        return revision


class RetryWatch(SourceWatch):
    """A watch that could not be set up (its folder missing, the inotify watch limit reached):
    the source is synced every ``interval`` seconds, and the watch set up again at each poll
    until it works; from then on it is watched, not polled."""

    def __init__(self, watch: SourceWatch, observer: BaseObserver, *, interval: float) -> None:
        super().__init__(watch.source)
        self.watch = watch
        self._observer = observer
        self._interval = interval
        self._watching = False

    def describe(self) -> str:
        if self._watching:
            return self.watch.describe()
        return f"polling the source every {self._interval:g} s until it can be watched"

    async def poll(self, notify: Notify) -> None:
        while not self._watching:
            await asyncio.sleep(self._interval)
            try:
                await asyncio.to_thread(self.watch.schedule, self._observer, notify)
            except OSError:
                notify((), True)
                continue
            self._watching = True
            log.info("%s: can be watched now; %s", self.source.name, self.watch.describe())
            notify((), True)  # what changed between the last poll and the watch
        await self.watch.poll(notify)

    async def ready(self) -> None:
        await self.watch.ready()

    def synced(self) -> None:
        self.watch.synced()


def _revision_of(connector: object) -> Callable[[], Awaitable[str]] | None:
    """The connector's :class:`Revisioned` method, if it has one."""
    return connector.current_revision if isinstance(connector, Revisioned) else None


def watch_for(source: Source, *, settle: float, poll_seconds: float) -> SourceWatch:
    """How to watch ``source``, from its connector (see the module docstring)."""
    path = getattr(source.options, "path", None)
    if source.settings.connector == "filesystem" and isinstance(path, Path):
        return FolderWatch(source, path)
    if isinstance(path, Path):
        return ExportWatch(source, path, settle=settle)
    revision = _revision_of(build_connector(source))
    return PollWatch(source, interval=poll_seconds, revision=revision)
