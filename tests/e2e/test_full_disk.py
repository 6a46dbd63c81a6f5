"""A full disk under what fin-ingest writes (the state file, a lock file, the report) is one sentence
naming the file, what failed and the space left, exit 1, no traceback; the next run recovers.

The disk is filled deterministically: SQLite's ``max_page_count`` caps the state file at the pages
it has (the statement that would grow it fails with SQLITE_FULL, as on a full disk), and a lock
file's creation or the report's flush to disk raise ``OSError(ENOSPC)``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs

PAGES = "/ai/external_pages"
FREE = r"\((\d+ bytes|\d+\.\d [KMGT]iB|unknown) free on its disk\)"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_docs(tmp_path / "docs", 2)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(tmp_path, emulator.base_url)


def fill_the_state_disk(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection to ``state`` may hold no more pages than the file has now: the next write
    that needs a page fails as it would on a full disk (SQLITE_FULL)."""
    connect = sqlite3.connect

    def capped(database: str | os.PathLike[str], *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(database, *args, **kwargs)
        if Path(database) == state:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return db

    monkeypatch.setattr(sqlite3, "connect", capped)


def no_space(monkeypatch: pytest.MonkeyPatch, name: str, matches: Any) -> None:
    """``os.<name>`` raises ENOSPC when ``matches(first argument)``, as on a full disk."""
    real = getattr(os, name)

    def full(first: Any, *args: Any, **kwargs: Any) -> Any:
        if matches(first):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(first, *args, **kwargs)

    monkeypatch.setattr(os, name, full)


def write_long_docs(root: Path, count: int) -> set[str]:
    """``count`` short documents: their records need more pages than the state file has."""
    sentence = "This paragraph says how the product is set up and used by the team every day. "
    for index in range(count):
        (root / f"long-{index:03d}.md").write_text(f"# Long {index}\n\n{sentence * 3}\n", encoding="utf-8")
    return {f"long-{index:03d}.md" for index in range(count)}


def posts(emulator: RunningEmulator) -> Counter[str]:
    return Counter(
        request.body["external_id"]
        for request in emulator.requests(PAGES)
        if request.method == "POST" and request.status == 200
    )


def test_a_full_disk_under_the_state_file_is_one_line_exit_1_and_the_next_run_recovers(
    project: Path,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Pages sent while the state file cannot grow: exit 1, one line naming the state file, the
    report written with that line; once there is room, a rerun sends what state does not know
    (each page once more at most), and remote equals source, without duplicates."""
    assert main(["run", "--all", "--config", str(project)]) == 0
    expected = write_long_docs(tmp_path / "docs", 300) | set(write_docs(tmp_path / "docs", 2))
    state = tmp_path / "ingest.db"
    report = tmp_path / "report.json"
    with monkeypatch.context() as full:
        fill_the_state_disk(state, full)
        capsys.readouterr()
        assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 1
    captured = capsys.readouterr()
    line = f"error: cannot write the state file {re.escape(str(state))}: database or disk is full {FREE}\n"
    assert re.fullmatch(line, captured.err), captured.err
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["exit_code"] == 1 and body["error"].startswith(f"cannot write the state file {state}")
    sent_while_full = posts(emulator)

    assert main(["run", "--all", "--config", str(project)]) == 0
    pages = emulator.pages()
    assert sorted(page["external_id"] for page in pages) == sorted(expected)
    resent = posts(emulator) - sent_while_full
    assert all(count == 1 for count in resent.values())
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        recorded = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert recorded == len(expected)


def test_a_full_disk_when_the_state_file_is_made_is_one_line_exit_1(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No room for the state file's schema: exit 1 (not a configuration error), one line."""
    fill_the_state_disk(tmp_path / "ingest.db", monkeypatch)
    assert main(["run", "--all", "--config", str(project)]) == 1
    err = capsys.readouterr().err
    state = re.escape(str(tmp_path / "ingest.db"))
    expected = f"error: cannot write the state file {state}: database or disk is full {FREE}\n"
    assert re.fullmatch(expected, err)


@pytest.mark.parametrize("command", [["run", "--all"], ["reconcile"]], ids=["run", "reconcile"])
def test_a_lock_file_that_cannot_be_created_is_one_line_exit_1(
    project: Path,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    """No room for a source's lock file: exit 1, one line naming it; nothing is sent."""
    no_space(monkeypatch, "open", lambda path: str(path).endswith(".lock"))
    assert main([*command, "--config", str(project)]) == 1
    err = capsys.readouterr().err
    lock = tmp_path / "ingest.db.docs.lock"
    expected = f"error: cannot create the lock file {re.escape(str(lock))}: No space left on device {FREE}\n"
    assert re.fullmatch(expected, err)
    assert [request for request in emulator.requests() if request.method != "GET"] == []


def test_a_report_that_cannot_be_flushed_is_one_line_exit_1_and_the_old_one_stays(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report's disk full: the sync is summarised, one line names the report and the space
    left, exit 1; the previous report is untouched and no temporary file is left beside it."""
    report = tmp_path / "reports" / "last.json"
    report.parent.mkdir()
    report.write_text('{"previous": true}\n', encoding="utf-8")
    no_space(monkeypatch, "fsync", lambda _descriptor: True)
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 1
    captured = capsys.readouterr()
    assert "did create 2" in captured.out
    expected = f"error: --report: cannot write {re.escape(str(report))}: No space left on device {FREE}\n"
    assert re.fullmatch(expected, captured.err)
    assert report.read_text(encoding="utf-8") == '{"previous": true}\n'
    assert [path.name for path in report.parent.iterdir()] == ["last.json"]


class _SpillOnAFullDisk:
    """A plan's spill file whose disk fills after ``room`` bytes: each write past it raises ENOSPC."""

    def __init__(self, real: Any, room: int) -> None:
        self._real, self._room = real, room

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_a_full_disk_under_the_spilled_plan_is_one_line_exit_1_and_the_next_run_recovers(
    project: Path,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A first sync's plan kept in the state's folder (ingest.plan_spill) when that disk fills:
    exit 1, one line naming the folder and the space left, no traceback; state holds only pages
    sent, and a rerun sends the rest (each page once more at most), without duplicates."""
    import tempfile

    from ingest import plan_spill

    assert main(["run", "--all", "--config", str(project)]) == 0
    expected = write_long_docs(tmp_path / "docs", 300) | set(write_docs(tmp_path / "docs", 2))
    real_temporary_file = tempfile.TemporaryFile

    def spill_filling_up(*args: Any, **kwargs: Any) -> Any:
        return _SpillOnAFullDisk(real_temporary_file(*args, **kwargs), room=20_000)

    with monkeypatch.context() as full:
        full.setattr(plan_spill.tempfile, "TemporaryFile", spill_filling_up)
        capsys.readouterr()
        assert main(["run", "--all", "--config", str(project)]) == 1
    err = capsys.readouterr().err
    folder = re.escape(str(tmp_path))
    expected_line = f"error: cannot keep the run's plan in {folder}: No space left on device {FREE}\n"
    assert re.fullmatch(expected_line, err), err
    sent_while_full = posts(emulator)
    assert len(sent_while_full) < len(expected)
    with sqlite3.connect(tmp_path / "ingest.db") as db:
        recorded = {row[0] for row in db.execute("SELECT external_id FROM documents")}
    assert recorded <= set(sent_while_full)  # what state holds was sent

    assert main(["run", "--all", "--config", str(project)]) == 0
    assert sorted(page["external_id"] for page in emulator.pages()) == sorted(expected)
    resent = posts(emulator) - sent_while_full
    assert all(count == 1 for count in resent.values())
    assert main(["run", "--all", "--config", str(project)]) == 0
    assert posts(emulator) == sent_while_full + resent
