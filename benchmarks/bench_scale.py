"""A first sync and a no-op run at growing corpus sizes, measured from outside the process.

Run ``python -m benchmarks.bench_scale [--sizes 1000,10000,50000] [--keep DIR] [--noop-runs N]``.

For each size, a corpus of realistic generated documents (:mod:`benchmarks.docgen`: front
matter, headings, lists, code, tables, links; about 4.8 KB each) is synced by ``ingest run
--all``, run as a user runs it (its own process, Python start-up and imports included), into an
emulator of its own, in its own process, at an unlimited rate; then the same command runs again
with nothing changed (the nightly no-op). Each run prints its wall time, the CPU (user + system)
of the ``ingest`` process and, beside it, of the emulator over the same run, the peak RSS of
``ingest`` from the kernel (``ru_maxrss`` of the reaped child) and the largest RSS of its
process tree sampled from outside, the documents it converted (its ``--report``), and the
requests the emulator received (its counters). A second table gives how each figure grows
for every 10x more documents (1.0: flat; 10: linear). With ``--noop-runs N``, the no-op runs N
times after one first sync (on a shared machine one run says little); the table shows the run of
median CPU, and each run's wall time, CPU and peak RSS are printed as they end.

The emulator keeps only the last ``--emulator-log-limit`` requests in full (its counters count
every one), so that its own memory does not grow with the corpus (``all``: every request, as
before the limit existed).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.docgen import write_realistic_corpus
from benchmarks.harness import TOKEN, control, emulator_child, print_table
from benchmarks.outside import ChildUsage, CpuReading, run_ingest

#: An emulator rate limit no run reaches: the benchmark measures fin-ingest, not the limit.
UNLIMITED = 1_000_000_000
MB = 1024 * 1024


@dataclass(frozen=True)
class RunFigures:
    """One ``ingest run --all`` and what the emulator did meanwhile."""

    size: int
    run: str
    usage: ChildUsage
    emulator_cpu_seconds: float
    emulator_rss_bytes: int
    converted: int
    requests: int


def sizes_argument(value: str) -> list[int]:
    sizes = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--sizes takes positive document counts, e.g. 1000,10000")
    return sorted(set(sizes))


def log_limit_argument(value: str) -> int | None:
    if value == "all":
        return None
    if not value.isdigit():
        raise argparse.ArgumentTypeError("--emulator-log-limit takes a number of requests or 'all'")
    return int(value)


def write_config(folder: Path, base_url: str) -> Path:
    config = folder / "ingest.toml"
    config.write_text(
        f'[intercom]\nbase_url = "{base_url}"\n\n[state]\npath = "{folder / "state.db"}"\n\n'
        f'[sources.docs]\nconnector = "filesystem"\npath = "{folder / "docs"}"\n'
        'url = "https://bench.example.com/scale"\n'
        'url_template = "https://git.example.com/docs/blob/main/{path}"\n',
        encoding="utf-8",
    )
    return config


def measured_run(size: int, what: str, folder: Path, config: Path, url: str, emulator_pid: int) -> RunFigures:
    control(url, "DELETE", "requests")
    report = folder / f"report-{what}.json"
    command = ["run", "--all", "--config", str(config), "--report", str(report)]
    before = CpuReading.of(emulator_pid)
    usage = run_ingest(command, token=TOKEN, output=folder / f"output-{what}.txt")
    after = CpuReading.of(emulator_pid)
    counters = control(url, "GET", "requests")["counters"]
    (result,) = json.loads(report.read_text(encoding="utf-8"))["sources"]
    return RunFigures(
        size=size,
        run=what,
        usage=usage,
        emulator_cpu_seconds=after.cpu_seconds - before.cpu_seconds,
        emulator_rss_bytes=after.rss_bytes,
        converted=int(result["converted"]),
        requests=sum(int(count) for count in counters.values()),
    )


def measure_size(
    size: int, root: Path, log_limit: int | None, noop_runs: int = 1
) -> tuple[RunFigures, RunFigures, float]:
    """The first sync and the no-op run (of ``noop_runs``, the one of median CPU) at ``size``
    documents, and the seconds writing the corpus took."""
    folder = root / f"size-{size}"
    started = time.monotonic()
    write_realistic_corpus(folder / "docs", size)
    written = time.monotonic() - started
    options = ["--rate-limit", str(UNLIMITED)]
    if log_limit is not None:
        options += ["--request-log-limit", str(log_limit)]
    with emulator_child(options) as (url, emulator):
        config = write_config(folder, url)
        first = measured_run(size, "first sync", folder, config, url, emulator.pid)
        noops = []
        for _ in range(noop_runs):
            noops.append(measured_run(size, "no-op", folder, config, url, emulator.pid))
            usage = noops[-1].usage
            print(
                f"{size:,} documents, no-op: {usage.wall_seconds:.2f} s wall, {usage.cpu_seconds:.2f} s CPU, "
                f"{usage.peak_rss_bytes / MB:,.0f} MB",
                flush=True,
            )
    noop = sorted(noops, key=lambda figures: figures.usage.cpu_seconds)[len(noops) // 2]
    return first, noop, written


def growth(small: float, large: float, small_size: int, large_size: int) -> str:
    """How much ``large`` is of ``small`` per 10x more documents."""
    if small <= 0 or large <= 0:
        return "-"
    return f"{(large / small) ** (1 / math.log10(large_size / small_size)):.2f}x"


def run_row(figures: RunFigures) -> tuple[object, ...]:
    usage = figures.usage
    return (
        f"{figures.size:,}", figures.run, f"{usage.wall_seconds:.2f}", f"{usage.cpu_seconds:.2f}",
        f"{figures.emulator_cpu_seconds:.2f}", f"{usage.peak_rss_bytes / MB:,.0f}",
        f"{usage.tree_peak_rss_bytes / MB:,.0f}", f"{figures.emulator_rss_bytes / MB:,.0f}",
        f"{figures.converted:,}", f"{figures.requests:,}",
    )  # fmt: skip


def growth_rows(runs: Sequence[RunFigures]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for kind in ("first sync", "no-op"):
        of_kind = [figures for figures in runs if figures.run == kind]
        for small, large in itertools.pairwise(of_kind):
            sizes = (small.size, large.size)
            rows.append(
                (
                    kind, f"{small.size:,} -> {large.size:,}",
                    growth(small.usage.wall_seconds, large.usage.wall_seconds, *sizes),
                    growth(small.usage.cpu_seconds, large.usage.cpu_seconds, *sizes),
                    growth(small.emulator_cpu_seconds, large.emulator_cpu_seconds, *sizes),
                    growth(small.usage.peak_rss_bytes, large.usage.peak_rss_bytes, *sizes),
                )
            )  # fmt: skip
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=sizes_argument, default=[1_000, 10_000, 50_000])
    parser.add_argument(
        "--emulator-log-limit",
        type=log_limit_argument,
        default=1_000,
        help="requests it keeps in full, or 'all'",
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (corpora, state, reports)")
    parser.add_argument(
        "--noop-runs", type=int, default=1, help="no-op runs after each first sync (the median is shown)"
    )
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-scale-")) if args.keep is None else args.keep
    runs: list[RunFigures] = []
    try:
        for size in args.sizes:
            first, noop, written = measure_size(size, root, args.emulator_log_limit, max(1, args.noop_runs))
            runs += [first, noop]
            print(
                f"{size:,} documents (written in {written:.1f} s): "
                f"first sync {first.usage.wall_seconds:.1f} s, no-op {noop.usage.wall_seconds:.2f} s",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    columns = [
        "documents", "run", "wall s", "ingest CPU s", "emulator CPU s", "ingest peak RSS MB",
        "tree peak RSS MB (sampled)", "emulator RSS MB", "converted", "requests",
    ]  # fmt: skip
    print_table("ingest run --all, emulator at an unlimited rate (both measured from outside)", columns, [
        run_row(figures) for figures in runs
    ])  # fmt: skip
    if len(args.sizes) > 1:
        print_table(
            "Growth per 10x documents (1.00x: flat, 10.00x: linear)",
            ["run", "sizes", "wall", "ingest CPU", "emulator CPU", "ingest peak RSS"],
            growth_rows(runs),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
