"""What a step hands back to the runner: outputs, the job summary, workflow commands.

Outputs use the delimiter form of ``$GITHUB_OUTPUT`` with a random delimiter that the value does
not hold, so no value (a path, a sentence from a document) can end its own output and add another.
Workflow commands have their data escaped as the runner unescapes it, so a message cannot start a
command of its own on a new line.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping
from pathlib import Path


def output_block(name: str, value: str) -> str:
    """``name`` set to ``value`` in the delimiter form, with a delimiter ``value`` does not hold."""
    if not name or any(character in name for character in "<\r\n="):
        raise ValueError(f"not an output name: {name!r}")
    while True:
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        if delimiter not in value:
            return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(path: Path, values: Mapping[str, str]) -> None:
    with path.open("a", encoding="utf-8") as file:
        for name, value in values.items():
            file.write(output_block(name, value))


def append_summary(path: Path, markdown: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(markdown if markdown.endswith("\n") else markdown + "\n")


def escape_data(value: str) -> str:
    """A workflow command's message, escaped as the runner reads it back."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command(name: str, message: str) -> None:
    """Print a workflow command (``warning``, ``error``, ``notice``, ``add-mask``) to stdout."""
    sys.stdout.write(f"::{name}::{escape_data(message)}\n")
    sys.stdout.flush()


def mask(secret: str) -> None:
    """Have the runner hide ``secret`` in every log line after this one (each line of it)."""
    for line in secret.splitlines():
        if line.strip():
            command("add-mask", line)
