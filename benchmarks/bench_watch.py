"""The watch daemon's latency: from saving a file to the emulator receiving its upsert.

Run ``python -m benchmarks.bench_watch [--docs 2000] [--saves 40] [--latency-ms MIN MAX]``. An
emulator runs in its own process, and ``ingest watch`` (default ``[watch]`` settings) in another, over a
corpus already synced. Then single files are saved one at a time, alternating a plain
write and an editor's save (write a temporary file, rename it over the document), each
after the previous one arrived and a pause. A save's latency runs from just before the
write to the moment the emulator received the POST, both placed on the wall clock (the
emulator's ``/_emulator/clock`` gives its offset). Twice: an emulator answering at once,
and one answering in 100-300 ms, like Intercom (``--latency-ms``: one scenario of your own).
The table also counts the batches' reads of the Content Import Source (at most one per
``poll_seconds``, 30 s by default).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_corpus
from ingest.settings import WatchSettings

PAGES = "/ai/external_pages"
SOURCES = "/ai/content_import_sources"


def write_config(folder: Path, base_url: str, *, monitored: bool = False) -> Path:
    config = folder / "ingest.toml"
    # Monitored: metrics served on a port of the system's choosing (no scrape needed for the
    # cost: every request and batch updates the families whether or not Prometheus reads them).
    watch = "[watch]\nmetrics_port = 0\n\n" if monitored else ""
    config.write_text(
        f'[intercom]\nbase_url = "{base_url}"\n\n[state]\npath = "state.db"\n\n{watch}'
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://bench.example.com/watch"\n',
        encoding="utf-8",
    )
    return config


def wait(condition: Any, within: float, what: str) -> Any:
    deadline = time.monotonic() + within
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {within} s")
        time.sleep(0.005)
    return value


def batch_lines(log_file: Path) -> list[dict[str, Any]]:
    entries = [
        json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines() if line[:1] == "{"
    ]
    return [entry["batch"] for entry in entries if "batch" in entry]


def received(base_url: str, external_id: str) -> float | None:
    """When the emulator received the first POST of ``external_id`` since the log was cleared."""
    entries = control(base_url, "GET", f"requests?path_prefix={PAGES}")["requests"]
    times = [
        entry["received_at"]
        for entry in entries
        if entry["method"] == "POST" and (entry["body"] or {}).get("external_id") == external_id
    ]
    return min(times) if times else None


def save(path: Path, text: str, atomic: bool) -> None:
    if atomic:
        temporary = path.with_name(f".{path.name}.swp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    else:
        path.write_text(text, encoding="utf-8")


def source_reads(base_url: str) -> int:
    """Reads of a Content Import Source by id since the log was cleared."""
    entries = control(base_url, "GET", f"requests?path_prefix={SOURCES}/")["requests"]
    return sum(entry["method"] == "GET" for entry in entries)


def measure(
    docs: int, saves: int, pause: float, latency_ms: tuple[float, float], *, monitored: bool = False
) -> tuple[list[float], int]:
    """Latencies (seconds) of ``saves`` single-file saves into a running daemon, and how many
    times their batches read the Content Import Source."""
    emulator = emulator_process(latency_ms=latency_ms, rate_limit=10**6)
    with tempfile.TemporaryDirectory() as temp, emulator as url:
        folder = Path(temp)
        write_corpus(folder / "docs", docs)
        files = sorted((folder / "docs").rglob("*.md"))
        log_file = folder / "watch.log"
        env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
        command = [
            sys.executable, "-m", "ingest.cli", "--log-format", "json", "watch", "--config",
            str(write_config(folder, url, monitored=monitored)),
        ]  # fmt: skip
        with log_file.open("wb") as log:
            daemon = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
        try:
            wait(lambda: batch_lines(log_file), 600, "the start-up sync")
            latencies = []
            reads = 0
            for index in range(saves):
                path = files[(index * 7919) % len(files)]
                external_id = path.relative_to(folder / "docs").as_posix()
                control(url, "DELETE", "requests")
                # The emulator's monotonic times, moved onto this process's monotonic clock.
                offset = control(url, "GET", "clock")["wall_minus_monotonic"] - (
                    time.time() - time.monotonic()
                )
                started = time.monotonic()
                save(path, f"# Saved {index}\n\nEdited at save {index}.\n", atomic=index % 2 == 1)
                arrived = wait(lambda: received(url, external_id), 30, f"save {index}")  # noqa: B023
                latencies.append(arrived + offset - started)
                reads += source_reads(url)
                time.sleep(pause)  # separate saves: each its own batch, as a writer's edits are
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)
        return latencies, reads


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2_000, help="documents in the watched folder")
    parser.add_argument("--saves", type=int, default=40, help="single-file saves per scenario")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two saves")
    parser.add_argument(
        "--latency-ms",
        type=float,
        nargs=2,
        metavar=("MIN", "MAX"),
        help="one scenario only: the emulator answering in MIN-MAX ms (150 150: a steady 150 ms)",
    )
    parser.add_argument(
        "--monitored", action="store_true", help="the daemon serves its metrics ([watch] metrics_port)"
    )
    args = parser.parse_args()
    debounce = WatchSettings().debounce_ms
    rows = []
    scenarios: tuple[tuple[str, tuple[float, float]], ...] = (
        ("emulator answering at once", (0.0, 0.0)),
        ("API latency 100-300 ms", (100.0, 300.0)),
    )
    if args.latency_ms is not None:
        low, high = args.latency_ms
        scenarios = ((f"API latency {low:g}-{high:g} ms", (low, high)),)
    for label, latency_ms in scenarios:
        seconds, reads = measure(args.docs, args.saves, args.pause, latency_ms, monitored=args.monitored)
        label += ", metrics served" if args.monitored else ""
        latencies = [1000 * value for value in seconds]
        rows.append(
            (
                label, args.docs, len(latencies), debounce, f"{statistics.median(latencies):.0f}",
                f"{percentile(latencies, 0.95):.0f}", f"{max(latencies):.0f}", reads,
            )
        )  # fmt: skip
    print_table(
        "ingest watch: file saved -> POST received (goal: p95 under 1,000 ms)",
        ["scenario", "documents", "saves", "debounce ms", "p50 ms", "p95 ms", "max ms", "source reads"],
        rows,
    )


if __name__ == "__main__":
    main()
