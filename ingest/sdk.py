"""The connector SDK: everything a connector author imports, from one place.

::

    from ingest.sdk import ConnectorOptions, DocumentRef, Failure, SourceDocument

A connector is one module: an options model (:class:`ConnectorOptions`), a class whose
``scan`` lists :class:`DocumentRef` values and whose ``load`` returns a
:class:`SourceDocument` (or a :class:`Failure` value), and an entry point in the
``ingest.connectors`` group. The optional Protocols say what else the engine honours;
:func:`read_text_document` turns the bytes of a Markdown, HTML or text file into a document
the way the built-in connectors do. Check a connector with :mod:`ingest.testing`.

Importing this module is cheap (pydantic and fin-ingest's contract modules): the text
helpers, which need the Markdown and HTML parsers, are imported on first use.
"""

from __future__ import annotations

import typing as _typing

from ingest.connector import (
    Affected,
    Closeable,
    ConfigPath,
    Connector,
    ConnectorFactory,
    ConnectorOptions,
    ProvidesLinks,
    ProvidesSiteLinks,
    ReadsSourceFiles,
    Resumable,
    Revisioned,
    Watchable,
    WatchedFile,
    WatchedFolder,
    WatchedPath,
)
from ingest.document import BodyFormat, DocumentRef, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError, IngestError

if _typing.TYPE_CHECKING:
    from ingest.textdoc import SUPPORTED_SUFFIXES, format_for, read_text_document, split_front_matter

#: Kept in step with tests/test_exported_members.py, so that a change is always deliberate.
__all__ = [
    "SUPPORTED_SUFFIXES",
    "Affected",
    "BodyFormat",
    "Closeable",
    "ConfigPath",
    "Connector",
    "ConnectorError",
    "ConnectorFactory",
    "ConnectorOptions",
    "DocumentRef",
    "Failure",
    "IngestError",
    "ProvidesLinks",
    "ProvidesSiteLinks",
    "ReadsSourceFiles",
    "RelativePath",
    "Resumable",
    "Revisioned",
    "SkippedDocument",
    "SourceDocument",
    "Watchable",
    "WatchedFile",
    "WatchedFolder",
    "WatchedPath",
    "format_for",
    "read_text_document",
    "split_front_matter",
]

_FROM_TEXTDOC = frozenset({"SUPPORTED_SUFFIXES", "format_for", "read_text_document", "split_front_matter"})

if not _typing.TYPE_CHECKING:  # mypy sees the imports above; typos stay errors for it

    def __getattr__(name: str) -> object:
        if name in _FROM_TEXTDOC:
            from ingest import textdoc

            value = getattr(textdoc, name)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), *_FROM_TEXTDOC})
