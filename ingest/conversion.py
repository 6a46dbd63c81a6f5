"""Scanned documents -> pages, a batch at a time: in this process, or on all cores.

:class:`BatchConverter` is the one call ``collect`` makes per batch of scanned documents
(``read_batch(documents, connector, links)``, results in order). With ``jobs`` above 1 and
enough documents to pay for it, the batch converts on a pool of worker processes
(:mod:`ingest.conversion_pool`) while the event loop goes on; otherwise in this process, as
one document after another. A connector with a :class:`~ingest.connector.DocumentLoader` has
its documents loaded by the workers too (reading, front matter, the site's preparation): this
process then only plans and sends. Every way gives the same pages, byte for byte, and keeps the
batch's order, one page, skip or failure per document.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Final

from ingest.connector import Connector, DocumentLoader
from ingest.conversion_task import ConvertOne, Read, ToConvert, ToRead, convert_one, load_one
from ingest.convert import LinkBuilder
from ingest.document import Failure, Page, SkippedDocument, SourceDocument
from ingest.document_limits import DocumentLimits

if TYPE_CHECKING:
    from ingest.conversion_pool import ConversionPool, StartingPool

log = logging.getLogger("ingest.conversion")

#: Fewest documents a run converts on a pool. The first pool of a process waits for Python's
#: fork server to import the converter and load the language model (0.6 s of it): 4 s on the
#: shared 2-core machine at load 11, each pool after it 0.1 s. 500 documents are 0.6-0.8 s of
#: one core at the 660-840 documents/s a quiet core converts: fewer cannot pay for that start.
#: A no-op run and a watch batch of a few files never start one.
POOL_THRESHOLD: Final = 500


def default_jobs() -> int:
    """The cores this process may run on: its CPU affinity (a container's cpuset), else the
    machine's count."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+: affinity included
    if counted is not None:
        return int(counted() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class BatchConverter:
    """Converts batches of one collection: ``jobs`` workers when ``expected`` documents are
    at least :data:`POOL_THRESHOLD`, else this process. Use it as a context manager: a pool it
    started is stopped on leaving, also when the run is cancelled."""

    def __init__(
        self,
        limits: DocumentLimits,
        *,
        jobs: int = 1,
        expected: int = 0,
        convert: ConvertOne = convert_one,
        threshold: int | None = None,
        loader: DocumentLoader | None = None,
    ) -> None:
        """``threshold``: fewest ``expected`` documents worth a pool (default :data:`POOL_THRESHOLD`);
        ``loader``: what loads the documents in a worker (None: this process loads them)."""
        self._limits = limits
        self._convert = convert
        self._loader = loader
        self._jobs = jobs if expected >= (POOL_THRESHOLD if threshold is None else threshold) else 1
        self._pool: StartingPool | None = None
        #: Documents the workers converted (the others converted in this process).
        self.in_workers = 0

    @property
    def pooled(self) -> bool:
        """Whether batches go to worker processes."""
        return self._jobs > 1

    async def convert_batch(self, documents: Sequence[ToConvert], links: LinkBuilder) -> list[Page | Failure]:
        """Each of ``documents`` converted, in order: its page, or its failure. Until the
        workers are up (a second or so for the first pool of a process), in this process."""
        pool = self._ready_pool(links)
        if pool is not None:
            converted = await pool.convert(documents)
            self.in_workers += len(documents)
            return converted
        return [self._convert(item, links, self._limits) for item in documents]

    async def read_batch(
        self, documents: Sequence[ToRead], connector: Connector, links: LinkBuilder
    ) -> list[Read]:
        """Each of ``documents`` loaded and converted, in order: its page, skip or failure.

        Until the workers are up, one document after another in this process, and the rest of
        the batch goes to the workers as soon as they are; there, each worker loads what it
        converts when the converter has a loader, else this process loads the batch first."""
        if not self.pooled:
            return await self._load_then_convert(documents, connector, links, None)
        read: list[Read] = []
        for index, item in enumerate(documents):
            pool = self._ready_pool(links)
            if pool is not None:
                rest = documents[index:]
                if pool.loader is not None:
                    done = await pool.read(rest)
                    self.in_workers += sum(not isinstance(item, SkippedDocument) for item in done)
                    return read + done
                return read + await self._load_then_convert(rest, connector, links, pool)
            read.append(await self._read_here(item, connector, links))
        return read

    async def _read_here(self, item: ToRead, connector: Connector, links: LinkBuilder) -> Read:
        document = await load_one(connector, item.ref)
        if not isinstance(document, SourceDocument):
            return document
        return self._convert(ToConvert(document, item.ref.locator, item.fingerprint), links, self._limits)

    async def _load_then_convert(
        self,
        documents: Sequence[ToRead],
        connector: Connector,
        links: LinkBuilder,
        pool: ConversionPool | None,
    ) -> list[Read]:
        """``documents`` loaded here (all at once: a connector's reads may wait on a disk or a
        repository), then converted here or on ``pool``."""
        loaded = await asyncio.gather(*(load_one(connector, item.ref) for item in documents))
        to_convert = [
            ToConvert(document, item.ref.locator, item.fingerprint)
            for item, document in zip(documents, loaded, strict=True)
            if isinstance(document, SourceDocument)
        ]
        del documents
        if pool is not None:
            self.in_workers += len(to_convert)
            converted = iter(await pool.convert(to_convert))
        else:
            converted = iter([self._convert(item, links, self._limits) for item in to_convert])
        return [next(converted) if isinstance(document, SourceDocument) else document for document in loaded]

    def _ready_pool(self, links: LinkBuilder) -> ConversionPool | None:
        """The pool converting with ``links``, started if it is not, once its workers are up."""
        if not self.pooled:
            return None
        if self._pool is None or self._pool.links is not links:
            self.close()
            from ingest.conversion_pool import StartingPool  # pebble loads only for a pool

            self._pool = StartingPool(self._jobs, links, self._limits, self._convert, self._loader)
        return self._pool.ready()

    def close(self) -> None:
        """Stop the workers, if any were started (their work is no longer wanted)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close()
            log.debug("%d documents converted on %d worker processes", self.in_workers, self._jobs)

    def __enter__(self) -> BatchConverter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
