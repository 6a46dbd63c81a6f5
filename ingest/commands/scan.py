"""``ingest scan``: the secret scan alone, for pre-commit and CI. No token, no request, no state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ingest.commands.common import (
    EXIT_FAILURES,
    EXIT_OK,
    config_option,
    console,
    require_sources,
    source_option,
)

if TYPE_CHECKING:
    from ingest.secret_check import SourceScan


@click.command()
@config_option
@source_option
@click.option(
    "--all", "all_sources", is_flag=True, help="Every configured source (the default without FILES)."
)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--plugins", "list_plugins", is_flag=True, help="List the detectors and which are on by default."
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
def scan(
    config_file: Path | None,
    source_names: tuple[str, ...],
    all_sources: bool,
    output_format: str,
    list_plugins: bool,
    files: tuple[Path, ...],
) -> int:
    """Scan documents for secrets as a run would, without sending anything.

    With FILES (what pre-commit passes), scans those files as the source holding them would;
    otherwise every document of the named sources (or all). Exit 1 on any finding, or on a
    document that could not be scanned; 0 when clean; 2 on a configuration problem.
    """
    import asyncio

    if list_plugins:
        return _print_plugins(output_format)
    from ingest.config import load_settings
    from ingest.runner import build_connector
    from ingest.secret_check import scan_paths, scan_source

    if source_names and all_sources:
        raise click.UsageError("give --source NAME or --all, not both")
    config_given = config_file is not None or Path("ingest.toml").exists()
    settings = load_settings(config_file) if config_given or not files else None
    if files:
        sources = settings.select(list(source_names) or None) if settings is not None else []
        results = asyncio.run(scan_paths(files, sources, build_connector))
    else:
        assert settings is not None
        require_sources(settings)

        async def every_source() -> list[SourceScan]:
            chosen = settings.select(list(source_names) or None)
            return [await scan_source(source, build_connector(source)) for source in chosen]

        results = asyncio.run(every_source())
    _print(results, output_format)
    return EXIT_OK if all(result.clean for result in results) else EXIT_FAILURES


def _print(results: list[SourceScan], output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps({"sources": [_as_dict(result) for result in results]}, indent=2))
        return
    out = console()
    for result in results:
        if result.off is not None:
            out.print(f"source {result.source}: not scanned ({result.off})", markup=False)
            continue
        out.print(
            f"source {result.source}: scanned {result.scanned}, findings {len(result.findings)}, "
            f"not scanned {len(result.failures)}",
            markup=False,
        )
        for finding in result.findings:
            out.print(f"  {finding.locator}: {finding.describe()}", markup=False)
        for failure in result.failures:
            out.print(f"  {failure.locator}: could not be scanned: {failure.message}", markup=False)


def _as_dict(result: SourceScan) -> dict[str, Any]:
    return {
        "source": result.source,
        "scanned": result.scanned,
        "off": result.off,
        "findings": [
            {"file": f.locator, "line": f.line, "detector": f.detector, "fingerprint": f.fingerprint}
            for f in result.findings
        ],
        "failures": [{"document": f.locator, "message": f.message} for f in result.failures],
    }


def _print_plugins(output_format: str) -> int:
    from ingest.secret_scan import catalog

    rows = [(name, name not in catalog.OFF_BY_DEFAULT) for name in sorted(catalog.ALL, key=str.lower)]
    if output_format == "json":
        click.echo(json.dumps([{"plugin": name, "on_by_default": on} for name, on in rows], indent=2))
    else:
        for name, on in rows:
            click.echo(f"{name}{'' if on else '  (off by default)'}")
    return EXIT_OK
