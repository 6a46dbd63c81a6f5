"""A watchdog watch kept on the paths it is meant for, whatever happens to their folders."""

from __future__ import annotations

import asyncio
import logging
import time

from watchdog.observers.api import BaseObserver, ObservedWatch

from ingest.watching.observed import ObservedSource, Placement, unschedule
from ingest.watching.source import Notify, SourceWatch

log = logging.getLogger("ingest.watch")


class KeptWatch(SourceWatch):
    """A watchdog watch kept on the folders it is meant for.

    Every ``check_seconds`` the connector's paths, where they lead through symbolic links, and
    the identity of their folders (device and inode, through a symbolic link), are compared with
    the ones watched: a folder removed, or replaced (a deploy renaming a new release into place,
    a link moved to one, ``rm -rf`` and a fresh checkout), a link to a watched file moved to
    another, or paths the connector names anew (an export that was a zip is now a folder), are
    synced as a whole and watched again. A watch that cannot be set up (the folder missing, the
    kernel's inotify watch limit reached, the connector failing to name its paths or naming
    none) is tried again at each check, and the source is synced every ``poll_seconds``
    meanwhile.
    """

    def __init__(
        self, watch: ObservedSource, observer: BaseObserver, *, check_seconds: float, poll_seconds: float
    ) -> None:
        super().__init__(watch.source)
        self.watch = watch
        self._observer = observer
        self._check_seconds = check_seconds
        self._poll_seconds = poll_seconds
        self._handles: list[ObservedWatch] | None = None
        self._placement: Placement | None = None
        self._last_error: str | None = None
        #: How many times the watch was set up (more than once: the folder came back or was replaced).
        self.times_watched = 0

    def describe(self) -> str:
        if self._handles is not None:
            return self.watch.describe()
        return f"polling the source every {self._poll_seconds:g} s until it can be watched"

    def start(self, notify: Notify) -> None:
        self._schedule(notify)

    async def poll(self, notify: Notify) -> None:
        last_sync = time.monotonic()
        while True:
            await asyncio.sleep(self._check_seconds)
            if self._handles is not None and self._placement is not None:
                try:
                    placement = await asyncio.to_thread(self.watch.placement)
                except Exception as exc:  # a connector's bug must not end the checks: the next one retries
                    self._say_once(f"cannot tell where to watch: {exc}")
                    continue
                self._last_error = None
                if placement == self._placement and not self.watch.lost:
                    continue
                log.warning(
                    "%s: %s was removed or replaced; watching it again",
                    self.source.name,
                    self._placement.folders(),
                )
                await asyncio.to_thread(self._unschedule)
                notify((), True)
                last_sync = time.monotonic()
            if await asyncio.to_thread(self._schedule, notify):
                log.info("%s: %s", self.source.name, self.watch.describe())
                notify((), True)  # what changed while it was not watched
            elif time.monotonic() - last_sync >= self._poll_seconds:
                notify((), True)
                last_sync = time.monotonic()

    def events_lost(self, notify: Notify) -> None:
        if self._handles is None:
            notify((), True)
        else:
            self.watch.events_lost(notify)

    async def ready(self) -> None:
        await self.watch.ready()

    def _schedule(self, notify: Notify) -> bool:
        """Watch the paths if they can be; if not, say why (the polls take over)."""
        try:
            placement = self.watch.placement()
        except Exception as exc:  # a connector's bug must not end the checks: the next one retries
            self._say_once(f"cannot tell where to watch: {exc}")
            return False
        if not placement.paths:  # nothing to observe: polled, so that no change is missed
            return False
        try:
            handles = self.watch.schedule(self._observer, placement, notify)
        except OSError as exc:  # e.g. the inotify watch limit (fs.inotify.max_user_watches)
            self._say_once(f"cannot watch for changes ({exc}); polling instead")
            return False
        self._handles, self._placement, self._last_error = handles, placement, None
        self.times_watched += 1
        return True

    def _say_once(self, error: str) -> None:
        """Log ``error``, unless it is the one logged last: a check every second must not flood."""
        if error != self._last_error:
            log.error("%s: %s", self.source.name, error)
        self._last_error = error

    def _unschedule(self) -> None:
        handles, self._handles = self._handles, None
        if handles is not None:
            unschedule(self._observer, handles)
