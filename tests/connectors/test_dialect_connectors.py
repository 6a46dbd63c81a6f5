"""The real dialects through the Markdown connectors: what reaches a dialect and what it sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo_helpers import GitRepo, isolate_git, refs
from gitrepo_helpers import connector as git_connector

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.document import DocumentRef, SourceDocument
from ingest.sites.contract import CrossPageReads
from ingest.sites.hugo import HugoSite

DOCUSAURUS = {
    "docusaurus.config.js": (
        "module.exports = { title: 'Docs', url: 'https://docs.example.com', baseUrl: '/',\n"
        "  presets: [['classic', { docs: {}, blog: false }]] };\n"
    ),
    "docs/intro.md": "# Intro\n\nSee [install](install.mdx).\n",
    "docs/install.mdx": (
        "---\ntitle: Install\n---\nimport Tabs from '@theme/Tabs';\n\n"
        ":::tip Heads up\n\nRun `widgets`.\n\n:::\n"
    ),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def folder(root: Path, **options: object) -> FilesystemConnector:
    values = {"path": str(root), "site_url": "https://docs.example.com/", **options}
    return FilesystemConnector(FilesystemOptions.model_validate(values))


async def scanned(connector: FilesystemConnector) -> dict[str, object]:
    return {item.locator: item async for item in connector.scan()}


async def test_an_mdx_page_reaches_the_dialect_that_claims_it_and_is_read_as_markdown(tmp_path: Path) -> None:
    connector = folder(write(tmp_path, DOCUSAURUS))
    found = await scanned(connector)
    assert sorted(found) == ["docs/install.mdx", "docs/intro.md"]
    ref = found["docs/install.mdx"]
    assert isinstance(ref, DocumentRef)
    page = await connector.load(ref)
    assert isinstance(page, SourceDocument)
    assert (page.title, page.url) == ("Install", "https://docs.example.com/docs/install")
    assert "import " not in page.body and ":::" not in page.body and "Heads up" in page.body


async def test_a_plain_source_ignores_mdx(tmp_path: Path) -> None:
    """JSX would leak: a plain source takes no .mdx file, whether plain is named or found."""
    files = {"guide.md": "# Guide\n", "widget.mdx": "import X from 'x';\n\n<X />\n"}
    for site in ("plain", "auto"):
        found = await scanned(folder(write(tmp_path / site, files), site=site))
        assert sorted(found) == ["guide.md"]


VAULT = {
    ".obsidian/app.json": "{}\n",
    ".trash/Old idea.md": "# Old idea\n",
    ".hidden/secret.md": "# Secret\n",
    "Welcome.md": "Read [[Install]].\n",
    "Install.md": "# Install\n",
}


async def test_a_vault_with_its_config_folder_is_recognised_by_auto(tmp_path: Path) -> None:
    """``.obsidian/`` is seen (not read) so auto knows the vault; hidden notes stay out."""
    connector = folder(write(tmp_path, VAULT), site="auto")
    found = await scanned(connector)
    assert connector.site is not None and connector.site.dialect == "obsidian"
    assert sorted(found) == ["Install.md", "Welcome.md"]
    page = await connector.load(found["Welcome.md"])  # type: ignore[arg-type]
    assert isinstance(page, SourceDocument) and page.url == "https://docs.example.com/Welcome"
    assert "[[" not in page.body


async def test_a_vault_in_a_top_level_folder_is_recognised_and_hidden_files_cannot_be_read(
    tmp_path: Path,
) -> None:
    files = {f"en/{path}": text for path, text in VAULT.items()} | {".env": "TOKEN=secret\n"}
    connector = folder(write(tmp_path, files), site="auto")
    found = await scanned(connector)
    assert connector.site is not None and connector.site.dialect == "obsidian"
    assert sorted(found) == ["en/Install.md", "en/Welcome.md"]
    site_files = connector.site._files  # type: ignore[attr-defined]
    assert await site_files.read(".env") is None and await site_files.read("en/.obsidian/app.json") is None


async def test_a_plain_source_still_hides_dotted_names(tmp_path: Path) -> None:
    found = await scanned(folder(write(tmp_path, VAULT), site="plain"))
    assert sorted(found) == ["Install.md", "Welcome.md"]


@pytest.fixture
def vault_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch, tmp_path)
    repo = GitRepo(tmp_path / "vault")
    repo.commit("vault", VAULT)
    return repo


async def test_a_git_vault_is_recognised_by_auto(vault_repo: GitRepo) -> None:
    source = git_connector(vault_repo.path, site="auto", site_url="https://docs.example.com/")
    found = await refs(source)
    assert sorted(found) == ["Install.md", "Welcome.md"]
    assert source._site is not None and source._site.dialect == "obsidian"


async def test_a_vaults_templates_folder_is_read_from_its_hidden_config(tmp_path: Path) -> None:
    """``.obsidian/templates.json`` (a config a dialect names) is read: its templates are no pages;
    other hidden files stay unreadable."""
    files = VAULT | {
        ".obsidian/templates.json": '{"folder": "Templates"}\n',
        ".obsidian/plugins/other/data.json": '{"token": "secret"}\n',
        "Templates/Note.md": "---\ncreated: {{date}}\n---\n# {{title}}\n",
    }
    connector = folder(write(tmp_path, files), site="auto")
    found = await scanned(connector)
    assert sorted(found) == ["Install.md", "Welcome.md"]
    assert connector.site is not None
    site_files = connector.site._files  # type: ignore[attr-defined]
    assert await site_files.read(".obsidian/templates.json") == b'{"folder": "Templates"}\n'
    assert await site_files.read(".obsidian/plugins/other/data.json") is None
    assert await site_files.read(".obsidian/app.json") is None


def test_every_hidden_config_the_obsidian_dialect_reads_is_listed() -> None:
    from ingest.sites.obsidian.vault import TEMPLATE_CONFIGS
    from ingest.sites.registry import HIDDEN_CONFIGS

    assert set(TEMPLATE_CONFIGS) <= set(HIDDEN_CONFIGS)


HUGO = {
    "hugo.toml": 'baseURL = "https://docs.example.com/"\n',
    "content/guide/_index.md": "---\ntitle: Guide\n---\n",
    "content/guide/install.md": "---\ntitle: Install\ndescription: Get it.\n---\nDownload.\n",
    "content/about.md": "---\ntitle: About\n---\nSee [install](guide/install.md).\n",
}


class CountingReads:
    """Counts how often a dialect is asked what its pages read of each other."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked = 0
        found = HugoSite.cross_page_reads

        async def counted(site: HugoSite) -> CrossPageReads:
            self.asked += 1
            return await found(site)

        monkeypatch.setattr(HugoSite, "cross_page_reads", counted)


async def test_a_site_s_checkpoint_spares_reading_its_pages_while_no_file_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resumed from the last scan's checkpoint, an unchanged folder's pages are not read to find
    what they show of each other (and fingerprint the same); an edited one's are."""
    counting = CountingReads(monkeypatch)
    root = write(tmp_path, HUGO)
    first = folder(root)
    before = await scanned(first)
    checkpoint = first.checkpoint()
    assert counting.asked == 1 and checkpoint
    resumed = folder(root)
    resumed.resume_from(checkpoint)
    assert await scanned(resumed) == before and counting.asked == 1
    assert resumed.checkpoint() == checkpoint
    write(root, {"content/guide/install.md": HUGO["content/guide/install.md"].replace("it.", "it now.")})
    edited = folder(root)
    edited.resume_from(checkpoint)
    after = await scanned(edited)
    assert counting.asked == 2
    assert {path for path in after if after[path] != before[path]} == {
        "content/guide/install.md",
        "content/guide/_index.md",
    }


async def test_a_git_site_s_checkpoint_is_its_commit_then_what_its_pages_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit on the first line (a checkpoint of an earlier release, the commit alone, still
    reads), what the pages read of each other after it: not read again at the same commit."""
    isolate_git(monkeypatch, tmp_path)
    counting = CountingReads(monkeypatch)
    repo = GitRepo(tmp_path / "site")
    commit = repo.commit("site", HUGO)
    first = git_connector(repo.path, site_url="https://docs.example.com/")
    first.resume_from(commit)
    before = await refs(first)
    checkpoint = first.checkpoint()
    assert checkpoint is not None and checkpoint.startswith(commit + "\n") and counting.asked == 1
    resumed = git_connector(repo.path, site_url="https://docs.example.com/")
    resumed.resume_from(checkpoint)
    assert await refs(resumed) == before and counting.asked == 1
