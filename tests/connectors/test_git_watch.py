"""The git connector as the watch daemon asks it: a revision to poll, never paths to observe."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.git import GitOptions, GitRepoConnector
from ingest.connector import Revisioned, Watchable
from tests.connectors.gitrepo_helpers import docs_repo, isolate_git


async def test_a_repository_is_polled_for_its_revision(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The connector is Revisioned (the commit its ref names now) and not Watchable: a work tree's
    files are not the ref."""
    isolate_git(monkeypatch, tmp_path)
    repo = docs_repo(tmp_path / "repo")
    source = GitRepoConnector(GitOptions.model_validate({"repo": str(tmp_path / "repo"), "ref": "main"}))
    assert isinstance(source, Revisioned) and not isinstance(source, Watchable)
    assert await source.current_revision() == repo.head()
