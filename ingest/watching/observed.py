"""Sources observed through watchdog, on the paths their connector names
(:class:`ingest.connector.Watchable`).

A watched folder is observed at its real path (recursively, if asked); a watched file through
its real folder, not recursively, so that a file replaced by a rename is seen. Each path of an
event goes to the connector's ``affected_by``, which names the documents it affects or the
whole source; locators the source's include/exclude leave out are dropped, so an editor's
swap and backup files never start a batch. Opening and reading a file is not a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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
from ingest.connector import Affected, Watchable, WatchedFile, WatchedFolder, WatchedPath
from ingest.watching.source import Notify

log = logging.getLogger("ingest.watch")

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
#: How inotify names a file made without a name (O_TMPFILE): ``#`` and its inode number.
_UNNAMED = re.compile(r"#[0-9]+")
#: At most this long is a batch put off for a file that keeps growing.
_MAX_SETTLE_SECONDS = 60.0


@dataclass(frozen=True)
class Placement:
    """Where a source is observed: the paths its connector named, where each leads through
    symbolic links (a link to a zip moved to a new one), and the identity (device and inode,
    through symbolic links) of the folder holding each, ``None`` when it is missing."""

    paths: tuple[WatchedPath, ...]
    real_paths: tuple[str, ...]
    identities: tuple[tuple[int, int] | None, ...]

    @classmethod
    def of(cls, paths: Iterable[WatchedPath]) -> Placement:
        paths = tuple(paths)
        return cls(
            paths,
            tuple(os.path.realpath(watched.path) for watched in paths),
            tuple(_identity(_folder_of(watched)) for watched in paths),
        )

    def folders(self) -> str:
        return ", ".join(str(_folder_of(watched)) for watched in self.paths)


@dataclass(frozen=True)
class _Observed:
    """One watched path as it is observed: the real folder, and for a file its real path."""

    watched: WatchedPath
    folder: str
    file: str | None

    @classmethod
    def of(cls, watched: WatchedPath) -> _Observed:
        real = os.path.realpath(watched.path)
        if isinstance(watched, WatchedFolder):
            return cls(watched, real, None)
        return cls(watched, os.path.dirname(real), real)

    @property
    def recursive(self) -> bool:
        return isinstance(self.watched, WatchedFolder) and self.watched.recursive

    @property
    def settles(self) -> bool:
        return isinstance(self.watched, WatchedFile) and self.watched.settles

    def holds(self, path: str) -> bool:
        """Whether a change at ``path`` concerns this watched path."""
        if self.file is not None:
            return path == self.file
        return path == self.folder or path.startswith(self.folder.rstrip(os.sep) + os.sep)


class ObservedSource:
    """A source whose connector is :class:`Watchable`: its paths observed by watchdog, each event
    mapped to locators by the connector (see the module docstring)."""

    #: Set (from the observer's thread) when an observed folder itself was deleted: watchdog
    #: then stops watching it, and a folder made again may even get the same inode.
    lost = False

    def __init__(
        self, source: Source, connector: Watchable, *, settle: float, state_path: Path | None = None
    ) -> None:
        self.source = source
        self._connector = connector
        self._settle = settle
        # The state file and the files named after it (its WAL, journal, locks), and a plan's
        # unnamed spill file beside it: each batch writes them, so in a watched folder
        # (ingest.toml beside the docs) they would start the next batch, and so on for ever.
        self._own = None if state_path is None else os.path.realpath(state_path)
        self._filter = PathFilter(source.settings.include, source.settings.exclude)
        try:
            paths = tuple(connector.watched_paths())
        except Exception:  # the watch asks again as it starts, and logs the error then
            paths = ()
        self._observed = tuple(_Observed.of(watched) for watched in paths)

    def describe(self) -> str:
        return "watching " + ", ".join(item.file or item.folder for item in self._observed)

    def placement(self) -> Placement:
        """Where the connector says the source is now (it may have moved since it was scheduled)."""
        return Placement.of(self._connector.watched_paths())

    def schedule(self, observer: BaseObserver, placement: Placement, notify: Notify) -> list[ObservedWatch]:
        """Observe the paths of ``placement``, then report each as changed (see :class:`Watchable`).

        Raises OSError when one cannot be observed (none is, then)."""
        observed = tuple(_Observed.of(watched) for watched in placement.paths)
        self.lost = False
        handles: list[ObservedWatch] = []
        try:
            for item in observed:
                handler = _Handler(self._on_event(item, notify))
                handles.append(
                    observer.schedule(handler, item.folder, recursive=item.recursive, event_filter=_EVENTS)
                )
        except OSError:
            unschedule(observer, handles)
            raise
        self._observed = observed
        self._report_observed(notify)
        return handles

    def events_lost(self, notify: Notify) -> None:
        """The kernel dropped events: the connector reads the tree again, the source is synced whole."""
        try:
            self._report_observed(notify)
        finally:
            notify((), True)

    def changes(self, event: FileSystemEvent) -> tuple[list[str], bool]:
        """The locators an event concerns, and whether the whole source must be scanned."""
        locators: set[str] = set()
        whole = False
        for path in _paths(event):
            if self._is_own(path):
                continue
            if any(item.holds(path) for item in self._observed):
                affected = self._affected(Path(path), folder=event.is_directory)
                locators.update(self._kept(affected))
                whole = whole or affected.whole
        return sorted(locators), whole

    def _is_own(self, path: str) -> bool:
        own = self._own
        if own is None:
            return False
        if path == own or path.startswith((own + "-", own + ".")):
            return True
        # tempfile.TemporaryFile is O_TMPFILE on Linux: it has no name, and events name it #inode.
        folder, _, name = path.rpartition(os.sep)
        return folder == os.path.dirname(own) and _UNNAMED.fullmatch(name) is not None

    async def ready(self) -> None:
        """Wait until each watched file that settles stays the same size and time for ``settle``
        seconds (at most a minute)."""
        for item in self._observed:
            if item.settles and item.file is not None:
                await _settled(Path(item.file), self._settle)

    def _on_event(self, item: _Observed, notify: Notify) -> Callable[[FileSystemEvent], None]:
        def on_event(event: FileSystemEvent) -> None:
            if isinstance(event, DirDeletedEvent) and os.fsdecode(event.src_path) == item.folder:
                self.lost = True
            locators, whole = self.changes(event)
            if locators or whole or self.lost:
                notify(locators, whole or self.lost)

        return on_event

    def _report_observed(self, notify: Notify) -> None:
        for item in self._observed:
            is_folder = isinstance(item.watched, WatchedFolder)
            affected = self._affected(Path(item.file or item.folder), folder=is_folder)
            locators = self._kept(affected)
            if locators or affected.whole:
                notify(locators, affected.whole)

    def _affected(self, path: Path, *, folder: bool) -> Affected:
        """What the connector says a change at ``path`` affects; the whole source when it cannot say
        (a change must not be lost to a connector's bug)."""
        try:
            return self._connector.affected_by(path, folder=folder)
        except Exception:
            log.exception("%s: cannot tell what a change to %s affects; syncing all", self.source.name, path)
            return Affected(whole=True)

    def _kept(self, affected: Affected) -> list[str]:
        return [locator for locator in affected.locators if self._filter(locator)]


class _Handler(FileSystemEventHandler):
    def __init__(self, on_event: Callable[[FileSystemEvent], None]) -> None:
        self._on_event = on_event

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # an exception would end the observer's thread, and all watching with it
            log.exception("could not handle the file event %s", event)


def unschedule(observer: BaseObserver, handles: Sequence[ObservedWatch]) -> None:
    """Stop observing ``handles``."""
    for handle in handles:
        with contextlib.suppress(KeyError):  # watchdog already dropped it (its folder was deleted)
            observer.unschedule(handle)


def _paths(event: FileSystemEvent) -> list[str]:
    return [os.fsdecode(path) for path in (event.src_path, event.dest_path) if path]


def _folder_of(watched: WatchedPath) -> Path:
    """The folder observed for ``watched``, as configured (a symbolic link stays one, so that a
    link moved to a new release counts as a replaced folder)."""
    return watched.path if isinstance(watched, WatchedFolder) else watched.path.parent


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = folder.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


async def _settled(path: Path, settle: float) -> None:
    deadline = time.monotonic() + _MAX_SETTLE_SECONDS
    last = await asyncio.to_thread(_size_and_time, path)
    while time.monotonic() < deadline:
        await asyncio.sleep(settle)
        now = await asyncio.to_thread(_size_and_time, path)
        if now == last:
            return
        last = now


def _size_and_time(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns
