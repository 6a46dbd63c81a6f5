"""The ``ingest`` command: ``main(argv) -> int``, one asyncio.run per command.

Exit codes: 0 all good; 1 some documents or sources failed, a source drifted in Intercom
(deactivated, its url changed), or the --report file, the state file or a lock file could not be
written (a full disk); 2 a configuration,
authentication or locking problem (nothing was synced). A user mistake is one line, never a
traceback.

The subcommands live in :mod:`ingest.commands`, one module per group; each imports what its
work needs when it runs, so ``ingest --help`` loads neither the engine nor the HTTP client.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import click

from ingest import __version__
from ingest.commands.check import check
from ingest.commands.common import EXIT_CONFIG, EXIT_FAILURES, EXIT_OK, error_exit_code, print_error
from ingest.commands.config import config_group
from ingest.commands.emulator import demo, emulator
from ingest.commands.init import init
from ingest.commands.listing import connectors, sources, status
from ingest.commands.reconcile import reconcile
from ingest.commands.reviewed import apply
from ingest.commands.scan import scan
from ingest.commands.sync import plan, run
from ingest.commands.watch import watch
from ingest.errors import IngestError, ingest_error_in

__all__ = ["EXIT_CONFIG", "EXIT_FAILURES", "EXIT_OK", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ingest")
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for every request).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", help="Log line format.")
def cli(verbose: int, log_format: str) -> None:
    """Keep Intercom Fin's Content Library in step with your private documentation."""
    from ingest.logs import setup_logging

    setup_logging(verbose=verbose, json_format=log_format == "json")


for command in (
    run,
    plan,
    apply,
    check,
    scan,
    reconcile,
    watch,
    status,
    sources,
    connectors,
    emulator,
    demo,
    init,
    config_group,
):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ingest`` command line; returns the exit code."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="ingest", standalone_mode=False
        )
    except IngestError as exc:
        print_error(str(exc))
        logging.getLogger("ingest").debug("details", exc_info=True)
        return error_exit_code(exc)
    except BaseExceptionGroup as group:
        error = ingest_error_in(group)
        if error is None:
            raise
        print_error(str(error))
        logging.getLogger("ingest").debug("details", exc_info=True)
        return error_exit_code(error)
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
