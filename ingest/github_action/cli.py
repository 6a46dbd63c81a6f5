"""The ``ingest`` command run as a process: its stdout to the log as it comes, its stderr to the
log too and kept, so the step can quote the sentence that ended it.

The runner reads every line a step prints for a workflow command (``::add-mask::``, ``::error::``,
``::stop-commands::``), and ingest prints paths and titles from the documents it reads, which a pull
request controls (a file name may hold a new line). So ingest runs between ``::stop-commands::``
and a random token, and its stderr is copied to stdout, where the order with those two lines
holds (the runner reads the two streams apart)."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Lines of stderr kept for the summary (the sentence that ended a run is among the last).
_KEPT_LINES = 20
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
#: GitHub's credentials in a step's environment: ingest needs none of them, and reads what a pull
#: request controls, so they are kept from its process (the Intercom token is what it needs).
_GITHUB_CREDENTIALS = frozenset({"GITHUB_TOKEN", "GH_TOKEN", "INPUT_GITHUB_TOKEN"})


@dataclass(frozen=True)
class Finished:
    exit_code: int
    stderr_tail: tuple[str, ...]

    def errors(self) -> list[str]:
        """The ``error:`` lines the command printed, without the prefix."""
        return [line.removeprefix("error:").strip() for line in self.stderr_tail if line.startswith("error:")]


def ingest_command() -> str:
    """The ``ingest`` script installed beside this Python (the action's own installation)."""
    beside = Path(sys.executable).parent / "ingest"
    if beside.exists():
        return str(beside)
    found = shutil.which("ingest")
    if found is None:
        raise FileNotFoundError("the ingest command is not installed beside this Python")
    return found


def run_ingest(arguments: Sequence[str]) -> Finished:
    """Run ``ingest ARGUMENTS`` in the current folder and environment, and wait for it."""
    command = [ingest_command(), *arguments]
    resume = f"fin-ingest-{secrets.token_hex(16)}"
    sys.stdout.write(f"$ ingest {' '.join(arguments)}\n::stop-commands::{resume}\n")
    sys.stdout.flush()
    kept: list[str] = []
    try:
        with subprocess.Popen(  # noqa: S603 (a fixed program, arguments as a list, no shell)
            command,
            stdout=None,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env=_without_credentials(),
        ) as process:
            assert process.stderr is not None
            for line in process.stderr:
                sys.stdout.write(line)
                sys.stdout.flush()
                kept = [*kept[-(_KEPT_LINES - 1) :], _COLOUR.sub("", line.rstrip("\n"))]
    finally:
        # On a line of its own even when ingest's last line did not end with one.
        sys.stdout.write(f"\n::{resume}::\n")
        sys.stdout.flush()
    return Finished(process.returncode, tuple(kept))


def _without_credentials() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if name not in _GITHUB_CREDENTIALS and not name.startswith("ACTIONS_")
    }
