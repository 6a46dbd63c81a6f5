"""What the commands share: exit codes, options, the console and one-line errors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.errors import AuthError, ConfigError, IngestError, LockedError, ingest_error_in

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.config import Settings
    from ingest.engine import SourceResult

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
lock_wait_option = click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for a source another ingest process (the watch daemon) is syncing.",
)


@contextmanager
def one_error() -> Iterator[None]:
    """An IngestError raised inside a task group (a full disk under the state file while pages are
    sent) raised alone, so that it is said in one line and written to the report."""
    try:
        yield
    except BaseExceptionGroup as group:
        error = ingest_error_in(group)
        if error is None:
            raise
        raise error from group


def console() -> Console:
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def print_error(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False).print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)


def require_sources(settings: Settings) -> None:
    if settings.sources:
        return
    if settings.config_file is None:  # no --config, and no ./ingest.toml: say where it looked
        from ingest.config import DEFAULT_CONFIG_FILE

        looked_for = Path.cwd() / DEFAULT_CONFIG_FILE
        raise ConfigError(
            f"no config file: {looked_for} does not exist; create it (see config.example.toml) "
            "or pass --config PATH"
        )
    raise ConfigError(
        f"no sources configured: add a [sources.<name>] table to the config file {settings.config_file}"
    )


def selected(settings: Settings, names: Sequence[str], all_sources: bool) -> list[str] | None:
    """The sources named by ``--source``, or None for ``--all``; giving neither or both is a usage error."""
    if names and all_sources:
        raise click.UsageError("give --source NAME or --all, not both")
    if not names and not all_sources:
        raise click.UsageError("say which sources: --source NAME (repeatable) or --all")
    require_sources(settings)
    return list(names) if names else None


def exit_code(results: Sequence[SourceResult]) -> int:
    # Drift (a source deactivated or moved in Intercom) fails the run although every document
    # synced: no run repairs it, and monitoring reading exit 0 would take Fin for well fed.
    synced = all(result.ok and not result.drifted for result in results)
    return EXIT_OK if synced else EXIT_FAILURES


def error_exit_code(exc: IngestError) -> int:
    return EXIT_CONFIG if isinstance(exc, ConfigError | AuthError | LockedError) else EXIT_FAILURES


def write_run_report(
    path: Path,
    results: Sequence[SourceResult],
    *,
    exit_code: int,
    dry_run: bool,
    error: str | None = None,
) -> bool:
    """Write the --report file; if it cannot be, say so in one line and return False."""
    from ingest.report import write_json_report
    from ingest.report_file import ReportPathError, report_write_problem

    try:
        write_json_report(path, results, exit_code=exit_code, dry_run=dry_run, error=error)
    except (OSError, ReportPathError) as exc:
        print_error(report_write_problem(path, exc))
        return False
    return True
