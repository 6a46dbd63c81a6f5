"""What a run tells its user: a table on a terminal, plain lines for cron, a JSON report."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from ingest.document import Failure, SkippedDocument
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
