"""``ingest check``: is this content ready for Fin? Every document read and converted as a run
would, held to rules, reported as text, JSON or SARIF (and an HTML report); nothing sent."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.commands.common import EXIT_FAILURES, EXIT_OK, config_option, jobs_option, selected, source_option

if TYPE_CHECKING:
    from ingest.check_rules import Severity
    from ingest.checking.run import CheckOutcome

_FORMATS = ("text", "json", "sarif")
_SEVERITIES = ("error", "warning", "note")


@click.command()
@config_option
@source_option
@click.option("--all", "all_sources", is_flag=True, help="Check every configured source.")
@click.option("--format", "output_format", type=click.Choice(_FORMATS), default="text", show_default=True)
@click.option(
    "--output",
    "output_file",
    type=click.Path(path_type=Path),
    help="Write the findings there, not to stdout.",
)
@click.option(
    "--html", "html_file", type=click.Path(path_type=Path), help="Also write a self-contained HTML report."
)
@click.option(
    "--severity",
    type=click.Choice(_SEVERITIES),
    default="error",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@jobs_option
def check(
    config_file: Path | None,
    source_names: tuple[str, ...],
    all_sources: bool,
    output_format: str,
    output_file: Path | None,
    html_file: Path | None,
    severity: str,
    jobs: int | None,
) -> int:
    """Check sources for Fin without sending anything: empty, duplicate, oversize pages, broken
    links, leaked site syntax, language, failures. No token needed, no state written."""
    import asyncio

    from ingest.check_rules import Severity
    from ingest.checking.findings import at_or_above
    from ingest.checking.run import check_sources
    from ingest.commands.reviewed import refuse_a_document_of_a_source
    from ingest.config import load_settings
    from ingest.report_file import check_report_path

    for path, option in ((output_file, "--output"), (html_file, "--html")):
        if path is not None:
            check_report_path(path, option)  # a folder or a device is refused before any work
    settings = load_settings(config_file).with_jobs(jobs)
    for path, option in ((output_file, "--output"), (html_file, "--html")):
        if path is not None:
            refuse_a_document_of_a_source(path, option, settings)
    sources = settings.select(selected(settings, source_names, all_sources))
    outcome = asyncio.run(check_sources(settings, sources, previews=html_file is not None))
    threshold = Severity(severity)
    code = EXIT_FAILURES if at_or_above(outcome.findings, threshold) else EXIT_OK
    written = True
    if html_file is not None:
        from ingest.checking.html_report import render_html_report

        written = _write(html_file, render_html_report(outcome, threshold=threshold), "--html")
    text = _formatted(outcome, output_format, threshold, code)
    if output_file is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        written = _write(output_file, text, "--output") and written
    # A report that could not be written must not read as a clean check in CI.
    return code if written else EXIT_FAILURES


def _formatted(outcome: CheckOutcome, output_format: str, threshold: Severity, code: int) -> str:
    from ingest.checking.outputs import as_json, as_text
    from ingest.checking.sarif import as_sarif

    if output_format == "json":
        return as_json(outcome, threshold=threshold, exit_code=code)
    if output_format == "sarif":
        return as_sarif(outcome)
    return as_text(outcome)


def _write(path: Path, text: str, option: str) -> bool:
    from ingest.commands.common import print_error
    from ingest.report_file import ReportPathError, report_write_problem, write_report_file

    try:
        write_report_file(path, text, option)
    except (OSError, ReportPathError) as exc:
        print_error(report_write_problem(path, exc, option))
        return False
    return True
