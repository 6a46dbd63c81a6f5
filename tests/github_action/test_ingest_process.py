"""The ingest process the action starts: what it inherits of the step's environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingest.github_action import cli


def test_the_ingest_process_never_sees_the_github_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """ingest reads documents a pull request controls and needs no GitHub token: the job's token
    (which may write to the repository) is kept from it; the Intercom token it needs is not."""
    probe = tmp_path / "ingest"
    probe.write_text(
        f"#!{sys.executable}\nimport os\nprint(sorted(k for k in os.environ if 'TOKEN' in k))\n",
        encoding="utf-8",
    )
    probe.chmod(0o755)
    monkeypatch.setattr(cli, "ingest_command", lambda: str(probe))
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_job_token")
    monkeypatch.setenv("INPUT_GITHUB_TOKEN", "ghs_job_token")
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", "runtime")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "oidc")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "intercom")
    assert cli.run_ingest(["--version"]).exit_code == 0
    printed = capfd.readouterr().out
    assert "['INTERCOM_ACCESS_TOKEN']" in printed
