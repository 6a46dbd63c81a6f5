"""``ingest init``: a commented ``ingest.toml`` for a folder or repository, its token checked when set."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.common import EXIT_OK, console

_CONNECTORS = ("filesystem", "git")


@click.command(name="init")
@click.argument(
    "folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@click.option(
    "--source-name", default="docs", show_default=True, help="The name of the source it configures."
)
@click.option(
    "--connector",
    type=click.Choice(_CONNECTORS),
    default="filesystem",
    show_default=True,
    help="Read the folder as it is (filesystem), or the git repository it is in (git).",
)
@click.option(
    "--url", default=None, help="Root URL of the Content Import Source: where the docs are published."
)
@click.option(
    "--region",
    type=click.Choice(["us", "eu", "au"]),
    default="us",
    show_default=True,
    help="Workspace region.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing ingest.toml.")
@click.option(
    "--non-interactive",
    is_flag=True,
    help="Ask nothing (the default already: every choice is a flag; kept for scripts that say so).",
)
def init(
    folder: Path,
    source_name: str,
    connector: str,
    url: str | None,
    region: str,
    force: bool,
    non_interactive: bool,
) -> int:
    """Write FOLDER/ingest.toml (default: the current folder) for the docs in FOLDER.

    Recognises a Hugo, Docusaurus, MkDocs or Obsidian site (else plain Markdown) and, in a git
    repository, suggests url_template from its origin remote. Never overwrites a file without
    --force, never writes the token. With INTERCOM_ACCESS_TOKEN set, checks it (GET /me) and prints
    the workspace and region.
    """
    import os

    from ingest.api_defaults import TOKEN_ENV
    from ingest.starter.writing import write_starter

    out = console()
    written = write_starter(
        folder, source_name=source_name, connector=connector, url=url, region=region, force=force
    )
    for line in written.lines:
        out.print(line, markup=False, soft_wrap=True)
    if not os.environ.get(TOKEN_ENV, "").strip():
        out.print(
            f"no token checked: set {TOKEN_ENV} (an Intercom access token that can read and write content), "
            f"then run `ingest config check --remote --config {written.path}`",
            markup=False,
            soft_wrap=True,
        )
        return EXIT_OK
    import asyncio

    from ingest.config import load_settings
    from ingest.workspace import describe_workspace, workspace_of

    settings = load_settings(written.path)
    out.print(describe_workspace(asyncio.run(workspace_of(settings)), settings), markup=False)
    return EXIT_OK
