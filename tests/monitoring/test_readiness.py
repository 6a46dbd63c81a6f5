"""Readiness from batch reports alone, on a clock the test moves: started, stuck, recovered."""

from __future__ import annotations

from ingest.monitoring import Readiness
from ingest.watch import BatchReport


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def report(source: str, outcome: str, error: str | None = None) -> BatchReport:
    return BatchReport(source=source, outcome=outcome, documents=1, whole=False, error=error)


def test_ready_once_every_source_has_synced() -> None:
    """Not ready until each source's first batch that left nothing pending; a locked batch is not one."""
    readiness = Readiness(["a", "b"], stuck_seconds=60, clock=Clock())
    assert not readiness.ready()
    readiness.batch_done(report("a", "ok"))
    readiness.batch_done(report("b", "locked"))
    assert not readiness.ready()
    assert readiness.explain()["sources"]["b"] == {
        "ready": False, "started": False, "why": "the start-up sync has not finished"
    }  # fmt: skip
    readiness.batch_done(report("b", "ok"))
    assert readiness.ready()


def test_a_source_failing_past_the_threshold_is_stuck_until_a_batch_ends_well() -> None:
    """Failures within stuck_seconds keep the daemon ready; past it, not ready, naming the source and
    the error; one good batch makes it ready again."""
    clock = Clock()
    readiness = Readiness(["a", "b"], stuck_seconds=60, clock=clock)
    readiness.batch_done(report("a", "ok"))
    readiness.batch_done(report("b", "ok"))
    readiness.batch_done(report("a", "retry", error="Intercom failed on POST /ai/external_pages (HTTP 503)"))
    clock.now += 60
    readiness.batch_done(report("a", "retry", error="still 503"))
    assert readiness.ready()  # at the threshold, not past it
    clock.now += 0.5
    assert not readiness.ready()
    explained = readiness.explain()
    assert explained["ready"] is False and explained["sources"]["b"]["ready"] is True
    assert explained["sources"]["a"] == {
        "ready": False,
        "started": True,
        "failing_seconds": 60.5,
        "failed_batches": 2,
        "error": "still 503",
        "why": "failing for 60.5 s, past stuck_seconds (60 s)",
    }
    readiness.batch_done(report("a", "ok"))
    assert readiness.ready() and readiness.explain()["sources"]["a"]["why"] == "synced"


def test_an_error_is_cut_short() -> None:
    """A long error is cut to 200 characters in the body."""
    readiness = Readiness(["a"], stuck_seconds=1, clock=Clock())
    readiness.batch_done(report("a", "retry", error="x" * 5000))
    assert readiness.explain()["sources"]["a"]["error"] == "x" * 200
