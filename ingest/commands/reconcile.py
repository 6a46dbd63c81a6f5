"""``ingest reconcile``: compare what Intercom holds with state and the sources, and repair it."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.common import (
    EXIT_FAILURES,
    config_option,
    console,
    error_exit_code,
    lock_wait_option,
    one_error,
    require_sources,
    source_option,
)
from ingest.errors import IngestError


@click.command()
@config_option
@source_option
@click.option("--fix", is_flag=True, help="Repair what differs (an article edited by a person excepted).")
@click.option(
    "--overwrite-edits", is_flag=True, help="With --fix: write documents over articles people edited."
)
@click.option("--allow-mass-delete", is_flag=True, help="With --fix: delete past max_delete_share.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON instead of text.")
@click.option("--report", "report_file", type=click.Path(path_type=Path), help="Write a JSON summary.")
@lock_wait_option
def reconcile(
    config_file: Path | None,
    source_names: tuple[str, ...],
    fix: bool,
    overwrite_edits: bool,
    allow_mass_delete: bool,
    as_json: bool,
    report_file: Path | None,
    lock_wait: float,
) -> int:
    """Compare what Intercom holds with state and the sources (default: every source).

    Finds pages deleted or altered in Intercom, pages under your sources that state does not
    know, availability that differs from the configuration and articles edited by a person.
    Exits 1 when something differs. With --fix, repairs it through an ordinary run of the
    source; an article edited by a person is left alone unless --overwrite-edits.
    """
    from ingest.config import load_settings
    from ingest.reconcile_command import report_body, run_reconcile, write_report
    from ingest.report_file import check_report_path

    if (overwrite_edits or allow_mass_delete) and not fix:
        raise click.UsageError("--overwrite-edits and --allow-mass-delete only apply with --fix")
    if report_file is not None:
        check_report_path(report_file)
    try:
        settings = load_settings(config_file)
        require_sources(settings)
        with one_error():
            run_, code = run_reconcile(
                console(),
                settings,
                source_names,
                fix=fix,
                overwrite_edits=overwrite_edits,
                allow_mass_delete=allow_mass_delete,
                as_json=as_json,
                lock_wait=lock_wait,
            )
    except IngestError as exc:
        if report_file is not None:
            write_report(
                report_file, report_body(None, fix=fix, exit_code=error_exit_code(exc), error=str(exc))
            )
        raise
    # As for run: a report that cannot be written fails the command, whatever it found.
    if report_file is not None and not write_report(report_file, report_body(run_, fix=fix, exit_code=code)):
        return EXIT_FAILURES
    return code
