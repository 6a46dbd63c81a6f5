"""The third-party connector in examples/connector-example, built and installed for real (offline), then
listed by ``ingest connectors``, synced into the emulator by ``ingest run``, and checked by its own tests."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "connector-example"
TOKEN = "example-token-0123456789"

FAQ = [
    (
        "reset-password",
        "How do I reset my password?",
        "Open **Settings > Security**.",
        "https://help.example.com/r",
    ),
    ("export-data", "Can I export my data?", "Yes, under *Settings > Data*.", ""),
    ("cancel-plan", "How do I cancel my plan?", "An admin can, under **Billing**.", ""),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package installed with pip into a folder of its own: built from a copy (a build
    leaves files behind), no index, no dependency resolution (fin-ingest is already here)."""
    work = tmp_path_factory.mktemp("example")
    source = work / "source"
    shutil.copytree(
        EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.db*")
    )
    target = work / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--disable-pip-version-check", "--target", str(target), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, (
        "pip could not build the example offline; the test extra brings setuptools>=70.1 for it "
        f"(pip install -e '.[test]'):\n{done.stdout}{done.stderr}"
    )
    assert (target / "fin_ingest_faq.py").is_file()
    return target


def ingest(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``ingest`` command in a fresh process that sees the example package through PYTHONPATH."""
    env = {**os.environ, "PYTHONPATH": str(site), "INTERCOM_ACCESS_TOKEN": TOKEN, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "ingest.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


def write_project(folder: Path, base_url: str, rows: list[tuple[str, str, str, str]]) -> Path:
    with (folder / "faq.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "question", "answer", "url"])
        writer.writerows(rows)
    config = folder / "ingest.toml"
    config.write_text(
        f'[intercom]\nbase_url = "{base_url}"\n\n'
        '[sources.faq]\nconnector = "faq"\nfile = "faq.csv"\n'
        'url = "https://help.example.com/faq"\nurl_template = "https://help.example.com/faq/{path}"\n',
        encoding="utf-8",
    )
    return config


def test_ingest_connectors_lists_the_installed_example(site: Path, tmp_path: Path) -> None:
    """The example shows beside the built-ins, with its own package, version, entry point and options."""
    done = ingest(site, tmp_path, "connectors", "--json")
    assert done.returncode == 0, done.stderr
    listed = {item["name"]: item for item in json.loads(done.stdout)["connectors"]}
    assert {"faq", "filesystem", "git", "confluence_export"} <= set(listed)
    faq = listed["faq"]
    assert (faq["package"], faq["version"], faq["entry_point"]) == (
        "fin-ingest-faq",
        "0.1.0",
        "fin_ingest_faq:FaqConnector",
    )
    assert [
        (option["name"], option["type"], option["required"], option["default"]) for option in faq["options"]
    ] == [
        ("file", "Path", True, None),
        ("delimiter", "str", False, ","),
    ]
    assert listed["filesystem"]["package"] == "fin-ingest"


def test_the_installed_example_syncs_into_the_emulator(
    site: Path, tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Each CSV row becomes an External Page keyed by its id; a second run sends nothing."""
    config = write_project(tmp_path, emulator.base_url, FAQ)
    first = ingest(site, tmp_path, "run", "--all", "--config", str(config))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "source faq (external_pages): did create 3, update 0, delete 0" in first.stdout
    posted = [
        request.body for request in emulator.requests() if request.endpoint == "POST /ai/external_pages"
    ]
    assert sorted(body["external_id"] for body in posted) == ["cancel-plan", "export-data", "reset-password"]
    pages = {page["external_id"]: page for page in emulator.pages()}
    reset = pages["reset-password"]
    assert reset["title"] == "How do I reset my password?"
    assert "<strong>Settings &gt; Security</strong>" in reset["html"]
    assert reset["url"] == "https://help.example.com/r"
    assert pages["export-data"]["url"] == "https://help.example.com/faq/export-data"

    emulator.clear_requests()
    second = ingest(site, tmp_path, "run", "--all", "--config", str(config))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "did create 0, update 0, delete 0; unchanged 3" in second.stdout
    assert [request for request in emulator.requests() if request.method != "GET"] == []


def test_the_example_passes_its_own_tests_and_the_conformance_kit(site: Path, tmp_path: Path) -> None:
    """The example's tests (the conformance kit among them) pass against the installed package."""
    tests = tmp_path / "tests"
    shutil.copytree(EXAMPLE / "tests", tests)
    shutil.copy(EXAMPLE / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(site)}
    command = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", str(tests)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_faq_keeps_the_connector_contract PASSED" in done.stdout


def test_fin_ingests_own_doc_checks_pass_with_the_example_installed(site: Path) -> None:
    """A third-party connector installed beside fin-ingest (the example's own ingest.toml suggests
    `pip install -e .`) is not fin-ingest's to document: its own suite stays green."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_docs.py"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
