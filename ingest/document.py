"""The plain objects that flow between the stages of a sync.

connector -> DocumentRef -> SourceDocument -> convert -> Page -> planner -> target.
Every object here is frozen: a stage never changes what an earlier stage produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from ingest.secret_scan.finding import SecretFinding

#: A source-relative POSIX path, e.g. ``guides/setup.md``. Never absolute, never ``..``.
RelativePath = str


class BodyFormat(StrEnum):
    """What a document's body is written in, which picks its converter."""

    MARKDOWN = "markdown"
    HTML = "html"
    TEXT = "text"


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not mapping:
        return _EMPTY  # most pages have no unknown constructs: one shared view, not one each
    return MappingProxyType(dict(mapping))


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _picklable_fields(instance: Any) -> tuple[Any, ...]:
    """``instance``'s field values, in order, its frozen mappings as dicts: a read-only view
    cannot be pickled, and ``__post_init__`` freezes them again on the other side."""
    values = (getattr(instance, item.name) for item in fields(instance))
    return tuple(dict(value) if isinstance(value, MappingProxyType) else value for value in values)


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document found by a connector's cheap scan, before its body is read.

    ``fingerprint`` must change whenever the document's content may have changed
    (size and mtime, a git blob id, a hash of an export page's own content). Two scans
    of an unchanged document must give the same fingerprint, so the engine can skip
    reading and converting it.

    ``locator`` is what the connector needs to load the document again (usually the
    path); it is also the key under which the engine remembers the fingerprint.
    """

    locator: RelativePath
    fingerprint: str


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A whole document as read from its source, before conversion.

    ``external_id`` is stable across renames where the source has an id of its own,
    and is the source-relative POSIX path otherwise. ``url`` is an explicit public
    link (front matter ``url``); when ``None`` the engine builds one from the source's
    ``url_template``, if any. ``path`` is the document's location used for templates,
    relative links and include/exclude globs.
    """

    external_id: str
    title: str
    body: str
    format: BodyFormat
    path: RelativePath
    fingerprint: str
    modified: datetime | None = None
    url: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: The file's text as read (front matter included), when the document is one text file: the
    #: secret scan counts its lines there. None: ``body`` stands for it (an export's page).
    source: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", _frozen(self.metadata))

    def __reduce__(self) -> tuple[type[SourceDocument], tuple[Any, ...]]:
        return type(self), _picklable_fields(self)  # to a conversion worker


@dataclass(frozen=True, slots=True)
class SkippedDocument:
    """A document the connector read and deliberately left out (front matter ``skip: true``)."""

    locator: RelativePath
    reason: str


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be read, converted or sent; the run reports it and goes on.

    ``retryable`` is True when sending failed for a reason that may pass (the API was
    unreachable, answered 5xx or kept rate-limiting): the watch daemon retries those, and
    only those, on its own.

    ``external_id`` is the failed document's id when the connector knows it: a document that
    moved to another locator since the last run (a renamed Notion page) and failed there keeps
    its remote page by that id, as one failing at its recorded locator does.
    """

    locator: RelativePath
    message: str
    retryable: bool = False
    external_id: str | None = None
    #: The secrets that kept the document from being sent (never the secrets themselves).
    secrets: tuple[SecretFinding, ...] = ()


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Page:
    """A converted document, ready for a target to turn into a request.

    Conversion is deterministic: the same document and settings give byte-identical
    ``html``, so a target can hash the request it would send and skip it when the hash
    matches the one recorded for the last successful send.
    """

    external_id: str
    title: str
    #: Left out of the repr: a run's results (and whatever prints them) never carry a page's HTML.
    html: str = field(repr=False)
    url: str | None
    locator: RelativePath
    fingerprint: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: What the user should hear about this page, which does not stop it being sent: its site's
    #: warnings (an include not found) and links the site says lead nowhere, one sentence each.
    warnings: tuple[str, ...] = ()
    #: Site constructs its dialect did not know, counted by name (``{"shortcode:eturl": 3}``).
    unknown: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", _frozen(self.metadata))
        object.__setattr__(self, "unknown", _frozen(self.unknown))

    def __reduce__(self) -> tuple[type[Page], tuple[Any, ...]]:
        return type(self), _picklable_fields(self)  # back from a conversion worker


@dataclass(frozen=True, slots=True)
class DocumentWarning:
    """A warning about one document: reported with the run, never a failure."""

    locator: RelativePath
    message: str
