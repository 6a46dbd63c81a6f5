"""``ingest run`` and ``ingest plan``: sync sources into Intercom, or show what a sync would do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.commands.common import (
    EXIT_FAILURES,
    config_option,
    console,
    error_exit_code,
    exit_code,
    jobs_option,
    lock_wait_option,
    one_error,
    require_sources,
    selected,
    source_option,
    write_run_report,
)
from ingest.errors import ConfigError, IngestError

if TYPE_CHECKING:
    from ingest.config import Settings, Source
    from ingest.monitoring.run_metrics import RunMetrics
    from ingest.notify.delivery import Receiver
    from ingest.results import SourceResult


@click.command()
@config_option
@source_option
@click.option("--all", "all_sources", is_flag=True, help="Sync every configured source.")
@click.option("--dry-run", is_flag=True, help="Plan and report, send and record nothing.")
@click.option("--allow-mass-delete", is_flag=True, help="Allow deleting more than max_delete_share.")
@click.option("--report", "report_file", type=click.Path(path_type=Path), help="Write a JSON summary.")
@click.option(
    "--metrics-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the run's Prometheus metrics here (node_exporter's textfile collector); not with --dry-run.",
)
@click.option(
    "--metrics-label",
    "metrics_labels",
    multiple=True,
    metavar="NAME=VALUE",
    help="A label on every series of --metrics-file (repeatable), such as workspace=acme.",
)
@lock_wait_option
@jobs_option
def run(
    config_file: Path | None,
    source_names: tuple[str, ...],
    all_sources: bool,
    dry_run: bool,
    allow_mass_delete: bool,
    report_file: Path | None,
    metrics_file: Path | None,
    metrics_labels: tuple[str, ...],
    lock_wait: float,
    jobs: int | None,
) -> int:
    """Sync sources into Intercom, into every target their configuration lists."""
    import asyncio

    from ingest.commands.alerting import alert_after_run, run_receivers
    from ingest.config import load_settings
    from ingest.intercom.observer import NO_OBSERVER
    from ingest.report import BarProgress, print_summary
    from ingest.report_file import check_report_path
    from ingest.runner import run_sources

    out = console()
    if report_file is not None:
        check_report_path(report_file)  # a device or a FIFO is refused before anything is synced
    settings: Settings | None = None
    receivers: list[Receiver] = []
    names: list[str] = []
    metrics: RunMetrics | None = None
    try:
        settings = load_settings(config_file).with_jobs(jobs)
        sources = settings.select(selected(settings, source_names, all_sources))
        names = [source.name for source in sources]
        receivers = run_receivers(settings, dry_run=dry_run)
        progress = BarProgress(out) if out.is_terminal else None
        labels = metrics_labels_of(metrics_file, metrics_labels)
        metrics = run_metrics(settings, sources, labels) if metrics_file is not None and not dry_run else None
        with one_error():
            results = asyncio.run(
                run_sources(
                    settings,
                    sources,
                    dry_run=dry_run,
                    allow_mass_delete=allow_mass_delete,
                    progress=progress,
                    lock_wait=lock_wait,
                    observer=NO_OBSERVER if metrics is None else metrics.requests,
                )
            )
    except IngestError as exc:
        if report_file is not None:
            write_run_report(report_file, [], exit_code=error_exit_code(exc), dry_run=dry_run, error=str(exc))
        if metrics_file is not None and metrics is not None:
            write_metrics_file(metrics_file, metrics, [], exit_code=error_exit_code(exc))
        alert_after_run(settings, receivers, names, [], exit_code=error_exit_code(exc), error=str(exc))
        raise
    print_summary(out, results, dry_run=dry_run)
    code = exit_code(results)
    # A report that cannot be written fails the run even when the sync went well: cron and
    # monitoring reading the (stale) report would otherwise take it for a success.
    if report_file is not None and not write_run_report(
        report_file, results, exit_code=code, dry_run=dry_run
    ):
        code = EXIT_FAILURES
    if (
        metrics_file is not None
        and metrics is not None
        and not write_metrics_file(metrics_file, metrics, results, exit_code=code)
    ):
        code = EXIT_FAILURES
    alert_after_run(settings, receivers, names, results, exit_code=code)
    return code


def metrics_labels_of(metrics_file: Path | None, given: Sequence[str]) -> dict[str, str]:
    """The ``--metrics-label`` options as labels; a wrong one is a ConfigError naming it."""
    if not given:
        return {}
    if metrics_file is None:
        raise ConfigError("--metrics-label labels the series of --metrics-file: give that too")
    from ingest.monitoring.run_metrics import parse_labels

    return parse_labels(given)


def run_metrics(settings: Settings, sources: Sequence[Source], labels: Mapping[str, str]) -> RunMetrics:
    from ingest.monitoring.run_metrics import RunMetrics

    return RunMetrics(
        {source.name: list(source.settings.targets) for source in sources},
        configured=settings.sources,
        labels=labels,
    )


def write_metrics_file(
    path: Path, metrics: RunMetrics, results: Sequence[SourceResult], *, exit_code: int
) -> bool:
    """Write the --metrics-file; if it cannot be, say so in one line and return False."""
    from ingest.commands.common import print_error
    from ingest.monitoring.run_metrics import NEW_FILE_MODE
    from ingest.report_file import ReportPathError, write_report_file

    text = metrics.render(path, results, exit_code=exit_code)
    try:
        # node_exporter's folder is not made: a missing one means the collector reads elsewhere.
        write_report_file(path, text, "--metrics-file", new_mode=NEW_FILE_MODE, make_folders=False)
    except ReportPathError as exc:
        print_error(str(exc))
        return False
    except OSError as exc:
        print_error(f"--metrics-file {path}: cannot be written ({exc.strerror or exc})")
        return False
    return True


@click.command()
@config_option
@source_option
@click.option("--diff", is_flag=True, help="Show a Markdown diff of every update.")
@jobs_option
@click.option(
    "--out", "out_file", type=click.Path(path_type=Path), help="Save the plan for 'ingest apply' (JSON)."
)
@click.option(
    "--markdown", "markdown_file", type=click.Path(path_type=Path), help="Write a summary for a pull request."
)
@click.option("--allow-mass-delete", is_flag=True, help="Plan as a run allowing more than max_delete_share.")
def plan(
    config_file: Path | None,
    source_names: tuple[str, ...],
    diff: bool,
    jobs: int | None,
    out_file: Path | None,
    markdown_file: Path | None,
    allow_mass_delete: bool,
) -> int:
    """Show what a run would do, per source, without sending anything; save it with --out."""
    import asyncio

    from ingest.config import load_settings
    from ingest.report import print_summary
    from ingest.runner import plan_sources

    out = console()
    settings = load_settings(config_file).with_jobs(jobs)
    require_sources(settings)
    sources = settings.select(list(source_names) or None)
    if out_file is not None or markdown_file is not None:
        from ingest.commands.reviewed import save_plan_files

        planned = save_plan_files(
            settings,
            sources,
            diff=diff,
            allow_mass_delete=allow_mass_delete,
            out=out_file,
            markdown=markdown_file,
        )
    else:
        planned = asyncio.run(plan_sources(settings, sources, diff=diff, allow_mass_delete=allow_mass_delete))
    for item in planned:
        plan_ = item.result.plan
        if plan_ is None:  # the source could not be read: its error is in the summary
            continue
        for verb, entries in (
            ("create", [u.page.locator for u in plan_.creates]),
            ("update", [u.page.locator for u in plan_.updates if not u.restore]),
            ("restore", [u.page.locator for u in plan_.updates if u.restore]),
            ("delete", [d.locator for d in plan_.deletes if not d.expired]),
            ("withdraw", [w.locator for w in plan_.withdrawals]),
            ("expire", [d.locator for d in plan_.deletes if d.expired]),
        ):
            for locator in entries:
                out.print(
                    f"{item.result.source} ({item.result.target}): {verb} {locator}",
                    highlight=False,
                    markup=False,
                    soft_wrap=True,
                )
        for change in plan_.availability:
            out.print(
                f"{item.result.source} ({item.result.target}): availability {change.locator}: "
                f"{change.described()}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        for patch in item.diffs.values():
            out.print(patch, highlight=False, markup=False, soft_wrap=True, end="")
    print_summary(out, [item.result for item in planned], dry_run=True)
    return exit_code([item.result for item in planned])
