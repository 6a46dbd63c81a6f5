"""The one extension point: a Connector yields the documents of one source.

A connector is any class that satisfies :class:`ConnectorFactory`: it names its
options model and, built from validated options, satisfies :class:`Connector`.
It need not inherit anything from fin-ingest, and it knows nothing of Intercom.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Annotated, Protocol, TypeVar, runtime_checkable

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument


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
