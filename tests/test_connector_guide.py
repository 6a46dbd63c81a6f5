"""The README's "Writing a connector" guide works as written: its connector passes its conformance test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import types
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from ingest.registry import GROUP, load_connector

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (
    (ROOT / "README.md")
    .read_text(encoding="utf-8")
    .split("### Writing a connector", 1)[1]
    .split("\n## ", 1)[0]
)


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", GUIDE, flags=re.DOTALL)


@pytest.fixture
def my_notes(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The guide's connector module, importable as ``my_notes`` as if installed."""
    module = types.ModuleType("my_notes")
    monkeypatch.setitem(sys.modules, "my_notes", module)
    exec(compile(blocks("python")[0], "README.md:my_notes", "exec"), module.__dict__)  # noqa: S102
    return module


def test_the_guides_connector_passes_the_guides_conformance_test(
    my_notes: types.ModuleType, tmp_path: Path
) -> None:
    """The test the guide shows runs green against the connector the guide shows."""
    namespace: dict[str, object] = {}
    exec(compile(blocks("python")[1], "README.md:test", "exec"), namespace)  # noqa: S102
    test = namespace["test_notes_keep_the_connector_contract"]
    assert callable(test)
    test(tmp_path)


def test_the_guides_entry_point_names_the_guides_connector(my_notes: types.ModuleType) -> None:
    """The pyproject lines register a connector the registry accepts; the example package exists."""
    pyproject = tomllib.loads(blocks("toml")[0])
    ((name, value),) = pyproject["project"]["entry-points"][GROUP].items()
    factory = load_connector(name, {name: EntryPoint(name=name, value=value, group=GROUP)})
    assert factory is my_notes.NotesConnector
    assert (ROOT / "examples" / "connector-example" / "pyproject.toml").is_file()


def test_the_guides_package_passes_its_test_under_plain_pytest(tmp_path: Path) -> None:
    """Followed literally (the module, the pyproject, the test file in tests/), the guide's test runs
    green under pytest with no plugin configured: an author's project has no asyncio_mode setting."""
    (tmp_path / "my_notes.py").write_text(blocks("python")[0] + "\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(blocks("toml")[0] + "\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_my_notes.py").write_text(blocks("python")[1] + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}  # as `pip install -e .` would make it importable
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
