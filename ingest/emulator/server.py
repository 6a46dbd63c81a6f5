"""Running the emulator: in the caller's event loop, in a background thread, or in the foreground."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from ingest.emulator.app import create_app
from ingest.emulator.config import EmulatorConfig
from ingest.emulator.context import STATE, EmulatorState
from ingest.emulator.faults import FaultUpdate
from ingest.emulator.help_center_shapes import all_articles, all_collections
from ingest.emulator.log import RecordedRequest
from ingest.emulator.store import PageFields

_T = TypeVar("_T")

#: How long shutdown waits for requests still in flight (injected latency included).
SHUTDOWN_TIMEOUT = 2.0
#: How long a call from another thread waits for the emulator's loop to answer.
CALL_TIMEOUT = 30.0


class RunningEmulator:
    """A started emulator. Every method is safe to call from any thread.

    Use it as an async context manager (or call :meth:`close`) when it runs in your
    loop; :func:`running_emulator` stops it for you. After it stopped, the log and the
    data can still be read.
    """

    def __init__(self, runner: web.AppRunner, host: str, port: int) -> None:
        self._runner = runner
        self._state: EmulatorState = runner.app[STATE]
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._closed = False
        self.host = host
        self.port = port
        netloc = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{netloc}:{port}"

    @property
    def config(self) -> EmulatorConfig:
        """The configuration it was started with."""
        return self._state.config

    @property
    def token(self) -> str:
        """The bearer token it accepts (a fake)."""
        return self._state.config.token

    def _call(self, fn: Callable[[], _T]) -> _T:
        # Once stopped, nothing else touches the state, so it can be read from any thread.
        if self._closed or threading.get_ident() == self._loop_thread:
            return fn()

        async def run() -> _T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(CALL_TIMEOUT)

    def requests(self, path_prefix: str | None = None) -> list[RecordedRequest]:
        """API requests received so far (control calls excluded), in the order they were answered."""
        return self._call(lambda: self._state.log.entries(path_prefix))

    def clear_requests(self) -> None:
        """Forget the recorded requests and the counters."""
        self._call(self._state.log.clear)

    def counters(self) -> dict[str, int]:
        """Requests per endpoint (``"POST /ai/external_pages"``) since the last clear."""
        return self._call(self._state.log.counters)

    def pages(self) -> list[dict[str, Any]]:
        """Every external page, in API shape, newest first."""
        return self._call(lambda: [p.to_api() for p in self._state.store.pages()])

    def sources(self) -> list[dict[str, Any]]:
        """Every content import source, in API shape, oldest first."""
        return self._call(lambda: [s.to_api() for s in self._state.store.sources()])

    def collections(self) -> list[dict[str, Any]]:
        """Every Help Center collection, in API shape, most recently updated first."""
        return self._call(lambda: all_collections(self._state))

    def articles(self) -> list[dict[str, Any]]:
        """Every Help Center article, in API shape (with translations), most recently updated first."""
        return self._call(lambda: all_articles(self._state))

    def internal_articles(self) -> list[dict[str, Any]]:
        """Every internal article, in API shape, most recently updated first."""
        return self._call(lambda: [a.to_api() for a in self._state.store.internal_articles.all()])

    def add_external_pages(self, source_id: int, external_ids: Iterable[str]) -> None:
        """Put pages straight into the store under an existing source, each titled by its external id:
        no request, nothing logged. A workspace of tens of thousands of pages in a moment, for tests
        of lists and look-ups at scale. Raises ``ValueError`` for an unknown source."""

        def add() -> None:
            store = self._state.store
            if store.get_source(source_id) is None:
                raise ValueError(f"no content import source with id {source_id}")
            for external_id in external_ids:
                fields = PageFields(title=external_id, html=f"<p>{external_id}</p>", locale="en")
                store.upsert_page(source_id, external_id, fields)

        self._call(add)

    def stalled_answers(self) -> int:
        """How many answers a stall has withheld so far, each counted once its request was carried
        out: the moment to kill the client that waits for it."""
        return self._call(lambda: self._state.faults.stalled_answers)

    def pending_bulk_actions(self) -> list[dict[str, Any]]:
        """The bulk actions accepted and not carried out yet, oldest first (as sent, items dropped)."""
        return self._call(lambda: [action.to_json() for action in self._state.bulk.pending()])

    def flush_bulk_actions(self) -> int:
        """Carry out every queued bulk action now; how many there were."""
        return self._call(self._state.bulk.flush)

    def drop_bulk_actions(self) -> None:
        """Forget the queued bulk actions without carrying them out (a job Intercom lost)."""
        self._call(self._state.bulk.clear)

    def create_tag(self, name: str, *, archived: bool = False) -> dict[str, Any]:
        """Add a tag to the workspace; its ``tag`` object (with ``archived``)."""

        def create() -> dict[str, Any]:
            tag = self._state.store.tags.create(name, archived=archived)
            return tag.to_api() | {"archived": tag.archived}

        return self._call(create)

    def tagged(self) -> list[dict[str, Any]]:
        """Every tagged piece of content: type, id and tag ids."""
        return self._call(self._state.store.tags.tagged)

    def set_faults(self, **changes: Any) -> dict[str, object]:
        """Change faults or the rate limit at run time (the fields of :class:`FaultUpdate`).

        E.g. ``set_faults(fail_next=2, fail_status=503)``, ``set_faults(drop_next=1)``,
        ``set_faults(latency_ms=(100, 300))``, ``set_faults(rate_limit=5, rate_window_seconds=1)``.
        Returns the settings now in force; raises ``ValueError`` for an invalid value.
        """
        change = FaultUpdate(**changes)
        return self._call(lambda: self._state.set_faults(change))

    def reset(self) -> None:
        """Wipe data, the log and counters; restore the configured faults and rate limit."""
        self._call(self._state.reset)

    async def close(self) -> None:
        """Stop serving; saves the data file if there is one. Call it from the emulator's loop."""
        if not self._closed:
            self._closed = True
            await self._runner.cleanup()

    async def __aenter__(self) -> RunningEmulator:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


async def _start(config: EmulatorConfig, host: str, port: int) -> RunningEmulator:
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return RunningEmulator(runner, host, runner.addresses[0][1])


class EmulatorStartup:
    """What :func:`start_emulator` returns: ``await`` it, or use it with ``async with``."""

    def __init__(self, config: EmulatorConfig, host: str, port: int) -> None:
        self._args = (config, host, port)
        self._emulator: RunningEmulator | None = None

    def __await__(self) -> Generator[Any, None, RunningEmulator]:
        return _start(*self._args).__await__()

    async def __aenter__(self) -> RunningEmulator:
        self._emulator = await _start(*self._args)
        return self._emulator

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._emulator is not None:
            await self._emulator.close()


def start_emulator(
    config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> EmulatorStartup:
    """Serve the emulator in the running event loop; ``port=0`` picks a free port.

    ``emulator = await start_emulator(config)`` (then ``await emulator.close()``), or
    ``async with start_emulator(config) as emulator: ...``.
    """
    return EmulatorStartup(config or EmulatorConfig(), host, port)


@contextlib.contextmanager
def running_emulator(
    config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningEmulator]:
    """Serve the emulator from a background thread with its own event loop, for the ``with`` block.

    For synchronous tests and for tests that run the CLI as a subprocess.
    """
    loop = asyncio.new_event_loop()
    started: concurrent.futures.Future[RunningEmulator] = concurrent.futures.Future()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            try:
                emulator = loop.run_until_complete(_start(config or EmulatorConfig(), host, port))
            except BaseException as exc:
                started.set_exception(exc)
                return
            started.set_result(emulator)
            loop.run_forever()
            loop.run_until_complete(emulator.close())
            # Requests still held (a stalled answer) are cancelled, not left to warn at exit.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="intercom-emulator", daemon=True)
    thread.start()
    emulator = started.result()
    try:
        yield emulator
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()


def serve(config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 8111) -> None:
    """Serve in the foreground until Ctrl-C or SIGTERM (``ingest emulator --port N``).

    Prints one line with the URL and the emulator's own fake token.
    """
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(config or EmulatorConfig(), host, port))


async def _serve(config: EmulatorConfig, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not available on Windows; Ctrl-C then ends asyncio.run with KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with start_emulator(config, host, port) as emulator:
        print(
            f"Intercom API emulator listening on {emulator.base_url} "
            f"(use the emulator's fake token: {config.token})",
            flush=True,
        )
        await stop.wait()
