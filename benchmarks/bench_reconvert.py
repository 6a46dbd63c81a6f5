"""A re-conversion after a converter upgrade, on one core and on all: wall time, CPU, writes.

Run ``python -m benchmarks.bench_reconvert [--docs 50000] [--jobs 1 --jobs 2]``. It writes
``--docs`` realistic Markdown documents (``bench_convert``'s generator: tables, code, admonitions,
raw HTML; 0.5-20 KB), syncs them into an emulator without a rate limit (the setup, with the
default jobs), then for each ``--jobs`` value starts again from that state with the converter's
identity changed, as an upgrade does: every document is read and converted again, and since
its HTML is the same, nothing is sent (0 writes; 1 read, the source's check). CPU is this
process's, and its worker processes' (forked by Python's fork server, so read from /proc every
0.2 s while the run lasts).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from pydantic import SecretStr

from benchmarks.bench_convert import generate
from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_config
from ingest import collect
from ingest.config import load_settings
from ingest.convert import converter_identity
from ingest.engine import SourceResult
from ingest.runner import run_sources


def write_documents(root: Path, count: int) -> int:
    """``count`` generated Markdown documents under ``root``; their total size in bytes."""
    size = 0
    for doc in generate(count, seed=7):
        path = root / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        text = f"---\ntitle: {Path(doc.path).stem}\n---\n{doc.body}"
        path.write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def cpu_seconds() -> float:
    """CPU used so far by this process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class DescendantsCpu:
    """The CPU seconds this process's conversion workers (and their fork server) use while it
    runs, sampled from /proc every 0.2 s."""

    def __init__(self) -> None:
        self._seen: dict[int, float] = {}
        self._start: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> DescendantsCpu:
        self._start = self._read()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._seen.items())

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self._seen.update(self._read())
        self._seen.update(self._read())

    @staticmethod
    def _read() -> dict[int, float]:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            pid = int(stat.parent.name)
            parents[pid], cpu[pid] = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        ours: set[int] = set()
        frontier = {os.getpid()}
        while frontier:
            frontier = {pid for pid, parent in parents.items() if parent in frontier} - ours
            ours |= frontier
        return {pid: cpu[pid] for pid in ours if _forked_by_fork_server(pid)}


def _forked_by_fork_server(pid: int) -> bool:
    """Whether ``pid`` is Python's fork server or a worker forked by it (which keeps its command
    line), not the emulator."""
    try:
        return b"multiprocessing.forkserver" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False


def sync(
    config: Path, jobs: int | None, identity: Callable[[], str]
) -> tuple[float, float, float, SourceResult]:
    """Wall seconds, this process's CPU seconds, its workers' CPU seconds, and the result."""
    settings = load_settings(config).with_jobs(jobs)
    started, cpu = time.monotonic(), cpu_seconds()
    # The whole-plan path and the streamed one both fingerprint with collect.reading_identity.
    with mock.patch.object(collect, "converter_identity", identity), DescendantsCpu() as workers:
        (result,) = asyncio.run(run_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
    return time.monotonic() - started, cpu_seconds() - cpu, workers.seconds, result


def requests(url: str) -> tuple[int, int]:
    methods = [request["method"] for request in control(url, "GET", "requests")["requests"]]
    control(url, "DELETE", "requests")
    return methods.count("GET"), len(methods) - methods.count("GET")


def row(
    what: str, timed: tuple[float, float, float, SourceResult], url: str, *, converted: int
) -> tuple[object, ...]:
    seconds, cpu, workers, result = timed
    assert result.failures == [] and result.error is None, result.error
    # A run that converts nothing (an identity change that did not reach the scan) measures nothing.
    assert result.converted == converted, f"{what}: converted {result.converted} of {converted}"
    return (what, f"{seconds:.1f}", f"{cpu:.1f}", f"{workers:.1f}", *requests(url), result.converted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, action="append", help="repeatable (default: 1 and 2)")
    args = parser.parse_args()
    rows: list[tuple[object, ...]] = []
    with tempfile.TemporaryDirectory() as temp, emulator_process(rate_limit=1_000_000) as url:
        folder = Path(temp)
        size = write_documents(folder / "docs", args.docs)
        config = write_config(folder, url, max_concurrency=64)
        state = folder / "state-64.db"
        setup = sync(config, None, converter_identity)
        rows.append(row("first sync (setup), default jobs", setup, url, converted=args.docs))
        shutil.copyfile(state, folder / "synced.db")
        for jobs in args.jobs or [1, 2]:
            shutil.copyfile(folder / "synced.db", state)
            upgraded = sync(config, jobs, lambda: converter_identity() + ";upgraded")
            rows.append(row(f"re-conversion, --jobs {jobs}", upgraded, url, converted=args.docs))
    print_table(
        f"Re-conversion of {args.docs:,} unchanged documents ({size / 1e6:.0f} MB of Markdown) "
        "after a converter upgrade",
        ["run", "seconds", "CPU s (this process)", "CPU s (workers)", "reads", "writes", "converted"],
        rows,
    )


if __name__ == "__main__":
    main()
