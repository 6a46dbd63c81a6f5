"""``--report PATH`` writes a regular file, atomically, and never replaces what is not one: a
device, a FIFO or a folder is refused in one sentence before anything is synced; a symbolic link
to a file is written through (the link stays a link)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN, write_config, write_docs

COMMANDS = (["run", "--all"], ["reconcile"])


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_docs(tmp_path / "docs", 2)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(tmp_path, emulator.base_url)


def a_null_device(folder: Path) -> Path:
    """A character device node like /dev/null (major 1, minor 3), made in the test's own folder so
    that no real device is ever at risk; skipped where the kernel refuses mknod."""
    node = folder / "null-device"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod is not permitted here")
    return node


@pytest.mark.parametrize("command", COMMANDS, ids=["run", "reconcile"])
@pytest.mark.parametrize(
    ("kind", "described"), [("fifo", "a FIFO (named pipe)"), ("device", "a character device")]
)
def test_a_report_path_that_is_not_a_regular_file_is_refused_before_the_sync(
    project: Path,
    tmp_path: Path,
    emulator: RunningEmulator,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    kind: str,
    described: str,
) -> None:
    """A FIFO or a device as --report: exit 2, one sentence naming it and what it is, no request
    sent, and the node is still there, untouched."""
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = a_null_device(tmp_path)
    kind_of = stat.S_IFMT(os.lstat(target).st_mode)
    assert main([*command, "--config", str(project), "--report", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: --report: {target} is {described}, not a regular file; name a file for the report\n"
    )
    assert stat.S_IFMT(os.lstat(target).st_mode) == kind_of
    assert emulator.requests() == []


@pytest.mark.parametrize("command", COMMANDS, ids=["run", "reconcile"])
def test_a_link_to_a_folder_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """A symbolic link leading to a folder is refused as the folder would be; the link stays."""
    (tmp_path / "reports").mkdir()
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "reports")
    assert main([*command, "--config", str(project), "--report", str(link)]) == 2
    assert capsys.readouterr().err == (
        f"error: --report: {link} leads to {tmp_path / 'reports'}, which is a folder, not a regular file; "
        "name a file for the report\n"
    )
    assert link.is_symlink() and list((tmp_path / "reports").iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS, ids=["run", "reconcile"])
@pytest.mark.parametrize("existing", [True, False], ids=["existing", "dangling"])
def test_a_symlinked_report_is_written_through_the_link(
    project: Path, tmp_path: Path, command: list[str], existing: bool
) -> None:
    """A link to a report file (or to where it will be) is followed: the file it leads to holds the
    report, the link stays a link, and no temporary file is left beside either."""
    (tmp_path / "logs").mkdir()
    real = tmp_path / "logs" / "last.json"
    if existing:
        real.write_text("{}\n", encoding="utf-8")
        real.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(real)
    assert main([*command, "--config", str(project), "--report", str(link)]) == 0 or command == ["reconcile"]
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "exit_code" in json.loads(real.read_text(encoding="utf-8"))
    if existing:
        assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the file keeps its permissions
    assert sorted(path.name for path in (tmp_path / "logs").iterdir()) == ["last.json"]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_regular_report_is_replaced_atomically(project: Path, tmp_path: Path) -> None:
    """A regular file is replaced by a rename (a reader sees the old report or the new, whole): its
    inode changes, its permissions stay, and no temporary file is left."""
    report = tmp_path / "report.json"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o600)
    before = report.stat().st_ino
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 0
    assert json.loads(report.read_text(encoding="utf-8"))["exit_code"] == 0
    assert report.stat().st_ino != before and stat.S_IMODE(report.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".report")) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to own a link as another user"
)
@pytest.mark.parametrize("command", COMMANDS, ids=["run", "reconcile"])
@pytest.mark.parametrize("through", ["file", "folder"])
def test_a_link_another_user_planted_in_a_shared_folder_is_not_followed(
    project: Path,
    tmp_path: Path,
    emulator: RunningEmulator,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    through: str,
) -> None:
    """As root with --report in a sticky world-writable folder (/tmp), a link another user put
    there (report.json -> a system file, or a folder -> /etc) is refused as the kernel refuses to
    follow it (fs.protected_symlinks), before the sync: the file it leads to is untouched."""
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "etc" / "shadow"
    victim.parent.mkdir()
    victim.write_text("root:secret\n", encoding="utf-8")
    if through == "file":
        link, report = shared / "report.json", shared / "report.json"
        link.symlink_to(victim)
    else:
        link, report = shared / "reports", shared / "reports" / "shadow"
        link.symlink_to(victim.parent)
    os.lchown(link, 4242, 4242)  # another user's link
    assert main([*command, "--config", str(project), "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --report: {link} is a link owned by another user") and err.count("\n") == 1
    assert victim.read_text(encoding="utf-8") == "root:secret\n" and emulator.requests() == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_a_replaced_report_keeps_its_owner_and_group(project: Path, tmp_path: Path) -> None:
    """A report another user or group reads (monitoring: root:monitoring, 0640) keeps its owner and
    group when it is replaced, as well as its permissions: 0640 under root's own group would lock
    the reader out."""
    report = tmp_path / "report.json"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o640)
    os.chown(report, 4242, 4343)
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 0
    info = report.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4242, 4343, 0o640)
