"""One comment per config, found across pages of comments, created once then updated in place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest.github_action.comment import PullRequest, comment_body, marker, upsert_comment
from ingest.planfile.markdown import COMMENT_LIMIT
from tests.github_action.fake_github import TOKEN, FakeGitHub, running_github


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with running_github() as fake:
        yield fake


def pull(github: FakeGitHub, token: str = TOKEN) -> PullRequest:
    return PullRequest(api_url=github.base_url, repository="acme/docs", number=7, token=token)


async def test_our_comment_is_found_on_a_later_page_and_updated(github: FakeGitHub) -> None:
    """With 70 comments before ours and 30 a page, the third page's comment is the one updated."""
    for index in range(70):
        github.add(f"comment {index}")
    github.add("> quoting " + marker("ingest.toml"))  # a person quoting ours is not ours
    ours = github.add(marker("ingest.toml") + "\nold plan", login="github-actions[bot]")
    posted = await upsert_comment(pull(github), "ingest.toml", "new plan")
    assert posted.problem is None and not posted.created
    assert github.comments[ours]["body"] == marker("ingest.toml") + "\nnew plan"
    pages = [path for method, path in github.requests if method == "GET"]
    assert len(pages) == 3 and "page=3" in pages[-1]
    assert len(github.comments) == 72


async def test_a_marker_in_someone_elses_comment_is_not_ours(github: FakeGitHub) -> None:
    """Anyone may comment on a public pull request, and the marker is no secret: a comment that
    starts with it but was written by a person (not the bot, not the token's own user) is left
    alone and ours is created beside it; otherwise the plan would be written into a comment whose
    author can edit it afterwards into a plan of their own (or the update is refused)."""
    spoofed = github.add(marker("ingest.toml") + "\nNothing to delete.", login="mallory")
    posted = await upsert_comment(pull(github), "ingest.toml", "3 deletes")
    assert posted.created and github.comments[spoofed]["body"].endswith("Nothing to delete.")
    (ours,) = [c for c in github.comments.values() if c["body"].endswith("3 deletes")]
    assert ours["user"]["login"] == "github-actions[bot]"
    again = await upsert_comment(pull(github), "ingest.toml", "2 deletes")
    assert not again.created and ours["body"].endswith("2 deletes") and len(github.comments) == 2


async def test_a_personal_tokens_own_comment_is_found_again() -> None:
    """With a personal token as github-token the comment is the token's user's (GET /user says who)."""
    with running_github(FakeGitHub(user_login="docs-bot-user")) as github:
        github.add(marker("ingest.toml") + "\nspoofed", login="mallory")
        first = await upsert_comment(pull(github), "ingest.toml", "a plan")
        second = await upsert_comment(pull(github), "ingest.toml", "a newer plan")
    assert first.created and not second.created and len(github.comments) == 2
    assert {c["user"]["login"]: c["body"].splitlines()[-1] for c in github.comments.values()} == {
        "mallory": "spoofed",
        "docs-bot-user": "a newer plan",
    }


async def test_the_first_time_it_creates_one(github: FakeGitHub) -> None:
    posted = await upsert_comment(pull(github), "docs/ingest.toml", "a plan")
    assert posted.created and posted.url
    (comment,) = github.comments.values()
    assert comment["body"] == marker("docs/ingest.toml") + "\na plan"


async def test_a_refusal_is_a_sentence_not_an_exception(github: FakeGitHub) -> None:
    """A read-only token (403) and a bad one (401) come back as a problem to warn about."""
    github.read_only = True
    refused = await upsert_comment(pull(github), "ingest.toml", "a plan")
    assert refused.problem is not None and "HTTP 403" in refused.problem and "fork" in refused.problem
    bad = await upsert_comment(pull(github, token="nope"), "ingest.toml", "a plan")
    assert bad.problem is not None and "could not be listed (HTTP 401)" in bad.problem
    assert github.comments == {}


async def test_an_unreachable_github_is_a_problem_too() -> None:
    """Nothing listening: a sentence, not a failed job."""
    with running_github() as github:
        gone = pull(github)
    posted = await upsert_comment(gone, "ingest.toml", "a plan")
    assert posted.problem is not None and posted.problem.startswith("the pull-request comment could not be")


def test_a_body_past_the_limit_is_cut_at_a_line() -> None:
    markdown = "".join(f"- line {index}\n" for index in range(10_000))
    body = comment_body("ingest.toml", markdown)
    assert len(body) <= COMMENT_LIMIT and body.endswith(
        "the whole plan is in the job summary and the artifact.\n"
    )
    assert "\n- line 10\n" in body and "- line 9999" not in body
