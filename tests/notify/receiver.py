"""A webhook receiver on loopback, in a thread of its own: it records every POST and answers as
scripted (a status and headers, or a hang until it stops), so tests hold delivery to what reached
it. Its thread lets a synchronous ``main([...])`` (which runs its own event loop) post to it."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

#: The secret part of a webhook URL, as Slack's look; tests check it never leaves the URL.
URL_SECRET = "T0SECRET/B0SECRET/xoxWebhookSecret123"


@dataclass(frozen=True)
class Answer:
    """One scripted answer: ``status`` with ``headers``, or ``hang`` (never answers), or
    ``endless`` (the status, then a body that never ends)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    endless: bool = False


HANG = Answer(hang=True)


class Receiver:
    """Recorded posts (``bodies``), and the answers still scripted (then 200)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self._script: list[Answer] = []
        self._lock = threading.Lock()
        self._stopping: asyncio.Event | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/services/{URL_SECRET}"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._script = list(answers)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        with self._lock:
            self.bodies.append(json.loads(raw))
            self.headers.append(dict(request.headers))
            self.paths.append(request.path)
            answer = self._script.pop(0) if self._script else Answer()
        if answer.hang:
            assert self._stopping is not None
            await self._stopping.wait()
        if answer.endless:
            return await self._endless(request, answer)
        return web.Response(status=answer.status, headers=answer.headers, text="ok")

    async def _endless(self, request: web.Request, answer: Answer) -> web.StreamResponse:
        assert self._stopping is not None
        response = web.StreamResponse(status=answer.status, headers=answer.headers)
        await response.prepare(request)
        try:
            while not self._stopping.is_set():
                await response.write(b"x" * 65_536)  # waits while the client reads no more
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: what a bounded read does
        return response


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 until the block ends."""
    receiver = Receiver()
    ready = threading.Event()
    loop = asyncio.new_event_loop()
    runner_box: list[web.AppRunner] = []

    async def start() -> None:
        receiver._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", receiver._handle)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        receiver.port = int(runner.addresses[0][1])
        runner_box.append(runner)
        ready.set()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait()
    try:
        yield receiver
    finally:

        async def stop() -> None:
            assert receiver._stopping is not None
            receiver._stopping.set()
            await runner_box[0].cleanup()

        asyncio.run_coroutine_threadsafe(stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
