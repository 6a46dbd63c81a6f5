"""Intercom-shaped errors: every failure the emulator answers is an ``error.list``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from aiohttp import web

#: The ``errors[].code`` used when a status is answered without a more specific one.
DEFAULT_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "unsupported",
    409: "conflict",
    413: "bad_request",
    415: "bad_request",
    422: "unprocessable_entity",
    429: "rate_limit_exceeded",
    500: "server_error",
    502: "server_error",
    503: "service_unavailable",
    504: "request_timeout",
}


def code_for(status: int) -> str:
    """The generic Intercom error code for an HTTP status."""
    return DEFAULT_CODES.get(status, "client_error" if status < 500 else "server_error")


def new_request_id() -> str:
    """A fresh request id, a UUID like the ones Intercom puts in ``request_id``."""
    return str(uuid.uuid4())


class ApiProblem(Exception):
    """Raised by handlers and middlewares; becomes an ``error.list`` response."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def missing(field: str) -> ApiProblem:
    """400 ``parameter_not_found`` for a required field that is absent."""
    return ApiProblem(400, "parameter_not_found", f"{field} is a required parameter", field=field)


def invalid(field: str, message: str) -> ApiProblem:
    """400 ``parameter_invalid`` for a field whose value or type is wrong."""
    return ApiProblem(400, "parameter_invalid", message, field=field)


def not_found(message: str = "Resource Not Found") -> ApiProblem:
    """404 ``not_found``."""
    return ApiProblem(404, "not_found", message)


def error_body(request_id: str, code: str, message: str, field: str | None = None) -> dict[str, object]:
    """The JSON body Intercom answers for one error."""
    error: dict[str, object] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"type": "error.list", "request_id": request_id, "errors": [error]}


def error_response(
    request_id: str,
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """An ``error.list`` response with the given status."""
    return web.json_response(
        error_body(request_id, code, message, field), status=status, headers=dict(headers or {})
    )


def problem_response(request_id: str, problem: ApiProblem) -> web.Response:
    """The response for a raised :class:`ApiProblem`."""
    return error_response(request_id, problem.status, problem.code, problem.message, field=problem.field)


def http_exception_response(request_id: str, exc: web.HTTPException) -> web.Response:
    """aiohttp's own errors (no route, wrong method, body too large) as an ``error.list``."""
    status = exc.status
    if status == 404:
        return error_response(request_id, 404, "not_found", "Resource Not Found")
    if status == 405:
        return error_response(request_id, 405, "unsupported", "Method Not Allowed")
    return error_response(request_id, status, code_for(status), exc.reason or "Request failed")
