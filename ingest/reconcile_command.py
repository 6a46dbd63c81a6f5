"""The ``ingest reconcile`` command's body: run it, print what it found and did, write its report.

Text: one block per source and target, a line of counts then one line per finding (with what
``--fix`` did about it), notes, and the fix run's summary line; JSON (``--json`` on stdout,
``--report FILE`` beside the text) holds the same, per source and target. Exit codes: 0 no drift
(or every drift repaired), 1 drift left (or a comparison or the fix run failed, or the report could
not be written), 2 configuration, authentication or locking (raised, as for every command).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from ingest.config import Settings
from ingest.reconcile import Finding, ReconcileRun, TargetReport, reconcile_sources
from ingest.report import result_as_dict, summary_line
from ingest.report_file import ReportPathError, report_write_problem, write_report_file

EXIT_OK, EXIT_DRIFT = 0, 1


def run_reconcile(
    console: Console,
    settings: Settings,
    source_names: Sequence[str],
    *,
    fix: bool,
    overwrite_edits: bool,
    allow_mass_delete: bool,
    as_json: bool,
    lock_wait: float,
) -> tuple[ReconcileRun, int]:
    """Reconcile the named sources (every source when none is named) and print what was found and
    done; the run and its exit code."""
    sources = settings.select(list(source_names) or None)
    run = asyncio.run(
        reconcile_sources(
            settings,
            sources,
            fix=fix,
            overwrite_edits=overwrite_edits,
            allow_mass_delete=allow_mass_delete,
            lock_wait=lock_wait,
        )
    )
    code = EXIT_OK if run.ok else EXIT_DRIFT
    if as_json:
        console.out(json.dumps(report_body(run, fix=fix, exit_code=code), indent=2), highlight=False)
    else:
        print_reconcile(console, run, fix=fix)
    return run, code


def print_reconcile(console: Console, run: ReconcileRun, *, fix: bool) -> None:
    """Plain lines (cron reads them as a terminal does): per source and target, its counts, then
    each finding, note and error indented below."""
    for report in run.reports:
        _line(console, _headline(report))
        for finding in report.findings:
            _line(console, "  " + _finding_line(finding, fix=fix))
        for note in report.notes:
            _line(console, f"  note: {note}")
        if report.error is not None:
            _line(console, f"  error: {report.error}")
        if report.fix is not None:
            _line(console, "  fix run: " + summary_line(report.fix))
    _line(console, _total(run, fix=fix))


def _headline(report: TargetReport) -> str:
    head = f"reconcile {report.source} ({report.target}): compared {report.checked} in {_reads(report.reads)}"
    counted = [f"{kind} {count}" for kind, count in report.counts().items() if count]
    return head + ("; drift: " + ", ".join(counted) if counted else "; no drift")


def _finding_line(finding: Finding, *, fix: bool) -> str:
    drift = finding.drift
    where = drift.locator or drift.external_id or "source"
    line = f"{drift.kind.value} {where}: {drift.message}"
    if fix and finding.outcome is not None:
        line += f" [{finding.outcome.value}" + (f": {finding.why}]" if finding.why else "]")
    return line


def _total(run: ReconcileRun, *, fix: bool) -> str:
    findings = [finding for report in run.reports for finding in report.findings]
    drifted = sum(report.drifted for report in run.reports)
    line = f"reconcile: {len(findings)} finding(s) in {len(run.reports)} target(s), {_reads(run.reads)}"
    if fix:
        repaired = sum(not finding.still_there for finding in findings)
        line += f"; repaired {repaired}, left {len(findings) - repaired}"
    return line + (
        f"; drift left in {drifted} target(s)" if drifted else "; no drift left" if findings else ""
    )


def _reads(count: int) -> str:
    return f"{count} read{'s' * (count != 1)}"


def _line(console: Console, text: str) -> None:
    # Messages name documents and titles: never read as markup.
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def report_body(
    run: ReconcileRun | None, *, fix: bool, exit_code: int, error: str | None = None
) -> dict[str, Any]:
    """The machine-readable summary (``--json``, ``--report``): per source and target, the findings
    with what ``--fix`` did about each, and the fix run as ``ingest run`` reports it."""
    reports = run.reports if run is not None else []
    return {
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "fix": fix,
        "exit_code": exit_code,
        "error": error,
        "reads": run.reads if run is not None else 0,
        "drift": any(report.drifted for report in reports),
        "sources": [_target_as_dict(report) for report in reports],
    }


def _target_as_dict(report: TargetReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "target": report.target,
        "ok": report.ok,
        "error": report.error,
        "checked": report.checked,
        "reads": report.reads,
        "drift": report.drifted,
        "counts": report.counts(),
        "findings": [
            {
                "kind": finding.drift.kind.value,
                "document": finding.drift.locator or None,
                "external_id": finding.drift.external_id or None,
                "remote_id": finding.drift.remote_id,
                "message": finding.drift.message,
                "repair": finding.drift.repair.value,
                "outcome": finding.outcome.value if finding.outcome is not None else None,
                "why": finding.why,
            }
            for finding in report.findings
        ],
        "notes": list(report.notes),
        "fix": result_as_dict(report.fix) if report.fix is not None else None,
    }


def write_report(path: Path, body: dict[str, Any]) -> bool:
    """Write ``body`` to ``path`` atomically; if it cannot be, say so in one line and return False."""
    try:
        write_report_file(path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    except (OSError, ReportPathError) as exc:
        error = report_write_problem(path, exc)
        Console(stderr=True, highlight=False).print(f"[red]error:[/red] {escape(error)}", soft_wrap=True)
        return False
    return True
