"""A git repository's ``origin`` remote as the web link of its files (GitHub and GitLab shapes).

Read with the real ``git`` CLI. The remote's URL may carry credentials
(``https://user:token@host/...``): they are dropped here and never reach a file or a line printed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!/).+)$")
_GIT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Repository:
    """A checkout: its top folder, its ``origin`` as a web URL without credentials, and its branch."""

    top: Path
    clone_url: str | None  # origin, credentials removed
    web_url: str | None  # https://host/owner/repo, when origin is on a host we know the shape of
    branch: str

    def url_template(self, folder: Path) -> str | None:
        """The public link of a document of a source rooted at ``folder``: ``.../blob/main/docs/{path}``."""
        if self.web_url is None:
            return None
        inside = PurePosixPath(folder.resolve().relative_to(self.top.resolve()).as_posix())
        prefix = "" if str(inside) == "." else f"{inside}/"
        blob = "/-/blob/" if "gitlab" in (urlsplit(self.web_url).hostname or "") else "/blob/"
        return f"{self.web_url}{blob}{self.branch}/{prefix}{{path}}"


def _git(folder: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - git, with arguments of our own
            [git, "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def without_credentials(remote: str) -> str:
    """``remote`` with any ``user:password@`` of a URL removed (an scp-like ``git@host:`` is kept)."""
    parts = urlsplit(remote)
    if parts.scheme and parts.netloc and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return parts._replace(netloc=host).geturl()
    return remote


def web_url(remote: str) -> str | None:
    """``https://github.com/owner/repo`` for an https, ssh or scp-like remote on GitHub or GitLab."""
    parts = urlsplit(remote)
    if parts.scheme in ("https", "http", "ssh", "git") and parts.hostname:
        host, path = parts.hostname, parts.path
    else:
        match = _SCP_LIKE.match(remote)
        if match is None:
            return None
        host, path = match["host"], match["path"]
    if "github" not in host and "gitlab" not in host:
        return None
    path = path.strip("/").removesuffix(".git")
    return f"https://{host}/{path}" if path.count("/") >= 1 else None


def repository(folder: Path) -> Repository | None:
    """The git checkout ``folder`` is in, or None when it is not in one (or git is missing)."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    origin = _git(folder, "remote", "get-url", "origin")
    default = _git(folder, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")  # origin/main
    current = _git(folder, "symbolic-ref", "--short", "HEAD")
    branch = default.split("/", 1)[1] if default and "/" in default else current or "main"
    clone_url = without_credentials(origin) if origin else None
    return Repository(
        top=Path(top),
        clone_url=clone_url,
        web_url=web_url(clone_url) if clone_url else None,
        branch=branch,
    )
