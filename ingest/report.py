"""What a run tells its user: progress while it works, a summary at the end, a JSON report for cron.

A terminal gets a rich progress bar and a table; anything else (cron, a log shipper)
gets plain log lines, one per source, that read well in a mail or a log file.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgressBar
from rich.table import Table

from ingest.document import Failure
from ingest.engine import SourceResult
from ingest.json_stream import StreamedList, json_chunks
from ingest.report_file import write_report_file

log = logging.getLogger("ingest")


class BarProgress:
    """A progress bar per source on a terminal."""

    def __init__(self, console: Console) -> None:
        self._bar = RichProgressBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}

    def start(self, source: str, total: int) -> None:
        if total == 0:
            return
        if not self._tasks:
            self._bar.start()
        self._tasks[source] = self._bar.add_task(source, total=total)

    def advance(self, source: str) -> None:
        if source in self._tasks:
            self._bar.advance(self._tasks[source])

    def finish(self, source: str) -> None:
        task = self._tasks.pop(source, None)
        if task is not None:
            self._bar.remove_task(task)
        if not self._tasks:
            self._bar.stop()


def _changes(result: SourceResult, *, dry_run: bool) -> Iterator[dict[str, Any]]:
    """Every document the run created, updated or deleted (with --dry-run: would have), with
    the details its connector gave (a git file's last commit and author, say), one at a time."""
    plan = result.plan
    if plan is None or (plan.refusal and not dry_run):
        return
    failed = {failure.locator for failure in result.failures}
    for item in plan.upserts:
        if item.page.locator in failed:
            continue
        details = {
            key: value
            for key, value in item.page.metadata.items()
            if isinstance(value, str | int | float | bool)
        }
        yield {
            "action": "restore" if item.restore else item.action.value,
            "document": item.page.locator,
            "external_id": item.page.external_id,
            "title": item.page.title,
            **({"details": details} if details else {}),
        }
    for d in plan.deletes:
        if d.locator not in failed:
            action = "expire" if d.expired else "delete"
            yield {"action": action, "document": d.locator, "external_id": d.external_id, "title": d.title}
    for w in plan.withdrawals:
        if w.locator not in failed:
            yield {
                "action": "withdraw",
                "document": w.locator,
                "external_id": w.external_id,
                "title": w.title,
            }
    for a in plan.availability:
        if a.locator not in failed:
            yield {
                "action": "set availability",
                "document": a.locator,
                "external_id": a.external_id,
                "availability": a.wanted.said(),
                "changes": {name: {"from": was, "to": now} for name, was, now in a.moves()},
            }
    for t in plan.tags:
        if t.locator not in failed:
            yield {
                "action": "tag",
                "document": t.locator,
                "external_id": t.external_id,
                "tag": {"add": t.add, "remove": t.remove},
            }


def result_as_dict(result: SourceResult, *, dry_run: bool = False) -> dict[str, Any]:
    return _result_dict(result, list(_changes(result, dry_run=dry_run)))


def _failure_dict(failure: Failure) -> dict[str, Any]:
    """A failure for the JSON report; one kept back by secrets lists each (never the secret)."""
    described: dict[str, Any] = {"document": failure.locator, "message": failure.message}
    if failure.secrets:
        described["secrets"] = [
            {"file": f.locator, "line": f.line, "detector": f.detector, "fingerprint": f.fingerprint}
            for f in failure.secrets
        ]
    return described


def _result_dict(result: SourceResult, changes: list[dict[str, Any]] | StreamedList) -> dict[str, Any]:
    counts = result.counts
    return {
        "source": result.source,
        "target": result.target,
        "ok": result.ok,
        "error": result.error,
        "created": counts.created,
        "updated": counts.updated,
        "deleted": counts.deleted,
        "unchanged": counts.unchanged,
        "skipped": counts.skipped,
        "failed": counts.failed,
        "availability": counts.availability,
        "tagged": counts.tagged,
        "withdrawn": counts.withdrawn,
        "restored": counts.restored,
        "expired": counts.expired,
        "scanned": result.scanned,
        "converted": result.converted,
        "seconds": round(result.seconds, 3),
        "failures": [_failure_dict(f) for f in result.failures],
        "skipped_documents": [{"document": s.locator, "reason": s.reason} for s in result.skipped],
        "warnings": [{"document": w.locator, "message": w.message} for w in result.warnings],
        "unknown": {
            locator: dict(sorted(counts.items())) for locator, counts in sorted(result.unknown.items())
        },
        "changes": changes,
        "drift": result.drifted,
        "remote": [
            {"kind": finding.kind.value, "message": finding.message, "drift": finding.drift}
            for finding in result.remote
        ],
    }


def unknown_constructs(results: Iterable[SourceResult]) -> Counter[str]:
    """Site constructs no dialect knew, counted by name across the run (a document read for two
    targets counts once)."""
    per_document = {(r.source, locator): counts for r in results for locator, counts in r.unknown.items()}
    total: Counter[str] = Counter()
    for counts in per_document.values():
        total.update(counts)
    return total


def unknown_summary(results: Iterable[SourceResult]) -> list[str]:
    """One line per kind of construct, most frequent first: ``unknown shortcodes: eturl 36,
    glossary-term 33`` (a name ``kind:name``; a name without a kind is a "construct")."""
    by_kind: dict[str, Counter[str]] = {}
    for name, count in unknown_constructs(results).items():
        kind, _, bare = name.rpartition(":")
        by_kind.setdefault(kind or "construct", Counter())[bare] += count
    return [
        f"unknown {kind}s: " + ", ".join(f"{name} {count}" for name, count in _ranked(counts))
        for kind, counts in sorted(by_kind.items())
    ]


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def write_json_report(
    path: Path, results: Sequence[SourceResult], *, exit_code: int, dry_run: bool, error: str | None = None
) -> None:
    """The machine-readable summary of a run (``--report FILE``), written atomically; never over
    anything but a regular file (:mod:`ingest.report_file`)."""
    body = {
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dry_run": dry_run,
        "exit_code": exit_code,
        "error": error,
        "sources": [_result_dict(result, _streamed_changes(result, dry_run=dry_run)) for result in results],
        "unknown_constructs": dict(_ranked(unknown_constructs(results))),
    }
    # The changes are written as they are listed, never held whole (a line each, 50,000 at a time).
    write_report_file(path, itertools.chain(json_chunks(body), "\n"))


def _streamed_changes(result: SourceResult, *, dry_run: bool) -> StreamedList:
    return StreamedList(lambda: _changes(result, dry_run=dry_run))


def summary_line(result: SourceResult, *, dry_run: bool = False) -> str:
    """One line per source, for logs: what was done, in numbers."""
    c = result.counts
    verb = "would" if dry_run else "did"
    availability = f", set availability {c.availability}" if c.availability else ""
    availability += f", tag {c.tagged}" if c.tagged else ""
    availability += f", withdraw {c.withdrawn}" if c.withdrawn else ""
    availability += f", restore {c.restored}" if c.restored else ""
    availability += f", expire {c.expired}" if c.expired else ""
    line = (
        f"source {result.source} ({result.target}): {verb} create {c.created}, update {c.updated}, "
        f"delete {c.deleted}{availability}; unchanged {c.unchanged}, skipped {c.skipped}, failed {c.failed}"
    )
    if not dry_run:
        line += f" ({result.seconds:.2f}s)"
    if result.error:
        line += f"; {result.error}"
    return line


def print_summary(console: Console, results: Sequence[SourceResult], *, dry_run: bool = False) -> None:
    """A table on a terminal; plain lines elsewhere. Failures and skips are always listed."""
    if console.is_terminal:
        title = "Dry run: nothing was sent" if dry_run else "Sync summary"
        table = Table(title=title)
        # The soft delete's columns only when a source withdrew, restored or expired a page.
        soft = any(r.counts.withdrawn or r.counts.restored or r.counts.expired for r in results)
        columns = (
            "source",
            "target",
            "created",
            "updated",
            "deleted",
            *(("withdrawn", "restored", "expired") if soft else ()),
            "availability",
            "tagged",
            "unchanged",
            "skipped",
            "failed",
        )
        for column in (*columns, "warnings"):
            table.add_column(column, justify="left" if column in ("source", "target") else "right")
        table.add_column("time", justify="right")
        for result in results:
            c = result.counts
            table.add_row(
                result.source,
                result.target,
                *(
                    str(n)
                    for n in (
                        c.created,
                        c.updated,
                        c.deleted,
                        *((c.withdrawn, c.restored, c.expired) if soft else ()),
                        c.availability,
                        c.tagged,
                        c.unchanged,
                        c.skipped,
                        c.failed,
                    )
                ),
                str(len(result.warnings)),
                f"{result.seconds:.2f}s",
            )
        console.print(table)
    else:
        for result in results:
            console.print(
                summary_line(result, dry_run=dry_run), highlight=False, markup=False, soft_wrap=True
            )
    # A document skipped or failed for every target is told once, not once per target.
    told: set[tuple[str, str, str]] = set()
    for result in results:
        if result.error:
            _print_item(console, "[red]error[/red]", f"{result.source} ({result.target})", result.error)
        for finding in result.remote:
            label = "[red]drift[/red]" if finding.drift else "[yellow]remote[/yellow]"
            _print_item(console, label, f"{result.source} ({result.target})", finding.message)
        items = [("[red]failed[/red]", f.locator, f.message) for f in result.failures]
        items += [("[yellow]skipped[/yellow]", s.locator, s.reason) for s in result.skipped]
        items += [("[yellow]warning[/yellow]", w.locator, w.message) for w in result.warnings]
        for label, locator, why in items:
            if (result.source, locator, why) not in told:
                told.add((result.source, locator, why))
                _print_item(console, label, f"{result.source}/{locator}", why)
    for line in unknown_summary(results):
        console.print(line, highlight=False, markup=False, soft_wrap=True)


def _print_item(console: Console, label: str, where: str, why: str) -> None:
    # Paths and messages come from documents: escaped, so a "[red]" in a file name is text.
    console.print(f"{label} {escape(where)}: {escape(why)}", highlight=False, soft_wrap=True)
