"""``ingest emulator`` and ``ingest demo``: a local stand-in of the Intercom API, and the bundled
example synced into one."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Literal

import click

from ingest.commands.common import EXIT_OK, console


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


@click.command()
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
@click.option(
    "--request-log-limit",
    type=click.IntRange(min=0),
    help="Keep only the latest N requests in the control API's request log (the counters count "
    "every request); default: all of them.",
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
    request_log_limit: int | None,
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
            request_log_limit=request_log_limit,
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


@click.command()
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

    return run_demo(config_file, console())
