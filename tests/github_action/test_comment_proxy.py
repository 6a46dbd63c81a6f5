"""The pull-request comment behind a proxy: through it, or around it when NO_PROXY names GitHub's host."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.github_action.comment import PullRequest, upsert_comment
from tests.forward_proxy import ForwardProxy, running_proxy
from tests.github_action.fake_github import TOKEN, running_github

PASSWORD = "pr0xy-Pa55word"


async def test_the_comment_goes_through_the_proxy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every request (list, create) passes the proxy, which GitHub never sees credentials of; a
    .netrc naming GitHub's host replaces not our token."""
    (tmp_path / ".netrc").write_text(
        "machine 127.0.0.1 login someone password netrc-secret\n", encoding="utf-8"
    )
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_github() as github:
        async with running_proxy(ForwardProxy(credentials=("ops", PASSWORD))) as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url_with("ops", PASSWORD))
            pull = PullRequest(api_url=github.base_url, repository="acme/docs", number=7, token=TOKEN)
            posted = await upsert_comment(pull, "ingest.toml", "the plan")
    assert posted.problem is None and posted.created
    assert [method for method, _ in proxy.methods_and_paths()] == [method for method, _ in github.requests]
    assert proxy.methods_and_paths()[-1] == ("POST", "/repos/acme/docs/issues/7/comments")
    assert all(seen.headers["authorization"] == f"Bearer {TOKEN}" for seen in proxy.seen)


async def test_no_proxy_naming_github_bypasses_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with running_github() as github:
        async with running_proxy() as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url)
            monkeypatch.setenv("no_proxy", "127.0.0.1")
            pull = PullRequest(api_url=github.base_url, repository="acme/docs", number=7, token=TOKEN)
            posted = await upsert_comment(pull, "ingest.toml", "the plan")
    assert posted.problem is None and proxy.seen == [] and github.requests


async def test_a_refusing_proxy_is_a_warning_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CONNECT to GitHub answered 502: one sentence for the warning, naming the proxy, not its password."""
    async with running_proxy(ForwardProxy(refuse_with=502)) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url_with("ops", PASSWORD))
        pull = PullRequest(api_url="https://api.github.test", repository="acme/docs", number=7, token=TOKEN)
        posted = await upsert_comment(pull, "ingest.toml", "the plan")
    assert (
        posted.problem == f"the pull-request comment could not be posted: the proxy {proxy.url} answered 502"
    )
    assert PASSWORD not in posted.problem


async def test_a_proxy_variable_that_is_no_url_is_a_warning_not_a_failed_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing in the comment fails a job: a socks HTTPS_PROXY is the warning's one sentence."""
    monkeypatch.setenv("HTTPS_PROXY", "socks5://proxy.corp:1080")
    pull = PullRequest(api_url="https://api.github.test", repository="acme/docs", number=7, token=TOKEN)
    posted = await upsert_comment(pull, "ingest.toml", "the plan")
    assert posted.problem is not None
    assert posted.problem.startswith(
        "the pull-request comment could not be posted: HTTPS_PROXY must be an http://"
    )
