"""Everything one emulator instance holds, reachable from a request as ``request.app[STATE]``."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from aiohttp import web

from ingest.api_versions import ApiFeatures, features_of
from ingest.emulator.bulk_queue import BulkQueue
from ingest.emulator.config import EmulatorConfig
from ingest.emulator.faults import Faults, FaultUpdate
from ingest.emulator.limits import RateLimiter
from ingest.emulator.log import RequestLog
from ingest.emulator.persist import DataFile
from ingest.emulator.store import Store


@dataclass
class EmulatorState:
    """The data, the request log, the rate limiter and the fault settings of one app.

    Only touched from the app's event loop; :class:`~ingest.emulator.server.RunningEmulator`
    hops onto that loop when called from another thread.
    """

    config: EmulatorConfig
    store: Store = field(default_factory=Store)
    log: RequestLog = field(init=False)
    limiter: RateLimiter = field(init=False)
    faults: Faults = field(init=False)
    #: Bulk actions accepted and not carried out yet.
    bulk: BulkQueue = field(init=False)
    data_file: DataFile | None = field(init=False, default=None)
    #: When this instance started (UNIX seconds); the ``created_at`` of its app in ``/me``.
    started_at: int = field(default_factory=lambda: int(time.time()))
    #: Where this app's rate-limit windows start, past a multiple of the window (seconds).
    rate_window_phase: float = field(init=False)

    def __post_init__(self) -> None:
        phase = self.config.rate_window_phase
        if phase == "random":
            phase = random.Random(self.config.seed).uniform(0, self.config.rate_window_seconds)
        self.rate_window_phase = phase
        self.log = RequestLog(self.config.request_log_limit)
        self.limiter = self._new_limiter()
        self.faults = Faults(self.config)
        self.bulk = BulkQueue(self.store, self.config.bulk_action_delay_seconds, after=self.persist)
        if self.config.data_file is not None:
            self.data_file = DataFile(self.config.data_file, self.store)
            self.data_file.load()
        if not self.store.tags.all():
            self.seed_tags()

    def seed_tags(self) -> None:
        """The workspace's tags as configured."""
        for tag in self.config.tags:
            self.store.tags.create(tag.name, archived=tag.archived, tag_id=tag.id)

    @property
    def default_features(self) -> ApiFeatures:
        """The app's default version: requests without ``Intercom-Version`` are answered in it."""
        return features_of(self.config.api_version)

    def persist(self) -> None:
        """Save the store if persistence is on and something changed."""
        if self.data_file is not None:
            self.data_file.save_if_changed()

    def set_faults(self, change: FaultUpdate) -> dict[str, object]:
        """Apply a run-time change; returns the settings now in force."""
        self.faults.update(change)
        if change.rate_limit is not None or change.rate_window_seconds is not None:
            self.limiter.configure(change.rate_limit, change.rate_window_seconds)
        return self.describe_faults()

    def describe_faults(self) -> dict[str, object]:
        """Fault and rate-limit settings now in force, JSON-ready."""
        return {
            **self.faults.describe(),
            "rate_limit": self.limiter.limit,
            "rate_window_seconds": self.limiter.window_seconds,
            "rate_window_phase": self.limiter.phase,
            "rate_reset_rounding": self.limiter.rounding,
        }

    def reset(self) -> None:
        """Wipe data, the log and counters; faults and rate limits go back to the config."""
        self.bulk.clear()
        self.store.clear()
        self.seed_tags()
        self.log.clear()
        self.faults = Faults(self.config)
        self.limiter = self._new_limiter()
        self.persist()

    def _new_limiter(self) -> RateLimiter:
        return RateLimiter(
            self.config.rate_limit,
            self.config.rate_window_seconds,
            phase=self.rate_window_phase,
            rounding=self.config.rate_reset_rounding,
        )


STATE = web.AppKey("emulator_state", EmulatorState)


def state_of(request: web.Request) -> EmulatorState:
    """The state of the app that received ``request``."""
    return request.app[STATE]
