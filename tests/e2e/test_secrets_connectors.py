"""Seeded secrets through every connector: git (history both ways, a baseline in the repository),
a Confluence export, a Notion export, a docs site's include. Nothing seeded reaches the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from detect_secrets.core.potential_secret import PotentialSecret

from ingest.emulator import RunningEmulator
from tests.connectors import confluence_builder as confluence
from tests.connectors import notion_builder as notion
from tests.connectors.gitrepo_helpers import GitRepo, docs_repo, isolate_git
from tests.e2e.conftest import SOURCE_URL, Harness, SyncedProject
from tests.e2e.test_secrets_e2e import assert_no_seeded_secret_sent
from tests.secret_scan.seeded import seeded_secrets

BY_KIND = {item.detector: item for item in seeded_secrets()}
AWS, STRIPE, NOTION = (
    BY_KIND["AWS Access Key"],
    BY_KIND["Stripe Access Key"],
    BY_KIND["Notion Integration Token"],
)


class Project(SyncedProject):
    """One source ``docs`` of ``keys``, its config beside it, one emulator."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, **keys: Any) -> None:
        self.tmp_path, self.emulator = tmp_path, emulator
        self.configure(**keys)

    def configure(self, **keys: Any) -> None:
        lines = ["[intercom]", f'base_url = "{self.emulator.base_url}"', "", "[sources.docs]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in {"url": SOURCE_URL, **keys}.items()]
        self.config = self.tmp_path / "ingest.toml"
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def git_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch, tmp_path)
    return docs_repo(tmp_path / "origin", {"docs/intro.md": "# Intro\n\nWelcome.\n"})


async def test_git_the_current_file_decides_both_ways(
    tmp_path: Path, emulator: RunningEmulator, git_origin: GitRepo
) -> None:
    """A secret added in one commit and removed in the next is sent clean; a clean page that gets
    a secret keeps what was sent; the history never matters, only the commit synced."""
    project = Project(tmp_path, emulator, connector="git", repo=git_origin.url, cache_dir="cache")
    git_origin.commit("leak", {"docs/ops.md": f"# Ops\n\n{AWS.line}\n"})
    git_origin.commit("unleak", {"docs/ops.md": "# Ops\n\nKeys live in the vault.\n"})
    first = await project.sync()
    assert first.ok and set(project.remote()) == {"docs/intro.md", "docs/ops.md"}
    git_origin.commit("leak again", {"docs/intro.md": f"# Intro\n\nWelcome. {STRIPE.line}\n"})
    second = await project.sync_fresh()
    assert [(f.locator, f.secrets[0].line, f.secrets[0].detector) for f in second.failures] == [
        ("docs/intro.md", 3, "Stripe Access Key")
    ]
    assert project.writes() == [] and "Welcome." in project.remote()["docs/intro.md"]["html"]
    assert_no_seeded_secret_sent(emulator)


async def test_git_reads_the_baseline_from_the_repository(
    tmp_path: Path, emulator: RunningEmulator, git_origin: GitRepo
) -> None:
    baseline = {"results": {"docs/ops.md": [{"hashed_secret": PotentialSecret.hash_secret(AWS.secret)}]}}
    git_origin.commit(
        "accepted", {"docs/ops.md": f"# Ops\n\n{AWS.line}\n", ".secrets.baseline": json.dumps(baseline)}
    )
    project = Project(tmp_path, emulator, connector="git", repo=git_origin.url, cache_dir="cache")
    assert [f.locator for f in (await project.sync()).failures] == ["docs/ops.md"]
    project.configure(
        connector="git", repo=git_origin.url, cache_dir="cache", secrets_baseline=".secrets.baseline"
    )
    result = await project.sync()
    assert result.ok and "docs/ops.md" in project.remote()


async def test_a_missing_baseline_fails_the_source_and_sends_nothing(harness: Harness) -> None:
    (harness.docs / "a.md").write_text("# A\n", encoding="utf-8")
    harness.settings(secrets_baseline=".secrets.baseline")
    result = await harness.sync()
    assert result.error is not None and "secrets_baseline" in result.error and harness.writes() == []


async def test_confluence_export_page_with_a_secret_is_not_sent(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    space = confluence.Space(pages=[])
    home = confluence.Page(100, "Home", "<p>Welcome.</p>")
    runbook = confluence.Page(101, "Runbook", f"<p>Deploy with</p><pre>{AWS.line}</pre>", parent=100)
    space.pages += [home, runbook]
    confluence.write_zip(space, tmp_path / "export.zip")
    project = Project(
        tmp_path,
        emulator,
        connector="confluence_export",
        path="export.zip",
        base_url="https://wiki.example.com",
    )
    result = await project.sync()
    (failure,) = result.failures
    assert failure.secrets[0].detector == "AWS Access Key" and failure.external_id is not None
    assert len(project.remote()) == 1
    assert_no_seeded_secret_sent(emulator)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
async def test_notion_export_page_with_a_secret_is_not_sent(
    tmp_path: Path, emulator: RunningEmulator, fmt: notion.Format
) -> None:
    setup = notion.NotionPage(2, "Setup", [notion.para(f"Integration: {NOTION.line}")])
    handbook = notion.NotionPage(1, "Handbook", [notion.para("Read the setup.")], children=[setup])
    notion.write_zip(notion.Workspace([handbook]), tmp_path / "export.zip", fmt)
    project = Project(tmp_path, emulator, connector="notion_export", path="export.zip")
    result = await project.sync()
    (failure,) = result.failures
    assert failure.secrets[0].detector == "Notion Integration Token"
    assert len(project.remote()) == 1
    assert_no_seeded_secret_sent(emulator)


async def test_a_secret_a_docs_site_includes_is_found_without_a_line(harness: Harness) -> None:
    """A Hugo page's ``readfile`` shows another file's text: the page is not sent, the finding has
    no line of the page's own (it is in included content)."""
    site = harness.docs
    (site / "hugo.toml").write_text(
        'baseURL = "https://docs.example.com/"\ntitle = "Docs"\n', encoding="utf-8"
    )
    (site / "content").mkdir()
    (site / "content" / "setup.md").write_text(
        '---\ntitle: Setup\n---\n\nThe config:\n\n{{< readfile file="/snippets/env.txt" >}}\n',
        encoding="utf-8",
    )
    (site / "snippets").mkdir()
    (site / "snippets" / "env.txt").write_text(f"{STRIPE.line}\n", encoding="utf-8")
    harness.settings(site="hugo")
    result = await harness.sync()
    (failure,) = result.failures
    (finding,) = failure.secrets
    assert (finding.locator, finding.line, finding.detector) == (
        "content/setup.md",
        None,
        "Stripe Access Key",
    )
    assert_no_seeded_secret_sent(harness.emulator)


async def test_an_unchanged_document_is_not_read_so_not_scanned_again(harness: Harness) -> None:
    """The no-op path is untouched: the second run converts (and scans) nothing."""
    (harness.docs / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    assert (await harness.sync()).converted == 1
    again = await harness.sync_fresh()
    assert again.ok and again.converted == 0 and harness.writes() == []
