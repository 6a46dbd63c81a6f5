"""The filesystem and git connectors read a docs site through its dialect (here the test dialect
``fake``, tests/sites/fakesite.py): pages only, fingerprints folded with the site's structure,
pages prepared by the site, its links offered, and a config that cannot be read fails the source."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitrepo_helpers import GitRepo, isolate_git, load_all, refs
from gitrepo_helpers import connector as git_connector

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from connectors.filesystem.tree import fingerprint
from ingest.connector import Affected, ProvidesSiteLinks
from ingest.document import DocumentRef, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.sites.source import own_fingerprint

SITE = {
    "fakesite.toml": "name = 'docs'\n",
    "index.md": "# Home\n\nSee [setup](guide/setup.md).\n",
    "guide/setup.md": '# Setup\n\n{{< include "partials/note.md" >}}\n',
    "guide/draft.md": "---\ndraft: true\n---\n# Draft\n",
    "partials/note.md": "A note from a partial.\n",
    "images/logo.png": "png",
    "notes.txt": "not a page of this site\n",
}

pytestmark = pytest.mark.usefixtures("fake_site")


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


async def test_a_site_folder_lists_its_pages_only(tmp_path: Path) -> None:
    """Partials, config, assets and files the site does not publish are no documents."""
    found = await scanned(folder(write(tmp_path, SITE)))
    assert sorted(found) == ["guide/draft.md", "guide/setup.md", "index.md"]
    assert all(isinstance(item, DocumentRef) for item in found.values())


async def test_a_page_fingerprint_is_its_files_folded_with_the_structure(tmp_path: Path) -> None:
    """Editing a partial (or adding a page) changes every page's fingerprint; an asset changes none."""
    root = write(tmp_path, SITE)
    before = await scanned(folder(root))
    setup = before["guide/setup.md"]
    assert isinstance(setup, DocumentRef)
    assert own_fingerprint(setup.fingerprint) == fingerprint(os.stat(root / "guide/setup.md"))
    write(root, {"images/logo.png": "another png"})
    assert await scanned(folder(root)) == before
    write(root, {"partials/note.md": "An edited note.\n"})
    edited = await scanned(folder(root))
    assert all(edited[path] != before[path] for path in before)
    write(root, {"guide/new.md": "# New\n"})
    added = await scanned(folder(root))
    assert all(added[path] != edited[path] for path in edited)


async def test_a_page_is_loaded_as_the_site_prepares_it(tmp_path: Path) -> None:
    """Includes inlined, the site's URL, drafts skipped."""
    connector = folder(write(tmp_path, SITE))
    found = await scanned(connector)
    setup = await connector.load(found["guide/setup.md"])  # type: ignore[arg-type]
    assert isinstance(setup, SourceDocument)
    assert "A note from a partial." in setup.body and setup.url == "https://docs.example.com/guide/setup/"
    assert setup.fingerprint == found["guide/setup.md"].fingerprint  # type: ignore[union-attr]
    draft = await connector.load(found["guide/draft.md"])  # type: ignore[arg-type]
    assert draft == SkippedDocument("guide/draft.md", "a draft, not published")


async def test_the_site_links_are_offered_after_a_scan(tmp_path: Path) -> None:
    """The connector is ProvidesSiteLinks; before a scan it has none."""
    connector = folder(write(tmp_path, SITE))
    assert isinstance(connector, ProvidesSiteLinks)
    assert await connector.site_links() is None
    await scanned(connector)
    links = await connector.site_links()
    assert links is not None
    resolved = links.resolve("guide/setup.md", "index.md")
    assert resolved is not None and resolved.url == "https://docs.example.com/guide/setup/"


async def test_a_config_that_cannot_be_read_fails_the_scan(tmp_path: Path) -> None:
    """The dialect's error is the source's ConnectorError (nothing is deleted then)."""
    root = write(tmp_path, {**SITE, "fakesite.toml": "name = "})
    with pytest.raises(ConnectorError, match=r"fakesite\.toml: not valid TOML"):
        await scanned(folder(root))


async def test_a_plain_source_scans_exactly_as_before(tmp_path: Path) -> None:
    """Without a site's config, auto is plain: every document, fingerprints the files' own."""
    root = write(tmp_path, {path: text for path, text in SITE.items() if path != "fakesite.toml"})
    found = await scanned(folder(root))
    assert sorted(found) == ["guide/draft.md", "guide/setup.md", "index.md", "notes.txt", "partials/note.md"]
    for path, ref in found.items():
        assert ref == DocumentRef(path, fingerprint(os.stat(root / path)))
    explicit = await scanned(folder(write(tmp_path, SITE), site="plain"))
    assert "fakesite.toml" not in explicit and "notes.txt" in explicit


async def test_the_daemon_syncs_a_page_edit_alone_and_anything_else_whole(tmp_path: Path) -> None:
    """An edited page is that page; a partial, the config, a new or removed page is the whole source;
    an editor's swap file is nothing."""
    root = write(tmp_path, SITE)
    connector = folder(root)
    await scanned(connector)
    real = root.resolve()
    assert connector.affected_by(real / "guide/setup.md", folder=False) == Affected(
        frozenset({"guide/setup.md"})
    )
    for changed in ("partials/note.md", "fakesite.toml", "images/logo.png"):
        assert connector.affected_by(real / changed, folder=False) == Affected(whole=True), changed
    write(root, {"guide/brand-new.md": "# New\n"})
    assert connector.affected_by(real / "guide/brand-new.md", folder=False) == Affected(whole=True)
    (root / "index.md").unlink()
    assert connector.affected_by(real / "index.md", folder=False) == Affected(whole=True)
    assert connector.affected_by(real / "guide/.setup.md.swp", folder=False) == Affected()
    assert connector.affected_by(real / "guide/setup.md~", folder=False) == Affected()


async def test_the_daemons_connector_learns_the_site_when_it_starts_observing(tmp_path: Path) -> None:
    """The daemon's connector never scans: the folder itself (passed when observing starts) makes it
    read the site; before that, and for a plain folder, changes map as they always did."""
    root = write(tmp_path, SITE)
    real = root.resolve()
    watching = folder(root)
    assert watching.affected_by(real / "partials/note.md", folder=False) == Affected(
        frozenset({"partials/note.md"})
    )
    assert watching.affected_by(real, folder=True) == Affected(whole=True)
    assert watching.affected_by(real / "partials/note.md", folder=False) == Affected(whole=True)
    assert watching.affected_by(real / "index.md", folder=False) == Affected(frozenset({"index.md"}))
    write(root, {"guide/new.md": "# New\n"})
    assert watching.affected_by(real / "guide/new.md", folder=False) == Affected(whole=True)
    write(root, {"guide/new.md": "# New, edited\n"})
    assert watching.affected_by(real / "guide/new.md", folder=False) == Affected(frozenset({"guide/new.md"}))
    write(root, {"fakesite.toml": "name = "})
    assert watching.affected_by(real, folder=True) == Affected(whole=True)
    assert watching.affected_by(real / "index.md", folder=False) == Affected(whole=True)


@pytest.fixture
def site_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """The site's config and partials at the root, its pages under docs/, a page outside docs/."""
    isolate_git(monkeypatch, tmp_path)
    repo = GitRepo(tmp_path / "site")
    pages = {
        f"docs/{path}": text for path, text in SITE.items() if path.endswith(".md") and "partials" not in path
    }
    repo.commit("site", {"README.md": "# Repo\n", "partials/note.md": SITE["partials/note.md"], **pages})
    repo.commit("config", {"fakesite.toml": "name = 'docs'\n"})
    return repo


async def test_a_git_site_reads_every_path_of_the_tree_and_lists_pages_under_paths(
    site_repo: GitRepo,
) -> None:
    """The root config and partial are read though ``paths`` names docs/; pages are those under docs/."""
    source = git_connector(site_repo.path, paths=["docs"], site_url="https://docs.example.com/")
    found = await refs(source)
    assert sorted(found) == ["docs/guide/draft.md", "docs/guide/setup.md", "docs/index.md"]
    assert own_fingerprint(found["docs/index.md"].fingerprint) == site_repo.blob("docs/index.md")
    loaded = await load_all(source)
    setup = loaded["docs/guide/setup.md"]
    assert isinstance(setup, SourceDocument) and "A note from a partial." in setup.body
    assert setup.metadata["last_author"] and setup.url == "https://docs.example.com/docs/guide/setup/"
    assert isinstance(loaded["docs/guide/draft.md"], SkippedDocument)


async def test_a_git_partial_edit_changes_every_page_fingerprint(site_repo: GitRepo) -> None:
    """A commit to a partial alone re-reads the pages; the blobs they are read from stay theirs."""
    before = await refs(git_connector(site_repo.path, paths=["docs"]))
    site_repo.commit("note", {"partials/note.md": "Edited.\n"})
    after = await refs(git_connector(site_repo.path, paths=["docs"]))
    assert sorted(after) == sorted(before)
    assert all(after[path].fingerprint != before[path].fingerprint for path in before)
    assert all(
        own_fingerprint(after[p].fingerprint) == own_fingerprint(before[p].fingerprint) for p in before
    )


async def test_a_plain_git_source_is_fingerprinted_by_blob_as_before(site_repo: GitRepo) -> None:
    """site = "plain": every document under paths, by its blob id."""
    found = await refs(git_connector(site_repo.path, paths=["docs"], site="plain"))
    assert found["docs/index.md"] == DocumentRef("docs/index.md", site_repo.blob("docs/index.md"))
    assert sorted(found) == ["docs/guide/draft.md", "docs/guide/setup.md", "docs/index.md"]
    everything = await refs(git_connector(site_repo.path, site="plain"))
    assert "partials/note.md" in everything and "fakesite.toml" not in everything
