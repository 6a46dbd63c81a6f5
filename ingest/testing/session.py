"""Driving a connector as the engine does, keeping every outcome (an exception included) as data."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.connector import Closeable, Connector, ConnectorFactory, ConnectorOptions, Resumable
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument


@dataclass(frozen=True, slots=True)
class Raised:
    """A call that raised instead of returning; ``during`` names it when it is not the one the
    report line is about (``checkpoint()`` while scanning, say)."""

    error: Exception
    during: str | None = None

    def __str__(self) -> str:
        where = f" (in {self.during})" if self.during else ""
        return f"{type(self.error).__name__}: {self.error}{where}"


#: What one load gave: a SourceDocument, SkippedDocument or Failure as the contract says,
#: a :class:`Raised`, or anything else a broken connector returned (hence ``object``).
Loaded = object


@dataclass
class Scan:
    """One scan: what it yielded, whether it raised, which document files were opened while the
    connector was built and scanned (recorded for the first scan only)."""

    items: list[object] = field(default_factory=list)
    raised: Raised | None = None
    opened: list[str] = field(default_factory=list)
    checkpoint: str | None = None

    @property
    def refs(self) -> list[DocumentRef]:
        return [item for item in self.items if isinstance(item, DocumentRef)]

    def by_locator(self) -> dict[str, object]:
        return {locator: item for item in self.items if isinstance(locator := _locator(item), str)}

    def fingerprints(self) -> dict[str, str]:
        return {ref.locator: ref.fingerprint for ref in self.refs}


class Session:
    """One connector instance, built, used and closed the way the engine does."""

    def __init__(self, factory: ConnectorFactory[Any], options: ConnectorOptions) -> None:
        self.connector: Connector = factory(options)

    async def scan(self, *, resume_from: str | None = None) -> Scan:
        """Scan to the end (or the first exception), told where to resume and asked for the
        checkpoint as the engine does when the connector is Resumable."""
        result = Scan()
        during = f"resume_from({resume_from!r})"
        try:
            if isinstance(self.connector, Resumable):
                self.connector.resume_from(resume_from)
            during = "scan()"
            async for item in self.connector.scan():
                result.items.append(item)
            during = "checkpoint()"
            if isinstance(self.connector, Resumable):
                result.checkpoint = self.connector.checkpoint()
        except Exception as exc:  # the kit judges every exception; it must not stop the check
            result.raised = Raised(exc, None if during == "scan()" else during)
        return result

    async def load(self, ref: DocumentRef) -> Loaded:
        try:
            return await self.connector.load(ref)
        except Exception as exc:  # judged by the kit, as above
            return Raised(exc)

    async def load_together(self, refs: Sequence[DocumentRef]) -> list[Loaded]:
        """Every ref loaded at once, as the engine loads a batch."""
        return list(await asyncio.gather(*(self.load(ref) for ref in refs)))

    async def load_one_by_one(self, refs: Sequence[DocumentRef]) -> list[Loaded]:
        return [await self.load(ref) for ref in refs]

    def close(self) -> Raised | None:
        """Close a Closeable connector; what that raised, if anything."""
        try:
            if isinstance(self.connector, Closeable):
                self.connector.close()
        except Exception as exc:  # judged by the kit, as above
            return Raised(exc)
        return None


def build(factory: ConnectorFactory[Any], options: ConnectorOptions) -> Session | Raised:
    """A session, or what building the connector raised."""
    try:
        return Session(factory, options)
    except Exception as exc:  # judged by the kit
        return Raised(exc)


async def run_hook(hook: Callable[..., object], *args: object) -> None:
    """Call a sync or async hook of the test."""
    result = hook(*args)
    if inspect.isawaitable(result):
        await result


def describe(value: object) -> str:
    """A short account of a value for a report line."""
    if isinstance(value, Raised):
        return f"raised {value}"
    if isinstance(value, Failure):
        return f"Failure({value.message!r})"
    if isinstance(value, SkippedDocument):
        return f"SkippedDocument({value.reason!r})"
    if isinstance(value, SourceDocument):
        return f"SourceDocument(external_id={value.external_id!r})"
    return f"{type(value).__name__} {value!r}"[:200]


def _locator(item: object) -> str | None:
    if isinstance(item, DocumentRef | SkippedDocument | Failure):
        return item.locator
    return None
