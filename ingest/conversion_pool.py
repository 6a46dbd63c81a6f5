"""A batch of documents converted on worker processes, one document per task, in order.

Site-wide data (the link builder with the site's links, the limits, and the connector's
:class:`~ingest.connector.DocumentLoader` when it has one) goes to each worker once, when it
starts; each task carries one document (loaded, or only its reference when the worker loads it
itself) and brings back its page. A document still loading or converting after
``max_convert_seconds`` has its worker killed (and replaced) and fails with the message the
in-process time budget gives; a worker that dies fails only its document.
Workers are forked from a server process that imported the converter once, so starting them
costs a fork, not an import, and they never inherit the event loop's threads and locks. The
first pool of a process waits for that server to start (about a second): :class:`StartingPool`
starts it on a thread of its own, and the batches before it is ready convert in this process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Final, TypeVar

from pebble import ProcessExpired, ProcessPool

from ingest.connector import DocumentLoader
from ingest.conversion_task import ConvertOne, Read, ToConvert, ToRead, read_one
from ingest.convert import LinkBuilder
from ingest.document import Failure, Page
from ingest.document_limits import DocumentLimits

log = logging.getLogger("ingest.conversion")

#: Imported by the fork server before it forks a worker: the converter and its language model.
_PRELOAD: Final = ["ingest.conversion_preload"]


@dataclass(frozen=True, slots=True)
class _Site:
    """What every document of a run shares, set once in each worker process."""

    links: LinkBuilder
    limits: DocumentLimits
    convert: ConvertOne
    loader: DocumentLoader | None


#: What a worker sends back for one document.
_Outcome = TypeVar("_Outcome", Page | Failure, Read)

#: The worker's site, set once by :func:`_start_worker` in each worker process.
_site: _Site | None = None
#: The worker's own event loop, for a loader's coroutine (a site prepares pages asynchronously).
_loop: asyncio.AbstractEventLoop | None = None


def _start_worker(site: _Site) -> None:
    global _site, _loop  # one site per worker process, for its whole life
    _site, _loop = site, asyncio.new_event_loop()


def _convert_in_worker(item: ToConvert) -> Page | Failure:
    assert _site is not None, "the worker was started without its site"
    return _site.convert(item, _site.links, _site.limits)


def _read_in_worker(item: ToRead) -> Read:
    assert _site is not None and _site.loader is not None and _loop is not None, "started without a loader"
    return _loop.run_until_complete(read_one(item, _site.loader, _site.links, _site.limits, _site.convert))


def _started() -> bool:
    return True


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _sendable(loader: DocumentLoader | None) -> DocumentLoader | None:
    """``loader`` if it can go to a worker; else None, and this process loads the documents (a
    worker that cannot be given its initializer's arguments would never start)."""
    if loader is None:
        return None
    try:
        pickle.dumps(loader)
    except Exception as exc:  # whatever the site holds that does not pickle (a lock, a process)
        log.info("documents load in this process: their loader cannot go to a worker (%s)", exc)
        return None
    return loader


class ConversionPool:
    """``jobs`` worker processes converting with ``links`` and ``limits``; :meth:`close` ends them."""

    def __init__(
        self,
        jobs: int,
        links: LinkBuilder,
        limits: DocumentLimits,
        convert: ConvertOne,
        loader: DocumentLoader | None = None,
    ) -> None:
        self.links = links
        self.loader = _sendable(loader)
        self._limits = limits
        site = _Site(links, limits, convert, self.loader)
        self._pool = ProcessPool(
            max_workers=jobs, initializer=_start_worker, initargs=(site,), context=_context()
        )

    def started(self) -> None:
        """Start the workers, and return once one answers (blocks: call it on a thread)."""
        self._pool.schedule(_started).result()

    async def convert(self, documents: Sequence[ToConvert]) -> list[Page | Failure]:
        """Each of ``documents`` converted by the workers, in order: its page, or its failure."""
        seconds = self._limits.max_convert_seconds
        futures = [
            self._pool.schedule(_convert_in_worker, args=(item,), timeout=seconds) for item in documents
        ]
        return [
            await self._outcome(item.locator, future) for item, future in zip(documents, futures, strict=True)
        ]

    async def read(self, documents: Sequence[ToRead]) -> list[Read]:
        """Each of ``documents`` loaded and converted by the workers (which must have a loader),
        in order: its page, its skip, or its failure."""
        seconds = self._limits.max_convert_seconds
        futures = [self._pool.schedule(_read_in_worker, args=(item,), timeout=seconds) for item in documents]
        return [
            await self._outcome(item.ref.locator, future)
            for item, future in zip(documents, futures, strict=True)
        ]

    async def _outcome(self, locator: str, future: Future[_Outcome]) -> _Outcome | Failure:
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:  # the worker was killed at the budget, wherever it was stuck
            return Failure(locator, f"conversion failed: {self._limits.too_slow()}")
        except ProcessExpired as exc:
            return Failure(
                locator,
                f"conversion failed: the process converting it ended unexpectedly (exit code {exc.exitcode})",
            )
        except Exception as exc:  # what the page or the document could not be sent back as
            return Failure(locator, f"conversion failed: {exc}")

    def close(self) -> None:
        """Stop the workers, whatever they are doing, and wait until they are gone."""
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble's stop() is not annotated
        self._pool.join()


class StartingPool:
    """A :class:`ConversionPool` being started on a thread: :meth:`ready` gives it once its
    workers answer, None until then (and for good if they could not be started: the run
    converts in this process, as with one job)."""

    def __init__(
        self,
        jobs: int,
        links: LinkBuilder,
        limits: DocumentLimits,
        convert: ConvertOne,
        loader: DocumentLoader | None = None,
    ) -> None:
        self.links = links
        self.loader = loader
        self._pool: ConversionPool | None = None
        self._ready = False
        starting = (jobs, links, limits, convert, loader)
        self._thread = threading.Thread(
            target=self._start, args=starting, name="conversion-pool-start", daemon=True
        )
        self._thread.start()

    def _start(
        self,
        jobs: int,
        links: LinkBuilder,
        limits: DocumentLimits,
        convert: ConvertOne,
        loader: DocumentLoader | None,
    ) -> None:
        try:
            self._pool = ConversionPool(jobs, links, limits, convert, loader)
            self._pool.started()
        except Exception as exc:  # no processes to be had here (no fork server, no shared memory)
            log.warning("documents convert in this process only: no worker could be started (%s)", exc)
        else:
            self._ready = True

    def ready(self) -> ConversionPool | None:
        """The pool, once its workers are up."""
        return self._pool if self._ready else None

    def wait(self) -> None:
        """Block until the workers are up, or could not be started."""
        self._thread.join()

    def close(self) -> None:
        """Stop the workers (once they are started, if they are being started)."""
        self.wait()
        if self._pool is not None:
            self._pool.close()
