"""``ingest watch``: a long-running daemon that keeps sources synced as they change.

It joins what ``ingest run`` uses: one state store, one client (so one rate limiter for
every source), the same engine and targets. It only chooses *which* documents to look at:

1. at start, a whole incremental sync of every source (with whatever work a previous
   daemon left pending);
2. then changes, from watchdog observers or polling, as the source's connector asks
   (:mod:`ingest.watching.choice`), are debounced and coalesced into batches
   (:mod:`ingest.watching.batches`);
3. each source's batches run one at a time, as pending work kept in state, retried with
   back-off while the API is away (:mod:`ingest.watching.worker`, :mod:`ingest.state.pending`).

SIGINT or SIGTERM stops watching, lets a running batch finish for up to
``shutdown_grace_seconds`` (what it had not synced stays pending) and returns. An
authentication or configuration error stops the daemon: retrying cannot fix a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any, Final

from pydantic import SecretStr
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ingest.config import Settings, Source
from ingest.engine import ConnectorFactory, Engine
from ingest.errors import ApiError, AuthError, ConfigError
from ingest.intercom import IntercomClient
from ingest.intercom.observer import NO_OBSERVER, RequestObserver
from ingest.lock import watching_sources
from ingest.notify.daemon import batch_alerts
from ingest.runner import build_connector, make_client, targets_for
from ingest.state import PendingWork, StateStore
from ingest.watching.choice import watch_for
from ingest.watching.reads import SourceReads
from ingest.watching.source import Notify, SourceWatch
from ingest.watching.worker import FATAL, BatchReport, SourceWorker

__all__ = ["STOP_SIGNALS", "BatchListener", "BatchReport", "WatchDaemon", "run_watch"]

log = logging.getLogger("ingest.watch")
#: What stops the daemon cleanly; the container image's STOPSIGNAL is one of them.
STOP_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)
#: Told of every batch: monitoring, alerts, tests.
BatchListener = Callable[[BatchReport], None]


class WatchDaemon:
    """Watches ``sources`` and syncs their changes until :meth:`stop` (or a signal).

    ``on_batch`` (one listener or several: monitoring, alerts, tests) is called with the
    :class:`BatchReport` of every batch (also kept in :attr:`reports`), in order, on the event
    loop; a listener must not block (one that has I/O to do starts a task), and one that raises
    is logged, never turning a synced batch into a retry. ``observer`` is told of every request
    of the daemon's client.
    """

    def __init__(
        self,
        settings: Settings,
        sources: Sequence[Source],
        *,
        token: SecretStr | None = None,
        on_batch: BatchListener | Sequence[BatchListener] = (),
        connector_factory: ConnectorFactory = build_connector,
        observer: RequestObserver = NO_OBSERVER,
    ) -> None:
        self._settings = settings
        self._connector_factory = connector_factory
        self._sources = list(sources)
        self._token = token
        self._listeners = [on_batch] if callable(on_batch) else list(on_batch)
        self._observer = observer
        self._client: IntercomClient | None = None
        self._stop = asyncio.Event()
        self._hurry = asyncio.Event()
        self._workers: list[SourceWorker] = []
        self.reports: list[BatchReport] = []

    def waiting(self) -> list[str]:
        """The sources with changes gathered and waiting for their batch to start."""
        return [worker.source.name for worker in self._workers if worker.queue.waiting]

    def watching(self) -> dict[str, str]:
        """How each source's changes are found now ("watching /srv/docs", "polling the ref every 30 s")."""
        return {worker.source.name: worker.watch.describe() for worker in self._workers}

    @property
    def stopping(self) -> bool:
        """Whether a stop was asked for (the daemon may still be finishing its batches)."""
        return self._stop.is_set()

    def calls_left(self) -> int | None:
        """What the client's rate limiter says its share of the window still allows; None when unknown."""
        return None if self._client is None else self._client.rate_limiter.calls_left()

    def stop(self) -> None:
        """Stop watching; a second call stops the running batches at once. Loop thread only."""
        if self._stop.is_set():
            self._hurry.set()
        self._stop.set()

    def _record(self, report: BatchReport) -> None:
        self.reports.append(report)
        for listener in self._listeners:
            try:
                listener(report)
            except Exception:  # monitoring or an alert must never turn a synced batch into a retry
                log.exception("%s: a batch listener failed", report.source)

    async def run(self, *, handle_signals: bool = False) -> None:
        """Run until stopped; raises AuthError or ConfigError, which stop the daemon."""
        loop = asyncio.get_running_loop()
        if handle_signals:
            for signum in STOP_SIGNALS:
                loop.add_signal_handler(signum, self.stop)
        try:
            sources = [source.name for source in self._sources]
            with (
                watching_sources(self._settings.state.path, sources),
                StateStore(self._settings.state.path) as state,
            ):
                async with make_client(self._settings, self._token, observer=self._observer) as client:
                    self._client = client
                    if not await self._unless_stopped(_check_token(client)):
                        return  # stopped while the API kept the check waiting: nothing started yet
                    reads = SourceReads(self._settings.watch.poll_seconds)
                    engine = Engine(
                        state=state,
                        connector_factory=self._connector_factory,
                        target_factory=reads.targets(targets_for(self._settings, client, state)),
                        jobs=self._settings.run.jobs,
                        senders=self._settings.intercom.max_concurrency,
                    )
                    pending = PendingWork(state)
                    observer = Observer()
                    self._workers = [
                        self._worker(source, engine, pending, observer, reads) for source in self._sources
                    ]
                    await self._watch(self._workers, observer)
        except FATAL as exc:
            log.error("ingest watch stopped: %s (not retried: fix it, then start it again)", exc)
            raise
        finally:
            if handle_signals:
                for signum in STOP_SIGNALS:
                    loop.remove_signal_handler(signum)

    async def _unless_stopped(self, work: Coroutine[Any, Any, None]) -> bool:
        """Run ``work`` unless a stop request comes first (then cancel it); True when it ran."""
        task = asyncio.ensure_future(work)
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return False
        task.result()  # its exception, if any
        return True

    def _worker(
        self, source: Source, engine: Engine, pending: PendingWork, observer: BaseObserver, reads: SourceReads
    ) -> SourceWorker:
        settings = self._settings.watch
        return SourceWorker(
            source,
            watch=watch_for(
                source,
                self._connector_factory(source),
                observer=observer,
                settings=settings,
                state_path=self._settings.state.path,
            ),
            engine=engine,
            pending=pending,
            state_path=self._settings.state.path,
            settings=settings,
            on_batch=self._record,
            reads=reads,
        )

    async def _watch(self, workers: Sequence[SourceWorker], observer: BaseObserver) -> None:
        loop = asyncio.get_running_loop()
        # Started before the watches are added, so that one that cannot be added fails alone.
        await asyncio.to_thread(observer.start)
        for worker in workers:
            await asyncio.to_thread(worker.watch.start, _notifier(loop, worker))
            worker.queue.add(whole=True, immediate=True)  # the start-up sync, after watching began
            log.info("%s: %s", worker.source.name, worker.watch.describe())
        alarm = _OverflowAlarm(loop, [(worker.watch, _notifier(loop, worker)) for worker in workers])
        logging.getLogger("watchdog.observers").addHandler(alarm)
        tasks = {asyncio.create_task(worker.run(), name=worker.source.name) for worker in workers}
        polls = [asyncio.create_task(worker.watch.poll(_notifier(loop, worker))) for worker in workers]
        fatal: BaseException | None = None
        try:
            fatal = await self._until_stopped(tasks)
        finally:
            logging.getLogger("watchdog.observers").removeHandler(alarm)
            await _stop_observer(observer)
            for poll in polls:
                poll.cancel()
            for worker in workers:
                worker.queue.close()
            await self._finish(tasks)
            await asyncio.gather(*polls, return_exceptions=True)
            for worker in workers:
                worker.keep_unsent()
        if fatal is not None:
            raise fatal

    async def _until_stopped(self, tasks: set[asyncio.Task[None]]) -> BaseException | None:
        """Wait for a stop request, or for a worker to end with an error that stops the daemon."""
        stopping = asyncio.create_task(self._stop.wait())
        try:
            while tasks:
                done, _ = await asyncio.wait({*tasks, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if stopping in done:
                    return None
                for task in done:
                    tasks.discard(task)
                    error = task.exception()
                    if isinstance(error, FATAL):
                        return error
                    if error is not None:
                        raise error
            return None
        finally:
            stopping.cancel()

    async def _finish(self, tasks: set[asyncio.Task[None]]) -> None:
        """Let running batches finish within the grace period; cut them short after it.

        A batch cut short loses nothing: every success is already recorded, and its work
        stays pending in state for the next start."""
        if not tasks:
            return
        deadline = asyncio.get_running_loop().time() + self._settings.watch.shutdown_grace_seconds
        hurry = asyncio.create_task(self._hurry.wait())
        try:
            while (running := {task for task in tasks if not task.done()}) and not hurry.done():
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                await asyncio.wait({*running, hurry}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hurry.cancel()
        late = [task for task in tasks if not task.done()]
        if late:
            log.warning("stopping: a batch did not finish in time; its work stays pending")
            for task in late:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class _OverflowAlarm(logging.Handler):
    """When the kernel's inotify queue overflows, events are lost and watchdog only logs it:
    then every source catches up (scanned whole, its connector reading its tree again), so no
    change is missed."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, watches: Sequence[tuple[SourceWatch, Notify]]
    ) -> None:
        super().__init__(logging.WARNING)
        self._loop = loop
        self._watches = watches

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            # Not on the thread that logged: it reads the kernel's queue, which must not fill again
            # while a connector reads its tree.
            with contextlib.suppress(RuntimeError):  # the loop is closed: the daemon is gone
                self._loop.call_soon_threadsafe(self._catch_up)

    def _catch_up(self) -> None:
        for watch, notify in self._watches:
            self._loop.run_in_executor(None, _events_lost, watch, notify)


def _events_lost(watch: SourceWatch, notify: Notify) -> None:
    try:
        watch.events_lost(notify)
    except Exception:  # the source is still synced whole: no change is missed
        log.exception("%s: could not catch up with lost file events", watch.source.name)
        notify((), True)


async def _check_token(client: IntercomClient) -> None:
    """Stop at once on a refused token, rather than at the first write; an unreachable API is
    only a warning (the daemon is for outages too)."""
    try:
        await client.me()
    except AuthError:
        raise
    except ApiError as exc:
        log.warning("the API cannot be reached yet (%s); changes stay pending until it answers", exc)


def _notifier(loop: asyncio.AbstractEventLoop, worker: SourceWorker) -> Notify:
    """A thread-safe ``notify`` that gathers changes into ``worker``'s queue."""

    def notify(locators: Iterable[str], whole: bool) -> None:
        # A closed loop means the daemon is gone; its next start scans everything anyway.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(functools.partial(worker.queue.add, list(locators), whole=whole))

    return notify


async def _stop_observer(observer: BaseObserver) -> None:
    observer.stop()
    if observer.is_alive():
        await asyncio.to_thread(observer.join, 5.0)


async def run_watch(
    settings: Settings,
    sources: Sequence[Source],
    *,
    token: SecretStr | None = None,
    handle_signals: bool = True,
) -> int:
    """The ``ingest watch`` command: run the daemon until SIGINT/SIGTERM; 0 once stopped. With
    ``[watch] metrics_port`` set, its metrics, /healthz and /readyz are served while it runs; with
    ``[notify]`` webhooks, a source failing and recovering is alerted."""
    alerts = batch_alerts(settings, token)
    listeners: list[BatchListener] = [] if alerts is None else [alerts]
    observer: RequestObserver = NO_OBSERVER
    monitor = None
    port = settings.watch.metrics_port
    if port is not None:
        from ingest.monitoring import DaemonMonitor  # prometheus-client only for a monitored daemon

        monitor = DaemonMonitor(settings, sources, port=port)
        listeners.insert(0, monitor.batch_done)
        observer = monitor.metrics.requests
    daemon = WatchDaemon(settings, sources, token=token, on_batch=listeners, observer=observer)
    if monitor is not None:
        try:
            server = await monitor.start(daemon)
        except ConfigError as exc:
            log.error("ingest watch not started: %s", exc)
            raise
        host = settings.watch.metrics_address
        host = f"[{host}]" if ":" in host else host  # an IPv6 address, as a URL writes it
        log.info("metrics, /healthz and /readyz on http://%s:%s", host, server.port)
    try:
        await daemon.run(handle_signals=handle_signals)
    except FATAL as exc:
        if alerts is not None:
            await alerts.stopped(str(exc))
        raise
    finally:
        if alerts is not None:
            await alerts.drain()
        if monitor is not None:
            await monitor.stop()
    return 0
