"""A local stand-in of the three GitHub REST endpoints the action calls for its comment: list an
issue's comments (paginated with ``Link: rel="next"``), create one, update one; with the 403 a
fork's read-only token gets. Served from a thread, for steps run as processes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "ghs_fake_github_token_0123456789"


@dataclass
class FakeGitHub:
    base_url: str = ""
    #: Comments by id: {"id", "body", "user"}.
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: Every request: (method, path with query).
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: Answer every write with 403, as GitHub does to a fork's read-only token.
    read_only: bool = False
    page_size_cap: int = 30
    next_id: int = 1000
    #: The token is a personal one of this user (GET /user answers); None: the job's token, which
    #: GET /user refuses (403) and whose comments are github-actions[bot]'s.
    user_login: str | None = None

    def add(self, body: str, login: str = "someone") -> int:
        self.next_id += 1
        user = {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}
        self.comments[self.next_id] = {"id": self.next_id, "body": body, "user": user}
        return self.next_id

    def _json(self, comment: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}/repos/acme/docs/issues/comments/{comment['id']}"
        return {**comment, "url": url, "html_url": f"https://github.example/acme/docs/pull/7#{comment['id']}"}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/user", self._user)
        app.router.add_get("/repos/acme/docs/issues/{number}/comments", self._list)
        app.router.add_post("/repos/acme/docs/issues/{number}/comments", self._create)
        app.router.add_patch("/repos/acme/docs/issues/comments/{id}", self._update)
        return app

    def _authorised(self, request: web.Request) -> bool:
        self.requests.append((request.method, request.path_qs))
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def _user(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "Bad credentials"}, status=401)
        if self.user_login is None:
            return web.json_response({"message": "Resource not accessible by integration"}, status=403)
        return web.json_response({"login": self.user_login, "type": "User"})

    async def _list(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "Bad credentials"}, status=401)
        per_page = min(int(request.query.get("per_page", "30")), self.page_size_cap)
        page = int(request.query.get("page", "1"))
        ordered = sorted(self.comments.values(), key=lambda comment: comment["id"])
        chunk = ordered[(page - 1) * per_page : page * per_page]
        response = web.json_response([self._json(comment) for comment in chunk])
        if page * per_page < len(ordered):
            next_url = f"{self.base_url}{request.path}?per_page={per_page}&page={page + 1}"
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        return response

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "Bad credentials"}, status=401)
        if self.read_only:
            return web.json_response({"message": "Resource not accessible by integration"}, status=403)
        body = (await request.json())["body"]
        created = self.comments[self.add(body, self.user_login or "github-actions[bot]")]
        return web.json_response(self._json(created), status=201)

    async def _update(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "Bad credentials"}, status=401)
        if self.read_only:
            return web.json_response({"message": "Resource not accessible by integration"}, status=403)
        comment = self.comments[int(request.match_info["id"])]
        comment["body"] = (await request.json())["body"]
        return web.json_response(self._json(comment))


@contextmanager
def running_github(github: FakeGitHub | None = None) -> Iterator[FakeGitHub]:
    """Serve ``github`` on a free loopback port from a thread for the ``with`` block."""
    fake = github or FakeGitHub()
    loop = asyncio.new_event_loop()
    started: concurrent.futures.Future[web.AppRunner] = concurrent.futures.Future()

    async def start() -> web.AppRunner:
        runner = web.AppRunner(fake.app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        fake.base_url = f"http://127.0.0.1:{port}"
        return runner

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            runner = loop.run_until_complete(start())
        except BaseException as exc:
            started.set_exception(exc)
            return
        started.set_result(runner)
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, name="fake-github", daemon=True)
    thread.start()
    started.result()
    try:
        yield fake
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
