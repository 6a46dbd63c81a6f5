"""``ingest status``, ``ingest sources`` and ``ingest connectors``: what state, the workspace and
this installation hold; nothing is sent but the one listing of ``sources``."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.common import EXIT_FAILURES, EXIT_OK, config_option, console


@click.command()
@config_option
def status(config_file: Path | None) -> int:
    """Per source, from state: pages, last run, failures (no request is sent)."""
    from ingest.config import load_settings
    from ingest.source_status import source_statuses
    from ingest.status import print_status

    settings = load_settings(config_file)
    print_status(console(), source_statuses(settings))
    return EXIT_OK


@click.command()
@config_option
def sources(config_file: Path | None) -> int:
    """List the workspace's Content Import Sources."""
    import asyncio

    from ingest.config import load_settings
    from ingest.runner import remote_sources
    from ingest.status import print_remote_sources

    settings = load_settings(config_file)
    print_remote_sources(console(), asyncio.run(remote_sources(settings)))
    return EXIT_OK


@click.command()
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
        catalog.print_connectors(console(), found)
    return EXIT_FAILURES if any(info.error for info in found) else EXIT_OK
