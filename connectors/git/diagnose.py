"""Turning a failed git command into one sentence that says what is wrong and what to do.

git's messages (in the C locale, see :mod:`connectors.git.gitcmd`) are matched against the
few situations a user must tell apart: git missing, the repository missing, credentials
refused, the host unreachable. Everything quoted here was redacted when it was captured.
"""

from __future__ import annotations

import re

from connectors.git.gitcmd import GitError, GitFailed, GitNotFound, GitTimeout
from connectors.git.location import RepoLocation
from ingest.errors import ConnectorError

_AUTH = re.compile(
    r"authentication failed|could not read (username|password)|terminal prompts disabled"
    r"|permission denied \((publickey|keyboard|password)|invalid (username or password|credentials)"
    r"|http basic: access denied|returned error: 40[13]|access denied",
    re.IGNORECASE,
)
_HOST_KEY = re.compile(r"host key verification failed", re.IGNORECASE)
_NOT_FOUND = re.compile(
    r"repository .*not found|does not appear to be a git repository|returned error: 404"
    r"|not a git repository|no such (file or directory|repository)"
    r"|project you were looking for could not be found",
    re.IGNORECASE,
)
_UNREACHABLE = re.compile(
    r"could not resolve host|failed to connect|connection (refused|timed out|reset)|network is unreachable"
    r"|no route to host|could not resolve hostname|operation timed out|ssl certificate problem",
    re.IGNORECASE,
)
_DUBIOUS = re.compile(r"dubious ownership", re.IGNORECASE)
_NO_FILTER = re.compile(r"filter.*not (recognized|supported)|unsupported filter", re.IGNORECASE)


def gist(stderr: str) -> str:
    """The line of git's error output that says the most: its last ``fatal:``, else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.lower().startswith(("fatal:", "error:"))]
    chosen = (fatal or lines or ["no message"])[-1]
    return re.sub(r"^(fatal|error):\s*", "", chosen, flags=re.IGNORECASE)


def filter_refused(error: GitFailed) -> bool:
    """Whether a clone failed only because the server does not serve partial clones."""
    return _NO_FILTER.search(error.stderr) is not None


def _line(pattern: re.Pattern[str], stderr: str) -> str | None:
    """The first line of ``stderr`` that ``pattern`` recognises, without git's ``fatal:`` prefix."""
    for line in stderr.splitlines():
        if pattern.search(line):
            return re.sub(r"^(fatal|error|remote):\s*", "", line.strip(), flags=re.IGNORECASE)
    return None


def explain(error: GitError, location: RepoLocation, doing: str) -> ConnectorError:
    """``error`` (raised while ``doing``, e.g. "fetching") as the ConnectorError a user reads."""
    where = location.display
    if isinstance(error, GitNotFound):
        return ConnectorError(
            "git is not installed or not on PATH: the git connector runs the git command line; install git"
        )
    if isinstance(error, GitTimeout):
        return ConnectorError(f"{doing} {where} timed out: {error} (raise the source's timeout option)")
    assert isinstance(error, GitFailed)
    stderr = error.stderr
    if _DUBIOUS.search(stderr):
        return ConnectorError(
            f"git refuses to read {where}: it belongs to another user "
            f"(if you trust it: git config --global --add safe.directory {where})"
        )
    if _HOST_KEY.search(stderr):
        return ConnectorError(
            f"authentication failed for {where}: the server's SSH host key is not known yet "
            "(connect once with ssh to check and accept it)"
        )
    if detail := _line(_AUTH, stderr):
        return ConnectorError(f"authentication failed for {where}: {_auth_hint(location)} ({detail})")
    if detail := _line(_NOT_FOUND, stderr):
        access = ", or no access to it" if location.is_remote else ""
        return ConnectorError(f"repository {where} not found{access} ({detail})")
    if detail := _line(_UNREACHABLE, stderr):
        return ConnectorError(f"cannot reach {where}: {detail}")
    return ConnectorError(f"{doing} {where} failed: {gist(stderr)}")


def _auth_hint(location: RepoLocation) -> str:
    if (location.url or "").lower().startswith(("http://", "https://")):
        return "check the user and token in the URL, or your git credential helper"
    return "check that your SSH key is loaded (ssh-agent) and allowed to read the repository"
