"""A streamed plan's record of each upload, kept on disk instead of in memory.

A first sync keeps, for every document it sends, what the report and the steps after the
upserts read of it (action, ids, title, front matter scalars, hash, remote id, declared
availability): about 1 KB a document as Python objects, held to the end of the run. Here each
is one ``marshal`` record appended to an anonymous temporary file in the state's folder, and
memory holds only its offset and length (12 bytes). The file has no name once created (the
operating system removes it when it is closed or the process ends, a crash included), so no
run leaves one behind for the next to clean up.

The records are read back in a stream, in the order they were kept, as the light upserts
:class:`~ingest.plan.PlanBuilder` kept in memory before (no HTML, URL or fingerprint).
"""

from __future__ import annotations

import marshal
import tempfile
import weakref
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ingest.availability import Availability
from ingest.document import Page
from ingest.errors import StorageError
from ingest.plan import Action, Upsert, UpsertsByPosition
from ingest.storage import storage_problem

#: Marshal's format version 4, the newest every supported Python reads and writes.
_VERSION = 4


class SpilledUpserts:
    """Upserts appended to a temporary file, read back as two sequences: creates and updates."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        try:
            self._file: IO[bytes] = tempfile.TemporaryFile(prefix=".ingest-plan-", dir=folder)  # noqa: SIM115 (closed by the finalizer)
        except OSError as exc:
            raise self._storage_error(exc) from exc
        # A plan outlives the run that made it (the report reads it): the file goes with the last reader.
        weakref.finalize(self, self._file.close)
        self._end = 0
        self._written = True
        self._offsets = {Action.CREATE: array("Q"), Action.UPDATE: array("Q")}
        self._lengths = {Action.CREATE: array("L"), Action.UPDATE: array("L")}

    def append(self, upsert: Upsert) -> None:
        """Keep ``upsert``'s light record (its page's ids, title and scalar metadata)."""
        page = upsert.page
        record = marshal.dumps(
            (
                upsert.action.value,
                _exact(page.external_id),
                _exact(page.title),
                _exact(page.locator),
                {
                    key: _exact(value)
                    for key, value in page.metadata.items()
                    if isinstance(value, str | int | float)
                },
                upsert.content_hash,
                upsert.remote_id,
                upsert.declared.as_tuple(),
                upsert.restore,
            ),
            _VERSION,
        )
        try:
            if not self._written:
                self._file.seek(self._end)
                self._written = True
            self._file.write(record)
        except OSError as exc:  # a full disk: one sentence, as for the state file beside it
            raise self._storage_error(exc) from exc
        self._offsets[upsert.action].append(self._end)
        self._lengths[upsert.action].append(len(record))
        self._end += len(record)

    def creates(self) -> Sequence[Upsert]:
        return _Kept(self, Action.CREATE)

    def updates(self) -> Sequence[Upsert]:
        return _Kept(self, Action.UPDATE)

    def count(self, action: Action) -> int:
        return len(self._offsets[action])

    def read(self, action: Action, index: int) -> Upsert:
        if self._written:
            try:
                self._file.flush()
            except OSError as exc:
                raise self._storage_error(exc) from exc
            self._written = False
        self._file.seek(self._offsets[action][index])
        # Bytes this process wrote to a file no other can open (it has no name): not untrusted input.
        return _upsert(marshal.loads(self._file.read(self._lengths[action][index])))  # noqa: S302

    def _storage_error(self, exc: OSError) -> StorageError:
        return StorageError(storage_problem("keep the run's plan in", self._folder, exc.strerror or str(exc)))


class _Kept(UpsertsByPosition):
    """The creates (or updates) of a :class:`SpilledUpserts`, each read from disk when asked for."""

    def __init__(self, spill: SpilledUpserts, action: Action) -> None:
        self._spill, self._action = spill, action

    def __len__(self) -> int:
        return self._spill.count(self._action)

    def _at(self, position: int) -> Upsert:
        return self._spill.read(self._action, position)

    def __iter__(self) -> Iterator[Upsert]:
        for position in range(len(self)):
            yield self._spill.read(self._action, position)


def _exact(value: str | int | float) -> str | int | float:
    """``value`` as marshal takes it: a connector's own kind of str, int or float (an enum, a str
    subclass; the SDK takes any) as the plain value it stands for, equal to it."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    return int.__int__(value) if isinstance(value, int) else float.__float__(value)


def _upsert(record: tuple[Any, ...]) -> Upsert:
    action, external_id, title, locator, metadata, content_hash, remote_id, declared, restore = record
    page = Page(
        external_id=external_id,
        title=title,
        html="",
        url=None,
        locator=locator,
        fingerprint="",
        metadata=metadata,
    )
    return Upsert(Action(action), page, content_hash, remote_id, Availability(*declared), restore)
