"""The last commit that touched each file: its id, time and author, for the documents read.

``git log -- <file>`` per file would cost a history walk per document. Instead one walk
from the synced commit (``git log --name-only``, newest first) answers every file it
passes: the first commit that names a path is the last one that changed it. A walk stops
(its process is killed) as soon as the files asked for are all found, and remembers
everything it saw on the way, so the next batch of documents is often answered without
git; a walk that reaches the root commit has seen everything and ends the walking for
good. A run that reads one changed file walks only the commits back to that change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.git.gitcmd import Git

_HEADER = b"\x1e"
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class LastChange:
    """The last commit that changed a file, as of the synced commit."""

    commit: str
    time: datetime
    author: str


class LastChanges:
    """Answers "which commit last changed these files" for one commit's tree.

    ``tracked`` are the paths worth remembering (the documents present at ``commit``);
    ``pathspecs`` limit the walk to the configured folders.
    """

    def __init__(self, git: Git, commit: str, pathspecs: Sequence[str], tracked: Collection[bytes]) -> None:
        self._git = git
        self._commit = commit
        self._pathspecs = tuple(pathspecs)
        self._tracked = frozenset(tracked)
        self._known: dict[bytes, LastChange] = {}
        self._complete = False
        self._lock = asyncio.Lock()
        self.walks = 0

    async def lookup(self, paths: Collection[bytes]) -> dict[bytes, LastChange]:
        """The last change of each of ``paths`` that has one (all do, in a whole history)."""
        async with self._lock:
            wanted = {path for path in paths if path not in self._known and path in self._tracked}
            if wanted and not self._complete:
                await self._walk(wanted)
        return {path: self._known[path] for path in paths if path in self._known}

    async def _walk(self, wanted: set[bytes]) -> None:
        self.walks += 1
        args = (
            "-c", "log.showSignature=false", "log", "-z", "--no-renames", "--name-only", "--no-color",
            "--format=%x1e%H %ct %aN", self._commit, "--", *self._pathspecs,
        )  # fmt: skip
        current: LastChange | None = None
        pending = b""
        async with asyncio.timeout(self._git.timeout), self._git.stream(*args) as output:
            while chunk := await output.read(_CHUNK):
                *tokens, pending = (pending + chunk).split(b"\0")
                for token in tokens:
                    if token.startswith(_HEADER):
                        current = _parse_header(token[1:])
                        continue
                    path = token.removeprefix(b"\n")
                    if current is not None and path in self._tracked and path not in self._known:
                        self._known[path] = current
                        wanted.discard(path)
                if not wanted:
                    return  # leaving the block kills git: the rest of history is not needed
        self._complete = True


def _parse_header(raw: bytes) -> LastChange:
    commit, seconds, author = raw.decode("utf-8", "replace").split(" ", 2)
    return LastChange(commit, datetime.fromtimestamp(int(seconds), tz=UTC), author)
