"""``ingest watch``: the daemon that keeps sources synced as they change."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.common import EXIT_CONFIG, config_option, jobs_option, require_sources, source_option


@click.command()
@config_option
@source_option
@jobs_option
@click.option(
    "--metrics-port",
    type=click.IntRange(0, 65_535),
    default=None,
    metavar="PORT",
    help="Serve Prometheus metrics, /healthz and /readyz on this port ([watch] metrics_port).",
)
def watch(
    config_file: Path | None, source_names: tuple[str, ...], jobs: int | None, metrics_port: int | None
) -> int:
    """Keep sources synced as they change: a daemon (default: every source).

    Syncs each source at start, then watches folders and exports for changes and polls
    git refs; a change reaches Intercom within about a second. Work the API could not
    take (an outage) is kept in state and retried. Stop it with SIGINT or SIGTERM (exit
    0); a refused token stops it with exit 2. Settings: the [watch] section. With
    --metrics-port it serves Prometheus metrics, /healthz and /readyz (a port already in use:
    exit 2, before any sync).
    """
    import asyncio
    import dataclasses
    import logging

    from ingest.commands.alerting import run_receivers
    from ingest.config import load_settings
    from ingest.errors import AuthError, ConfigError
    from ingest.watch import run_watch

    settings = load_settings(config_file).with_jobs(jobs)
    if metrics_port is not None:
        watching = settings.watch.model_copy(update={"metrics_port": metrics_port})
        settings = dataclasses.replace(settings, watch=watching)
    require_sources(settings)
    sources = settings.select(list(source_names) or None)
    settings.access_token()  # a missing token is a config error before the daemon starts
    run_receivers(settings, dry_run=False)  # ... and so is a webhook URL that cannot be read
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
