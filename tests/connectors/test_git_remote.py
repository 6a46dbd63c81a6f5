"""The git connector on remotes: a cached partial clone over file://, fetches, force-pushes, and
credentials over HTTP that never leak."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingest.document import SourceDocument
from ingest.errors import ConnectorError
from tests.connectors.gitrepo_helpers import (
    GitRepo,
    connector,
    docs_repo,
    http_git_server,
    isolate_git,
    load_all,
    refs,
    run_git,
    scan,
)

SECRET = "pa55-w0rd-xyz"


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def origin(tmp_path: Path) -> GitRepo:
    """A repository served like GitHub serves one: partial clones allowed."""
    repo = docs_repo(tmp_path / "origin")
    repo.serve_partial_clones()
    return repo


def cache_of(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def missing_blobs(clone: Path) -> set[str]:
    """The blobs of the clone's HEAD that are not downloaded yet."""
    out = run_git(clone, "rev-list", "--objects", "--no-walk", "--missing=print", "HEAD")
    return {line[1:] for line in out.splitlines() if line.startswith("?")}


async def test_a_file_remote_is_cloned_once_blobless_and_read_at_its_default_branch(
    origin: GitRepo, tmp_path: Path
) -> None:
    """The first scan makes a bare, blob-less clone in the cache; loads fetch only the blobs they read."""
    source = connector(origin.url, cache_dir=cache_of(tmp_path))
    found = await refs(source)
    (clone,) = [path for path in cache_of(tmp_path).iterdir() if path.is_dir()]
    assert clone.name.startswith("local-origin-")
    assert found["docs/intro.md"].fingerprint in missing_blobs(clone)
    assert source.link_variables() == {"ref": "main", "commit": origin.head()}

    intro = await source.load(found["docs/intro.md"])
    assert isinstance(intro, SourceDocument) and intro.title == "Intro"
    assert intro.metadata["last_commit"] == origin.head()
    assert found["docs/intro.md"].fingerprint not in missing_blobs(clone)
    assert found["docs/setup.md"].fingerprint in missing_blobs(clone)


async def test_loading_everything_from_a_partial_clone_reads_every_document(
    origin: GitRepo, tmp_path: Path
) -> None:
    """Many documents loaded at once from a blob-less clone arrive complete (batched fetches)."""
    origin.commit("many", {f"docs/many/page-{index:03d}.md": f"# Page {index}\n" for index in range(150)})
    source = connector(origin.url, cache_dir=cache_of(tmp_path))
    loaded = await load_all(source)
    assert len(loaded) == 155 and all(isinstance(item, SourceDocument) for item in loaded.values())
    page = loaded["docs/many/page-042.md"]
    assert isinstance(page, SourceDocument) and page.title == "Page 42"
    # 155 documents in groups as they arrive: far fewer git calls than documents.
    assert source.git.calls < 40


async def test_later_runs_fetch_new_commits_into_the_same_clone(origin: GitRepo, tmp_path: Path) -> None:
    """A second run fetches instead of cloning, and sees the new commit's changes."""
    await refs(connector(origin.url, cache_dir=cache_of(tmp_path)))
    origin.commit("edit", {"docs/setup.md": "# Setup\n\nChanged upstream.\n"})
    source = connector(origin.url, cache_dir=cache_of(tmp_path))
    found = await refs(source)
    assert found["docs/setup.md"].fingerprint == origin.blob("docs/setup.md")
    assert len([path for path in cache_of(tmp_path).iterdir() if path.is_dir()]) == 1
    setup = await source.load(found["docs/setup.md"])
    assert isinstance(setup, SourceDocument) and "Changed upstream." in setup.body


async def test_a_force_push_is_followed(
    origin: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """After history is rewritten upstream, the next run reads the new history and says so."""
    first = connector(origin.url, cache_dir=cache_of(tmp_path))
    origin.commit("doomed", {"docs/doomed.md": "# Doomed\n"})
    assert "docs/doomed.md" in await refs(first)
    synced = first.checkpoint()
    origin.git("reset", "-q", "--hard", "HEAD~1")
    rewritten = origin.commit("instead", {"docs/instead.md": "# Instead\n"})
    second = connector(origin.url, cache_dir=cache_of(tmp_path))
    second.resume_from(synced)
    with caplog.at_level(logging.INFO, logger="ingest.connectors.git"):
        found = await refs(second)
    assert "docs/doomed.md" not in found and "docs/instead.md" in found
    assert second.checkpoint() == rewritten
    assert "is not an ancestor" in caplog.text


async def test_the_remote_default_branch_is_followed_when_it_changes(origin: GitRepo, tmp_path: Path) -> None:
    """Without ``ref`` the remote's default branch is read, also after the remote switches it."""
    await refs(connector(origin.url, cache_dir=cache_of(tmp_path)))
    origin.git("checkout", "-q", "-b", "trunk")
    origin.commit("trunk only", {"docs/trunk.md": "# Trunk\n"})
    source = connector(origin.url, cache_dir=cache_of(tmp_path))
    assert "docs/trunk.md" in await refs(source)
    assert source.link_variables()["ref"] == "trunk"


async def test_tags_and_unadvertised_commits_of_a_remote(origin: GitRepo, tmp_path: Path) -> None:
    """A remote tag can be synced, and a commit no branch reaches is fetched by its id."""
    tagged = origin.head()
    origin.git("tag", "v1")
    origin.git("checkout", "-q", "-b", "gone")
    orphan = origin.commit("orphan", {"docs/orphan.md": "# Orphan\n"})
    origin.git("checkout", "-q", "main")
    origin.git("branch", "-D", "gone")
    by_tag = connector(origin.url, cache_dir=cache_of(tmp_path), ref="v1")
    assert "docs/orphan.md" not in await refs(by_tag) and by_tag.checkpoint() == tagged
    by_id = connector(origin.url, cache_dir=cache_of(tmp_path), ref=orphan)
    assert "docs/orphan.md" in await refs(by_id) and by_id.checkpoint() == orphan


async def test_a_server_without_partial_clone_support_still_works(tmp_path: Path) -> None:
    """When the server refuses the blob filter git clones in full, and everything is read the same."""
    plain = docs_repo(tmp_path / "plain")
    loaded = await load_all(connector(plain.url, cache_dir=cache_of(tmp_path)))
    assert all(isinstance(item, SourceDocument) for item in loaded.values()) and len(loaded) == 5


async def test_a_broken_cache_folder_is_replaced(origin: GitRepo, tmp_path: Path) -> None:
    """A clone cut short (a folder that is no repository) is cloned afresh."""
    source = connector(origin.url, cache_dir=cache_of(tmp_path))
    await refs(source)
    (clone,) = [path for path in cache_of(tmp_path).iterdir() if path.is_dir()]
    for child in clone.iterdir():
        if child.is_file():
            child.unlink()
    assert "docs/intro.md" in await refs(connector(origin.url, cache_dir=cache_of(tmp_path)))


async def test_a_missing_remote_and_a_missing_remote_ref_fail_clearly(
    origin: GitRepo, tmp_path: Path
) -> None:
    """A remote that does not exist is 'not found'; a ref the remote lacks is named."""
    with pytest.raises(ConnectorError, match=r"repository file://.*/absent not found"):
        await scan(connector((tmp_path / "absent").as_uri(), cache_dir=cache_of(tmp_path)))
    with pytest.raises(ConnectorError, match=r"ref 'develop' does not exist in file://.*\(branches: main\)"):
        await scan(connector(origin.url, cache_dir=cache_of(tmp_path), ref="develop"))


async def test_http_credentials_in_the_url_work_and_never_leak(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A URL with user and password clones over HTTP; the password is in no message, folder name or file."""
    bare = GitRepo(tmp_path / "served.git", bare=True)
    docs_repo(tmp_path / "work").git("push", "-q", bare.url, "main")
    caplog.set_level(logging.DEBUG)
    async with http_git_server(bare, user="alice", password=SECRET) as base:
        url = base.replace("http://", f"http://alice:{SECRET}@") + "/repo.git"
        source = connector(url, cache_dir=cache_of(tmp_path))
        loaded = await load_all(source)
        assert isinstance(loaded["docs/intro.md"], SourceDocument)
        with pytest.raises(ConnectorError) as wrong:
            await scan(connector(url.replace(SECRET, "not-the-password"), cache_dir=tmp_path / "other-cache"))
    assert "authentication failed" in str(wrong.value) and "not-the-password" not in str(wrong.value)
    assert SECRET not in caplog.text and "alice" not in str(wrong.value)
    for path in cache_of(tmp_path).rglob("*"):
        assert SECRET not in path.name
        if path.is_file() and path.stat().st_size < 1_000_000:
            assert SECRET.encode() not in path.read_bytes(), path


async def test_a_remote_that_never_answers_times_out(tmp_path: Path) -> None:
    """A server that accepts the connection and then says nothing fails the scan after ``timeout``."""
    bare = GitRepo(tmp_path / "served.git", bare=True)
    async with http_git_server(bare, user="u", password=SECRET, hang=True) as base:
        source = connector(f"{base}/repo.git", cache_dir=cache_of(tmp_path), timeout=0.5)
        with pytest.raises(ConnectorError, match=r"timed out: git clone took longer than 0\.5 s"):
            await scan(source)


async def test_an_unreachable_host_says_so(tmp_path: Path) -> None:
    """A refused connection fails the scan with 'cannot reach' and the redacted URL."""
    with pytest.raises(ConnectorError, match=r"cannot reach http://127\.0\.0\.1:9/r\.git") as caught:
        await scan(connector(f"http://u:{SECRET}@127.0.0.1:9/r.git", cache_dir=cache_of(tmp_path)))
    assert SECRET not in str(caught.value)
