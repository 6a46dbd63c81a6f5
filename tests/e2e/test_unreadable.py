"""An unreadable file and an unreadable folder, end to end: named in the report, nothing else lost.

Permissions do not stop root, and CI runs as root: there the run is started through
``setpriv`` without the capabilities that bypass file permissions, so the test runs for real.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs
from tests.e2e.killing import ingest_command as run_all_command

_DROP = "-dac_override,-dac_read_search"


def ingest_command(config: Path, report: Path) -> list[str]:
    command = run_all_command(config, "--report", str(report))
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    return [setpriv, f"--inh-caps={_DROP}", f"--bounding-set={_DROP}", *command]


def test_unreadable_file_and_folder_fail_by_name_and_keep_their_pages(tmp_path: Path) -> None:
    """After a first sync, a file and a folder lose their read permission: the run exits 1 naming
    both, syncs the rest, and deletes none of their pages."""
    docs = tmp_path / "docs"
    titles = write_docs(docs, 6)
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        report = tmp_path / "report.json"
        first = subprocess.run(  # noqa: S603 - our own command line
            ingest_command(config, report), env=env, capture_output=True, text=True, timeout=120
        )
        assert first.returncode == 0, first.stderr

        locked_file = docs / "section-0" / "page-000.md"
        locked_folder = docs / "section-1"
        locked_file.write_text("# Page 0\n\nChanged, but nobody can read it.\n")
        (docs / "section-2" / "page-002.md").write_text("# Page 2\n\nChanged and readable.\n")
        locked_file.chmod(0)
        locked_folder.chmod(0)
        try:
            second = subprocess.run(  # noqa: S603 - our own command line
                ingest_command(config, report), env=env, capture_output=True, text=True, timeout=120
            )
        finally:
            locked_file.chmod(0o644)
            locked_folder.chmod(0o755)
        assert second.returncode == 1, second.stdout + second.stderr
        (source,) = json.loads(report.read_text())["sources"]
        failed = {failure["document"] for failure in source["failures"]}
        assert failed == {"section-0/page-000.md", "section-1"}
        assert source["updated"] == 1 and source["deleted"] == 0
        assert "section-0/page-000.md" in second.stdout and "section-1" in second.stdout
        remote = {page["external_id"]: page for page in emulator.pages()}
        assert set(remote) == set(titles), "a page of an unreadable document was deleted"
        assert "Changed and readable." in remote["section-2/page-002.md"]["html"]
