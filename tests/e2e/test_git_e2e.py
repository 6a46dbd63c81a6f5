"""A git repository synced into the emulator over loopback: first sync, edit, rename, delete,
force-push, missing ref, and credentials that never leak into any output."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded

from ingest.emulator import RunningEmulator
from ingest.report import result_as_dict, write_json_report
from tests.connectors.gitrepo_helpers import GitRepo, docs_repo, http_git_server, isolate_git
from tests.e2e.conftest import SOURCE_READ, SOURCE_URL, SyncedProject, endpoints

TEMPLATE = "https://git.example.com/handbook/blob/{ref}/{path}"
SECRET = "hunter2-but-longer"


class GitHarness(SyncedProject):
    """One origin repository, one config naming it, one emulator."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, origin: GitRepo) -> None:
        self.tmp_path = tmp_path
        self.emulator = emulator
        self.origin = origin
        self.config = self.configure(repo=origin.url)

    def configure(self, **keys: Any) -> Path:
        values = {
            "connector": "git",
            "url": SOURCE_URL,
            "url_template": TEMPLATE,
            "cache_dir": "cache",
            **keys,
        }
        lines = ["[intercom]", f'base_url = "{self.emulator.base_url}"', "", "[sources.handbook]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
        self.config = self.tmp_path / "ingest.toml"
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return self.config


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def harness(tmp_path: Path, emulator: RunningEmulator) -> GitHarness:
    origin = docs_repo(tmp_path / "origin")
    origin.serve_partial_clones()
    return GitHarness(tmp_path, emulator, origin)


async def test_first_sync_creates_every_page_then_nothing_is_sent(harness: GitHarness) -> None:
    """Every document becomes a page linked at its ref; an unchanged repository sends no write (only
    the run's one read of its Content Import Source)."""
    result = await harness.sync()
    assert (result.counts.created, result.counts.failed, result.ok) == (5, 0, True)
    remote = harness.remote()
    assert set(remote) == {
        "README.md",
        "docs/guide/usage.html",
        "docs/intro.md",
        "docs/setup.md",
        "notes.txt",
    }
    intro = remote["docs/intro.md"]
    assert intro["url"] == "https://git.example.com/handbook/blob/main/docs/intro.md"
    assert 'href="https://git.example.com/handbook/blob/main/docs/setup.md"' in intro["html"]
    again = await harness.sync_fresh()
    assert (again.counts.unchanged, again.converted) == (5, 0)
    assert endpoints(harness.emulator) == SOURCE_READ


async def test_edit_rename_and_delete_commits_propagate(harness: GitHarness) -> None:
    """One edited file is one POST; a rename a POST then a DELETE; a deleted file one DELETE."""
    await harness.sync()
    setup_id = harness.remote()["docs/setup.md"]["id"]

    harness.origin.commit("edit", {"docs/setup.md": "# Setup\n\nInstall it, then restart.\n"})
    result = await harness.sync_fresh()
    assert result.counts.updated == 1 and harness.writes() == [("POST", "/ai/external_pages")]
    # The report names the change with the file's last commit, as git knows it.
    (change,) = result_as_dict(result)["changes"]
    assert (change["action"], change["document"]) == ("update", "docs/setup.md")
    assert change["details"]["last_commit"] == harness.origin.head()
    assert change["details"]["last_author"]
    assert "restart" in harness.remote()["docs/setup.md"]["html"]
    assert harness.remote()["docs/setup.md"]["id"] == setup_id

    harness.origin.move("docs/intro.md", "docs/start/intro.md")
    harness.origin.commit("rename")
    result = await harness.sync_fresh()
    assert (result.counts.created, result.counts.deleted) == (1, 1)
    assert [method for method, _ in harness.writes()] == ["POST", "DELETE"]
    assert "docs/start/intro.md" in harness.remote() and "docs/intro.md" not in harness.remote()

    harness.origin.commit("delete", {"notes.txt": None})
    result = await harness.sync_fresh()
    assert result.counts.deleted == 1 and [method for method, _ in harness.writes()] == ["DELETE"]
    assert "notes.txt" not in harness.remote()


async def test_a_rename_keeps_the_page_when_front_matter_pins_its_id(harness: GitHarness) -> None:
    """A document with ``external_id`` in its front matter is updated in place when its file moves."""
    harness.origin.commit("pinned", {"docs/pinned.md": "---\nexternal_id: pricing\n---\n# Pricing\n"})
    await harness.sync()
    page_id = harness.remote()["pricing"]["id"]
    harness.origin.move("docs/pinned.md", "docs/billing/pricing.md")
    harness.origin.commit("move")
    result = await harness.sync_fresh()
    assert (result.counts.updated, result.counts.created, result.counts.deleted) == (1, 0, 0)
    assert harness.writes() == [("POST", "/ai/external_pages")]
    assert harness.remote()["pricing"]["id"] == page_id
    assert harness.remote()["pricing"]["url"].endswith("/docs/billing/pricing.md")


async def test_a_force_pushed_history_resends_only_what_differs(harness: GitHarness) -> None:
    """History rewritten upstream: pages follow the new tree, unchanged files are not sent again."""
    harness.origin.commit("doomed", {"docs/doomed.md": "# Doomed\n"})
    await harness.sync()
    harness.origin.git("reset", "-q", "--hard", "HEAD~1")
    harness.origin.commit("rewritten", {"docs/setup.md": "# Setup\n\nRewritten history.\n"})
    result = await harness.sync_fresh()
    assert (result.counts.updated, result.counts.deleted, result.counts.created) == (1, 1, 0)
    assert sorted(method for method, _ in harness.writes()) == ["DELETE", "POST"]
    assert "doomed" not in json.dumps(sorted(harness.remote()))
    assert "Rewritten history." in harness.remote()["docs/setup.md"]["html"]


async def test_a_branch_switch_syncs_the_other_branch(harness: GitHarness) -> None:
    """Pointing ``ref`` at another branch sends its differences; links name the new branch."""
    harness.origin.git("checkout", "-q", "-b", "v2")
    harness.origin.commit("v2 only", {"docs/v2.md": "# New in v2\n"})
    harness.origin.git("checkout", "-q", "main")
    await harness.sync()
    harness.configure(repo=harness.origin.url, ref="v2")
    result = await harness.sync_fresh()
    assert result.ok and "docs/v2.md" in harness.remote()
    assert harness.remote()["docs/v2.md"]["url"] == "https://git.example.com/handbook/blob/v2/docs/v2.md"
    assert harness.remote()["docs/intro.md"]["url"].startswith("https://git.example.com/handbook/blob/v2/")


async def test_a_new_commit_reads_only_the_changed_file(harness: GitHarness) -> None:
    """After a commit editing one file, the run loads and converts that file alone."""
    await harness.sync()
    harness.origin.commit("edit", {"docs/setup.md": "# Setup\n\nOnly this.\n"})
    result = await harness.sync_fresh()
    assert result.converted == 1


async def test_a_missing_ref_fails_the_source_and_deletes_nothing(harness: GitHarness) -> None:
    """A ref that does not exist fails the source by name; no page is touched."""
    await harness.sync()
    harness.configure(repo=harness.origin.url, ref="release-9")
    result = await harness.sync_fresh()
    assert result.error is not None and "ref 'release-9' does not exist" in result.error
    assert harness.emulator.requests() == [] and len(harness.remote()) == 5


async def test_credentials_in_the_url_appear_in_no_output(
    harness: GitHarness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Synced over HTTP with a password in the URL, then with a wrong one: the passwords are in no
    result, log line, state file, report, cache folder name or cache file."""
    caplog.set_level(logging.DEBUG)
    served = GitRepo(tmp_path / "served.git", bare=True)
    harness.origin.git("push", "-q", served.url, "main")
    async with http_git_server(served, user="alice", password=SECRET) as base:
        good = base.replace("http://", f"http://alice:{SECRET}@") + "/repo.git"
        harness.configure(repo=good)
        ok = await harness.sync()
        harness.configure(repo=good.replace(SECRET, "wrong-password-123"))
        failed = await harness.sync()
    assert ok.ok and ok.counts.created == 5
    assert failed.error is not None and "authentication failed" in failed.error
    report = tmp_path / "report.json"
    write_json_report(report, [ok, failed], exit_code=1, dry_run=False)
    outputs = {"results": repr(ok) + repr(failed), "logs": caplog.text, **files_written(tmp_path)}
    assert all(outputs.values()), "every output must have been found and read"
    for where, text in outputs.items():
        assert SECRET not in text and "wrong-password-123" not in text, where


def files_written(folder: Path) -> dict[str, str]:
    """The report, the state database (with its WAL), the cache's folder names and its files' bytes."""
    cache = sorted((folder / "cache").rglob("*"))
    return {
        "report": (folder / "report.json").read_text(encoding="utf-8"),
        "state": b"".join(path.read_bytes() for path in folder.glob("ingest.db*")).decode("latin-1"),
        "cache names": "\n".join(str(path) for path in cache),
        "cache files": b"".join(path.read_bytes() for path in cache if path.is_file()).decode("latin-1"),
    }


async def test_every_request_of_a_git_lifecycle_keeps_the_contract(harness: GitHarness) -> None:
    """Every request over create, edit, rename, delete and force-push validates against the spec."""
    await harness.sync()
    harness.origin.commit("edit", {"docs/setup.md": "# Setup\n\nChanged.\n"})
    harness.origin.move("docs/intro.md", "docs/moved.md")
    harness.origin.commit("rename and delete", {"notes.txt": None})
    await harness.sync()
    harness.origin.git("reset", "-q", "--hard", "HEAD~1")
    harness.origin.commit("rewrite", {"README.md": "# Project\n\nRewritten.\n"})
    await harness.sync()
    requests = harness.emulator.requests()
    assert {request.method for request in requests} == {"GET", "POST", "DELETE"}
    validate_recorded(requests)
