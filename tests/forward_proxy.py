"""A forward HTTP proxy on loopback, as a corporate one behaves: absolute-form requests relayed
(one per connection, ``Connection: close``), CONNECT tunnels, Basic credentials asked with a 407,
or every request refused with a scripted status. It records what it was asked, so tests hold the
clients to going through it (or not)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Seen:
    """One request the proxy received: CONNECT's target is host:port, any other's the URL's path."""

    method: str
    target: str
    headers: dict[str, str]


@dataclass
class ForwardProxy:
    #: (user, password) the proxy demands (407 without them); None lets anyone through.
    credentials: tuple[str, str] | None = None
    #: A status every request gets instead of being relayed (502: the upstream is unreachable).
    refuse_with: int | None = None
    seen: list[Seen] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines if x)}
            path = target if method == "CONNECT" else urlsplit(target).path
            self.seen.append(Seen(method, path, headers))
            refusal = self._refusal(headers)
            if refusal:
                writer.write(refusal)
            elif method == "CONNECT":
                await self._tunnel(target, reader, writer)
            else:
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                await self._relay(method, target, headers, body, writer)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def _refusal(self, headers: dict[str, str]) -> bytes | None:
        if self.credentials is not None:
            expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
            if headers.get("proxy-authorization") != expected:
                return (
                    b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                    b'realm="corp"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
                )
        if self.refuse_with is not None:
            status = f"HTTP/1.1 {self.refuse_with} Refused\r\n"
            return status.encode() + b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        return None

    async def _relay(
        self, method: str, target: str, headers: dict[str, str], body: bytes, writer: asyncio.StreamWriter
    ) -> None:
        url = urlsplit(target)
        upstream_reader, upstream_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        kept = {k: v for k, v in headers.items() if not k.startswith("proxy-") and k != "connection"}
        lines = [f"{method} {url.path}{'?' + url.query if url.query else ''} HTTP/1.1"]
        lines += [f"{name}: {value}" for name, value in kept.items()] + ["connection: close", "", ""]
        upstream_writer.write("\r\n".join(lines).encode("latin-1") + body)
        await upstream_writer.drain()
        writer.write(await upstream_reader.read())  # the answer says Connection: close: read to its end
        upstream_writer.close()

    async def _tunnel(self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = target.rsplit(":", 1)
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while chunk := await source.read(65536):
                    sink.write(chunk)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    def methods_and_paths(self) -> list[tuple[str, str]]:
        return [(seen.method, seen.target) for seen in self.seen]


@contextlib.asynccontextmanager
async def running_proxy(proxy: ForwardProxy | None = None) -> AsyncIterator[ForwardProxy]:
    """Serve ``proxy`` on a free loopback port of the running event loop for the ``with`` block."""
    running = proxy or ForwardProxy()
    server = await asyncio.start_server(running._handle, "127.0.0.1", 0)
    running.port = server.sockets[0].getsockname()[1]
    try:
        yield running
    finally:
        server.close()
        await server.wait_closed()
