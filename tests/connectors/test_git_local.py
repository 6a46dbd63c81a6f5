"""The git connector on local repositories: what a scan finds and a load reads; refs; errors."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.git import connector as git_connector
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from tests.connectors.gitrepo_helpers import (
    FIRST_COMMIT_TIME,
    GitRepo,
    connector,
    docs_repo,
    isolate_git,
    load_all,
    refs,
    scan,
)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return docs_repo(tmp_path / "handbook")


async def test_first_scan_lists_documents_at_head_by_repo_path_and_blob_id(repo: GitRepo) -> None:
    """Markdown, HTML and text files are found under their POSIX repo path, fingerprinted by blob id."""
    found = await refs(connector(repo.path))
    assert sorted(found) == [
        "README.md",
        "docs/guide/usage.html",
        "docs/intro.md",
        "docs/setup.md",
        "notes.txt",
    ]
    assert found["docs/intro.md"].fingerprint == repo.blob("docs/intro.md")


async def test_load_reads_the_blob_with_its_last_commit(repo: GitRepo) -> None:
    """A loaded document has its title, format, and the last commit, time and author of its file."""
    first = repo.head()
    second = repo.commit("edit setup", {"docs/setup.md": "# Setup\n\nInstall it twice.\n"}, author="Bob")
    loaded = await load_all(connector(repo.path))
    setup, intro, usage = loaded["docs/setup.md"], loaded["docs/intro.md"], loaded["docs/guide/usage.html"]
    assert isinstance(setup, SourceDocument) and isinstance(intro, SourceDocument)
    assert (setup.title, setup.format, setup.external_id) == ("Setup", BodyFormat.MARKDOWN, "docs/setup.md")
    assert "Install it twice." in setup.body
    assert dict(setup.metadata) == {
        "last_commit": second,
        "last_commit_time": "2023-11-14T23:13:20+00:00",
        "last_author": "Bob",
    }
    assert setup.modified == datetime.fromtimestamp(FIRST_COMMIT_TIME + 3600, tz=UTC)
    assert (intro.metadata["last_commit"], intro.metadata["last_author"]) == (first, "Ada")
    assert isinstance(usage, SourceDocument) and usage.title == "Usage" and usage.format is BodyFormat.HTML


async def test_front_matter_keys_win_over_git_metadata(tmp_path: Path) -> None:
    """A page's front matter may name its owner better than the last committer."""
    repo = docs_repo(tmp_path / "r", {"a.md": "---\nlast_author: Docs Team\n---\n# A\n"})
    (document,) = (await load_all(connector(repo.path))).values()
    assert isinstance(document, SourceDocument)
    assert document.metadata["last_author"] == "Docs Team" and document.metadata["last_commit"] == repo.head()


async def test_the_work_tree_is_never_read(repo: GitRepo) -> None:
    """Uncommitted edits, staged changes and untracked files are ignored: only the commit counts."""
    committed = repo.blob("docs/intro.md")
    (repo.path / "docs/intro.md").write_text("# Dirty\n")
    (repo.path / "docs/untracked.md").write_text("# Untracked\n")
    repo.write({"docs/staged.md": "# Staged\n"})
    source = connector(repo.path)
    loaded = await load_all(source)
    assert "docs/untracked.md" not in loaded and "docs/staged.md" not in loaded
    intro = loaded["docs/intro.md"]
    assert isinstance(intro, SourceDocument) and intro.title == "Intro" and intro.fingerprint == committed


async def test_an_edit_changes_exactly_one_fingerprint(repo: GitRepo) -> None:
    """A commit editing one file changes that file's fingerprint and no other."""
    before = await refs(connector(repo.path))
    repo.commit("edit", {"docs/setup.md": "# Setup\n\nNew step.\n"})
    after = await refs(connector(repo.path))
    changed = {path for path in after if after[path].fingerprint != before[path].fingerprint}
    assert changed == {"docs/setup.md"} and set(after) == set(before)


async def test_rename_and_delete_show_as_paths_gone_and_new(repo: GitRepo) -> None:
    """A renamed file appears under its new path with the same blob; a deleted one is gone."""
    before = await refs(connector(repo.path))
    repo.move("docs/setup.md", "docs/install/setup.md")
    repo.commit("rename and delete", {"notes.txt": None})
    after = await refs(connector(repo.path))
    assert set(before) - set(after) == {"docs/setup.md", "notes.txt"}
    assert set(after) - set(before) == {"docs/install/setup.md"}
    assert after["docs/install/setup.md"].fingerprint == before["docs/setup.md"].fingerprint


async def test_a_branch_a_tag_and_a_commit_can_be_synced(repo: GitRepo) -> None:
    """``ref`` selects a branch, an annotated tag or a (short) commit id; {ref} and {commit} follow it."""
    first = repo.head()
    repo.git("tag", "-a", "v1.0", "-m", "release")
    repo.git("checkout", "-q", "-b", "next")
    repo.commit("next only", {"docs/next.md": "# Next\n"})
    repo.git("checkout", "-q", "main")
    tip = repo.git("rev-parse", "next")
    cases = [
        ("next", tip, True),
        ("v1.0", first, False),
        (first[:10], first, False),
        ("refs/heads/next", tip, True),
    ]
    for ref, commit, has_next in cases:
        source = connector(repo.path, ref=ref)
        found = await refs(source)
        assert ("docs/next.md" in found) is has_next, ref
        assert source.link_variables() == {"ref": ref.removeprefix("refs/heads/"), "commit": commit}
        assert source.checkpoint() == commit


async def test_default_ref_is_the_checked_out_branch(repo: GitRepo) -> None:
    """Without ``ref`` a local repository is read at its HEAD; {ref} is the branch name."""
    repo.git("checkout", "-q", "-b", "drafts")
    repo.commit("draft", {"docs/draft.md": "# Draft\n"})
    source = connector(repo.path)
    assert "docs/draft.md" in await refs(source)
    assert source.link_variables()["ref"] == "drafts"


async def test_a_sub_folder_filter_takes_only_that_folder(repo: GitRepo) -> None:
    """``paths`` limits the scan to folders, by whole path components (``docs`` is not ``docs-old``)."""
    repo.commit("more", {"docs-old/legacy.md": "# Old\n", "handbook/a.md": "# A\n"})
    found = await refs(connector(repo.path, paths=["docs"]))
    assert sorted(found) == ["docs/guide/usage.html", "docs/intro.md", "docs/setup.md"]
    assert sorted(await refs(connector(repo.path, paths=["docs/guide", "handbook"]))) == [
        "docs/guide/usage.html",
        "handbook/a.md",
    ]


async def test_a_missing_ref_is_named_with_the_refs_that_exist(repo: GitRepo) -> None:
    """A ref that does not exist fails the scan with its name and the branches and tags there are."""
    repo.git("tag", "v2")
    with pytest.raises(
        ConnectorError, match=r"ref 'relase' does not exist in .*handbook \(branches: main; tags: v2\)"
    ):
        await scan(connector(repo.path, ref="relase"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "nowhere", r"repository .*nowhere not found: no such folder"),
        (lambda tmp: tmp, r"repository .* not found \(not a git repository"),
    ],
)
async def test_a_missing_repository_fails_the_scan_clearly(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    """A folder that is missing, or is no repository, fails the scan with 'not found'."""
    with pytest.raises(ConnectorError, match=message):
        await scan(connector(make(tmp_path)))


async def test_a_folder_inside_a_repository_points_to_the_paths_option(repo: GitRepo) -> None:
    """``repo`` naming a sub-folder of a checkout is refused with the settings that would work."""
    with pytest.raises(ConnectorError, match=r'inside a repository, not its top: .*paths = \["docs"\]'):
        await scan(connector(repo.path / "docs"))


async def test_an_empty_repository_has_nothing_to_sync(tmp_path: Path) -> None:
    """A repository without commits fails the scan saying so."""
    GitRepo(tmp_path / "empty")
    with pytest.raises(ConnectorError, match="has no commits"):
        await scan(connector(tmp_path / "empty"))


async def test_git_not_installed_is_one_clear_error(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a git command on PATH the scan fails saying git is not installed."""
    empty = repo.path.parent / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(ConnectorError, match="git is not installed"):
        await scan(connector(repo.path))


async def test_symlinks_submodules_and_odd_names_are_reported_or_ignored(repo: GitRepo) -> None:
    """A symlinked document is skipped and said so; a submodule is ignored; a non-UTF-8 name fails."""
    os.symlink("intro.md", repo.path / "docs/alias.md")
    repo.git("add", "docs/alias.md")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{repo.head()},vendored.md")
    (repo.path / os.fsdecode(b"docs/caf\xe9.md")).write_text("# Latin-1 name\n")
    repo.git("add", "docs")
    repo.commit("odd entries")
    found = await scan(connector(repo.path))
    skipped = [item for item in found if isinstance(item, SkippedDocument)]
    failed = [item for item in found if isinstance(item, Failure)]
    assert [(item.locator, "symbolic link" in item.reason) for item in skipped] == [("docs/alias.md", True)]
    assert [(item.locator, "not valid UTF-8" in item.message) for item in failed] == [
        ("docs/caf\ufffd.md", True)
    ]
    assert not any(item.locator == "vendored.md" for item in found)


async def test_unicode_names_and_spaces_round_trip(tmp_path: Path) -> None:
    """Paths with spaces and non-ASCII letters are found and loaded, with their last commit."""
    repo = docs_repo(tmp_path / "r", {"guías/primeros pasos.md": "# Primeros pasos\n"})
    (document,) = (await load_all(connector(repo.path))).values()
    assert isinstance(document, SourceDocument)
    assert (
        document.external_id == "guías/primeros pasos.md" and document.metadata["last_commit"] == repo.head()
    )


async def test_git_lfs_pointers_fail_with_a_reason(tmp_path: Path) -> None:
    """A document stored in Git LFS (only a pointer is committed) is a failure that says so."""
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
    repo = docs_repo(tmp_path / "r", {"big.md": pointer, "small.md": "# Small\n"})
    loaded = await load_all(connector(repo.path))
    assert isinstance(loaded["big.md"], Failure) and "Git LFS" in loaded["big.md"].message
    assert isinstance(loaded["small.md"], SourceDocument)


async def test_bad_front_matter_fails_only_its_own_document(tmp_path: Path) -> None:
    """A self-referencing YAML alias fails its document; the others of the same load batch load."""
    files = {f"doc{index}.md": f"# Doc {index}\n" for index in range(5)}
    repo = docs_repo(tmp_path / "r", {**files, "bad.md": "---\na: &a [*a]\n---\n# Bad\n"})
    loaded = await load_all(connector(repo.path))
    bad = loaded.pop("bad.md")
    assert isinstance(bad, Failure) and "aliases such as *a are not allowed" in bad.message
    assert sorted(loaded) == sorted(files)
    assert all(isinstance(item, SourceDocument) for item in loaded.values())


async def test_an_error_reading_one_document_fails_only_that_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error on one document of a batch is its failure; the batch's others still load."""
    repo = docs_repo(tmp_path / "r", {f"doc{index}.md": f"# Doc {index}\n" for index in range(5)})
    real = git_connector.load_page

    async def flaky(site: object, raw: bytes, *, path: str, **kwargs: object) -> object:
        if path == "doc3.md":
            raise RecursionError("maximum recursion depth exceeded")
        return await real(site, raw, path=path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(git_connector, "load_page", flaky)
    source = connector(repo.path)
    found = list((await refs(source)).values())
    calls = source.git.calls
    results = await asyncio.gather(*(source.load(ref) for ref in found))
    assert source.git.calls - calls == 2  # one batch: one cat-file, one history walk
    loaded = {ref.locator: item for ref, item in zip(found, results, strict=True)}
    assert loaded.pop("doc3.md") == Failure(
        "doc3.md", "doc3.md: could not be read: RecursionError: maximum recursion depth exceeded"
    )
    assert sorted(item.title for item in loaded.values() if isinstance(item, SourceDocument)) == [
        "Doc 0",
        "Doc 1",
        "Doc 2",
        "Doc 4",
    ]


async def test_loads_started_together_cost_two_git_calls(tmp_path: Path) -> None:
    """Documents loaded together are read by one cat-file and dated by one history walk."""
    repo = docs_repo(
        tmp_path / "r", {f"docs/page-{index:02d}.md": f"# Page {index}\n" for index in range(40)}
    )
    for index in range(0, 40, 4):
        repo.commit(f"edit {index}", {f"docs/page-{index:02d}.md": f"# Page {index}\n\nEdited.\n"})
    source = connector(repo.path)
    found = list((await refs(source)).values())
    calls = source.git.calls
    loaded = await asyncio.gather(*(source.load(ref) for ref in found))
    assert source.git.calls - calls == 2
    assert all(isinstance(item, SourceDocument) and "last_commit" in item.metadata for item in loaded)


async def test_history_walks_remember_what_they_saw(tmp_path: Path) -> None:
    """Each file is dated by the last commit that changed it; once a walk has passed the root
    commit, loading any other file needs no walk at all."""
    repo = docs_repo(tmp_path / "r", {"old.md": "# Old\n", "other.md": "# Other\n", "new.md": "# New\n"})
    root = repo.head()
    for index in range(3):
        repo.commit(f"noise {index}", {"src/noise.py": f"# {index}\n"})
    head = repo.commit("recent", {"new.md": "# New\n\nRecent.\n"})
    source = connector(repo.path)
    found = await refs(source)
    dated = {}
    for name in ("new.md", "old.md", "other.md"):
        calls = source.git.calls
        document = await source.load(found[name])
        assert isinstance(document, SourceDocument)
        dated[name] = (document.metadata["last_commit"], source.git.calls - calls)
    # (last commit, git calls): cat-file and a walk; then whatever the first walk left; cat-file alone.
    assert dated["new.md"] == (head, 2) and dated["old.md"][0] == root and dated["other.md"] == (root, 1)


async def test_checkpoint_is_the_synced_commit_and_a_rewrite_is_logged(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    """After a scan the checkpoint is the commit read; a last commit that is no ancestor is logged."""
    old = repo.commit("to be rewritten", {"docs/setup.md": "# Setup\n\nv1\n"})
    repo.git("reset", "-q", "--hard", "HEAD~1")
    new = repo.commit("rewritten", {"docs/setup.md": "# Setup\n\nv2\n"})
    source = connector(repo.path)
    assert source.checkpoint() is None
    source.resume_from(old)
    with caplog.at_level(logging.INFO, logger="ingest.connectors.git"):
        await scan(source)
    assert source.checkpoint() == new
    assert f"{old[:12]} is not an ancestor" in caplog.text


async def test_a_garbage_checkpoint_is_ignored(repo: GitRepo) -> None:
    """A checkpoint that is no commit id (a hand-edited state file) is not passed to git."""
    source = connector(repo.path)
    source.resume_from("--output=/tmp/x")
    assert (await refs(source)) and source.checkpoint() == repo.head()


async def test_loading_a_document_whose_blob_is_gone_is_a_failure(repo: GitRepo) -> None:
    """A blob id git cannot produce is that document's failure, not the run's."""
    source = connector(repo.path)
    await scan(source)
    result = await source.load(DocumentRef("docs/ghost.md", "0" * 40))
    assert isinstance(result, Failure) and "docs/ghost.md" in result.message


async def test_current_revision_follows_the_ref(repo: GitRepo) -> None:
    """current_revision is the commit the ref resolves to now: it moves with a new commit."""
    source = connector(repo.path)
    first = await source.current_revision()
    assert first == repo.head()
    repo.commit("edit", {"docs/intro.md": "# Intro\n\nChanged.\n"})
    second = await source.current_revision()
    assert second == repo.head() and second != first
