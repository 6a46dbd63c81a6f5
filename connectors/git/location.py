"""Where a repository lives, and how to talk about it without leaking its credentials.

A ``repo`` option is either a local folder or a remote URL (``https://``, ``http://``,
``ssh://``, ``git://``, ``file://`` or scp-like ``git@host:owner/repo.git``). Credentials
written into an http(s) URL are taken out of it at once: git is given the bare URL and
receives the user name and password through its own credential machinery (see
:mod:`connectors.git.gitcmd`), so they never reach a command line, git's messages, the
cache's config file or anything fin-ingest prints. :meth:`RepoLocation.redact` is the one
function every outgoing message about the repository goes through.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

#: Schemes git is allowed to use; anything else (``ext::``, ``fd::``) is refused up front.
REMOTE_SCHEMES = frozenset({"https", "http", "ssh", "git+ssh", "ssh+git", "git", "file"})
_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*::")
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")
# git's rule: a colon before the first slash means an scp-like ssh address (user@host:path).
_SCP = re.compile(r"^(?:(?P<user>[^@/:]+)@)?(?P<host>[^/:@]+):(?P<path>.+)$")
# Userinfo of URLs inside free text (git's stderr): all of it for http(s), where a user name
# may be a token; only the password for the others, where ``git@`` is just an address.
_HTTP_USERINFO = re.compile(r"(?P<scheme>https?://)[^/@\s'\"]+@", re.IGNORECASE)
_PASSWORD_IN_URL = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^/@:\s'\"]*):[^/@\s'\"]+@")
_MIN_SECRET = 4
REDACTED = "***"


@dataclass(frozen=True)
class RepoLocation:
    """A parsed ``repo`` option.

    ``url`` is what git is given for a remote: without password, and for http(s) without
    user name either (those are in ``username``/``password``). ``display`` is safe to print.
    """

    local_path: Path | None
    url: str | None
    display: str
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    @property
    def is_remote(self) -> bool:
        return self.url is not None

    @property
    def secrets(self) -> tuple[str, ...]:
        """The strings that must never be printed, in every spelling git might use."""
        found: list[str] = []
        for value in (self.username, self.password):
            if value:
                found += [value, quote(value, safe=""), quote(value)]
        return tuple(dict.fromkeys(secret for secret in found if len(secret) >= _MIN_SECRET))

    def redact(self, text: str) -> str:
        """``text`` with every credential of this location, and any URL userinfo, blanked."""
        text = _HTTP_USERINFO.sub(lambda match: f"{match['scheme']}{REDACTED}@", text)
        text = _PASSWORD_IN_URL.sub(lambda match: f"{match['head']}:{REDACTED}@", text)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def cache_name(self) -> str:
        """A folder name for this remote's clone: readable, unique per URL, free of credentials."""
        assert self.url is not None, "only remotes are cached"
        digest = hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:16]
        host, path = _host_and_path(self.url)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{host or 'local'}-{path.rsplit('/', 1)[-1]}")
        stem = stem.removesuffix(".git").strip("-.")[:60] or "repo"
        return f"{stem}-{digest}"

    def web_url_template(self) -> str | None:
        """A blob-view link for a GitHub, GitLab or Bitbucket remote; ``None`` for any other."""
        if self.url is None:
            return None
        host, path = _host_and_path(self.url)
        host = host.lower().removeprefix("www.")
        path = path.strip("/").removesuffix(".git")
        if path.count("/") < 1 or not re.fullmatch(r"[A-Za-z0-9._/\-~]+", path):
            return None
        if host == "github.com" and path.count("/") == 1:
            return f"https://github.com/{path}/blob/{{ref}}/{{path}}"
        if host == "gitlab.com":  # GitLab groups nest: group/subgroup/project
            return f"https://gitlab.com/{path}/-/blob/{{ref}}/{{path}}"
        if host == "bitbucket.org" and path.count("/") == 1:
            return f"https://bitbucket.org/{path}/src/{{ref}}/{{path}}"
        return None


def is_remote_spec(value: str) -> bool:
    """Whether ``value`` names a remote (a URL or an scp-like address) rather than a folder."""
    return _URL.match(value) is not None or _SCP.match(value) is not None


def parse_location(value: str, base_dir: Path | None) -> RepoLocation:
    """Parse a ``repo`` option; ValueError (never quoting credentials) when it cannot be used.

    A local folder is made absolute against ``base_dir`` (the config file's folder).
    """
    value = value.strip()
    if not value:
        raise ValueError("repo must not be empty")
    if value.startswith("-"):
        raise ValueError("repo must not start with '-'")
    if _HELPER.match(value):
        raise ValueError("repo must be a folder or a URL, not a remote-helper address (transport::address)")
    url_match = _URL.match(value)
    if url_match is not None:
        return _parse_url(value, url_match["scheme"].lower())
    if _SCP.match(value) is not None:
        return RepoLocation(local_path=None, url=value, display=value)
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    path = Path(os.path.normpath(path))  # like ConfigPath: tidy, without resolving symlinks
    return RepoLocation(local_path=path, url=None, display=str(path))


def _parse_url(value: str, scheme: str) -> RepoLocation:
    if scheme not in REMOTE_SCHEMES:
        allowed = ", ".join(sorted(REMOTE_SCHEMES))
        raise ValueError(f"repo URL scheme {scheme}:// is not supported (use one of: {allowed})")
    parts = urlsplit(value)
    if scheme != "file" and not parts.hostname:
        raise ValueError(f"repo URL {_rebuild(parts, None)} names no host")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if scheme in ("http", "https"):
        # Both go through git's credential machinery; the URL git sees carries neither.
        location = RepoLocation(None, _rebuild(parts, None), "", username=username, password=password)
    elif password is not None:
        # ssh, git and file transports have no use for a password: keep it out of git's hands.
        location = RepoLocation(None, _rebuild(parts, parts.username), "", password=password)
    else:
        location = RepoLocation(None, value, "")
    assert location.url is not None
    return replace(location, display=location.redact(location.url))


def _rebuild(parts: SplitResult, username: str | None) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{username}@" if username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _host_and_path(url: str) -> tuple[str, str]:
    if _URL.match(url):
        parts = urlsplit(url)
        return parts.hostname or "", parts.path
    scp = _SCP.match(url)
    if scp is not None:
        return scp["host"], scp["path"]
    return "", url
