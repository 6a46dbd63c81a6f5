"""The files of a ``git`` source as its docs site reads them (:class:`ingest.sites.SiteFiles`):
every path of the tree at the synced commit, read as blobs of that commit (reads made together
share one ``git cat-file --batch``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from connectors.git.batch import Batcher
from connectors.git.gitcmd import GitError
from connectors.git.repository import Repository


class TreeFiles:
    """Satisfies :class:`ingest.sites.SiteFiles` for a repository at one commit."""

    def __init__(self, repository: Repository, commit: str, blobs: Mapping[str, str]) -> None:
        self._repository = repository
        self._commit = commit
        self._blobs = dict(blobs)
        self._reads: Batcher[str, bytes | None] = Batcher(self._read_batch)

    def paths(self) -> Collection[str]:
        return self._blobs.keys()

    async def read(self, path: str) -> bytes | None:
        if path not in self._blobs:
            return None
        return await self._reads.submit(self._blobs[path])

    async def _read_batch(self, oids: Sequence[str]) -> list[bytes | None]:
        try:
            blobs = await self._repository.read_blobs(self._commit, oids)
        except GitError:
            return [None] * len(oids)
        return [blobs.get(oid) for oid in oids]
