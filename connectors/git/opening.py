"""Getting a repository ready to read: a local one found in place, a remote one cloned or fetched.

A remote is cloned once into the cache folder as a bare, blob-less partial clone
(``--filter=blob:none``: commits and trees, no file contents; no work tree) and fetched
on later runs with force-updating refspecs for branches and tags, so a force-push or a
moved tag is followed and deleted branches disappear. A server that does not serve
partial clones makes git warn and clone in full, which works the same, only bigger.
A clone is made in a temporary folder and renamed into place, so an interrupted clone
never passes for a good one; a file lock keeps two processes from fetching into the
same clone at once.
"""

from __future__ import annotations

import asyncio
import shutil
import stat
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout

from connectors.git.gitcmd import Git, GitFailed
from ingest.errors import ConnectorError

_REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")


async def open_repository(git: Git, cache_root: Path) -> None:
    """Set ``git.git_dir`` to the repository to read; raise ConnectorError or GitError when impossible."""
    if git.location.is_remote:
        await _sync_cache(git, cache_root)
    else:
        await _open_local(git)


async def _open_local(git: Git) -> None:
    location = git.location
    assert location.local_path is not None
    try:
        found = await asyncio.to_thread(location.local_path.stat)
    except (FileNotFoundError, NotADirectoryError):
        found = None
    except OSError as exc:  # an unmounted disk (ENOTCONN, ESTALE, EIO), a folder not to be entered
        raise ConnectorError(f"repository {location.display} cannot be read: {exc.strerror or exc}") from exc
    if found is None or not stat.S_ISDIR(found.st_mode):
        raise ConnectorError(f"repository {location.display} not found: no such folder")
    out = await git.run("-C", str(location.local_path), "rev-parse", "--absolute-git-dir", "--show-prefix")
    git_dir, prefix = [*out.decode("utf-8", "surrogateescape").splitlines(), ""][:2]
    if prefix:
        raise ConnectorError(
            f"{location.display} is a folder inside a repository, not its top: set repo to the "
            f'repository\'s top folder and paths = ["{prefix.rstrip("/")}"]'
        )
    git.git_dir = Path(git_dir)


async def _sync_cache(git: Git, cache_root: Path) -> None:
    try:
        await asyncio.to_thread(cache_root.mkdir, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConnectorError(f"cannot create the git cache folder {cache_root}: {exc.strerror}") from exc
    target = cache_root / git.location.cache_name()
    # Two sources (or processes) sharing a remote must not fetch into one clone at once.
    lock = FileLock(f"{target}.lock", thread_local=False)
    try:
        await asyncio.to_thread(lock.acquire, timeout=git.timeout)
    except Timeout:
        raise ConnectorError(f"the git cache {target} stayed locked by another process") from None
    try:
        if await _is_clone(git, target):
            await git.run("fetch", "--prune", "--no-write-fetch-head", "origin")
        else:
            await _clone(git, cache_root, target)
    finally:
        lock.release()


async def _is_clone(git: Git, target: Path) -> bool:
    """Whether ``target`` is a usable clone (then ``git`` reads it); a broken one is removed."""
    if await asyncio.to_thread(target.is_dir):
        git.git_dir = target
        try:
            if (await git.run("rev-parse", "--is-bare-repository")).strip() == b"true":
                return True
        except GitFailed:
            pass
        git.git_dir = None
    # A clone cut short, or something else entirely: start afresh.
    await asyncio.to_thread(shutil.rmtree, target, True)
    return False


async def _clone(git: Git, cache_root: Path, target: Path) -> None:
    assert git.location.url is not None
    temporary = Path(tempfile.mkdtemp(prefix=f"{target.name}.tmp-", dir=cache_root))
    try:
        await git.run("clone", "--bare", "--filter=blob:none", "--", git.location.url, str(temporary))
        git.git_dir = temporary
        await git.run("config", "--replace-all", "remote.origin.fetch", _REFSPECS[0])
        await git.run("config", "--add", "remote.origin.fetch", _REFSPECS[1])
        await asyncio.to_thread(temporary.rename, target)
        git.git_dir = target
    finally:
        await asyncio.to_thread(shutil.rmtree, temporary, True)
