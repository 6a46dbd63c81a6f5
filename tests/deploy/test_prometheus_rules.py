"""deploy/prometheus/fin-ingest-alerts.yaml: a rule file Prometheus would load, whose every metric
a real daemon serves.

promtool (Prometheus' own checker) is not on PyPI and not installed here: the file's shape is held
to the rule-file format in this test, and each expression is parsed by promql-parser (the Rust
parser of the Prometheus ecosystem), whose AST names the metrics the rules read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from ingest.emulator import EmulatorConfig, start_emulator
from tests.watch.conftest import TOKEN, Project
from tests.watch.monitoring import monitored_daemon

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "fin-ingest-alerts.yaml"
#: Series Prometheus makes itself for every target; the daemon cannot serve them.
PROMETHEUS_MADE = frozenset({"up"})
RULE_KEYS = frozenset({"alert", "expr", "for", "keep_firing_for", "labels", "annotations"})
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    assert set(document) == {"groups"}
    found: list[dict[str, Any]] = []
    for group in document["groups"]:
        assert set(group) <= {"name", "interval", "limit", "rules"} and group["name"]
        found += group["rules"]
    return found


def metric_names(expr: str) -> set[str]:
    """The metrics an expression selects, read from its parsed AST."""
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            assert node.name, f"a selector without a metric name in {expr!r}"
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def test_the_file_is_a_prometheus_rule_file() -> None:
    """Groups of alerting rules, each with a unique name, an expression that parses, a duration that
    parses, a severity and a summary; labels and annotations are maps of strings."""
    loaded = rules()
    names = [rule["alert"] for rule in loaded]
    assert len(names) == len(set(names)) >= 6
    for rule in loaded:
        assert set(rule) <= RULE_KEYS and {"alert", "expr"} <= set(rule), rule
        promql_parser.parse(rule["expr"])
        promql_parser.parse_duration(rule["for"])
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"]
        for mapping in (rule["labels"], rule["annotations"]):
            assert all(LABEL_NAME.fullmatch(key) and isinstance(value, str) for key, value in mapping.items())


def test_an_expression_that_does_not_parse_is_refused() -> None:
    """The parser the test relies on does refuse broken PromQL (so the test above can fail)."""
    with pytest.raises(ValueError, match=r".+"):
        promql_parser.parse("rate(fin_ingest_batches_total[5m]")


async def test_every_metric_the_rules_read_is_served_by_a_running_daemon(tmp_path: Path) -> None:
    """Each metric the rules select, but `up`, is in a scrape of a daemon after its start-up sync."""
    wanted = set().union(*(metric_names(rule["expr"]) for rule in rules())) - PROMETHEUS_MADE
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        project = Project(tmp_path, emulator)
        project.write("a.md", "# A\n\nBody.\n")
        async with monitored_daemon(project) as running:
            served = (await running.endpoints.scrape()).names()
    assert wanted, "the rules read no metric"
    assert wanted - served == set()


def test_a_source_is_behind_only_after_a_day_in_every_branch() -> None:
    """FinIngestSourceBehind pages (critical) that a source has not synced "for over a day": each
    branch of its `or` waits a day, also the one for a source with no success since the daemon started
    (else a restart during an hour's outage would page after an hour, its summary saying a day)."""
    [rule] = [rule for rule in rules() if rule["alert"] == "FinIngestSourceBehind"]
    expr = promql_parser.parse(rule["expr"])
    assert isinstance(expr, promql_parser.BinaryExpr) and str(expr.op) == "or"

    def day_in(node: object) -> bool:
        found: list[float] = []

        def visit(inner: object) -> None:
            if isinstance(inner, promql_parser.NumberLiteral):
                found.append(inner.val)

        promql_parser.walk(node, visit)
        return 86400 in found

    assert day_in(expr.lhs) and day_in(expr.rhs)
