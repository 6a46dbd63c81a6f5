"""Hostile documents end to end, through the command line: each fails alone, named, the rest syncs.

What stops each run is a limit, never a clock: nesting past 2,048 elements, a body past
``max_document_bytes``. The subprocess timeout (300 s) only keeps a regression from hanging the
suite; the runs take a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from ingest.emulator import EmulatorConfig, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs
from tests.e2e.killing import ingest_command


def run_all(config: Path, report: Path) -> subprocess.CompletedProcess[str]:
    command = ingest_command(config, "--report", str(report))
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


def sync_with_hostile(
    tmp_path: Path, hostile: dict[str, bytes]
) -> tuple[subprocess.CompletedProcess[str], Any, set[str], set[str]]:
    """Six good documents and ``hostile`` ones synced once: the run, its source report, the
    external ids the emulator holds and those it should."""
    docs = tmp_path / "docs"
    titles = write_docs(docs, 6)
    for name, content in hostile.items():
        (docs / name).write_bytes(content)
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        report = tmp_path / "report.json"
        run = run_all(write_config(tmp_path, emulator.base_url), report)
        remote = {page["external_id"] for page in emulator.pages()}
    (source,) = json.loads(report.read_text())["sources"]
    return run, source, remote, set(titles)


def test_a_document_nested_100000_deep_fails_alone(tmp_path: Path) -> None:
    """100,000 nested divs (a 1.2 MB file that held a run for minutes) fail by name with the
    reason; the other documents sync; the run exits 1."""
    depth = 100_000
    deep = ("<html><body>" + "<div>" * depth + "deep" + "</div>" * depth + "</body></html>").encode()
    run, source, remote, good = sync_with_hostile(tmp_path, {"deep.html": deep})
    assert run.returncode == 1, run.stdout + run.stderr
    reason = "HTML nested too deeply: more than 2048 elements inside one another"
    assert source["failures"] == [{"document": "deep.html", "message": f"conversion failed: {reason}"}]
    assert "deep.html" in run.stdout
    assert remote == good


def test_a_50_mb_document_fails_alone_naming_the_limit(tmp_path: Path) -> None:
    """A 50 MB HTML page fails by name, its size and the key that bounds it; the other documents
    sync; the run exits 1."""
    paragraph = b"<p>Words of a very long page, with <b>bold</b> and &amp; entities.</p>\n"
    huge = b"<html><body><h1>Huge</h1>" + paragraph * (50_000_000 // len(paragraph)) + b"</body></html>"
    run, source, remote, good = sync_with_hostile(tmp_path, {"huge.html": huge})
    assert run.returncode == 1, run.stdout + run.stderr
    (failure,) = source["failures"]
    assert failure["document"] == "huge.html"
    assert failure["message"] == (
        "conversion failed: the document is 47.7 MiB, more than the 5.0 MiB max_document_bytes allows"
    )
    assert "huge.html" in run.stdout
    assert remote == good
