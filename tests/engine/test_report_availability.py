"""A run that set availability apart from its upserts says so: in its line, its table and its report."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from ingest.availability import Availability
from ingest.engine import SourceResult
from ingest.plan import AvailabilityChange, Plan
from ingest.report import print_summary, summary_line, write_json_report
from ingest.state import RunCounts

WANTED = Availability(True, True, True)


def result(availability: int) -> SourceResult:
    changes = tuple(
        AvailabilityChange(f"p{i}.md", f"p{i}.md", str(i), WANTED, Availability(ai_sales_agent=True))
        for i in range(availability)
    )
    return SourceResult(
        source="docs",
        target="external_pages",
        counts=RunCounts(unchanged=3, availability=availability),
        plan=Plan(source="docs", target="external_pages", availability=changes),
        seconds=0.5,
    )


def test_the_line_names_availability_set_only_when_some_was() -> None:
    """``set availability N`` after the deletes; a run that set none reads as it always did."""
    assert summary_line(result(3)) == (
        "source docs (external_pages): did create 0, update 0, delete 0, set availability 3; "
        "unchanged 3, skipped 0, failed 0 (0.50s)"
    )
    assert "availability" not in summary_line(result(0))


def test_the_table_has_an_availability_column() -> None:
    """On a terminal, a column counts the pages whose availability was set."""
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=True, width=200, color_system=None), [result(2)])
    header = next(line for line in out.getvalue().splitlines() if "availability" in line)
    assert header.index("deleted") < header.index("availability") < header.index("unchanged")


def test_the_json_report_counts_and_lists_each_page_whose_availability_was_set(tmp_path: Path) -> None:
    """Monitoring reads the count and, per page, what it was made available to."""
    path = tmp_path / "r.json"
    write_json_report(path, [result(2)], exit_code=0, dry_run=False)
    (source,) = json.loads(path.read_text())["sources"]
    assert source["availability"] == 2
    assert source["changes"][0] == {
        "action": "set availability",
        "document": "p0.md",
        "external_id": "p0.md",
        "availability": {"ai_agent": True, "ai_copilot": True, "ai_sales_agent": True},
        "changes": {"ai_sales_agent": {"from": None, "to": True}},
    }
