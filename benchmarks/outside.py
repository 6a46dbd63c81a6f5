"""A command run as a child process and measured from outside: wall time, CPU and peak memory.

The child's CPU time and peak RSS come from the kernel when it is reaped (``os.wait4``), so
no in-process counter is involved: ``ru_maxrss`` is the high-water mark of the child (or of the
largest of its own children, a worker pool's). Its whole process tree is also sampled with
psutil while it runs, whose largest sum is the memory the tree held at once (a pool of
workers adds up; a sample can miss a short spike, which ``ru_maxrss`` cannot).
A process measured alongside (the emulator) is read with psutil before and after.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

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


def run_child(argv: Sequence[str], *, env: Mapping[str, str], output: Path) -> ChildUsage:
    """Run ``argv`` (its stdout and stderr to ``output``) to its end, measured from outside."""
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)]
        started = time.monotonic()
        pid = os.posix_spawn(argv[0], list(argv), dict(env), file_actions=actions)
    finally:
        os.close(fd)
    sampler = _TreeSampler(pid)
    sampler.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    finally:
        sampler.stop()
    wall = time.monotonic() - started
    return ChildUsage(
        exit_code=os.waitstatus_to_exitcode(status),
        wall_seconds=wall,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        peak_rss_bytes=usage.ru_maxrss * 1024,  # Linux reports kilobytes
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
