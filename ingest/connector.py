"""The one extension point: a Connector yields the documents of one source.

A connector is any class that satisfies :class:`ConnectorFactory`: it names its
options model and, built from validated options, satisfies :class:`Connector`.
It need not inherit anything from fin-ingest, and it knows nothing of Intercom.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, ClassVar, Protocol, runtime_checkable

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


class ConnectorFactory(Protocol):
    """**Protocol**: what the ``ingest.connectors`` entry point names (usually a class)."""

    options_model: ClassVar[type[ConnectorOptions]]

    def __call__(self, options: ConnectorOptions) -> Connector: ...
