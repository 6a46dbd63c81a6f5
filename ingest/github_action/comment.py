"""One pull-request comment per config, updated in place (GitHub's REST API, through aiohttp).

The comment is found by a hidden marker keyed by the config's path, so two configs of one
repository keep two comments; the list of comments is read page by page (``Link: rel="next"``).
Only a comment the token's own account wrote counts: anyone may comment on a public pull request
and the marker is no secret, and a plan written into someone else's comment could be edited by its
author afterwards. A bot's comment is ours (the job's token and an app's post as ``…[bot]``); a
person's only when ``GET /user`` names that person (a personal token).
Nothing here fails a job: a token that may not comment (a fork's read-only token, 403) or any
other refusal is returned as a sentence for a warning, since the job summary holds the plan too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import aiohttp

from ingest.egress_proxy import route_for
from ingest.errors import ConfigError
from ingest.planfile.markdown import COMMENT_LIMIT

#: How long all the comment's requests may take together.
_TIMEOUT_SECONDS = 60
_PAGE_SIZE = 100
_CUT_NOTE = "\n\n… cut to fit a comment: the whole plan is in the job summary and the artifact.\n"


def marker(config_key: str) -> str:
    """The hidden first line of our comment for one config (a digest: a path cannot end the HTML comment)."""
    digest = hashlib.sha256(config_key.encode()).hexdigest()[:16]
    return f"<!-- fin-ingest plan {digest} -->"


def comment_body(config_key: str, markdown: str) -> str:
    """The marker, then ``markdown``, cut at a line to stay within GitHub's limit."""
    head = marker(config_key) + "\n"
    if len(head) + len(markdown) <= COMMENT_LIMIT:
        return head + markdown
    room = COMMENT_LIMIT - len(head) - len(_CUT_NOTE)
    cut = markdown[:room]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return head + cut + _CUT_NOTE


@dataclass(frozen=True)
class PullRequest:
    api_url: str
    repository: str  # owner/name
    number: int
    token: str


@dataclass(frozen=True)
class Posted:
    """What became of the comment: its URL, or why there is none (for a warning)."""

    url: str | None = None
    problem: str | None = None
    created: bool = False


async def upsert_comment(pull: PullRequest, config_key: str, markdown: str) -> Posted:
    """Create our comment for ``config_key`` on ``pull``, or update the one made before."""
    body = comment_body(config_key, markdown)
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {pull.token}",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "fin-ingest-action",
    }
    timeout = aiohttp.ClientTimeout(total=_TIMEOUT_SECONDS)
    # Every request goes to api_url's host (a next page's link too), so one proxy, or none, for all.
    try:
        route = route_for(pull.api_url)
    except ConfigError as error:
        return Posted(problem=f"the pull-request comment could not be posted: {error}")
    try:
        async with aiohttp.ClientSession(
            headers=headers,
            timeout=timeout,
            proxy=route.proxy,
            proxy_auth=route.proxy_auth(),
        ) as session:
            existing = await _find(session, pull, marker(config_key))
            if existing is None:
                url = f"{pull.api_url}/repos/{pull.repository}/issues/{pull.number}/comments"
                async with session.post(url, json={"body": body}) as response:
                    return await _posted(response, "create", created=True)
            async with session.patch(existing, json={"body": body}) as response:
                return await _posted(response, "update")
    except _Refused as refused:
        return Posted(problem=str(refused))
    except aiohttp.ClientHttpProxyError as exc:
        return Posted(problem=f"the pull-request comment could not be posted: {route} answered {exc.status}")
    except aiohttp.ClientProxyConnectionError as exc:
        problem = f"could not connect to {route} ({exc.strerror or 'refused'})"
        return Posted(problem=f"the pull-request comment could not be posted: {problem}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Posted(problem=f"the pull-request comment could not be posted: {type(exc).__name__} {exc}")


class _Refused(Exception):
    pass


async def _find(session: aiohttp.ClientSession, pull: PullRequest, ours: str) -> str | None:
    """The API URL of our comment, following the list's pages."""
    # GET /user's login: asked once, and only when a person's comment starts with the marker.
    me: str | None = None
    asked = False
    url: str | None = f"{pull.api_url}/repos/{pull.repository}/issues/{pull.number}/comments"
    params: dict[str, str] | None = {"per_page": str(_PAGE_SIZE)}
    while url is not None:
        async with session.get(url, params=params) as response:
            if response.status != 200:
                raise _Refused(_refusal(response.status, "list"))
            for comment in await response.json():
                if not str(comment.get("body", "")).startswith(ours):
                    continue
                author = comment.get("user") or {}
                if author.get("type") == "Bot":
                    return str(comment["url"])
                if not asked:
                    me, asked = await _login(session, pull), True
                if me is not None and author.get("login") == me:
                    return str(comment["url"])
            next_link = response.links.get("next")
            url = str(next_link["url"]) if next_link else None
            params = None  # the next link carries them
    return None


async def _login(session: aiohttp.ClientSession, pull: PullRequest) -> str | None:
    """The token's user, or None when it is not a person's (the job's token is refused /user)."""
    async with session.get(f"{pull.api_url}/user") as response:
        if response.status != 200:
            return None
        login = (await response.json()).get("login")
        return str(login) if login else None


async def _posted(response: aiohttp.ClientResponse, verb: str, *, created: bool = False) -> Posted:
    if response.status not in (200, 201):
        raise _Refused(_refusal(response.status, verb))
    answer = await response.json()
    return Posted(url=str(answer.get("html_url") or answer.get("url")), created=created)


def _refusal(status: int, verb: str) -> str:
    done = "listed" if verb == "list" else verb + "d"
    if status in (401, 403, 404):
        return (
            f"the pull-request comment could not be {done} (HTTP {status}): the token may not write "
            "to this pull request (a fork's pull request gets a read-only token; give the job "
            "`pull-requests: write`); the plan is in the job summary"
        )
    return f"the pull-request comment could not be {done} (HTTP {status}); the plan is in the job summary"
