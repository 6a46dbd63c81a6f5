"""The code stays as the style guide asks: ruff-clean, formatted, and type-checked with mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_module(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip(module, reason=f"{module} is not installed (it comes with the test extra)")
    command = [sys.executable, "-m", module, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603


def test_ruff_check_and_format() -> None:
    """ruff check and ruff format --check pass on the whole tree."""
    checked = run_module("ruff", "check", ".")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = run_module("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_mypy_strict_on_the_packages() -> None:
    """mypy --strict (configured in pyproject.toml) finds nothing in ingest/ and connectors/."""
    checked = run_module("mypy")
    assert checked.returncode == 0, checked.stdout + checked.stderr
