"""``ingest watch`` to alerts: a subscriber of the daemon's batches (``WatchDaemon(on_batch=...)``).

A source's batch failed when it is retried (the source's error, or documents the API did not
take) or documents failed; it succeeded when nothing is left pending and nothing failed. A
batch held off by another process's lock is neither. Sending runs as a task of its own, so the
next batch never waits for a webhook; :meth:`BatchAlerts.drain` lets those tasks finish (each is
bounded by ``timeout_seconds``) when the daemon stops. A daemon stopped by an error retrying
cannot fix (a refused token) alerts the run scope (:meth:`BatchAlerts.stopped`).
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import SecretStr

from ingest.config import Settings
from ingest.notify.alert import FailedDocument, one_line, reason_of
from ingest.notify.alerter import Alerter, Observation, Outgoing
from ingest.notify.delivery import receivers_of
from ingest.state import RUN_SCOPE
from ingest.watching.worker import BatchReport

__all__ = ["BatchAlerts", "batch_alerts", "observe_batch"]

log = logging.getLogger("ingest.notify")


def observe_batch(report: BatchReport) -> Observation | None:
    """What a batch saw (None: a batch held off by a lock tells nothing)."""
    if report.outcome == "locked":
        return None
    counts = {
        "created": report.created,
        "updated": report.updated,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
        "failed": report.failed,
    }
    failures = tuple(
        FailedDocument(report.source, target, str(failure.locator), reason_of(failure))
        for target, failure in report.failures
    )
    if report.outcome == "ok" and not report.failed:
        return Observation(failing={}, succeeded=frozenset({report.source, RUN_SCOPE}), counts=counts)
    error = one_line(report.error) if report.error else None
    return Observation(
        failing={report.source: error}, succeeded=frozenset({RUN_SCOPE}), counts=counts, failures=failures
    )


class BatchAlerts:
    """Called with every :class:`BatchReport`; sends what the rule says in tasks of its own."""

    def __init__(self, alerter: Alerter) -> None:
        self._alerter = alerter
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, report: BatchReport) -> None:
        seen = observe_batch(report)
        if seen is None:
            return
        try:
            outgoing = self._alerter.outgoing(seen)
        except Exception as exc:  # the daemon goes on whatever alerts do
            log.warning("alerts: not sent (%s: %s)", type(exc).__name__, exc)
            return
        if outgoing is not None:
            task = asyncio.get_running_loop().create_task(self._send(outgoing))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def stopped(self, error: str) -> None:
        """The daemon stopped on ``error``: alert the run scope, and wait for it."""
        try:
            outgoing = self._alerter.outgoing(
                Observation(
                    failing={RUN_SCOPE: one_line(f"ingest watch stopped: {error}")}, succeeded=frozenset()
                )
            )
        except Exception as exc:
            log.warning("alerts: not sent (%s: %s)", type(exc).__name__, exc)
            return
        if outgoing is not None:
            await self._send(outgoing)

    async def drain(self) -> None:
        """Wait for the alerts being sent (each within its time budget)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _send(self, outgoing: Outgoing) -> None:
        try:
            await self._alerter.send(outgoing)
        except Exception as exc:
            log.warning("alerts: not sent (%s: %s)", type(exc).__name__, exc)


def batch_alerts(settings: Settings, token: SecretStr | None = None) -> BatchAlerts | None:
    """The daemon's subscriber for ``settings``' webhooks (None without any); ConfigError when a
    webhook's URL cannot be read."""
    receivers = receivers_of(settings.notify)
    if not receivers:
        return None
    secret = token if token is not None else _configured_token(settings)
    secrets = [] if secret is None else [secret.get_secret_value()]
    return BatchAlerts(
        Alerter(
            settings.notify,
            receivers,
            settings.state.path,
            origin="watch",
            secrets=secrets,
            configured=settings.sources,
        )
    )


def _configured_token(settings: Settings) -> SecretStr | None:
    try:
        return settings.access_token()
    except Exception:  # no token: nothing to blank (the daemon refuses to start anyway)
        return None
