"""A run that moved owner tags says so: in its line, its table, its report and the watch daemon's line."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from rich.console import Console

from ingest.engine import SourceResult
from ingest.plan import Plan, TagChange
from ingest.report import print_summary, summary_line, write_json_report
from ingest.state import RunCounts
from ingest.watching.worker import BatchReport, _log_report


def result(tagged: int) -> SourceResult:
    changes = tuple(TagChange(f"p{i}.md", f"p{i}.md", str(i), 8, 7) for i in range(tagged))
    return SourceResult(
        source="docs",
        target="external_pages",
        counts=RunCounts(unchanged=3, tagged=tagged),
        plan=Plan(source="docs", target="external_pages", tags=changes),
        seconds=0.5,
    )


def test_the_line_names_the_twins_tagged_only_when_some_were() -> None:
    """``tag N`` after the deletes (``would tag N`` in a dry run); a run that tagged none reads as before."""
    assert summary_line(result(3)) == (
        "source docs (external_pages): did create 0, update 0, delete 0, tag 3; "
        "unchanged 3, skipped 0, failed 0 (0.50s)"
    )
    assert "would create 0, update 0, delete 0, tag 3;" in summary_line(result(3), dry_run=True)
    assert "tag" not in summary_line(result(0))


def test_the_table_has_a_tagged_column() -> None:
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=True, width=200, color_system=None), [result(2)])
    header = next(line for line in out.getvalue().splitlines() if "tagged" in line)
    assert header.index("availability") < header.index("tagged") < header.index("unchanged")


def test_the_json_report_counts_and_lists_each_twin_whose_tag_moved(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json_report(path, [result(2)], exit_code=0, dry_run=False)
    (source,) = json.loads(path.read_text())["sources"]
    assert source["tagged"] == 2
    assert source["changes"][0] == {
        "action": "tag",
        "document": "p0.md",
        "external_id": "p0.md",
        "tag": {"add": 8, "remove": 7},
    }


def test_the_watch_daemons_batch_line_counts_the_twins_tagged(caplog: pytest.LogCaptureFixture) -> None:
    report = BatchReport(source="docs", outcome="ok", documents=2, whole=False, created=2, tagged=2)
    with caplog.at_level(logging.INFO, logger="ingest"):
        _log_report(report)
    assert "docs: created 2, updated 0, deleted 0, tagged 2, failed 0 (2 documents" in caplog.text
