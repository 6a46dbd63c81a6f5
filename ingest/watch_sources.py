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
import contextlib
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
from watchdog.observers.api import BaseObserver, ObservedWatch

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

    def schedule(self, observer: BaseObserver, notify: Notify) -> ObservedWatch | None:
        """Register the source's watchdog watch, if it has one (a watch that cannot be set up
        raises OSError)."""
        return None

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


class ObservedFolder(SourceWatch):
    """A source watched through watchdog on one folder (see :class:`KeptWatch`)."""

    #: Set (from the observer's thread) when the watched folder itself was deleted: watchdog
    #: then stops watching it, and a folder made again may even get the same inode.
    lost = False

    def _note_lost(self, event: FileSystemEvent, folder: str) -> None:
        if isinstance(event, DirDeletedEvent) and os.fsdecode(event.src_path) == folder:
            self.lost = True

    def folder(self) -> Path:
        """The folder watched, as configured (a symbolic link stays one, so that a link moved to
        a new release counts as a replaced folder)."""
        raise NotImplementedError

    def schedule(self, observer: BaseObserver, notify: Notify) -> ObservedWatch:
        raise NotImplementedError


class FolderWatch(ObservedFolder):
    """A ``filesystem`` source: file events become locators; see the module docstring."""

    def __init__(self, source: Source, root: Path) -> None:
        super().__init__(source)
        self._configured = root
        self.root = os.path.realpath(root)
        self._filter = PathFilter(source.settings.include, source.settings.exclude)

    def describe(self) -> str:
        return f"watching {self.root}"

    def folder(self) -> Path:
        return self._configured

    def schedule(self, observer: BaseObserver, notify: Notify) -> ObservedWatch:
        def on_event(event: FileSystemEvent) -> None:
            self._note_lost(event, self.root)
            locators, whole = self.changes(event)
            if locators or whole or self.lost:
                notify(locators, whole or self.lost)

        self.root, self.lost = os.path.realpath(self._configured), False
        return observer.schedule(_Handler(on_event), self.root, recursive=True, event_filter=_EVENTS)

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


class ExportWatch(ObservedFolder):
    """A source read from one file or folder as a whole (a Confluence export): any change
    scans it all, once a file being written has stopped growing."""

    def __init__(self, source: Source, path: Path, *, settle: float) -> None:
        super().__init__(source)
        self._configured = path
        self.path = Path(os.path.realpath(path))
        self._settle = settle

    def describe(self) -> str:
        return f"watching {self.path}"

    def folder(self) -> Path:
        return self._configured if self._configured.is_dir() else self._configured.parent

    def schedule(self, observer: BaseObserver, notify: Notify) -> ObservedWatch:
        self.path, self.lost = Path(os.path.realpath(self._configured)), False
        if self.path.is_dir():
            folder = str(self.path)

            def on_folder_event(event: FileSystemEvent) -> None:
                self._note_lost(event, folder)
                notify((), True)

            return observer.schedule(_Handler(on_folder_event), folder, recursive=True, event_filter=_EVENTS)
        target, parent = str(self.path), str(self.path.parent)

        def on_event(event: FileSystemEvent) -> None:
            self._note_lost(event, parent)
            if target in _paths(event) or self.lost:
                notify((), True)

        return observer.schedule(_Handler(on_event), parent, recursive=False, event_filter=_EVENTS)

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


class KeptWatch(SourceWatch):
    """A watchdog watch kept on the folder it is meant for.

    Every ``check_seconds`` the folder's identity (device and inode, through a symbolic link)
    is compared with the one watched: a folder removed, or replaced (a deploy renaming a new
    release into place, a link moved to one, ``rm -rf`` and a fresh checkout), is synced as
    a whole and watched again. A watch that cannot be set up (the folder missing, the
    kernel's inotify watch limit reached) is tried again at each check, and the source is
    synced every ``poll_seconds`` meanwhile.
    """

    def __init__(
        self, watch: ObservedFolder, observer: BaseObserver, *, check_seconds: float, poll_seconds: float
    ) -> None:
        super().__init__(watch.source)
        self.watch = watch
        self._observer = observer
        self._check_seconds = check_seconds
        self._poll_seconds = poll_seconds
        self._handle: ObservedWatch | None = None
        self._identity: tuple[int, int] | None = None
        self._last_error: str | None = None
        #: How many times the watch was set up (more than once: the folder came back or was replaced).
        self.times_watched = 0

    def describe(self) -> str:
        if self._handle is not None:
            return self.watch.describe()
        return f"polling the source every {self._poll_seconds:g} s until it can be watched"

    def schedule(self, observer: BaseObserver, notify: Notify) -> ObservedWatch | None:
        """Watch the folder if it can be; if not, say why (the polls take over)."""
        identity = _identity(self.watch.folder())
        try:
            self._handle = self.watch.schedule(self._observer, notify)
        except OSError as exc:  # e.g. the inotify watch limit (fs.inotify.max_user_watches)
            if str(exc) != self._last_error:
                log.error("%s: cannot watch for changes (%s); polling instead", self.source.name, exc)
            self._last_error = str(exc)
            return None
        self._identity, self._last_error = identity, None
        self.times_watched += 1
        return self._handle

    async def poll(self, notify: Notify) -> None:
        last_sync = time.monotonic()
        while True:
            await asyncio.sleep(self._check_seconds)
            if self._handle is not None:
                identity = await asyncio.to_thread(_identity, self.watch.folder())
                if identity == self._identity and not self.watch.lost:
                    continue
                log.warning(
                    "%s: %s was removed or replaced; watching it again", self.source.name, self.watch.folder()
                )
                await asyncio.to_thread(self._unschedule)
                notify((), True)
                last_sync = time.monotonic()
            if await asyncio.to_thread(self.schedule, self._observer, notify) is not None:
                log.info("%s: %s", self.source.name, self.watch.describe())
                notify((), True)  # what changed while it was not watched
            elif time.monotonic() - last_sync >= self._poll_seconds:
                notify((), True)
                last_sync = time.monotonic()

    def _unschedule(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            with contextlib.suppress(KeyError):  # watchdog already dropped it (its folder was deleted)
                self._observer.unschedule(handle)

    async def ready(self) -> None:
        await self.watch.ready()

    def synced(self) -> None:
        self.watch.synced()


def _identity(folder: Path) -> tuple[int, int] | None:
    """The folder's device and inode (through symbolic links), or None when it is missing."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


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
