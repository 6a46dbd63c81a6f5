"""The one place that joins the rule, state and delivery: what a run or a batch saw, to the
alerts it is worth and what state keeps of them. Never raises into its caller."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest import __version__
from ingest.notify.alert import Alert, AlertOrigin, FailedDocument, ScopeStatus
from ingest.notify.delivery import BACKOFF_SECONDS, Delivery, Receiver, Sleep, deliver
from ingest.notify.rule import Transition, decide, records_after
from ingest.notify_settings import NotifySettings
from ingest.state import RUN_SCOPE, AlertBook, AlertRecord, StateStore

__all__ = ["Alerter", "Observation", "Outgoing"]

log = logging.getLogger("ingest.notify")


@dataclass(frozen=True)
class Observation:
    """What a run or a batch found: the scopes failing (with the error of each, if any), those
    that succeeded, the counts and the failed documents."""

    failing: Mapping[str, str | None]
    succeeded: frozenset[str]
    counts: Mapping[str, int] = field(default_factory=dict)
    #: Every failed document (a message lists the first ``max_failures``, counting the rest).
    failures: tuple[FailedDocument, ...] = ()
    exit_code: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """The alerts one observation is worth, and what to record once they are sent."""

    alerts: tuple[Alert, ...]
    transition: Transition
    previous: Mapping[str, AlertRecord]
    now: float
    #: Scopes state held that the config no longer has: forgotten without a message.
    forgotten: tuple[str, ...] = ()


class Alerter:
    """Decides and sends the alerts of runs or batches for one state file."""

    def __init__(
        self,
        settings: NotifySettings,
        receivers: Sequence[Receiver],
        state_path: Path,
        *,
        origin: AlertOrigin,
        secrets: Sequence[str] = (),
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        backoff: float = BACKOFF_SECONDS,
        configured: Collection[str] | None = None,
    ) -> None:
        self._settings = settings
        self._receivers = list(receivers)
        self._state_path = state_path
        self._origin: AlertOrigin = origin
        self._secrets = list(secrets)
        self._clock = clock
        self._sleep = sleep
        self._backoff = backoff
        self._known: dict[str, AlertRecord] | None = None
        self._configured = None if configured is None else frozenset(configured)
        self._forget: tuple[str, ...] = ()

    def outgoing(self, seen: Observation) -> Outgoing | None:
        """The alerts ``seen`` is worth (None: none); what state knows is read once per alerter."""
        if self._known is None:
            self._known = self._recorded()
            if self._configured is not None:
                # A source removed from the config while failing would otherwise stay failing
                # for good: never recovered, and silent if it comes back failing.
                self._forget = tuple(
                    scope for scope in self._known if scope != RUN_SCOPE and scope not in self._configured
                )
                for scope in self._forget:
                    del self._known[scope]
        now = self._clock()
        previous = dict(self._known)
        transition = decide(
            previous,
            seen.failing,
            seen.succeeded,
            now=now,
            remind_seconds=self._settings.remind_hours * 3600,
        )
        for scope, since in transition.failing.items():
            if scope not in self._known:  # known from now on, alerted or not (never told: 0)
                self._known[scope] = AlertRecord(scope, since, 0.0)
        for scope in (*transition.new, *transition.reminded):
            # Taken as told while the message is on its way, so that the batches meanwhile (a
            # source retried every second) do not send it again; send() says what became of it.
            self._known[scope] = AlertRecord(scope, transition.failing[scope], now)
        for record in transition.recovered:
            self._known.pop(record.scope, None)
        forgotten, self._forget = self._forget, ()
        if not transition.alert and not transition.recovered and not forgotten:
            return None
        alerts = []
        if transition.alert:
            alerts.append(self._failure(seen, transition, now))
        if transition.recovered:
            alerts.append(self._recovery(seen, transition, now))
        return Outgoing(tuple(alerts), transition, previous, now, forgotten)

    async def send(self, outgoing: Outgoing) -> list[Delivery]:
        """Deliver ``outgoing`` and record it; a delivery that failed is one warning line each."""
        # A failure and a recovery go at once: the whole send stays within one time budget.
        sent = await asyncio.gather(
            *(
                deliver(
                    self._receivers,
                    alert,
                    self._settings,
                    secrets=self._secrets,
                    sleep=self._sleep,
                    backoff=self._backoff,
                )
                for alert in outgoing.alerts
            )
        )
        deliveries = [delivery for per_alert in sent for delivery in per_alert]
        for delivery in deliveries:
            if not delivery.delivered:
                log.warning("alert to webhook %s not delivered: %s", delivery.name, delivery.problem)
        told_failure = any(
            delivery.delivered
            for alert, per_alert in zip(outgoing.alerts, sent, strict=True)
            if alert.event in ("failure", "reminder")
            for delivery in per_alert
        )
        records = records_after(outgoing.transition, outgoing.previous, now=outgoing.now, told=told_failure)
        recovered = [record.scope for record in outgoing.transition.recovered]
        if self._known is not None:
            # Messages on their way may land in any order (a slow receiver, a source retried
            # meanwhile): what a later observation decided wins. A failure whose scope recovered
            # (or failed anew) since is not recorded; a recovery of a scope failing anew forgets nothing.
            known = self._known
            records = [
                record
                for record in records
                if record.scope in known and known[record.scope].failing_since == record.failing_since
            ]
            recovered = [scope for scope in recovered if scope not in known]
            for record in records:
                known[record.scope] = record
        try:
            with StateStore(self._state_path) as state:
                AlertBook(state).save(records, [*recovered, *outgoing.forgotten])
        except Exception as exc:  # a full disk must not fail the run for its alert's sake
            log.warning("alerts: could not record what was alerted in the state file (%s)", exc)
        return deliveries

    def _recorded(self) -> dict[str, AlertRecord]:
        try:
            with StateStore(self._state_path) as state:
                return AlertBook(state).failing()
        except Exception as exc:
            # A state file no run can use (a newer release's, unreadable) fails every run: that
            # is sent as news each time rather than never, since nothing can remember it was told.
            log.warning("alerts: what was alerted before cannot be read from the state file (%s)", exc)
            return {}

    def _failure(self, seen: Observation, transition: Transition, now: float) -> Alert:
        alerted = (*transition.new, *transition.reminded)
        scopes = tuple(
            ScopeStatus(scope, "failing", transition.failing[scope], seen.failing.get(scope))
            for scope in alerted
        )
        failures = tuple(failure for failure in seen.failures if failure.source in alerted)
        return Alert(
            event="failure" if transition.new else "reminder",
            origin=self._origin,
            scopes=scopes,
            time=now,
            host=socket.gethostname(),
            version=__version__,
            counts=seen.counts,
            failures=failures,
            failures_total=len(failures),
            exit_code=seen.exit_code,
        )

    def _recovery(self, seen: Observation, transition: Transition, now: float) -> Alert:
        return Alert(
            event="recovery",
            origin=self._origin,
            scopes=tuple(ScopeStatus(r.scope, "recovered", r.failing_since) for r in transition.recovered),
            time=now,
            host=socket.gethostname(),
            version=__version__,
            counts=seen.counts,
            exit_code=seen.exit_code,
        )
