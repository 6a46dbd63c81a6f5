"""Reviewed changes: ``ingest plan --out`` saves a plan (and its Markdown summary), ``ingest apply``
carries it out only while nothing it was made from moved (see :mod:`ingest.planfile`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.commands.common import (
    EXIT_CONFIG,
    EXIT_FAILURES,
    config_option,
    console,
    error_exit_code,
    exit_code,
    lock_wait_option,
    one_error,
    print_error,
    write_run_report,
)
from ingest.errors import IngestError

if TYPE_CHECKING:
    from ingest.config import Settings, Source
    from ingest.notify.delivery import Receiver
    from ingest.runner import PlannedTarget


def save_plan_files(
    settings: Settings,
    sources: Sequence[Source],
    *,
    diff: bool,
    allow_mass_delete: bool,
    out: Path | None,
    markdown: Path | None,
) -> list[PlannedTarget]:
    """Plan ``sources``, write the plan file and its summary where asked; what ``plan`` shows."""
    import asyncio

    from ingest.planfile.making import save_plan
    from ingest.planfile.markdown import plan_markdown
    from ingest.planfile.model import plan_file_text
    from ingest.report_file import check_report_path, write_report_file

    for path in (out, markdown):
        if path is not None:
            check_report_path(path)  # a device or a FIFO is refused before anything is planned
    if markdown is not None:
        refuse_a_document_of_a_source(markdown, "--markdown", settings)
    saved, shown = asyncio.run(save_plan(settings, sources, diff=diff, allow_mass_delete=allow_mass_delete))
    if out is not None:
        write_report_file(out, plan_file_text(saved))
    if markdown is not None:
        write_report_file(markdown, plan_markdown(saved))
    return shown


def refuse_a_document_of_a_source(path: Path, option: str, settings: Settings) -> None:
    """Refuse writing ``path`` (the file of ``option``) where a ``filesystem`` source's next scan
    would list it as a document (a summary or report beside the docs, where ``ingest init`` puts
    ``ingest.toml``): a run would sync it to Fin, and a plan made again would not be the saved one."""
    from ingest.errors import ConfigError
    from ingest.textdoc import format_for

    if format_for(path.name) is None:
        return
    written = path.resolve()
    for source in settings.sources.values():
        folder = getattr(source.options, "path", None)
        if source.settings.connector != "filesystem" or not isinstance(folder, Path | str):
            continue
        root = Path(folder).resolve()
        if written.is_relative_to(root) and not any(
            part.startswith(".") for part in written.relative_to(root).parts
        ):
            raise ConfigError(
                f"{option} {path} is inside the folder of source {source.name} ({folder}), whose next "
                "scan would take it as a document (ingest apply would refuse the plan as moved, "
                "ingest run would sync it): write it outside the source's folder"
            )


@click.command()
@click.argument("plan_file", type=click.Path(path_type=Path, dir_okay=False))
@config_option
@click.option("--report", "report_file", type=click.Path(path_type=Path), help="Write a JSON summary.")
@lock_wait_option
def apply(config_file: Path | None, plan_file: Path, report_file: Path | None, lock_wait: float) -> int:
    """Carry out a plan saved by 'ingest plan --out', refused if anything moved since."""
    import asyncio

    from ingest.commands.alerting import alert_after_run, run_receivers
    from ingest.config import load_settings
    from ingest.planfile.applying import apply_plan
    from ingest.planfile.model import read_plan_file
    from ingest.report import BarProgress, print_summary
    from ingest.report_file import check_report_path

    out = console()
    if report_file is not None:
        check_report_path(report_file)
    settings: Settings | None = None
    receivers: list[Receiver] = []
    try:
        saved = read_plan_file(plan_file)
        settings = load_settings(config_file)
        receivers = run_receivers(settings, dry_run=False)
        progress = BarProgress(out) if out.is_terminal else None
        with one_error():
            applied = asyncio.run(apply_plan(settings, saved, progress=progress, lock_wait=lock_wait))
    except IngestError as exc:
        if report_file is not None:
            write_run_report(report_file, [], exit_code=error_exit_code(exc), dry_run=False, error=str(exc))
        alert_after_run(settings, receivers, [], [], exit_code=error_exit_code(exc), error=str(exc))
        raise
    names = list(dict.fromkeys(result.source for result in applied.results))
    if applied.refusals:
        for reason in applied.refusals.values():
            print_error(f"not applied: {reason}")
        refusal = "; ".join(applied.refusals.values())
        if report_file is not None:
            write_run_report(
                report_file, applied.results, exit_code=EXIT_CONFIG, dry_run=False, error=refusal
            )
        refused = f"not applied: {refusal}"
        alert_after_run(settings, receivers, names, [], exit_code=EXIT_CONFIG, error=refused)
        return EXIT_CONFIG
    print_summary(out, applied.results, dry_run=False)
    code = exit_code(applied.results)
    if report_file is not None and not write_run_report(
        report_file, applied.results, exit_code=code, dry_run=False
    ):
        code = EXIT_FAILURES
    alert_after_run(settings, receivers, names, applied.results, exit_code=code)
    return code
