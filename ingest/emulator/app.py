"""The emulator's aiohttp application: routes from each resource module, and the middlewares.

A request to the API passes, outermost first: ``record`` (request id, the log),
``guard`` (any exception becomes an ``error.list``, never a traceback; persistence),
``authenticate`` (bearer token, rate limit and its headers), ``inject_faults`` (latency,
dropped connections, failing statuses) and ``check_version`` (``Intercom-Version``: the version
the request is answered in, :mod:`ingest.emulator.versions`).
A call is counted against the rate limit when it arrives, before the injected latency,
as a real API counts it at its edge: the order in which ``X-RateLimit-Remaining`` falls is
the order of arrival, not the order of the (randomly delayed) answers.
The control API under ``/_emulator/`` skips all but ``guard``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ingest.emulator import (
    admins,
    audiences,
    bulk_actions,
    content,
    control,
    help_center,
    help_center_articles,
    internal_articles,
)
from ingest.emulator.config import EmulatorConfig
from ingest.emulator.context import STATE, EmulatorState, state_of
from ingest.emulator.errors import (
    ApiProblem,
    code_for,
    error_response,
    http_exception_response,
    new_request_id,
    problem_response,
)
from ingest.emulator.log import RecordedRequest
from ingest.emulator.versions import settle_version
from ingest.emulator.wire import parsed_body

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONTROL_PREFIX = "/_emulator/"
#: Largest request body accepted; big HTML pages must fit.
MAX_BODY_BYTES = 10 * 1024 * 1024

_REQUEST_ID = web.RequestKey("emulator_request_id", str)


class ConnectionDropped(Exception):
    """The connection was closed on purpose without an answer."""


#: Set on a request answered by an injected failure.
_INJECTED = web.RequestKey("emulator_injected_failure", bool)


def _is_control(request: web.Request) -> bool:
    return request.path.startswith(CONTROL_PREFIX)


def _request_id(request: web.Request) -> str:
    request_id: str | None = request.get(_REQUEST_ID)
    if request_id is None:
        request_id = request[_REQUEST_ID] = new_request_id()
    return request_id


async def answer(handler: Handler, request: web.Request) -> web.StreamResponse:
    """``handler``'s response, or the ``error.list`` for whatever it raised."""
    try:
        return await handler(request)
    except (ConnectionDropped, ConnectionResetError):
        raise  # the client went away mid-request (it was killed): nothing to answer, no error
    except ApiProblem as problem:
        return problem_response(_request_id(request), problem)
    except web.HTTPException as exc:
        return http_exception_response(_request_id(request), exc)
    except Exception:
        log.exception("emulator: unexpected error answering %s %s", request.method, request.path)
        return error_response(_request_id(request), 500, "server_error", "Internal server error")


async def _body_for_log(request: web.Request) -> object:
    try:
        return await parsed_body(request)
    except (web.HTTPException, ConnectionError, OSError, asyncio.IncompleteReadError):
        return None


@web.middleware
async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give the request an id and log it (without its Authorization header) once answered."""
    if _is_control(request):
        return await handler(request)
    received = time.monotonic()
    request_id = _request_id(request)
    status: int | None
    try:
        response = await handler(request)
        response.headers["X-Request-Id"] = request_id
        status = response.status
    except (ConnectionDropped, ConnectionResetError):
        response, status = web.Response(status=500), None  # never sent: the transport is closed
    resource = request.match_info.route.resource
    method = request.method
    state_of(request).log.add(
        RecordedRequest(
            method=method,
            path=request.path,
            query=dict(request.query),
            headers={k: v for k, v in request.headers.items() if k.lower() != "authorization"},
            body=await _body_for_log(request),
            status=status,
            received_at=received,
            answered_at=time.monotonic(),
            request_id=request_id,
            endpoint=f"{method} {resource.canonical if resource is not None else request.path}",
        )
    )
    return response


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every exception into an ``error.list``; save the store after a write."""
    response = await answer(handler, request)
    try:
        state_of(request).persist()
    except OSError:
        log.exception("emulator: cannot save the data file")
        return error_response(
            _request_id(request), 500, "server_error", "The emulator could not save its data"
        )
    return response


@web.middleware
async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply injected latency, then drop the connection, fail (before or after carrying the request
    out), or stall the answer, as the fault plan says."""
    if _is_control(request):
        return await handler(request)
    faults = state_of(request).faults
    # Decide on arrival, so "the next N requests" means the next N to arrive.
    delay, action = faults.delay_seconds(), faults.next_action(request.method, request.path)
    if delay > 0:
        await asyncio.sleep(delay)
    if action == "drop":
        await _body_for_log(request)
        if request.transport is not None:
            request.transport.close()
        raise ConnectionDropped
    if action is not None:
        request[_INJECTED] = True
        if faults.fail_after:
            # Carried out first; whatever it answered, the client hears the injected failure.
            with contextlib.suppress(ApiProblem, web.HTTPException):
                await handler(request)
        raise ApiProblem(action, code_for(action), "Injected failure (emulator fault injection)")
    stall = faults.take_stall(request.method, request.path)
    response = await handler(request)
    if stall > 0:
        faults.stalled_answers += 1
        await asyncio.sleep(stall)  # carried out, but the client does not hear of it yet
    return response


def _bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """401 without the right bearer token; count the call against its rate-limit window."""
    if _is_control(request):
        return await handler(request)
    state = state_of(request)
    token = _bearer_token(request)
    if token is None or not hmac.compare_digest(token.encode(), state.config.token.encode()):
        raise ApiProblem(401, "unauthorized", "Access Token Invalid")
    decision = state.limiter.hit(token)
    if not decision.allowed:
        return error_response(
            _request_id(request),
            429,
            "rate_limit_exceeded",
            "Rate Limit Exceeded",
            headers=decision.headers(),
        )
    response = await answer(handler, request)
    if not request.get(_INJECTED):
        # An injected failure stands for a proxy's or a load balancer's: no rate-limit headers.
        response.headers.update(decision.headers())
    return response


@web.middleware
async def check_version(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The version the request is answered in; 400 ``intercom_version_invalid`` for a header naming none."""
    if not _is_control(request):
        settle_version(request, state_of(request).default_features)
    return await handler(request)


async def _save_on_cleanup(app: web.Application) -> None:
    app[STATE].bulk.flush()  # what Intercom accepted it carries out, even if nobody waits for it
    app[STATE].persist()


def create_app(config: EmulatorConfig) -> web.Application:
    """A fresh emulator app with its own data (loaded from ``config.data_file`` if set), log and faults."""
    app = web.Application(
        middlewares=[record, guard, authenticate, inject_faults, check_version],
        client_max_size=MAX_BODY_BYTES,
    )
    app[STATE] = EmulatorState(config)
    for module in (
        admins,
        audiences,
        content,
        help_center,
        help_center_articles,
        internal_articles,
        bulk_actions,
        control,
    ):
        app.add_routes(module.routes)
    app.on_cleanup.append(_save_on_cleanup)
    return app
