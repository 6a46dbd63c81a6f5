"""A repository read at commits: refs resolved, trees listed, blobs read in batches.

Nothing here looks at a work tree: every read names a commit or a blob, so uncommitted
edits in a local checkout are never synced. In a blob-less clone (see
:mod:`connectors.git.opening`) file contents are downloaded only for the documents
actually read, a batch at a time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from connectors.git.diagnose import explain
from connectors.git.gitcmd import Git, GitError, GitFailed
from connectors.git.opening import open_repository
from ingest.errors import ConnectorError

_HEX_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_SHOWN_REFS = 8

Relation = Literal["same", "fast-forward", "rewritten", "unknown"]


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One entry of ``git ls-tree -r``: the raw path bytes, mode, object type and id."""

    path: bytes
    mode: str
    kind: str
    oid: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A ref resolved to a commit; ``name`` is what ``{ref}`` means in a link."""

    commit: str
    name: str


class Repository:
    """The repository behind one ``repo`` option, opened by :meth:`open` before anything else."""

    def __init__(self, git: Git, cache_root: Path) -> None:
        self.git = git
        self.location = git.location
        self._cache_root = cache_root
        self._missing: set[str] | None = None
        self._partial: bool | None = None
        self._order: list[str] = []
        self._position: dict[str, int] = {}
        self._prefetched = 0

    async def open(self) -> None:
        """Find the local repository, or clone / fetch the remote one into the cache."""
        try:
            await open_repository(self.git, self._cache_root)
        except GitError as exc:
            raise explain(exc, self.location, "fetching" if self.location.is_remote else "opening") from None

    async def _config(self, key: str) -> str | None:
        try:
            return (await self.git.run("config", "--get", key)).decode().strip()
        except GitFailed:
            return None

    async def resolve(self, ref: str | None) -> Resolved:
        """``ref`` (or the default branch) as a commit; ConnectorError naming a ref that does not exist."""
        try:
            if ref is None:
                return await self._resolve_default()
            commit = await self._rev_parse(ref)
            if commit is None and self.location.is_remote and _HEX_ID.match(ref):
                # A commit no branch or tag leads to: ask the server for it by id.
                await self.git.run("fetch", "--no-write-fetch-head", "origin", ref)
                commit = await self._rev_parse(ref)
        except GitError as exc:
            raise explain(exc, self.location, "reading") from None
        if commit is None:
            raise ConnectorError(
                f"ref {ref!r} does not exist in {self.location.display}{await self._known()}"
            )
        return Resolved(commit, ref.removeprefix("refs/heads/").removeprefix("refs/tags/"))

    async def _resolve_default(self) -> Resolved:
        name: str | None = None
        if self.location.is_remote:
            # The remote's default branch may have changed (master -> main) since the clone.
            out = await self.git.run("ls-remote", "--symref", "origin", "HEAD")
            match = re.search(rb"^ref: refs/heads/(\S+)\tHEAD$", out, re.MULTILINE)
            if match is not None:
                name = match[1].decode("utf-8", "replace")
                await self.git.run("symbolic-ref", "HEAD", f"refs/heads/{name}")
        commit = await self._rev_parse("HEAD")
        if commit is None:
            raise ConnectorError(f"repository {self.location.display} has no commits on its default branch")
        if name is None:
            try:
                name = (await self.git.run("symbolic-ref", "--short", "-q", "HEAD")).decode().strip()
            except GitFailed:  # a detached HEAD: the commit is the only name there is
                name = commit
        return Resolved(commit, name or commit)

    async def _rev_parse(self, ref: str) -> str | None:
        try:
            out = await self.git.run("rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}")
        except GitFailed:
            return None
        return out.decode().strip() or None

    async def _known(self) -> str:
        try:
            out = await self.git.run("for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags")
        except GitError:
            return ""
        refs = out.decode("utf-8", "replace").split()
        parts = []
        for kind, prefix in (("branches", "refs/heads/"), ("tags", "refs/tags/")):
            names = [name.removeprefix(prefix) for name in refs if name.startswith(prefix)]
            if names:
                more = f", ... ({len(names)} in all)" if len(names) > _SHOWN_REFS else ""
                parts.append(f"{kind}: {', '.join(names[:_SHOWN_REFS])}{more}")
        return f" ({'; '.join(parts)})" if parts else " (it has no branches or tags)"

    async def list_files(self, commit: str, paths: Sequence[str]) -> list[TreeEntry]:
        """Every entry under ``paths`` (all when empty) at ``commit``, with its blob id."""
        try:
            out = await self.git.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths)
        except GitError as exc:
            raise explain(exc, self.location, "listing") from None
        entries = []
        for record in out.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                mode, kind, oid = meta.decode().split(" ")
                entries.append(TreeEntry(path, mode, kind, oid))
        return entries

    async def read_blobs(self, commit: str, oids: Sequence[str]) -> dict[str, bytes]:
        """The contents of ``oids``, blobs of ``commit``; an id git cannot produce is left out."""
        wanted = list(dict.fromkeys(oids))
        if len(wanted) > 1 and await self._is_partial():
            await self._prefetch(commit, wanted)
        # One process for the batch; a lone missing blob is fetched by git itself on the way.
        out = await self.git.run("cat-file", "--batch", input="".join(f"{oid}\n" for oid in wanted).encode())
        blobs: dict[str, bytes] = {}
        position = 0
        while position < len(out):
            end = out.index(b"\n", position)
            header = out[position:end].split(b" ")
            position = end + 1
            if len(header) == 3:
                size = int(header[2])
                blobs[header[0].decode()] = out[position : position + size]
                position += size + 1
        return blobs

    async def _is_partial(self) -> bool:
        """Whether blobs may be missing here (a blob-less clone); asked once, only when it matters."""
        if self._partial is None:
            self._partial = self.location.is_remote and await self._config("remote.origin.promisor") == "true"
        return self._partial

    def expect_reads(self, oids: Sequence[str]) -> None:
        """The blobs that may be read, in the order they will be (the scan's order)."""
        self._order = list(oids)
        self._position = {oid: index for index, oid in reversed(list(enumerate(self._order)))}

    async def _prefetch(self, commit: str, oids: list[str]) -> None:
        """Download a batch's missing blobs in one request rather than one request per file.

        Each request also takes as many of the blobs that follow in reading order as were
        fetched before it, so a run reading the whole tree makes a few growing requests
        (32, 64, 128... blobs) and a run reading a few files downloads little more than those.
        """
        if self._missing is None:
            # Which blobs of the commit's tree are not here yet, asked once without fetching any.
            listing = await self.git.run("rev-list", "--objects", "--no-walk", "--missing=print", commit)
            self._missing = {line[1:].decode() for line in listing.splitlines() if line.startswith(b"?")}
        missing = self._missing
        fetch = [oid for oid in oids if oid in missing]
        if len(fetch) < 2:
            return  # none, or one that git fetches by itself as it reads
        after = max((self._position.get(oid, -1) for oid in oids), default=-1) + 1
        ahead = (oid for oid in self._order[after:] if oid in missing and oid not in oids)
        fetch += list(itertools.islice(ahead, self._prefetched))
        # What git itself runs to fill in a partial clone, for a whole list of objects at once.
        await self.git.run(
            "-c", "fetch.negotiationAlgorithm=noop", "fetch", "origin", "--no-tags", "--no-write-fetch-head",
            "--recurse-submodules=no", "--filter=blob:none", "--stdin",
            input="".join(f"{oid}\n" for oid in fetch).encode(),
        )  # fmt: skip
        self._prefetched += len(fetch)
        missing.difference_update(fetch)

    async def relation(self, old: str, new: str) -> Relation:
        """How the last synced commit ``old`` relates to ``new``."""
        if old == new:
            return "same"
        try:
            await self.git.run("merge-base", "--is-ancestor", old, new)
        except GitFailed as exc:
            return "rewritten" if exc.returncode == 1 else "unknown"
        except GitError:
            return "unknown"
        return "fast-forward"
