"""``ingest init`` on docs sites of each kind: the file it writes, that it passes config check, the token."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import TOKEN

SITES = Path(__file__).resolve().parents[1] / "sites" / "fixtures"
#: A fake site of each kind (tests/sites/fixtures), the folder the site is copied from.
KINDS = {
    "hugo": SITES / "hugo" / "docs",
    "docusaurus": SITES / "docusaurus" / "site",
    "mkdocs": SITES / "mkdocs" / "docs-site",
    "obsidian": SITES / "obsidian" / "vault",
}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


#: The English pages of the Hugo fixture a run sends (its draft and French pages are skipped).
HUGO_PAGES = [
    "content/en/_index.md",
    "content/en/blog/_index.md",
    "content/en/blog/release.md",
    "content/en/glossary/_index.md",
    "content/en/guide/_index.md",
    "content/en/guide/bundle/index.md",
    "content/en/guide/configure.md",
    "content/en/guide/install.md",
    "content/en/reference/cli.md",
]


def plain_folder(root: Path) -> Path:
    (root / "guides").mkdir(parents=True)
    (root / "index.md").write_text("# Welcome\n\nStart here.\n", encoding="utf-8")
    (root / "guides" / "setup.md").write_text("# Setup\n\nInstall it.\n", encoding="utf-8")
    return root


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)  # noqa: S603, S607


def written(folder: Path) -> str:
    return (folder / "ingest.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", [*KINDS, "plain"])
def test_init_recognises_the_site_and_writes_a_config_that_passes_check(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each kind of site is told and set as `site`; the file written passes `ingest config check`."""
    folder = tmp_path / "site"
    if kind == "plain":
        plain_folder(folder)
    else:
        shutil.copytree(KINDS[kind], folder)
    assert main(["init", str(folder), "--url", "https://help.example.com"]) == 0
    assert f"wrote {folder / 'ingest.toml'}: source 'docs', {kind} at ., connector filesystem" in (
        capsys.readouterr().out
    )
    text = written(folder)
    assert f'site = "{kind}"' in text and 'path = "."' in text and 'url = "https://help.example.com"' in text
    expected_include = '["**/*.md", "**/*.markdown"]' if kind == "plain" else '["**"]'
    assert f"include = {expected_include}" in text
    assert main(["config", "check", "--config", str(folder / "ingest.toml")]) == 0
    assert "sources.docs: connector filesystem, targets external_pages" in capsys.readouterr().out


def test_a_site_in_a_subfolder_of_a_github_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Docusaurus site under website/: path set to it, url_template the GitHub blob of that folder,
    and the credentials of the origin URL never written nor printed."""
    shutil.copytree(KINDS["docusaurus"], tmp_path / "website")
    git(tmp_path, "init", "-q", "-b", "trunk")
    git(tmp_path, "remote", "add", "origin", "https://bob:ghp_s3cr3tT0ken@github.com/acme/handbook.git")
    assert main(["init", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    text = written(tmp_path)
    assert 'path = "website"' in text and 'site = "docusaurus"' in text
    assert 'url_template = "https://github.com/acme/handbook/blob/trunk/website/{path}"' in text
    assert "url is a placeholder" in out
    assert "s3cr3t" not in text + out and "bob" not in text + out
    assert main(["config", "check", "--config", str(tmp_path / "ingest.toml")]) == 0


def test_a_gitlab_remote_and_the_git_connector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--connector git: repo is the origin, ref its branch, paths the site's folder; GitLab blob URL shape
    for the filesystem connector."""
    shutil.copytree(KINDS["docusaurus"], tmp_path / "docs")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "remote", "add", "origin", "git@gitlab.com:acme/support/handbook.git")
    assert main(["init", str(tmp_path)]) == 0
    assert 'url_template = "https://gitlab.com/acme/support/handbook/-/blob/main/docs/{path}"' in written(
        tmp_path
    )
    assert main(["init", str(tmp_path), "--force", "--connector", "git", "--source-name", "handbook"]) == 0
    text = written(tmp_path)
    assert "[sources.handbook]" in text and 'connector = "git"' in text
    assert 'repo = "git@gitlab.com:acme/support/handbook.git"' in text
    assert 'ref = "main"' in text and 'paths = ["docs"]' in text and 'site = "docusaurus"' in text
    capsys.readouterr()
    assert main(["config", "check", "--config", str(tmp_path / "ingest.toml")]) == 0
    assert "sources.handbook: connector git" in capsys.readouterr().out


def test_git_connector_outside_a_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--connector git in a folder no repository holds: exit 2, one sentence, nothing written."""
    plain_folder(tmp_path / "docs")
    assert main(["init", str(tmp_path / "docs"), "--connector", "git"]) == 2
    assert "is not in a git repository" in capsys.readouterr().err
    assert sorted(path.name for path in (tmp_path / "docs").iterdir()) == ["guides", "index.md"]


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second init refuses (exit 2) and leaves the file as it was; --force rewrites it."""
    plain_folder(tmp_path)
    (tmp_path / "ingest.toml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert "already exists: pass --force" in capsys.readouterr().err
    assert written(tmp_path) == "# mine\n"
    assert main(["init", str(tmp_path), "--force", "--non-interactive"]) == 0
    assert 'site = "plain"' in written(tmp_path)


def test_a_bad_source_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A source name TOML would need quoting for (a dot) is refused in one sentence; nothing written."""
    plain_folder(tmp_path)
    assert main(["init", str(tmp_path), "--source-name", "my.docs"]) == 2
    assert "--source-name: 'my.docs' must be letters" in capsys.readouterr().err
    assert not (tmp_path / "ingest.toml").exists()


def test_without_a_token_it_says_how_to_set_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No INTERCOM_ACCESS_TOKEN: the config is written and the output says how to set and check a token."""
    plain_folder(tmp_path)
    assert main(["init", str(tmp_path)]) == 0
    assert "no token checked: set INTERCOM_ACCESS_TOKEN" in capsys.readouterr().out


def test_with_a_token_it_reads_me_and_prints_the_workspace_and_never_writes_the_token(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The token is checked with one GET /me (the emulator through INGEST_INTERCOM__BASE_URL); the
    workspace and region are printed; the token is in neither the file nor the output. A first run
    of what was written then syncs the pages."""
    shutil.copytree(KINDS["hugo"], tmp_path / "site")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("INGEST_INTERCOM__BASE_URL", emulator.base_url)
    assert main(["init", str(tmp_path / "site"), "--url", "https://help.example.com"]) == 0
    out = capsys.readouterr().out
    assert "token ok: workspace fin-ingest emulator (app id " in out and "region US" in out
    assert [request.endpoint for request in emulator.requests()] == ["GET /me"]
    assert TOKEN not in written(tmp_path / "site") + out
    assert main(["run", "--all", "--config", str(tmp_path / "site" / "ingest.toml")]) == 0
    pages = sorted(page["external_id"] for page in emulator.pages())
    assert pages == HUGO_PAGES, "the config init wrote syncs the site's pages"


def test_with_a_refused_token_the_file_stays_and_it_exits_2(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 401 from GET /me: the config is written, then one sentence and exit 2."""
    plain_folder(tmp_path)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "wrong-token-0000")
    monkeypatch.setenv("INGEST_INTERCOM__BASE_URL", emulator.base_url)
    assert main(["init", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "wrote " in captured.out and "wrong-token-0000" not in captured.out + captured.err
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert (tmp_path / "ingest.toml").exists()


def test_a_file_that_cannot_be_written_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ingest.toml a folder, with --force: exit 2, one sentence, and no staged copy left behind."""
    plain_folder(tmp_path)
    (tmp_path / "ingest.toml").mkdir()
    assert main(["init", str(tmp_path), "--force"]) == 2
    error = capsys.readouterr().err
    assert (
        error.startswith(f"error: {tmp_path / 'ingest.toml'} cannot be written: ") and error.count("\n") == 1
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["guides", "index.md", "ingest.toml"]
