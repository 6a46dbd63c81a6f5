"""What a run tells its user: a table on a terminal, plain lines for cron, a JSON report."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from ingest.document import DocumentWarning, Failure, SkippedDocument
from ingest.engine import SourceResult
from ingest.report import print_summary, write_json_report
from ingest.state import RunCounts


def result() -> SourceResult:
    return SourceResult(
        source="docs",
        target="external_pages",
        counts=RunCounts(created=2, updated=1, deleted=0, unchanged=7, skipped=1, failed=1),
        failures=[Failure("bad.md", "bad.md: not valid UTF-8 at byte 3 [x]")],
        skipped=[SkippedDocument("draft.md", "front matter says skip")],
        seconds=1.5,
    )


def test_plain_lines_without_a_terminal() -> None:
    """Cron gets one summary line per source, then one line per failure and skip, markup-free."""
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=False, width=200), [result()])
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "source docs (external_pages): did create 2, update 1, delete 0; "
        "unchanged 7, skipped 1, failed 1 (1.50s)"
    )
    assert "failed docs/bad.md: bad.md: not valid UTF-8 at byte 3 [x]" in lines
    assert "skipped docs/draft.md: front matter says skip" in lines


def test_a_table_on_a_terminal() -> None:
    """A terminal gets a table with a column per count."""
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=True, width=200, color_system=None), [result()])
    text = out.getvalue()
    assert "Sync summary" in text and "unchanged" in text and "│ docs" in text


def test_json_report(tmp_path: Path) -> None:
    """--report writes counts, failures, skips and the exit code as JSON."""
    path = tmp_path / "r.json"
    write_json_report(path, [result()], exit_code=1, dry_run=False)
    body = json.loads(path.read_text())
    (source,) = body["sources"]
    assert (body["exit_code"], source["created"], source["ok"]) == (1, 2, False)
    assert source["failures"] == [{"document": "bad.md", "message": "bad.md: not valid UTF-8 at byte 3 [x]"}]
    assert source["skipped_documents"] == [{"document": "draft.md", "reason": "front matter says skip"}]


def site_results() -> list[SourceResult]:
    """One source synced into two targets: the same documents' warnings and unknown constructs in both."""
    warned = [
        DocumentWarning("guide.md", "include partials/x.md not found"),
        DocumentWarning("faq.md", "link to gone.md, which is not a page"),
    ]
    unknown = {
        "guide.md": {"shortcode:eturl": 30, "shortcode:glossary-term": 33},
        "faq.md": {"shortcode:eturl": 6},
    }
    unknown["faq.md"]["component:Highlight"] = 1
    return [
        SourceResult(source="docs", target=target, warnings=list(warned), unknown=dict(unknown))
        for target in ("external_pages", "articles")
    ]


def test_warnings_are_listed_once_each_after_the_failures_for_cron() -> None:
    """One line per warning (told once across targets), then the unknown constructs by kind and count."""
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=False, width=200), [result(), *site_results()])
    lines = out.getvalue().splitlines()
    warnings = [line for line in lines if line.startswith("warning ")]
    assert warnings == [
        "warning docs/guide.md: include partials/x.md not found",
        "warning docs/faq.md: link to gone.md, which is not a page",
    ]
    assert lines.index(warnings[0]) > lines.index("failed docs/bad.md: bad.md: not valid UTF-8 at byte 3 [x]")
    assert lines[-2:] == ["unknown components: Highlight 1", "unknown shortcodes: eturl 36, glossary-term 33"]


def test_the_terminal_table_counts_warnings() -> None:
    """A terminal's table has a warnings column, and the lines follow it."""
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=True, width=200, color_system=None), site_results())
    text = out.getvalue()
    assert "warnings" in text and "│        2 │" in text
    assert "warning docs/guide.md: include partials/x.md not found" in text


def test_the_json_report_holds_warnings_and_unknown_constructs(tmp_path: Path) -> None:
    """Per source and target its warnings and unknown constructs; across the run, constructs by name."""
    report = tmp_path / "report.json"
    write_json_report(report, site_results(), exit_code=0, dry_run=False)
    body = json.loads(report.read_text())
    first = body["sources"][0]
    assert first["warnings"][0] == {"document": "guide.md", "message": "include partials/x.md not found"}
    assert first["unknown"]["faq.md"] == {"component:Highlight": 1, "shortcode:eturl": 6}
    assert first["ok"] is True and body["exit_code"] == 0
    assert body["unknown_constructs"] == {
        "shortcode:eturl": 36,
        "shortcode:glossary-term": 33,
        "component:Highlight": 1,
    }
