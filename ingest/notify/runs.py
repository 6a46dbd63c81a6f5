"""``ingest run`` and ``ingest apply`` to alerts: the run's results and exit code
as an :class:`~ingest.notify.alerter.Observation`, sent before the command returns.

A source failed when any of its targets failed or drifted (what makes the exit code 1); a run
that raised before any source (a refused token, every source locked) is the run scope
(:data:`ingest.state.RUN_SCOPE`) failing. A dry run is never observed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import SecretStr

from ingest.config import Settings
from ingest.notify.alert import FailedDocument, one_line, reason_of
from ingest.notify.alerter import Alerter, Observation
from ingest.notify.delivery import Delivery, Receiver
from ingest.results import SourceResult
from ingest.state import RUN_SCOPE

__all__ = ["alert_run", "observe_run"]

log = logging.getLogger("ingest.notify")
_COUNTED = ("created", "updated", "deleted", "unchanged", "failed")


def observe_run(
    sources: Sequence[str], results: Sequence[SourceResult], *, exit_code: int, error: str | None
) -> Observation:
    """What a run saw: with ``error`` (it stopped before any source), the run scope failing."""
    if error is not None:
        return Observation(failing={RUN_SCOPE: one_line(error)}, succeeded=frozenset(), exit_code=exit_code)
    failing: dict[str, str | None] = {}
    for result in results:
        if not result.ok or result.drifted:
            failing.setdefault(result.source, None)
            if result.error and failing[result.source] is None:
                failing[result.source] = one_line(result.error)
            elif result.drifted and failing[result.source] is None:
                failing[result.source] = (
                    f"{result.target}: Intercom holds its container otherwise than configured"
                )
    succeeded = frozenset({RUN_SCOPE, *(name for name in sources if name not in failing)})
    counts = {key: sum(getattr(result.counts, key) for result in results) for key in _COUNTED}
    failures = tuple(
        FailedDocument(result.source, result.target, str(failure.locator), reason_of(failure))
        for result in results
        for failure in result.failures
    )
    return Observation(failing, succeeded, counts, failures, exit_code)


async def alert_run(
    settings: Settings,
    receivers: Sequence[Receiver],
    sources: Sequence[str],
    results: Sequence[SourceResult],
    *,
    exit_code: int,
    error: str | None = None,
) -> list[Delivery]:
    """Alert on a run that ended with ``exit_code`` (and recover what it fixed); never raises."""
    if not receivers:
        return []
    try:
        alerter = Alerter(
            settings.notify,
            receivers,
            settings.state.path,
            origin="run",
            secrets=_token(settings),
            configured=settings.sources,
        )
        outgoing = alerter.outgoing(observe_run(sources, results, exit_code=exit_code, error=error))
        return [] if outgoing is None else await alerter.send(outgoing)
    except Exception as exc:  # an alert never fails the run it tells of
        log.warning("alerts: not sent (%s: %s)", type(exc).__name__, exc)
        return []


def _token(settings: Settings) -> list[str]:
    try:
        token: SecretStr = settings.access_token()
    except Exception:  # no token: nothing to blank
        return []
    return [token.get_secret_value()]
