"""The ``ingest`` command: ``main(argv) -> int``, one asyncio.run per command.

Exit codes: 0 all good; 1 some documents or sources failed, a source drifted in Intercom
(deactivated, its url changed), or the --report file, the state file or a lock file could not be
written (a full disk); 2 a configuration,
authentication or locking problem (nothing was synced). A user mistake is one line, never a
traceback.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import click
from rich.console import Console
from rich.markup import escape

from ingest import __version__
from ingest.config import DEFAULT_CONFIG_FILE, Settings, load_settings
from ingest.engine import SourceResult
from ingest.errors import AuthError, ConfigError, IngestError, LockedError, ingest_error_in
from ingest.logs import setup_logging
from ingest.report import BarProgress, print_summary, write_json_report
from ingest.report_file import ReportPathError, check_report_path, report_write_problem

EXIT_OK, EXIT_FAILURES, EXIT_CONFIG = 0, 1, 2

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Config file (default: ./ingest.toml).",
)
source_option = click.option(
    "--source", "source_names", multiple=True, metavar="NAME", help="A configured source (repeatable)."
)
jobs_option = click.option(
    "--jobs",
    type=click.IntRange(min=1, max=256),
    default=None,
    metavar="N",
    help="Processes converting documents at once (default: [run] jobs, else the CPU count).",
)


@contextmanager
def _one_error() -> Iterator[None]:
    """An IngestError raised inside a task group (a full disk under the state file while pages are
    sent) raised alone, so that it is said in one line and written to the report."""
    try:
        yield
    except BaseExceptionGroup as group:
        error = ingest_error_in(group)
        if error is None:
            raise
        raise error from group


def _console() -> Console:
    return Console(stderr=False, highlight=False)


def _print_error(message: str) -> None:
    Console(stderr=True, highlight=False).print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)


def _require_sources(settings: Settings) -> None:
    if settings.sources:
        return
    if settings.config_file is None:  # no --config, and no ./ingest.toml: say where it looked
        looked_for = Path.cwd() / DEFAULT_CONFIG_FILE
        raise ConfigError(
            f"no config file: {looked_for} does not exist; create it (see config.example.toml) "
            "or pass --config PATH"
        )
    raise ConfigError(
        f"no sources configured: add a [sources.<name>] table to the config file {settings.config_file}"
    )


def _selected(settings: Settings, names: Sequence[str], all_sources: bool) -> list[str] | None:
    if names and all_sources:
        raise click.UsageError("give --source NAME or --all, not both")
    if not names and not all_sources:
        raise click.UsageError("say which sources: --source NAME (repeatable) or --all")
    _require_sources(settings)
    return list(names) if names else None


def _write_report(
    path: Path,
    results: Sequence[SourceResult],
    *,
    exit_code: int,
    dry_run: bool,
    error: str | None = None,
) -> bool:
    """Write the --report file; if it cannot be, say so in one line and return False."""
    try:
        write_json_report(path, results, exit_code=exit_code, dry_run=dry_run, error=error)
    except (OSError, ReportPathError) as exc:
        _print_error(report_write_problem(path, exc))
        return False
    return True


def _exit_code(results: Sequence[SourceResult]) -> int:
    # Drift (a source deactivated or moved in Intercom) fails the run although every document
    # synced: no run repairs it, and monitoring reading exit 0 would take Fin for well fed.
    synced = all(result.ok and not result.drifted for result in results)
    return EXIT_OK if synced else EXIT_FAILURES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ingest")
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for every request).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", help="Log line format.")
def cli(verbose: int, log_format: str) -> None:
    """Keep Intercom Fin's Content Library in step with your private documentation."""
    setup_logging(verbose=verbose, json_format=log_format == "json")


@cli.command()
@config_option
@source_option
@click.option("--all", "all_sources", is_flag=True, help="Sync every configured source.")
@click.option("--dry-run", is_flag=True, help="Plan and report, send and record nothing.")
@click.option("--allow-mass-delete", is_flag=True, help="Allow deleting more than max_delete_share.")
@click.option("--report", "report_file", type=click.Path(path_type=Path), help="Write a JSON summary.")
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for a source another ingest process (the watch daemon) is syncing.",
)
@jobs_option
def run(
    config_file: Path | None,
    source_names: tuple[str, ...],
    all_sources: bool,
    dry_run: bool,
    allow_mass_delete: bool,
    report_file: Path | None,
    lock_wait: float,
    jobs: int | None,
) -> int:
    """Sync sources into Intercom, into every target their configuration lists."""
    from ingest.runner import run_sources

    console = _console()
    if report_file is not None:
        check_report_path(report_file)  # a device or a FIFO is refused before anything is synced
    try:
        settings = load_settings(config_file).with_jobs(jobs)
        sources = settings.select(_selected(settings, source_names, all_sources))
        progress = BarProgress(console) if console.is_terminal else None
        with _one_error():
            results = asyncio.run(
                run_sources(
                    settings,
                    sources,
                    dry_run=dry_run,
                    allow_mass_delete=allow_mass_delete,
                    progress=progress,
                    lock_wait=lock_wait,
                )
            )
    except IngestError as exc:
        if report_file is not None:
            _write_report(report_file, [], exit_code=_error_exit_code(exc), dry_run=dry_run, error=str(exc))
        raise
    print_summary(console, results, dry_run=dry_run)
    code = _exit_code(results)
    # A report that cannot be written fails the run even when the sync went well: cron and
    # monitoring reading the (stale) report would otherwise take it for a success.
    if report_file is not None and not _write_report(report_file, results, exit_code=code, dry_run=dry_run):
        return EXIT_FAILURES
    return code


@cli.command()
@config_option
@source_option
@click.option("--diff", is_flag=True, help="Show a Markdown diff of every update.")
@jobs_option
def plan(config_file: Path | None, source_names: tuple[str, ...], diff: bool, jobs: int | None) -> int:
    """Show what a run would do, per source, without sending anything."""
    from ingest.runner import plan_sources

    console = _console()
    settings = load_settings(config_file).with_jobs(jobs)
    _require_sources(settings)
    sources = settings.select(list(source_names) or None)
    planned = asyncio.run(plan_sources(settings, sources, diff=diff))
    for item in planned:
        plan_ = item.result.plan
        assert plan_ is not None
        for verb, entries in (
            ("create", [u.page.locator for u in plan_.creates]),
            ("update", [u.page.locator for u in plan_.updates]),
            ("delete", [d.locator for d in plan_.deletes]),
        ):
            for locator in entries:
                console.print(
                    f"{item.result.source} ({item.result.target}): {verb} {locator}",
                    highlight=False,
                    markup=False,
                    soft_wrap=True,
                )
        for patch in item.diffs.values():
            console.print(patch, highlight=False, markup=False, soft_wrap=True, end="")
    print_summary(console, [item.result for item in planned], dry_run=True)
    return _exit_code([item.result for item in planned])


@cli.command()
@config_option
@source_option
@click.option("--fix", is_flag=True, help="Repair what differs (an article edited by a person excepted).")
@click.option(
    "--overwrite-edits", is_flag=True, help="With --fix: write documents over articles people edited."
)
@click.option("--allow-mass-delete", is_flag=True, help="With --fix: delete past max_delete_share.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON instead of text.")
@click.option("--report", "report_file", type=click.Path(path_type=Path), help="Write a JSON summary.")
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for a source another ingest process (the watch daemon) is syncing.",
)
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
    from ingest.reconcile_command import report_body, run_reconcile, write_report

    if (overwrite_edits or allow_mass_delete) and not fix:
        raise click.UsageError("--overwrite-edits and --allow-mass-delete only apply with --fix")
    if report_file is not None:
        check_report_path(report_file)
    try:
        settings = load_settings(config_file)
        _require_sources(settings)
        with _one_error():
            run_, code = run_reconcile(
                _console(),
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
                report_file, report_body(None, fix=fix, exit_code=_error_exit_code(exc), error=str(exc))
            )
        raise
    # As for run: a report that cannot be written fails the command, whatever it found.
    if report_file is not None and not write_report(report_file, report_body(run_, fix=fix, exit_code=code)):
        return EXIT_FAILURES
    return code


@cli.command()
@config_option
@source_option
@jobs_option
def watch(config_file: Path | None, source_names: tuple[str, ...], jobs: int | None) -> int:
    """Keep sources synced as they change: a daemon (default: every source).

    Syncs each source at start, then watches folders and exports for changes and polls
    git refs; a change reaches Intercom within about a second. Work the API could not
    take (an outage) is kept in state and retried. Stop it with SIGINT or SIGTERM (exit
    0); a refused token stops it with exit 2. Settings: the [watch] section.
    """
    from ingest.watch import run_watch

    settings = load_settings(config_file).with_jobs(jobs)
    _require_sources(settings)
    sources = settings.select(list(source_names) or None)
    settings.access_token()  # a missing token is a config error before the daemon starts
    batches = logging.getLogger("ingest.watch")
    level = batches.level
    if batches.getEffectiveLevel() > logging.INFO:
        batches.setLevel(logging.INFO)  # a daemon's one line per batch is its heartbeat
    try:
        return asyncio.run(run_watch(settings, sources))
    except (AuthError, ConfigError):
        return EXIT_CONFIG  # the daemon logged why
    finally:
        batches.setLevel(level)


@cli.command()
@config_option
def status(config_file: Path | None) -> int:
    """Per source, from state: pages, last run, failures (no request is sent)."""
    from ingest.runner import source_statuses
    from ingest.status import print_status

    settings = load_settings(config_file)
    print_status(_console(), source_statuses(settings))
    return EXIT_OK


@cli.command()
@config_option
def sources(config_file: Path | None) -> int:
    """List the workspace's Content Import Sources."""
    from ingest.runner import remote_sources
    from ingest.status import print_remote_sources

    settings = load_settings(config_file)
    print_remote_sources(_console(), asyncio.run(remote_sources(settings)))
    return EXIT_OK


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
def connectors(as_json: bool) -> int:
    """List the installed connectors (built-in and from other packages) and their options.

    Exits 1 when a connector cannot be used (it fails to import, or an option collides with
    a common key of [sources.<name>]); the listing says why.
    """
    from ingest import catalog

    found = catalog.describe_connectors()
    if as_json:
        click.echo(catalog.as_json(found))
    else:
        catalog.print_connectors(_console(), found)
    return EXIT_FAILURES if any(info.error for info in found) else EXIT_OK


def _not_empty(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not value:
        raise click.BadParameter("must not be empty")
    return value


def _ordered_range(
    _ctx: click.Context, _param: click.Parameter, value: tuple[float, float]
) -> tuple[float, float]:
    if value[0] > value[1]:
        raise click.BadParameter(f"MIN {value[0]:g} is above MAX {value[1]:g}")
    return value


def _window_phase(_ctx: click.Context, _param: click.Parameter, value: str) -> float | Literal["random"]:
    if value == "random":
        return "random"
    try:
        phase = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a number of seconds nor 'random'") from None
    if not 0 <= phase < 10:
        raise click.BadParameter(
            f"{value} s is outside the 10-second window (from 0 up to, not including, 10)"
        )
    return phase


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8111,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--token",
    default="demo-token",
    show_default=True,
    callback=_not_empty,
    help="The access token it accepts.",
)
@click.option(
    "--latency-ms",
    type=(click.FloatRange(min=0), click.FloatRange(min=0)),
    default=(0.0, 0.0),
    callback=_ordered_range,
    help="Answer delay range, ms (MIN MAX).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=1666,
    show_default=True,
    help="Calls per 10-second window.",
)
@click.option(
    "--rate-window-phase",
    default="0",
    show_default=True,
    callback=_window_phase,
    help="Seconds past a multiple of 10 at which each rate-limit window starts (0 to 9.999), "
    "or 'random' (drawn once per run).",
)
@click.option(
    "--rate-reset-rounding",
    type=click.Choice(["down", "up", "exact"]),
    default="up",
    show_default=True,
    help="How X-RateLimit-Reset reports a window's refill: whole seconds rounded down or up, or "
    "exact (milliseconds).",
)
@click.option(
    "--fail-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of requests answered 503 (0 to 1).",
)
@click.option(
    "--data-file", type=click.Path(path_type=Path, dir_okay=False), help="Keep data across restarts."
)
@click.option(
    "--allow-private-source-urls",
    is_flag=True,
    help="Accept Content Import Source urls Intercom refuses (localhost, IP addresses, internal "
    "host names), for loopback test setups.",
)
def emulator(
    host: str,
    port: int,
    token: str,
    latency_ms: tuple[float, float],
    rate_limit: int,
    rate_window_phase: float | Literal["random"],
    rate_reset_rounding: Literal["down", "up", "exact"],
    fail_rate: float,
    data_file: Path | None,
    allow_private_source_urls: bool,
) -> int:
    """Serve a local stand-in of the Intercom API endpoints fin-ingest uses."""
    from ingest.emulator import EmulatorConfig, serve

    try:
        config = EmulatorConfig(
            token=token,
            rate_limit=rate_limit,
            rate_window_phase=rate_window_phase,
            rate_reset_rounding=rate_reset_rounding,
            latency_ms=latency_ms,
            fail_rate=fail_rate,
            data_file=data_file,
            allow_private_source_urls=allow_private_source_urls,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        serve(config, host=host, port=port)
    except OSError as exc:
        raise click.ClickException(
            f"the emulator cannot listen on {host}:{port}: {_listen_reason(exc)}"
        ) from exc
    return EXIT_OK


def _listen_reason(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "the port is in use (is an emulator already running? pick another --port)"
    return exc.strerror or str(exc)


@cli.command()
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("examples/demo.toml"),
    show_default=True,
    help="The demo's config file.",
)
def demo(config_file: Path) -> int:
    """Sync the bundled example docs into a local emulator and show what it holds."""
    from ingest.demo import run_demo

    return run_demo(config_file, _console())


def _error_exit_code(exc: IngestError) -> int:
    return EXIT_CONFIG if isinstance(exc, ConfigError | AuthError | LockedError) else EXIT_FAILURES


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ingest`` command line; returns the exit code."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="ingest", standalone_mode=False
        )
    except IngestError as exc:
        _print_error(str(exc))
        logging.getLogger("ingest").debug("details", exc_info=True)
        return _error_exit_code(exc)
    except BaseExceptionGroup as group:
        error = ingest_error_in(group)
        if error is None:
            raise
        _print_error(str(error))
        logging.getLogger("ingest").debug("details", exc_info=True)
        return _error_exit_code(error)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_CONFIG
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    return code if isinstance(code, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
