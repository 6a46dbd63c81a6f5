"""What ``ingest run`` and ``ingest apply`` share of ``[notify]``: the webhooks read before
anything is synced (a URL that cannot be read is a mistake in config, said before the run), and
the alert sent once the run's exit code and report are settled (nothing it does changes them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.config import Settings
    from ingest.notify.delivery import Receiver
    from ingest.results import SourceResult


def run_receivers(settings: Settings, *, dry_run: bool) -> list[Receiver]:
    """The webhooks a run alerts (none for a dry run, which never alerts)."""
    if dry_run or not settings.notify.webhooks:
        return []
    from ingest.notify.delivery import receivers_of

    return receivers_of(settings.notify)


def alert_after_run(
    settings: Settings | None,
    receivers: Sequence[Receiver],
    sources: Sequence[str],
    results: Sequence[SourceResult],
    *,
    exit_code: int,
    error: str | None = None,
) -> None:
    """Tell the webhooks how the run ended, as the rule of when says; never raises."""
    if settings is None or not receivers:
        return
    import asyncio

    from ingest.notify.runs import alert_run

    asyncio.run(alert_run(settings, receivers, sources, results, exit_code=exit_code, error=error))
