"""The daemon's Prometheus metric families, fed by batch reports and by the client's requests.

:class:`RequestMetrics` (the client's observer) and :func:`document_counters` are shared with
``ingest run --metrics-file`` (:mod:`ingest.monitoring.run_metrics`): the same names for the same
figures. Every family lives in a :class:`~prometheus_client.CollectorRegistry` of its own, never the
library's global one, so that several daemons (and tests) in one process never share figures.
Labels are bounded by the configuration: a source's and a target's names, a method, a status
class, an outcome, a reason; never a document, a path or a URL.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter as Tally
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, ProcessCollector
from prometheus_client.exposition import choose_encoder

from ingest import __version__
from ingest.intercom.observer import RetryReason
from ingest.watching.worker import BatchReport, TargetFigures

#: Intercom answers in 100-300 ms mostly: fine steps there, coarse ones for the slow tail.
LATENCY_BUCKETS: Final = (0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)
#: What a batch may do to a document, as ``fin_ingest_documents_synced_total``'s ``action``.
ACTIONS: Final = ("created", "updated", "deleted", "availability", "tagged")
OUTCOMES: Final = ("ok", "retry", "locked")
RETRY_REASONS: Final[tuple[RetryReason, ...]] = ("server_error", "timeout", "connection")


class RequestMetrics:
    """The client's :class:`~ingest.intercom.observer.RequestObserver`: latency, retries, 429s."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.latency = Histogram(
            "fin_ingest_request_duration_seconds",
            "Time from sending a request to Intercom to its answer, by method and status class.",
            ["method", "status_class"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.retries = Counter(
            "fin_ingest_request_retries", "Requests sent again, by reason.", ["reason"], registry=registry
        )
        self.rate_limited_answers = Counter(
            "fin_ingest_rate_limited_responses",
            "Answers 429 (rate limited) from Intercom.",
            registry=registry,
        )
        for reason in RETRY_REASONS:
            self.retries.labels(reason)

    def answered(self, method: str, status: int, seconds: float) -> None:
        self.latency.labels(method, f"{status // 100}xx").observe(seconds)

    def retried(self, reason: RetryReason) -> None:
        self.retries.labels(reason).inc()

    def rate_limited(self) -> None:
        self.rate_limited_answers.inc()


def build_info(registry: CollectorRegistry) -> None:
    """``fin_ingest_build_info{version=...} 1``."""
    Info("fin_ingest_build", "The fin-ingest version running.", registry=registry).info(
        {"version": __version__}
    )


def document_counters(
    registry: CollectorRegistry, sources: Mapping[str, Sequence[str]]
) -> tuple[Counter, Counter]:
    """Documents synced (by source, target, action) and failed (by source, target), every series at 0."""
    synced = Counter(
        "fin_ingest_documents_synced",
        "Documents written to Intercom, by source, target and action.",
        ["source", "target", "action"],
        registry=registry,
    )
    failed = Counter(
        "fin_ingest_documents_failed",
        "Documents that could not be synced, by source and target.",
        ["source", "target"],
        registry=registry,
    )
    for source, targets in sources.items():
        for target in targets:
            failed.labels(source, target)
            for action in ACTIONS:
                synced.labels(source, target, action)
    return synced, failed


def count_documents(synced: Counter, failed: Counter, source: str, figures: Sequence[TargetFigures]) -> None:
    """Add what a batch or a run did for ``source``, target by target."""
    for target in figures:
        for action in ACTIONS:
            done = getattr(target, action)
            if done:
                synced.labels(source, target.target, action).inc(done)
        if target.failed:
            failed.labels(source, target.target).inc(target.failed)


def last_success_gauge(registry: CollectorRegistry) -> Gauge:
    return Gauge(
        "fin_ingest_last_success_timestamp_seconds",
        "When the source was last synced with nothing left to retry (Unix time).",
        ["source"],
        registry=registry,
    )


class DaemonMetrics:
    """The figures of one daemon. ``sources`` maps each watched source to its targets, so that every
    series a dashboard or an alert rule reads exists (at 0) from the first scrape. :attr:`requests`
    is the observer to give the daemon's client."""

    def __init__(
        self, sources: Mapping[str, Sequence[str]], *, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock
        self.registry = CollectorRegistry()
        registry = self.registry
        ProcessCollector(registry=registry)
        build_info(registry)
        started = Gauge(
            "fin_ingest_start_time_seconds", "When the daemon started (Unix time).", registry=registry
        )
        started.set(clock())
        self.synced, self.failed = document_counters(registry, sources)
        self.requests = RequestMetrics(registry)
        self.batches = Counter(
            "fin_ingest_batches",
            "Batches run, by source and outcome.",
            ["source", "outcome"],
            registry=registry,
        )
        self.pending = Gauge(
            "fin_ingest_pending_documents",
            "Documents kept pending in state after the source's last batch.",
            ["source"],
            registry=registry,
        )
        self.last_success = last_success_gauge(registry)
        self.rate_limit_remaining = Gauge(
            "fin_ingest_rate_limit_remaining",
            "Calls this process's share of Intercom's current rate-limit window still allows (NaN: unknown).",
            registry=registry,
        )
        self.rate_limit_remaining.set_function(lambda: math.nan)
        self.ready = Gauge("fin_ingest_ready", "1 while /readyz answers 200, else 0.", registry=registry)
        for source in sources:
            self.pending.labels(source).set(0)
            for outcome in OUTCOMES:
                self.batches.labels(source, outcome)

    def follow_rate_limit(self, calls_left: Callable[[], int | None]) -> None:
        """Read the rate-limit budget from ``calls_left`` at each scrape (``None``: unknown yet)."""

        def remaining() -> float:
            left = calls_left()
            return math.nan if left is None else float(left)

        self.rate_limit_remaining.set_function(remaining)

    def follow_readiness(self, ready: Callable[[], bool]) -> None:
        """Read ``fin_ingest_ready`` from ``ready`` at each scrape."""
        self.ready.set_function(lambda: float(ready()))

    def batch_done(self, report: BatchReport) -> None:
        """Count what one batch did: a watch daemon's batch listener."""
        self.batches.labels(report.source, report.outcome).inc()
        self.pending.labels(report.source).set(report.pending)
        count_documents(self.synced, self.failed, report.source, _given_up(report))
        if report.outcome == "ok":
            self.last_success.labels(report.source).set(self._clock())

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """Every family, and its content type: OpenMetrics when the scraper's ``Accept`` asks for it,
        else Prometheus' text format."""
        encode, content_type = choose_encoder(accept or "")
        return encode(self.registry), content_type


def _given_up(report: BatchReport) -> list[TargetFigures]:
    """``report``'s figures with only the failures left for the document's next edit counted as
    failed: one the API could not take for now stays pending and is retried (counted in
    ``fin_ingest_pending_documents``), so that an outage does not count a document once per retry."""
    retried = Tally(target for target, failure in report.failures if failure.retryable)
    return [
        dataclasses.replace(figures, failed=max(0, figures.failed - retried[figures.target]))
        for figures in report.targets
    ]
