"""A source folder missing or unmounted is that source's failure: named, nothing deleted, exit 1,
and ``run --all`` syncs the other sources."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.connectors.gitrepo_helpers import docs_repo, isolate_git
from tests.e2e.conftest import TOKEN, write_docs


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


#: Each kind of source whose folder can go missing: its keys, and the path it reads.
KINDS = {
    "filesystem": ({"connector": "filesystem", "path": "gone"}, "gone"),
    "docs-site": ({"connector": "filesystem", "path": "gone", "site": "mkdocs"}, "gone"),
    "confluence-export": (
        {"connector": "confluence_export", "path": "gone.zip", "base_url": "https://wiki.example.com"},
        "gone.zip",
    ),
    "git": ({"connector": "git", "repo": "gone"}, "gone"),
}


def write_two_sources(tmp_path: Path, base_url: str, missing: dict[str, object]) -> Path:
    """A config with a good ``docs`` folder and a source ``other`` whose keys are ``missing``."""
    write_docs(tmp_path / "docs", 3)
    lines = ["[intercom]", f'base_url = "{base_url}"', "", "[sources.docs]"]
    lines += ['connector = "filesystem"', 'path = "docs"', 'url = "https://docs.example.com"', ""]
    lines += ["[sources.other]", 'url = "https://other.example.com"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in missing.items()]
    config = tmp_path / "ingest.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_missing_source_fails_alone_and_the_others_sync(
    kind: str,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """run --all with one source's folder missing: the other source syncs, the missing one is one
    line naming it and its path, the report says so, and the exit code is 1 (not 2: the config is
    right, the folder is not there)."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    keys, path = KINDS[kind]
    config = write_two_sources(tmp_path, emulator.base_url, keys)
    report = tmp_path / "report.json"
    assert main(["run", "--all", "--config", str(config), "--report", str(report)]) == 1
    out = capsys.readouterr().out
    assert "source docs (external_pages): did create 3" in out
    (line,) = [line for line in out.splitlines() if line.startswith("source other ")]
    assert str(tmp_path / path) in line and "Traceback" not in out
    assert {page["external_id"] for page in emulator.pages()} == {
        "section-0/page-000.md",
        "section-1/page-001.md",
        "section-2/page-002.md",
    }
    body = json.loads(report.read_text())
    by_source = {source["source"]: source for source in body["sources"]}
    assert by_source["docs"]["ok"] is True and by_source["other"]["ok"] is False
    assert str(tmp_path / path) in by_source["other"]["error"] and body["exit_code"] == 1


def test_a_folder_that_goes_missing_deletes_nothing_and_comes_back(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A synced folder unmounted (gone) fails its source with exit 1 and deletes no page; once it is
    back, the next run exits 0 with nothing to send."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_two_sources(tmp_path, emulator.base_url, {"connector": "filesystem", "path": "more"})
    write_docs(tmp_path / "more", 2)
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert len(emulator.pages()) == 5
    shutil.move(tmp_path / "more", tmp_path / "more.unmounted")
    emulator.clear_requests()
    assert main(["run", "--source", "other", "--config", str(config)]) == 1
    assert f"source folder {tmp_path / 'more'} does not exist" in capsys.readouterr().out
    assert [r for r in emulator.requests() if r.method == "DELETE"] == [] and len(emulator.pages()) == 5
    shutil.move(tmp_path / "more.unmounted", tmp_path / "more")
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert "did create 0, update 0, delete 0; unchanged 2" in capsys.readouterr().out


def test_a_git_repository_path_that_goes_missing_fails_the_source(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A local git repository removed after a sync fails its source (named), deletes nothing."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    isolate_git(monkeypatch, tmp_path)
    docs_repo(tmp_path / "repo", {"a.md": "# A\n\nText.\n"})
    config = write_two_sources(tmp_path, emulator.base_url, {"connector": "git", "repo": "repo"})
    assert main(["run", "--all", "--config", str(config)]) == 0
    shutil.rmtree(tmp_path / "repo")
    emulator.clear_requests()
    assert main(["run", "--all", "--config", str(config)]) == 1
    assert f"repository {tmp_path / 'repo'} not found" in capsys.readouterr().out
    assert [r for r in emulator.requests() if r.method == "DELETE"] == [] and len(emulator.pages()) == 4


#: A path stat() refuses for another reason than absence. A name too long stands in for what an
#: unmounted disk answers in the field: a FUSE mount whose daemon died (ENOTCONN), a stale NFS
#: handle (ESTALE), an I/O error (EIO), a folder the service user may not enter (EACCES).
UNREADABLE = "x" * 300


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_source_whose_path_cannot_be_looked_at_fails_alone(
    kind: str,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """run --all with one source's path answering stat() with an error (not "no such file"): that
    source fails in one line naming its path, the other source syncs, exit 1; no traceback, and
    the configuration is not refused as a whole (the daemon would stay down)."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    isolate_git(monkeypatch, tmp_path)
    keys = {
        key: value.replace("gone", UNREADABLE) if key in ("path", "repo") else value
        for key, value in KINDS[kind][0].items()
    }
    config = write_two_sources(tmp_path, emulator.base_url, keys)
    assert main(["run", "--all", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "source docs (external_pages): did create 3" in out
    (line,) = [line for line in out.splitlines() if line.startswith("source other ")]
    assert UNREADABLE in line and "Traceback" not in out


@pytest.mark.parametrize("kind", ["filesystem", "git"])
def test_plan_with_a_missing_source_plans_the_others(
    kind: str,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``ingest plan`` as ``run --all``: the missing source is one line naming its path, the other
    source's plan is shown, exit 1, and nothing is sent."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    keys, path = KINDS[kind]
    config = write_two_sources(tmp_path, emulator.base_url, keys)
    assert main(["plan", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "docs (external_pages): create section-0/page-000.md" in out
    (line,) = [line for line in out.splitlines() if line.startswith("source other ")]
    assert str(tmp_path / path) in line and "Traceback" not in out
    assert emulator.pages() == []
