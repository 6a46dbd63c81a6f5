"""Shared pieces of the sync benchmarks: an emulator in its own process, a generated corpus, a table.

The emulator runs as a separate process (``ingest emulator``) so that it does not share
the client's interpreter lock: the numbers measure fin-ingest, not the stand-in server.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def emulator_process(
    *,
    latency_ms: tuple[float, float] = (0.0, 0.0),
    rate_limit: int = 1666,
    window_phase: str = "0",
    reset_rounding: str = "up",
) -> Iterator[str]:
    """``ingest emulator`` in a child process; yields its base URL and stops it afterwards.
    ``window_phase`` and ``reset_rounding`` are its ``--rate-window-phase`` and
    ``--rate-reset-rounding``."""
    options = (
        "--latency-ms", str(latency_ms[0]), str(latency_ms[1]), "--rate-limit", str(rate_limit),
        "--rate-window-phase", window_phase, "--rate-reset-rounding", reset_rounding,
    )  # fmt: skip
    with emulator_child(options) as (base_url, _):
        yield base_url


@contextlib.contextmanager
def emulator_child(
    options: Sequence[str] = (), *, python_options: Sequence[str] = ()
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``ingest emulator`` with more command-line ``options`` (and ``python_options`` for the
    interpreter, e.g. ``-m cProfile -o FILE``), in a child process: yields its base URL and the
    process (to measure it from outside), and stops it afterwards."""
    port = free_port()
    command = [sys.executable, *python_options, "-m", "ingest.cli", "emulator", "--port", str(port)]
    command += ["--token", TOKEN]
    command += options
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                control(base_url, "GET", "faults")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the emulator did not start") from None
                time.sleep(0.05)
        yield base_url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def control(base_url: str, method: str, what: str, body: dict[str, Any] | None = None) -> Any:
    """Call the emulator's control API (``/_emulator/...``)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
        f"{base_url}/_emulator/{what}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        raw = answer.read()
    return json.loads(raw) if raw else None


def write_corpus(root: Path, count: int) -> None:
    """``count`` realistic small Markdown documents in 20 folders."""
    for index in range(count):
        folder = root / f"area-{index % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article-{index:05d}.md").write_text(
            f"---\ntitle: Article {index}\n---\n"
            f"# Article {index}\n\nHow to do thing {index}. "
            "See [the overview](../area-00/article-00000.md).\n\n"
            "| Setting | Default |\n|---|---|\n| retries | 3 |\n\n```python\nprint('hello')\n```\n",
            encoding="utf-8",
        )


def write_config(
    folder: Path,
    base_url: str,
    *,
    max_concurrency: int,
    docs: str = "docs",
    share: float | None = None,
    source_keys: str = "",
) -> Path:
    """A config syncing ``docs`` into the emulator, with a state file and Content Import Source of its
    own; ``share`` sets ``rate_limit_share`` (else the default); ``source_keys`` are more lines of
    the source's table."""
    name = f"{max_concurrency}" if share is None else f"{max_concurrency}-share-{share:g}"
    config = folder / f"ingest-{name}.toml"
    share_line = "" if share is None else f"rate_limit_share = {share}\n"
    config.write_text(
        f'[intercom]\nbase_url = "{base_url}"\nmax_concurrency = {max_concurrency}\n{share_line}\n'
        f'[state]\npath = "state-{name}.db"\n\n'
        f'[sources.docs]\nconnector = "filesystem"\npath = "{docs}"\nurl = "https://bench.example.com/{name}"\n'
        'url_template = "https://git.example.com/docs/blob/main/{path}"\n' + source_keys,
        encoding="utf-8",
    )
    return config


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column == columns[0] else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    Console(width=160).print(table)
