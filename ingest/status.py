"""Printing ``ingest status`` and ``ingest sources``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from ingest.source_status import SourceStatus

if TYPE_CHECKING:
    from ingest.intercom import ContentImportSource


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))


_STATUS_COLUMNS = (
    "source",
    "target",
    "documents",
    "last run",
    "outcome",
    "last counts",
    "failures",
    "pending",
)


def _status_row(status: SourceStatus) -> tuple[str, ...]:
    run = status.last_run
    counts = "-"
    if run is not None:
        c = run.counts
        counts = f"+{c.created} ~{c.updated} -{c.deleted} ={c.unchanged}"
        soft = (("withdrawn", c.withdrawn), ("restored", c.restored), ("expired", c.expired))
        counts += "".join(f" {word} {number}" for word, number in soft if number)
    documents = str(status.documents)
    if status.withdrawn:
        documents += f" ({status.withdrawn} withdrawn)"
    return (
        status.name + ("" if status.configured else " (not configured)"),
        status.target,
        documents,
        _when(run.started_at if run else None),
        run.outcome if run else "never run",
        counts,
        str(len(status.failures)),
        str(status.pending),
    )


def print_status(console: Console, statuses: Sequence[SourceStatus]) -> None:
    """A table on a terminal; one ``key=value`` line per source and target elsewhere (never cut)."""
    if not statuses:
        console.print("no sources configured or synced yet")
        return
    if console.is_terminal:
        table = Table(title="Sources")
        for column in _STATUS_COLUMNS:
            table.add_column(column)
        for status in statuses:
            table.add_row(*_status_row(status))
        console.print(table)
    else:
        for status in statuses:
            pairs = zip(_STATUS_COLUMNS, _status_row(status), strict=True)
            console.print("; ".join(f"{k}: {v}" for k, v in pairs), markup=False, soft_wrap=True)
    for name in dict.fromkeys(status.name for status in statuses):
        failures = next(status.failures for status in statuses if status.name == name)
        for failure in failures:
            console.print(f"failed {name}/{failure.locator}: {failure.message}", markup=False, soft_wrap=True)


def print_remote_sources(console: Console, remote: Sequence[tuple[ContentImportSource, str | None]]) -> None:
    if not remote:
        console.print("the workspace has no Content Import Sources")
        return
    table = Table(title="Content Import Sources")
    for column in ("id", "url", "status", "sync", "configured as"):
        table.add_column(column)
    for item, name in remote:
        table.add_row(str(item.id), item.url, item.status, item.sync_behavior, name or "-")
    console.print(table)
