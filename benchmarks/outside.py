"""A command run as a child process and measured from outside: wall time, CPU and peak memory.

The child's CPU time and peak RSS come from the kernel when it is reaped, read by GNU
``time`` (``/usr/bin/time``), so no in-process counter is involved: ``ru_maxrss`` is the
high-water mark of the child (or of the largest of its own children, a worker pool's). The
child is started by ``time``, not by this process: Linux carries the high-water mark of the
address space a process replaces at ``exec`` into its ``ru_maxrss``, so a child forked or
spawned straight from a large benchmark process would report at least the benchmark's own
size (measured: 513 MB for ``python -c pass`` spawned by a 500 MB process, 13 MB under
``time``). Its whole process tree is also sampled with psutil while it runs, whose largest
sum is the memory the tree held at once (a pool of workers adds up; a sample can miss a short
spike, which ``ru_maxrss`` cannot). A process measured alongside (the emulator) is read with
psutil before and after.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

#: GNU time, which reports a child's ``ru_maxrss`` (``%M``) and CPU times.
TIME = "/usr/bin/time"
#: How often the child's process tree is sampled, in seconds.
SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class ChildUsage:
    """What a finished child cost: ``cpu_seconds`` is user + system, its reaped children included."""

    exit_code: int
    wall_seconds: float
    user_seconds: float
    system_seconds: float
    peak_rss_bytes: int
    tree_peak_rss_bytes: int

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.system_seconds


@dataclass(frozen=True)
class CpuReading:
    """User + system CPU seconds of a running process, read from outside."""

    cpu_seconds: float
    rss_bytes: int

    @staticmethod
    def of(pid: int) -> CpuReading:
        process = psutil.Process(pid)
        times = process.cpu_times()
        return CpuReading(times.user + times.system, process.memory_info().rss)


def ingest_command() -> list[str]:
    """The ``ingest`` console script installed beside this Python (what a user runs)."""
    script = Path(sys.executable).with_name("ingest")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "ingest.cli"]


def run_ingest(args: Sequence[str], *, token: str, output: Path) -> ChildUsage:
    """``ingest ARGS`` as its own process with ``INTERCOM_ACCESS_TOKEN`` set, measured from outside;
    a non-zero exit raises with the end of what it printed."""
    usage = run_child(
        [*ingest_command(), *args], env={**os.environ, "INTERCOM_ACCESS_TOKEN": token}, output=output
    )
    if usage.exit_code != 0:
        printed = output.read_text(encoding="utf-8", errors="replace")
        raise RuntimeError(f"ingest {' '.join(args)} exited {usage.exit_code}:\n{printed[-3000:]}")
    return usage


def run_child(argv: Sequence[str], *, env: Mapping[str, str], output: Path) -> ChildUsage:
    """Run ``argv`` (its stdout and stderr to ``output``) to its end under ``/usr/bin/time``,
    measured from outside."""
    if not Path(TIME).exists():
        raise RuntimeError(f"{TIME} (GNU time) is needed to measure a child's peak memory; install it")
    usage_file = output.with_name(output.name + ".usage")
    command = [TIME, "--format", "%x %e %U %S %M", "--output", str(usage_file), *argv]
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)]
        started = time.monotonic()
        pid = os.posix_spawn(TIME, command, dict(env), file_actions=actions)
    finally:
        os.close(fd)
    sampler = _TreeSampler(pid)
    sampler.start()
    try:
        os.waitpid(pid, 0)
    finally:
        sampler.stop()
    wall = time.monotonic() - started  # time's own %e has only two decimals
    # The last line: GNU time writes "Command exited with non-zero status N" above it when it did.
    exit_code, _, user, system, peak_kb = usage_file.read_text(encoding="utf-8").split("\n")[-2].split()
    return ChildUsage(
        exit_code=int(exit_code),
        wall_seconds=wall,
        user_seconds=float(user),
        system_seconds=float(system),
        peak_rss_bytes=int(peak_kb) * 1024,
        tree_peak_rss_bytes=sampler.peak,
    )


class _TreeSampler(threading.Thread):
    """The largest RSS summed over a process and its descendants, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self._pid = pid
        self._stopped = threading.Event()
        self.peak = 0

    def run(self) -> None:
        try:
            root = psutil.Process(self._pid)
        except psutil.Error:
            return
        while not self._stopped.wait(SAMPLE_SECONDS):
            try:
                processes = [root, *root.children(recursive=True)]
                total = 0
                for process in processes:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:  # a worker that just ended
                        continue
            except psutil.Error:  # the root ended (a zombie until reaped)
                continue
            self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._stopped.set()
        self.join()
