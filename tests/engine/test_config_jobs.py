"""``[run] jobs``: validated in one sentence naming the key; ``--jobs`` wins over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.errors import ConfigError


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ingest.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "run.jobs: must be at least 1, not 0"),
        ("257", "run.jobs: must be at most 256, not 257"),
        ("2.5", "run.jobs: must be a whole number, not 2.5"),
        ('"all"', 'run.jobs: must be a whole number, not "all"'),
    ],
)
def test_a_wrong_jobs_is_one_sentence_naming_the_key(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(config(tmp_path, f"[run]\njobs = {value}\n"))
    assert str(raised.value) == message


def test_jobs_comes_from_the_file_the_environment_and_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unset, it is None (the engine then takes the CPU count); the command line wins over both."""
    assert load_settings(config(tmp_path, "")).run.jobs is None
    path = config(tmp_path, "[run]\njobs = 3\n")
    assert load_settings(path).run.jobs == 3
    assert load_settings(path).with_jobs(None).run.jobs == 3
    assert load_settings(path).with_jobs(1).run.jobs == 1
    monkeypatch.setenv("INGEST_RUN__JOBS", "5")
    assert load_settings(path).run.jobs == 5
