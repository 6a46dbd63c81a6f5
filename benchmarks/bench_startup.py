"""What a user's command costs before and besides its work: Python start-up and imports.

Run ``python -m benchmarks.bench_startup [--docs 10000] [--runs 10]``. Each command runs
``--runs`` times as a fresh process (as a user or cron starts it, hyperfine-style: one
warm-up run first, not counted), and its wall time is reported as mean, standard deviation,
min and max: ``ingest --help``, ``ingest status`` and a no-op ``ingest run --all`` over
``--docs`` documents already synced into an emulator (unlimited rate). The imports of one
command are told by ``python -X importtime``; this measures what the user waits for.

With ``--baseline DIR`` (a source tree of another version, e.g. ``git archive`` of a commit
unpacked there), each command also runs from that tree, alternating run by run with this one,
so that the load of a shared machine weighs on both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks.harness import TOKEN, emulator_process, print_table, write_config, write_corpus


def timed(command: Sequence[str], env: Mapping[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents of the no-op run")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command")
    parser.add_argument("--baseline", type=Path, help="a source tree to time alongside, run by run")
    args = parser.parse_args()
    ingest = [sys.executable, "-m", "ingest.cli"]
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    # The commands run in a temporary folder: PYTHONPATH decides which tree they import.
    trees = {"": env}
    if args.baseline is not None:
        trees = {" (this tree)": env, " (baseline)": {**env, "PYTHONPATH": str(args.baseline.resolve())}}
    rows = []
    with tempfile.TemporaryDirectory() as temp, emulator_process(rate_limit=1_000_000) as url:
        folder = Path(temp)
        write_corpus(folder / "docs", args.docs)
        config = str(write_config(folder, url, max_concurrency=64))
        subprocess.run([*ingest, "run", "--all", "--config", config], env=env, cwd=folder, check=True)  # noqa: S603
        commands = {
            "ingest --help": [*ingest, "--help"],
            "ingest status": [*ingest, "status", "--config", config],
            f"ingest run --all (no-op, {args.docs:,} docs)": [*ingest, "run", "--all", "--config", config],
        }
        for label, command in commands.items():
            times: dict[str, list[float]] = {tree: [] for tree in trees}
            for tree_env in trees.values():
                timed(command, tree_env, folder)  # warm-up: the page cache, .pyc files
            for _ in range(args.runs):
                for tree, tree_env in trees.items():
                    times[tree].append(1000 * timed(command, tree_env, folder))
            for tree, taken in times.items():
                rows.append(
                    (
                        label + tree, args.runs, f"{statistics.mean(taken):.0f}",
                        f"{statistics.stdev(taken):.0f}", f"{min(taken):.0f}", f"{max(taken):.0f}",
                    )
                )  # fmt: skip
    print_table(
        "ingest commands, wall time of a fresh process (ms)",
        ["command", "runs", "mean", "stdev", "min", "max"],
        rows,
    )


if __name__ == "__main__":
    main()
