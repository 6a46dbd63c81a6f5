"""The one extension point: a Connector yields the documents of one source.

A connector is any class that satisfies :class:`ConnectorFactory`: it names its
options model and, built from validated options, satisfies :class:`Connector`.
It need not inherit anything from fin-ingest, and it knows nothing of Intercom.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Protocol, TypeVar, runtime_checkable

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.sites.contract import SiteLinks


def _resolve_against_config_dir(value: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    value = value.expanduser()
    if not value.is_absolute() and base is not None:
        value = Path(base) / value
    return Path(os.path.normpath(value))


#: A path option; relative paths are taken from the folder of the config file.
ConfigPath = Annotated[Path, AfterValidator(_resolve_against_config_dir)]


class ConnectorOptions(BaseModel):
    """Base for a connector's options: unknown keys are errors, values are immutable.

    Options are validated with ``context={"base_dir": <config folder>}`` so that
    :data:`ConfigPath` fields resolve relative to the config file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


@runtime_checkable
class Connector(Protocol):
    """**Protocol**: the documents of one configured source.

    ``scan`` must be cheap: it lists documents with a fingerprint and reads as little
    as it can. The engine calls ``load`` only for documents whose fingerprint differs
    from the one recorded at the last successful sync. A file the scan deliberately leaves
    out for a reason the user should hear (a symlink pointing outside the root) is a
    :class:`SkippedDocument`; files that are simply not documents are not mentioned.
    A document that cannot be read
    is a :class:`Failure` value, never an exception; an exception from ``scan`` (use
    :class:`ingest.errors.ConnectorError`) means the whole source cannot be read, and
    the engine then deletes nothing for it.
    """

    def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]: ...

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure: ...


@runtime_checkable
class ProvidesLinks(Protocol):
    """**Protocol** (optional): a connector that knows how its documents are linked.

    ``link_variables`` (valid after ``scan``) fills placeholders of ``url_template`` beyond
    ``{path}``, e.g. a git connector's ``{ref}`` and ``{commit}``; the factory names them in
    ``url_variables`` so a template can be checked before anything runs.
    ``default_url_template`` is used when the source configures none (a blob-view link
    derived from a GitHub remote, say); ``None`` means documents carry no link.
    """

    def link_variables(self) -> Mapping[str, str]: ...

    def default_url_template(self) -> str | None: ...


@runtime_checkable
class ProvidesSiteLinks(Protocol):
    """**Protocol** (optional): a connector whose source is a docs site knows how its pages
    link to each other on the published site (see :mod:`ingest.sites`).

    ``site_links`` (valid after ``scan``) gives the site's :class:`~ingest.sites.SiteLinks`:
    where each relative link of a page points, and the ids its headings get. The engine awaits
    it once per run, and only when some page is to be converted; ``None`` means the converter's
    own rules (``url_template``, GitHub heading ids) apply.
    """

    async def site_links(self) -> SiteLinks | None: ...


@runtime_checkable
class Resumable(Protocol):
    """**Protocol** (optional): a connector that scans less when it knows where the last
    fully successful sync ended (a git connector: the commit it synced).

    The engine calls ``resume_from`` with the checkpoint stored after the last run that
    had no failure (``None`` on a first run or after a failure), before ``scan``; after a
    run with no failure it stores ``checkpoint()``. The connector must still yield every
    document present: the checkpoint may only save reading, never hide a document.
    """

    def resume_from(self, checkpoint: str | None) -> None: ...

    def checkpoint(self) -> str | None: ...


@runtime_checkable
class DocumentLoader(Protocol):
    """**Protocol**: what loads a connector's documents in another process (see
    :class:`LoadsElsewhere`). It is pickled once for each worker process, so it holds only plain
    data (the options, the opened site), never an open file, a lock or a thread."""

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        """Exactly what the connector's own ``load`` gives for ``ref``."""
        ...


@runtime_checkable
class LoadsElsewhere(Protocol):
    """**Protocol** (optional): a connector whose documents a conversion worker can load itself,
    so that reading, front matter and the site's preparation run on every core, not only in the
    process that plans and sends.

    ``loader`` (valid after ``scan``) gives a picklable :class:`DocumentLoader`, or None when this
    source cannot be loaded elsewhere (its site keeps state only this process has); the engine
    then loads each document with ``load``.
    """

    def loader(self) -> DocumentLoader | None: ...


@runtime_checkable
class ReadsSourceFiles(Protocol):
    """**Protocol** (optional): a connector whose source is files, which reads one by path.

    The secret scan reads a source's baseline (``secrets_baseline``) this way, once per run and
    only when something is to be converted, after ``scan``: a git source reads it at the commit
    it scanned. Returns None when there is no such file; raises
    :class:`~ingest.errors.ConnectorError` when it cannot be read, or ``path`` leads outside the
    source.
    """

    async def read_source_file(self, path: str) -> bytes | None: ...


@runtime_checkable
class Closeable(Protocol):
    """**Protocol** (optional): a connector that holds something open (a zip file, say).

    The engine calls ``close`` once the source's documents are collected, also when
    collecting failed; the connector is not used after it.
    """

    def close(self) -> None: ...


#: A connector's own options model; invariant, since a factory both names it and takes it.
OptionsT = TypeVar("OptionsT", bound=ConnectorOptions)


class ConnectorFactory(Protocol[OptionsT]):
    """**Protocol**: what the ``ingest.connectors`` entry point names (usually a class).

    Generic over the connector's own options model, so ``FilesystemConnector``, whose
    ``__init__`` takes ``FilesystemOptions``, is a ``ConnectorFactory[FilesystemOptions]``
    (a factory taking any :class:`ConnectorOptions` would have to accept every connector's
    options). The engine builds a connector only from options its ``options_model``
    validated. A factory may also name, in a ``url_variables`` class attribute
    (``frozenset[str]``), the placeholders it fills in ``url_template`` besides ``{path}``
    (see :class:`ProvidesLinks`); without it only ``{path}`` is allowed.
    """

    @property
    def options_model(self) -> type[OptionsT]: ...

    def __call__(self, options: OptionsT, /) -> Connector: ...


# Watching: how ``ingest watch`` learns that a source changed. Both Protocols are optional; a
# connector that implements neither is synced (whole, incrementally) every ``poll_seconds``.


@dataclass(frozen=True, slots=True)
class WatchedFolder:
    """A folder the watch daemon observes: every change below it (with ``recursive``, in its
    subfolders too) is passed to :meth:`Watchable.affected_by`. A folder that does not exist
    cannot be observed: the source is polled until it can be."""

    path: Path
    recursive: bool = True


@dataclass(frozen=True, slots=True)
class WatchedFile:
    """One file the watch daemon observes, through its folder (not recursively), so that a file
    created later or replaced by a rename is seen too; only changes of this file are passed to
    :meth:`Watchable.affected_by`. With ``settles``, a change is synced only once the file has
    stopped growing: one written at length, such as an export archive."""

    path: Path
    settles: bool = False


#: What the watch daemon observes for a source.
WatchedPath = WatchedFolder | WatchedFile


@dataclass(frozen=True, slots=True)
class Affected:
    """What a change to one path affects: the documents with these ``locators``, or, with
    ``whole``, any document of the source (it is scanned whole). Neither: nothing."""

    locators: frozenset[str] = frozenset()
    whole: bool = False


@runtime_checkable
class Watchable(Protocol):
    """**Protocol** (optional): a connector whose documents are local files says what the watch
    daemon observes, and which documents a changed path affects. It knows nothing of how paths
    are observed: the daemon owns the observers.

    ``watched_paths`` must be cheap: the daemon asks about once a second, and when the answer
    changes (an export that was a zip is now a folder), a watched folder was removed or replaced
    (a link moved to a new release), or a watched path leads elsewhere (a link to a zip moved to
    a new one), it observes the paths anew and syncs the source whole. While it names none, or
    raises, or a path cannot be observed, the source is synced every ``poll_seconds``.

    ``affected_by`` maps one changed path (absolute and real, symbolic links resolved: below the
    real path of a watched folder, or the real path of a watched file; ``folder`` when it is, or
    was, a folder) to the locators of the documents it names as ``scan`` would list them, or to
    the whole source (also what an exception from it means: the daemon logs it). Both methods are
    called from the daemon's threads, so they must be thread-safe; ``affected_by`` runs on the
    one thread that delivers every source's file events, so it must be quick too. The daemon also
    passes each watched path itself whenever it starts observing it (at start, after it was
    removed or replaced) and when the kernel lost events: then anything below may have changed,
    and a connector that remembers something of the tree (the filesystem connector: its symbolic
    links) must read it again. The source's ``include`` and ``exclude`` globs are applied by the
    daemon.
    """

    def watched_paths(self) -> Sequence[WatchedPath]: ...

    def affected_by(self, path: Path, *, folder: bool) -> Affected: ...


@runtime_checkable
class Revisioned(Protocol):
    """**Protocol** (optional): a connector that can say cheaply where its source stands now.

    ``current_revision`` (fetching first, for a remote) returns an id that changes whenever
    the documents may have changed, such as the commit a git ref resolves to. The watch daemon
    calls it every ``poll_seconds`` and syncs the source when the id changed.
    """

    async def current_revision(self) -> str: ...
