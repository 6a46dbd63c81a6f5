"""``ingest config check`` and ``ingest config schema``: the configuration, without a run."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.common import EXIT_OK, config_option, console


@click.group(name="config")
def config_group() -> None:
    """Check the configuration, or print its JSON Schema."""


@config_group.command(name="check")
@config_option
@click.option(
    "--remote",
    is_flag=True,
    help="Also check the access token with GET /me and print the workspace and region it belongs to.",
)
@click.option(
    "--notify",
    "test_notify",
    is_flag=True,
    help="Also send a test message to every [notify] webhook and say whether each took it (exit 1 if not).",
)
def check_config(config_file: Path | None, remote: bool, test_notify: bool) -> int:
    """Validate the config as a run does (every source's connector options, target tables, API version),
    without opening state or, unless --remote, the network. Exit 0 valid, 2 not (one sentence)."""
    from ingest.commands.common import require_sources
    from ingest.config import load_settings
    from ingest.config_summary import notify_lines, source_lines

    settings = load_settings(config_file)
    require_sources(settings)
    out = console()
    for line in [*source_lines(settings), *notify_lines(settings)]:
        out.print(line, markup=False, soft_wrap=True)
    if remote:
        import asyncio

        from ingest.workspace import describe_workspace, workspace_of

        out.print(describe_workspace(asyncio.run(workspace_of(settings)), settings), markup=False)
    if test_notify:
        from ingest.notify.probe import send_test

        return send_test(settings, out)
    return EXIT_OK


@config_group.command(name="schema")
def schema() -> int:
    """Print the JSON Schema of the config file (for TOML editors: a #:schema line at its top)."""
    import json

    from ingest.config_schema import config_schema

    click.echo(json.dumps(config_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
