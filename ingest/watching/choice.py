"""How the daemon learns that a source changed, chosen from what its connector offers.

* a :class:`~ingest.connector.Watchable` connector (``filesystem``, ``confluence_export``)
  names local paths: they are observed through watchdog, and kept observed when their
  folders are removed or replaced (:mod:`ingest.watching.observed`, :mod:`ingest.watching.kept`);
* a :class:`~ingest.connector.Revisioned` connector (``git``) is asked where its source stands
  every ``poll_seconds``, and synced only when that moved (:mod:`ingest.watching.polled`);
* any other connector is synced, incrementally, every ``poll_seconds``.

Only these Protocols decide: never a connector's name or the names of its options.
"""

from __future__ import annotations

from pathlib import Path

from watchdog.observers.api import BaseObserver

from ingest.config import Source
from ingest.connector import Connector, Revisioned, Watchable
from ingest.settings import WatchSettings
from ingest.watching.kept import KeptWatch
from ingest.watching.observed import ObservedSource
from ingest.watching.polled import PollWatch
from ingest.watching.source import SourceWatch


def watch_for(
    source: Source,
    connector: Connector,
    *,
    observer: BaseObserver,
    settings: WatchSettings,
    state_path: Path | None = None,
) -> SourceWatch:
    """How to watch ``source`` through ``connector`` (see the module docstring); a watch that
    observes paths is added to ``observer`` when it starts. Changes to the state file at
    ``state_path`` and the files named after it are the daemon's own, never a source's."""
    poll_seconds = settings.poll_seconds
    if isinstance(connector, Watchable):
        settle = max(settings.debounce_ms / 1000, 0.1)  # how long a file must stay the same size
        observed = ObservedSource(source, connector, settle=settle, state_path=state_path)
        return KeptWatch(observed, observer, check_seconds=min(poll_seconds, 1.0), poll_seconds=poll_seconds)
    if isinstance(connector, Revisioned):
        return PollWatch(source, interval=poll_seconds, revision=connector.current_revision)
    return PollWatch(source, interval=poll_seconds)
