"""Real git repositories for tests, built with the git CLI in temporary folders.

Every repository is isolated from the developer's git configuration (no global or system
config) and its commits carry fixed, increasing dates, so ids and metadata are the same
on every run. :func:`isolate_git` does the same for the connector under test.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import subprocess
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from connectors.git import GitOptions, GitRepoConnector
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument

#: 2023-11-14T22:13:20Z, then one hour per commit.
FIRST_COMMIT_TIME = 1_700_000_000
AUTHORS = {"Ada": "ada@example.com", "Bob": "bob@example.com"}


def isolate_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No global or system git config, no git hook variables, a private XDG cache folder."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS"):
        monkeypatch.delenv(name, raising=False)


def run_git(folder: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """``git -C folder <args>`` isolated from the developer's config; its stdout, stripped."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    fixed = f"@{FIRST_COMMIT_TIME} +0000"  # tags and the like get a fixed date too
    base.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    base.update(GIT_AUTHOR_DATE=fixed, GIT_COMMITTER_DATE=fixed)
    done = subprocess.run(  # noqa: S603 - git with arguments built by the tests
        ["git", "-C", str(folder), *args],  # noqa: S607 - the git on PATH is the one under test
        env={**base, **(env or {})},
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8", "surrogateescape").strip()


class GitRepo:
    """A repository with a work tree (``bare=False``) or a bare one, driven by the git CLI."""

    def __init__(self, path: Path, *, branch: str = "main", bare: bool = False) -> None:
        self.path = path
        self._commits = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else []))
        self.git("config", "user.name", "Ada")
        self.git("config", "user.email", AUTHORS["Ada"])

    @property
    def url(self) -> str:
        """The repository as a ``file://`` remote."""
        return self.path.resolve().as_uri()

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        return run_git(self.path, *args, env=env)

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (or, for ``None``, remove) files in the work tree and stage them."""
        for relative, content in files.items():
            target = self.path / relative
            if content is None:
                self.git("rm", "-q", "--", relative)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
            self.git("add", "--", relative)

    def commit(self, message: str = "change", files: Mapping[str, str | bytes | None] | None = None,
               *, author: str = "Ada") -> str:  # fmt: skip
        """Stage ``files`` and commit everything staged at the next fixed time; returns the commit id."""
        if files:
            self.write(files)
        when = f"@{FIRST_COMMIT_TIME + 3600 * self._commits} +0000"
        self._commits += 1
        self.git(
            "commit", "-q", "--allow-empty", "-m", message,
            env={
                "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": AUTHORS.get(author, "x@example.com"),
                "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": AUTHORS.get(author, "x@example.com"),
                "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
            },
        )  # fmt: skip
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def blob(self, path: str, rev: str = "HEAD") -> str:
        return self.git("rev-parse", f"{rev}:{path}")

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def serve_partial_clones(self) -> None:
        """Let ``file://`` clones of this repository be partial, as GitHub and GitLab allow."""
        self.git("config", "uploadpack.allowFilter", "true")
        self.git("config", "uploadpack.allowAnySHA1InWant", "true")


def docs_repo(path: Path, files: Mapping[str, str] | None = None, *, branch: str = "main") -> GitRepo:
    """A repository whose first commit holds ``files`` (a small default docs tree)."""
    repo = GitRepo(path, branch=branch)
    repo.commit(
        "first",
        files
        or {
            "docs/intro.md": "# Intro\n\nWelcome. See [setup](setup.md).\n",
            "docs/setup.md": "# Setup\n\nInstall it.\n",
            "docs/guide/usage.html": "<html><head><title>Usage</title></head><body><p>Use.</p></body></html>",
            "notes.txt": "Plain notes.\n",
            "README.md": "# Project\n",
            "src/main.py": "print('not a document')\n",
            "docs/logo.png": "not a document either",
        },
    )
    return repo


def connector(repo: str | Path, *, base_dir: Path | None = None, **options: Any) -> GitRepoConnector:
    """A connector built the way the config layer builds it."""
    context = {"base_dir": base_dir} if base_dir is not None else None
    return GitRepoConnector(GitOptions.model_validate({"repo": str(repo), **options}, context=context))


async def scan(source: GitRepoConnector) -> list[DocumentRef | SkippedDocument | Failure]:
    return [item async for item in source.scan()]


async def refs(source: GitRepoConnector) -> dict[str, DocumentRef]:
    return {item.locator: item for item in await scan(source) if isinstance(item, DocumentRef)}


async def load_all(source: GitRepoConnector) -> dict[str, SourceDocument | SkippedDocument | Failure]:
    """Scan, then load every document found, all at once as the engine does."""
    found = list((await refs(source)).values())
    loaded = await asyncio.gather(*(source.load(ref) for ref in found))
    return {ref.locator: item for ref, item in zip(found, loaded, strict=True)}


@asynccontextmanager
async def http_git_server(
    bare_repo: GitRepo, *, user: str, password: str, hang: bool = False
) -> AsyncIterator[str]:
    """Serve ``bare_repo`` over git's "dumb" HTTP protocol on loopback, behind Basic auth.

    Yields the base URL; the repository is at ``<base>/repo.git``. With ``hang``, every
    request waits forever (a server that accepts connections and never answers).
    """
    bare_repo.git("update-server-info")
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    never = asyncio.Event()

    async def handle(request: web.Request) -> web.StreamResponse:
        if hang:
            await never.wait()
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="git"'})
        relative = request.path.removeprefix("/repo.git/")
        target = (bare_repo.path / relative).resolve()
        if (
            relative == request.path
            or not target.is_relative_to(bare_repo.path.resolve())
            or not target.is_file()
        ):
            return web.Response(status=404)
        return web.Response(body=target.read_bytes())

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    await web.SockSite(runner, listener).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        never.set()
        await runner.cleanup()
