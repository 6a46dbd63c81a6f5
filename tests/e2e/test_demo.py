"""``ingest demo``, the README's first quickstart command: the bundled docs synced into a local
emulator, then again with nothing changed, then after one edit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ingest.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def sent(output: str) -> tuple[int, int]:
    """The requests and writes the demo says its run sent."""
    match = re.search(r"This run sent (\d+) requests? \((\d+) writes?\)", " ".join(output.split()))
    assert match is not None, output
    return int(match[1]), int(match[2])


def test_the_demo_syncs_reruns_quietly_and_sends_one_update_per_target_after_an_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLES / "docs", examples / "docs")
    shutil.copy(EXAMPLES / "demo.toml", examples / "demo.toml")
    config = examples / "demo.toml"

    assert main(["demo", "--config", str(config)]) == 0
    first = capsys.readouterr().out
    assert "External Pages in the emulator (9)" in first
    assert "Help Center: 10 articles in 6 collections" in " ".join(first.split())
    requests, writes = sent(first)
    assert writes == 9 + 10 + 6 + 1  # pages, articles, collections, the Content Import Source
    assert requests > writes

    assert main(["demo", "--config", str(config)]) == 0
    assert sent(capsys.readouterr().out) == (1, 0)  # the one read that checks the source

    guide = examples / "docs" / "index.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert main(["demo", "--config", str(config)]) == 0
    _requests, writes = sent(capsys.readouterr().out)
    assert writes == 2  # one update per target: the External Page and the article
