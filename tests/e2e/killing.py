"""Killing a real ``ingest`` process at a named step of its run, for the crash tests.

The step is named by the request whose answer the emulator withholds (``stall_path``, the
``stall_skip`` matching requests before it answered as usual): the request is carried out, the
process has not heard of it, and it is killed (SIGKILL) right then. Nothing is timed, so where the
kill lands does not depend on the machine's speed.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from ingest.emulator import RunningEmulator
from tests.waiting import wait_for

#: Long enough that a stalled answer never arrives before the kill.
STALL_SECONDS = 60.0
#: What a run by hand may take before the test gives up on it (a bound, never an expectation).
RUN_TIMEOUT_SECONDS = 120


def ingest_command(config: Path, *extra: str) -> list[str]:
    """``ingest run --all`` with ``config`` (and ``extra`` arguments), as the CLI's module (the
    installed script's code)."""
    return [sys.executable, "-m", "ingest.cli", "run", "--all", "--config", str(config), *extra]


def run_ingest(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One whole run of ``ingest run --all``."""
    return subprocess.run(  # noqa: S603 - our own command line
        ingest_command(config), env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS
    )


def kill_at(
    emulator: RunningEmulator, config: Path, env: dict[str, str], request: str, *, skip: int = 0
) -> None:
    """Start a run and SIGKILL it once the emulator carried out the ``skip + 1``-th request matching
    ``request`` (``"POST /articles"``) and withholds its answer. AssertionError when the run ends
    before reaching that step (so a cell that names a step the run never takes fails)."""
    already = emulator.stalled_answers()
    emulator.set_faults(stall_next=1, stall_skip=skip, stall_path=request, stall_seconds=STALL_SECONDS)
    process = subprocess.Popen(  # noqa: S603 - our own command line
        ingest_command(config), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_for(
            lambda: emulator.stalled_answers() > already or process.poll() is not None,
            within=RUN_TIMEOUT_SECONDS,
            what=f"the run reaching {request} #{skip + 1}",
        )
    finally:
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate()
        emulator.set_faults(stall_next=0, stall_skip=0)
    assert process.returncode == -signal.SIGKILL, (
        f"the run ended (exit {process.returncode}) before {request} #{skip + 1}: {stderr.decode()[-2000:]}"
    )


def integrity_check(state_file: Path) -> str:
    """SQLite's ``PRAGMA integrity_check`` of the state file: ``"ok"`` when it is sound."""
    with sqlite3.connect(state_file) as connection:
        (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    connection.close()
    return str(verdict)
