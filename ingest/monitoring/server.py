"""``/metrics``, ``/healthz`` and ``/readyz`` over HTTP, served from the daemon's own event loop.

Being served by the loop that runs the batches, ``/healthz`` answering at all shows the loop is
alive; it answers 503 once the daemon is stopping, so that a rolling restart sends nothing new to
a daemon on its way out. Anything else is 404.
"""

from __future__ import annotations

import errno
import json
import socket
from collections.abc import Callable
from typing import Final

from aiohttp import web

from ingest.errors import ConfigError
from ingest.monitoring.metrics import DaemonMetrics
from ingest.monitoring.readiness import Readiness

_JSON: Final = "application/json"


class MonitoringServer:
    """The monitoring endpoints on ``host``:``port`` (0: a free port, then :attr:`port` says which)."""

    def __init__(
        self,
        metrics: DaemonMetrics,
        readiness: Readiness,
        *,
        host: str,
        port: int,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self._metrics = metrics
        self._readiness = readiness
        self._host = host
        self._port = port
        self._stopping = stopping
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        """Bind and serve; a port that cannot be bound is a ConfigError naming the key."""
        app = web.Application()
        app.router.add_get("/metrics", self._scrape)
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/readyz", self._ready)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site: web.BaseSite = (
                web.SockSite(runner, _dual_stack(self._port))
                if self._host == "::"
                else web.TCPSite(runner, self._host, self._port)
            )
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(_bind_failure(self._host, self._port, exc)) from None
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _scrape(self, request: web.Request) -> web.Response:
        body, content_type = self._metrics.exposition(request.headers.get("Accept"))
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _health(self, request: web.Request) -> web.Response:
        stopping = self._stopping()
        body = {"alive": True, "stopping": stopping}
        return web.Response(text=json.dumps(body), status=503 if stopping else 200, content_type=_JSON)

    async def _ready(self, request: web.Request) -> web.Response:
        body = self._readiness.explain()
        ready = body["ready"] and not self._stopping()
        body["ready"] = ready
        return web.Response(text=json.dumps(body), status=200 if ready else 503, content_type=_JSON)


def _dual_stack(port: int) -> socket.socket:
    """A socket listening on ``::`` that IPv4 reaches too. asyncio binds an IPv6 address with
    IPV6_V6ONLY, so ``::`` would answer IPv6 alone: a pod's IPv4 probes and scrapes, and the
    image's health probe asking 127.0.0.1, would find nothing there."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _bind_failure(host: str, port: int, exc: OSError) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"[watch] metrics_port: {where} is already in use by another process; choose another port"
    if exc.errno == errno.EACCES:
        return f"[watch] metrics_port: {where} may not be bound by this user (below 1024 needs privileges)"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"[watch] metrics_address: {host} is not an address of this host"
    return f"[watch] metrics_port: {where} cannot be bound ({exc.strerror or exc})"
