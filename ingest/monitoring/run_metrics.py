"""``ingest run --metrics-file PATH``: a run's figures for node_exporter's textfile collector.

The same families as the daemon's where the figure is the same (documents synced and failed,
request latency, retries, 429s, the last success per source), plus when the run ended, how long it
took and its exit code. The command writes the text as it writes a report (atomically, through a
temporary file whose name does not end in ``.prom``), a new file readable by node_exporter,
another user (:data:`NEW_FILE_MODE`); a source
that did not succeed this time keeps the last success the previous file recorded, so "no
success for a day" stays true across failing nights instead of the series vanishing.

node_exporter refuses a series that two of its files hold, so several workspaces on one host
(one config and state each) label their files: ``--metrics-label workspace=acme`` puts
``workspace="acme"`` on every series of the file.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from ingest.errors import ConfigError
from ingest.monitoring.metrics import (
    RequestMetrics,
    build_info,
    count_documents,
    document_counters,
    last_success_gauge,
)
from ingest.results import SourceResult
from ingest.watching.worker import TargetFigures

LAST_SUCCESS = "fin_ingest_last_success_timestamp_seconds"
#: The labels fin-ingest's own series carry (and Prometheus' own for histograms): a
#: ``--metrics-label`` may not take one of them.
OWN_LABELS = frozenset(
    {"source", "target", "action", "method", "status_class", "reason", "outcome", "version", "le", "quantile"}
)
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def parse_labels(values: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` options as labels; a wrong one is a ConfigError naming it."""
    labels: dict[str, str] = {}
    for given in values:
        name, equals, value = given.partition("=")
        where = f"--metrics-label {given}"
        if not equals:
            raise ConfigError(f"{where}: give NAME=VALUE, such as workspace=acme")
        if not _LABEL_NAME.fullmatch(name) or name.startswith("__"):
            raise ConfigError(
                f"{where}: NAME must be letters, digits and underscores, not starting with a digit or __"
            )
        if name in OWN_LABELS:
            raise ConfigError(f"{where}: fin-ingest sets {name} itself; choose another name")
        if name in labels:
            raise ConfigError(f"{where}: {name} is given twice")
        labels[name] = value
    return labels


class RunMetrics:
    """The figures of one ``ingest run``; :attr:`requests` is the observer to give its client."""

    def __init__(
        self,
        sources: Mapping[str, Sequence[str]],
        *,
        configured: Collection[str] = (),
        labels: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``sources``: the sources this run syncs, with their targets; ``configured``: every source
        of the config, whose last success the previous file recorded is kept when this run did not
        sync it (``ingest run --source`` writing the file a nightly ``--all`` writes); ``labels``:
        put on every series written (``--metrics-label``)."""
        self._clock = clock
        self._labels = dict(labels or {})
        self._sources = sources
        self._configured = {*configured, *sources}
        self._started = clock()
        self.registry = CollectorRegistry()
        build_info(self.registry)
        self.synced, self.failed = document_counters(self.registry, sources)
        self.requests = RequestMetrics(self.registry)
        self._last_success = last_success_gauge(self.registry)
        self._ended = Gauge(
            "fin_ingest_run_timestamp_seconds", "When the run ended (Unix time).", registry=self.registry
        )
        self._duration = Gauge(
            "fin_ingest_run_duration_seconds", "How long the run took.", registry=self.registry
        )
        self._exit_code = Gauge(
            "fin_ingest_run_exit_code",
            "The run's exit code: 0 synced, 1 failures, 2 config or auth.",
            registry=self.registry,
        )

    def render(self, path: Path, results: Sequence[SourceResult], *, exit_code: int) -> str:
        """Record ``results``; the text of the file at ``path``, whose previous version gives the
        last successes this run did not renew."""
        now = self._clock()
        previous = _last_successes(path)
        succeeded: set[str] = set()
        by_source: dict[str, list[SourceResult]] = {}
        for result in results:
            by_source.setdefault(result.source, []).append(result)
        for source, source_results in by_source.items():
            count_documents(
                self.synced, self.failed, source, [TargetFigures.of(result) for result in source_results]
            )
            if all(
                result.error is None and not any(f.retryable for f in result.failures)
                for result in source_results
            ):
                succeeded.add(source)
        for source in sorted(self._configured):
            if source in succeeded:
                self._last_success.labels(source).set(now)
            elif source in previous:
                self._last_success.labels(source).set(previous[source])
        self._ended.set(now)
        self._duration.set(max(0.0, now - self._started))
        self._exit_code.set(exit_code)
        written = self.registry
        if self._labels:
            written = CollectorRegistry(auto_describe=False)
            written.register(_Labelled(self.registry, self._labels))
        return generate_latest(written).decode("utf-8")


class _Labelled(Collector):
    """``registry``'s families with ``labels`` added to every sample."""

    def __init__(self, registry: CollectorRegistry, labels: Mapping[str, str]) -> None:
        self._registry = registry
        self._labels = labels

    def collect(self) -> Iterator[Metric]:
        for family in self._registry.collect():
            labelled = Metric(family.name, family.documentation, family.type, family.unit)
            labelled.samples = [
                sample._replace(labels={**self._labels, **sample.labels}) for sample in family.samples
            ]
            yield labelled


#: A new file's mode: node_exporter reads it as another user, and it holds no secret (a umask of
#: 0077, as the systemd units set, would otherwise hide it from the collector).
NEW_FILE_MODE = 0o644


def _last_successes(path: Path) -> dict[str, float]:
    """What the previous file said of each source's last success; nothing when it is absent or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        families = list(text_string_to_metric_families(text))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return {
        sample.labels["source"]: sample.value
        for family in families
        for sample in family.samples
        if sample.name == LAST_SUCCESS and "source" in sample.labels
    }
