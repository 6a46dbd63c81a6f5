"""The public surfaces for connector authors change only on purpose: ``ingest.sdk`` and ``ingest.testing``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

import ingest.sdk
import ingest.testing
from ingest import connector, document, errors, textdoc

#: What a connector author imports. Add a name here when the surface grows on purpose.
SDK = {
    # The contract: ingest.connector
    "Connector",
    "ConnectorFactory",
    "ProvidesLinks",
    "ProvidesSiteLinks",
    "Resumable",
    "Closeable",
    "ReadsSourceFiles",
    # Watching (ingest watch): ingest.connector
    "Watchable",
    "Revisioned",
    "WatchedFolder",
    "WatchedFile",
    "WatchedPath",
    "Affected",
    # Options
    "ConnectorOptions",
    "ConfigPath",
    # Documents: ingest.document
    "BodyFormat",
    "DocumentRef",
    "SourceDocument",
    "SkippedDocument",
    "Failure",
    "RelativePath",
    # Errors: ingest.errors
    "ConnectorError",
    "IngestError",
    # Text documents: ingest.textdoc
    "read_text_document",
    "split_front_matter",
    "format_for",
    "SUPPORTED_SUFFIXES",
}

#: The conformance kit.
TESTING = {
    "assert_conforms",
    "check_connector",
    "ConformanceError",
    "ConformanceReport",
    "Violation",
    "RULES",
    "DocumentHook",
    "SourceHook",
}

#: Where each re-exported name is defined, so a re-export is the very object, not a copy.
ORIGINS = (connector, document, errors, textdoc)


@pytest.mark.parametrize(
    ("module", "expected"), [(ingest.sdk, SDK), (ingest.testing, TESTING)], ids=["sdk", "testing"]
)
def test_all_lists_exactly_the_intended_names(module: ModuleType, expected: set[str]) -> None:
    """__all__ holds the written list, once each: a name added or dropped by accident fails here."""
    assert len(module.__all__) == len(set(module.__all__))
    assert set(module.__all__) == expected


@pytest.mark.parametrize("module", [ingest.sdk, ingest.testing], ids=["sdk", "testing"])
def test_every_public_name_is_in_all(module: ModuleType) -> None:
    """Nothing public hides outside __all__ (submodules of a package aside)."""
    public = {
        name
        for name in dir(module)
        if not name.startswith("_")
        and name != "annotations"
        and not isinstance(getattr(module, name), ModuleType)
    }
    assert public == set(module.__all__)


def test_sdk_names_are_the_objects_they_re_export() -> None:
    """Each SDK name is the object its defining module holds, the text helpers included."""
    for name in ingest.sdk.__all__:
        origin = next(module for module in ORIGINS if hasattr(module, name))
        assert getattr(ingest.sdk, name) is getattr(origin, name), name


def test_importing_the_sdk_stays_light() -> None:
    """ingest.sdk loads no HTTP client, HTML or Markdown parser; its text helpers load on first use."""
    heavy = ["aiohttp", "bs4", "lxml", "markdown_it", "yaml", "rich", "ingest.textdoc", "ingest.convert"]
    code = (
        "import sys, ingest.sdk\n"
        f"print(sorted(name for name in {heavy!r} if name in sys.modules))\n"
        "ingest.sdk.read_text_document\n"
        "print('ingest.textdoc' in sys.modules)\n"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)  # noqa: S603
    assert done.stdout.splitlines() == ["[]", "True"]


def test_an_unknown_sdk_name_is_an_attribute_error() -> None:
    """The lazy lookup of the text helpers does not swallow typos."""
    with pytest.raises(AttributeError, match="has no attribute 'read_text_documents'"):
        ingest.sdk.read_text_documents  # type: ignore[attr-defined]  # noqa: B018


KIT_WITHOUT_PYTEST = r"""
import asyncio, shutil, sys, tempfile
from pathlib import Path
sys.modules["pytest"] = None  # as if it were not installed
from connectors.filesystem import FilesystemConnector
from ingest.testing import check_connector
with tempfile.TemporaryDirectory() as folder:
    root = Path(folder) / "docs"
    root.mkdir()
    for name in ("a", "b"):
        (root / f"{name}.md").write_text(f"# {name}\n")
    report = asyncio.run(check_connector(
        FilesystemConnector, {"path": str(root)}, documents_at=root,
        edit_document=lambda ref: (root / ref.locator).write_text("# edited, longer\n"),
        break_document=lambda ref: (root / ref.locator).write_bytes(b"\0"),
        break_source=lambda: shutil.rmtree(root),
    ))
print(report.ok)
"""


def test_the_kit_runs_without_pytest() -> None:
    """ingest.testing is plain asyncio: it imports and checks a connector where pytest is not installed."""
    command = [sys.executable, "-c", KIT_WITHOUT_PYTEST]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_the_installed_package_is_typed_for_authors(tmp_path: Path) -> None:
    """The wheel carries ingest/py.typed (PEP 561): without it, mypy in an author's project skips
    ingest.sdk ("module is installed, but missing library stubs or py.typed marker"), every SDK
    name is Any, and the guide's ``ConnectorFactory[NotesOptions]`` line proves nothing."""
    root, source = Path(__file__).resolve().parents[1], tmp_path / "source"
    for name in ("ingest", "connectors"):  # built from a copy: a build leaves files behind
        shutil.copytree(root / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--disable-pip-version-check", "--wheel-dir", str(tmp_path), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("fin_ingest-*.whl")
    assert "ingest/py.typed" in zipfile.ZipFile(wheel).namelist()
