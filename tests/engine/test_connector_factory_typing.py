"""ConnectorFactory is a real check under mypy --strict: connectors that fit pass, misfits are named.

The built-in connectors are checked where mypy already looks (``connectors/factories.py``,
through tests/test_quality.py); this shows the Protocol is not vacuous.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''
from __future__ import annotations

from collections.abc import AsyncIterator

from ingest.connector import ConnectorFactory, ConnectorOptions
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument

Found = DocumentRef | SkippedDocument | Failure
Loaded = SourceDocument | SkippedDocument | Failure


class WikiOptions(ConnectorOptions):
    space: str


class OtherOptions(ConnectorOptions):
    site: str


class Wiki:
    """Fits: its own options model, any parameter name, no base class."""

    options_model = WikiOptions

    def __init__(self, settings: WikiOptions) -> None:
        self.settings = settings

    async def scan(self) -> AsyncIterator[Found]:
        yield DocumentRef("a.md", "1")

    async def load(self, ref: DocumentRef) -> Loaded:
        return Failure(ref.locator, "unreadable")


class TakesOtherOptions(Wiki):
    def __init__(self, settings: OtherOptions) -> None:
        self.other = settings


class NoLoad:
    options_model = WikiOptions

    def __init__(self, options: WikiOptions) -> None:
        self.options = options

    async def scan(self) -> AsyncIterator[Found]:
        yield DocumentRef("a.md", "1")


class NoOptionsModel:
    def __init__(self, options: WikiOptions) -> None:
        self.options = options

    async def scan(self) -> AsyncIterator[Found]:
        yield DocumentRef("a.md", "1")

    async def load(self, ref: DocumentRef) -> Loaded:
        return Failure(ref.locator, "unreadable")


fits: ConnectorFactory[WikiOptions] = Wiki
wrong_options: ConnectorFactory[WikiOptions] = TakesOtherOptions
no_load: ConnectorFactory[WikiOptions] = NoLoad
no_options_model: ConnectorFactory[WikiOptions] = NoOptionsModel
any_options: ConnectorFactory[ConnectorOptions] = Wiki
'''


def test_mypy_accepts_a_fitting_connector_and_names_each_misfit(tmp_path: Path) -> None:
    """Only the connector that fits is accepted; a factory over all options cannot take a specific one."""
    pytest.importorskip("mypy", reason="mypy is not installed (it comes with the test extra)")
    module = tmp_path / "factory_fits.py"
    module.write_text(SNIPPET, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), str(module)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)  # noqa: S603
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    refused = [re.search(r'expression has type "(.+?)", variable has type "(.+?)"', line) for line in errors]
    assert [match.groups() if match else line for match, line in zip(refused, errors, strict=True)] == [
        ("type[TakesOtherOptions]", "ConnectorFactory[WikiOptions]"),
        ("type[NoLoad]", "ConnectorFactory[WikiOptions]"),
        ("type[NoOptionsModel]", "ConnectorFactory[WikiOptions]"),
        ("type[Wiki]", "ConnectorFactory[ConnectorOptions]"),
    ], done.stdout
