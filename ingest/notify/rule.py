"""When to alert, so that nobody is paged every minute for one failure.

A scope (a source, or the run before any source) that turns failing is alerted once; while it
stays failing, again only when ``remind_hours`` passed since it was last alerted; the first
success after a failure is one recovery. A failure whose alert reached no webhook is tried again
by the next failure (``alerted_at`` 0: never told). Pure: :class:`ingest.state.AlertBook` keeps
what it returns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ingest.state import AlertRecord

__all__ = ["Transition", "decide", "records_after"]


@dataclass(frozen=True)
class Transition:
    """What one run or batch changes: scopes to alert (new or reminded), recovered, and what to save."""

    new: tuple[str, ...]
    reminded: tuple[str, ...]
    recovered: tuple[AlertRecord, ...]
    #: Every scope failing now, with when it began (new ones: now).
    failing: Mapping[str, float]

    @property
    def alert(self) -> bool:
        return bool(self.new or self.reminded)


def decide(
    previous: Mapping[str, AlertRecord],
    failing: Collection[str],
    succeeded: Collection[str],
    *,
    now: float,
    remind_seconds: float,
) -> Transition:
    """The transition from ``previous`` when ``failing`` failed and ``succeeded`` succeeded now."""
    # A failure no webhook took (alerted_at 0) is still news to everyone.
    new = tuple(sorted(scope for scope in failing if scope not in previous or not previous[scope].alerted_at))
    reminded = tuple(
        sorted(
            scope
            for scope in failing
            if scope in previous and previous[scope].alerted_at and _due(previous[scope], now, remind_seconds)
        )
    )
    recovered = tuple(
        previous[scope] for scope in sorted(succeeded) if scope in previous and scope not in failing
    )
    since = {scope: previous[scope].failing_since if scope in previous else now for scope in failing}
    return Transition(new=new, reminded=reminded, recovered=recovered, failing=since)


def records_after(
    transition: Transition, previous: Mapping[str, AlertRecord], *, now: float, told: bool
) -> list[AlertRecord]:
    """The records to save for the scopes alerted: stamped ``now`` when a webhook took the message;
    else as they were (a new scope: 0, never told), so that the next failure tries again."""
    records = []
    for scope in (*transition.new, *transition.reminded):
        before = previous[scope].alerted_at if scope in previous else 0.0
        records.append(AlertRecord(scope, transition.failing[scope], now if told else before))
    return records


def _due(record: AlertRecord, now: float, remind_seconds: float) -> bool:
    return remind_seconds > 0 and now - record.alerted_at >= remind_seconds
