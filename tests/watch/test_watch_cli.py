"""``ingest watch`` on the command line: its help, mistakes that exit 2, a refused token that stops it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, running_emulator
from tests.watch.conftest import TOKEN, write_config


def test_watch_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``ingest watch --help`` explains the daemon and exits 0."""
    assert main(["watch", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage: ingest watch" in out and "SIGTERM" in out


def test_unknown_source_or_missing_token_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source that is not configured, or no token at all, is one error line and exit 2."""
    (tmp_path / "docs").mkdir()
    config = write_config(tmp_path, "http://127.0.0.1:9")
    assert main(["watch", "--config", str(config)]) == 2
    assert "no access token" in capsys.readouterr().err
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(["watch", "--source", "nope", "--config", str(config)]) == 2
    assert "unknown source 'nope'" in capsys.readouterr().err


def test_a_refused_token_stops_the_daemon_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 401 at start ends the daemon with exit 2 and one JSON line saying why, never the token."""
    (tmp_path / "docs").mkdir()
    secret = "revoked-token-5555555555"
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", secret)
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        assert main(["--log-format", "json", "watch", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    entries = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert entries[-1]["level"] == "error" and entries[-1]["message"].startswith("ingest watch stopped:")
    assert secret not in err
