"""The rule of when: once when a scope turns failing, reminders at most every remind_hours, one recovery."""

from __future__ import annotations

from ingest.notify.rule import decide, records_after
from ingest.state import AlertRecord

HOUR = 3600.0


def test_a_new_failure_alerts_and_a_repeat_does_not() -> None:
    """Failing now, unknown before: new. Failing again an hour later (reminders daily): nothing."""
    first = decide({}, {"docs"}, set(), now=100.0, remind_seconds=24 * HOUR)
    assert (first.new, first.reminded, first.recovered) == (("docs",), (), ())
    saved = {r.scope: r for r in records_after(first, {}, now=100.0, told=True)}
    assert saved == {"docs": AlertRecord("docs", 100.0, 100.0)}
    again = decide(saved, {"docs"}, set(), now=100.0 + HOUR, remind_seconds=24 * HOUR)
    assert not again.alert and again.recovered == ()
    assert again.failing == {"docs": 100.0}  # failing since the first failure


def test_a_reminder_is_due_after_remind_hours_and_never_with_zero() -> None:
    """A day after the last alert: a reminder (since unchanged); with remind_hours 0: never."""
    previous = {"docs": AlertRecord("docs", 100.0, 100.0)}
    later = decide(previous, {"docs"}, set(), now=100.0 + 24 * HOUR, remind_seconds=24 * HOUR)
    assert later.reminded == ("docs",) and later.new == ()
    assert records_after(later, previous, now=100.0 + 24 * HOUR, told=True) == [
        AlertRecord("docs", 100.0, 100.0 + 24 * HOUR)
    ]
    never = decide(previous, {"docs"}, set(), now=100.0 + 1000 * HOUR, remind_seconds=0)
    assert not never.alert


def test_recovery_once_then_nothing() -> None:
    """A success after a failure: one recovery; another success: nothing."""
    previous = {"docs": AlertRecord("docs", 100.0, 100.0)}
    recovered = decide(previous, set(), {"docs"}, now=200.0, remind_seconds=HOUR)
    assert [r.scope for r in recovered.recovered] == ["docs"] and not recovered.alert
    quiet = decide({}, set(), {"docs"}, now=300.0, remind_seconds=HOUR)
    assert not quiet.alert and quiet.recovered == ()


def test_an_alert_no_webhook_took_is_tried_again_by_the_next_failure() -> None:
    """Not told (alerted_at 0): the next failure alerts, whatever remind_hours says."""
    first = decide({}, {"docs"}, set(), now=100.0, remind_seconds=0)
    saved = {r.scope: r for r in records_after(first, {}, now=100.0, told=False)}
    assert saved == {"docs": AlertRecord("docs", 100.0, 0.0)}
    again = decide(saved, {"docs"}, set(), now=101.0, remind_seconds=0)
    assert again.new == ("docs",) and again.failing == {"docs": 100.0}


def test_sources_are_independent() -> None:
    """One source failing, another recovering, a third never seen: each on its own."""
    previous = {"a": AlertRecord("a", 1.0, 1.0)}
    step = decide(previous, {"b"}, {"a", "c"}, now=5.0, remind_seconds=HOUR)
    assert step.new == ("b",) and [r.scope for r in step.recovered] == ["a"]
