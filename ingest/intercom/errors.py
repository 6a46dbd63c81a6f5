"""Turn Intercom's error answers and aiohttp's exceptions into :mod:`ingest.errors`.

This is the one place where the layer below is translated: nothing outside
``ingest.intercom`` sees an aiohttp exception or an HTTP status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import aiohttp

from ingest.egress_proxy import DIRECT, Route, shown
from ingest.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    RetryableApiError,
)
from ingest.intercom.ratelimit import RateLimitInfo

#: Failures of the connection rather than answers of the server: worth another attempt.
#: (aiohttp's ServerDisconnectedError, ClientOSError and ServerTimeoutError are among them.)
TRANSIENT_EXCEPTIONS: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectionError,
    aiohttp.ClientPayloadError,
    TimeoutError,  # asyncio's and aiohttp's timeouts are subclasses
)

_SNIPPET_CHARS = 200


@dataclass(frozen=True, slots=True)
class ErrorDetails:
    """What an ``error.list`` body (or, failing that, a raw body) says went wrong."""

    message: str
    code: str | None = None
    field: str | None = None
    request_id: str | None = None


def is_transient(exc: BaseException) -> bool:
    """Whether an exception raised while talking to the server is worth another attempt."""
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return _tunnel_failed(exc)
    return isinstance(exc, TRANSIENT_EXCEPTIONS) and not isinstance(exc, aiohttp.ClientSSLError)


def _tunnel_failed(exc: aiohttp.ClientHttpProxyError) -> bool:
    # A proxy that could not open the tunnel (502, 503, 504) is a connection error: the request
    # never left. One asking for credentials (407) will ask again.
    return exc.status != 407


#: Raised before a request is written: the connection was refused, or not open in time (aiohttp
#: raises ConnectionTimeoutError for any time-out while connecting, only then; a time-out while
#: reading is a SocketTimeoutError, after the request may have run).
_NEVER_SENT: tuple[type[BaseException], ...] = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


def never_sent(exc: BaseException) -> bool:
    """Whether the request certainly never reached the server (safe to retry anything)."""
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return True  # the proxy refused the CONNECT: nothing was sent through it
    return isinstance(exc, _NEVER_SENT) and not isinstance(exc, aiohttp.ClientSSLError)


def parse_error_body(status: int, reason: str, headers: Mapping[str, str], body: bytes) -> ErrorDetails:
    """Read an ``error.list``; describe any other body (a proxy's HTML page) readably."""
    header_request_id = headers.get("X-Request-Id")
    document = _json_or_none(body)
    errors = document.get("errors") if isinstance(document, dict) else None
    if isinstance(document, dict) and isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        messages = [str(e.get("message") or e.get("code") or "") for e in errors if isinstance(e, dict)]
        request_id = document.get("request_id") or header_request_id
        return ErrorDetails(
            message="; ".join(m for m in messages if m) or f"HTTP {status} {reason}".strip(),
            code=_str_or_none(first.get("code")),
            field=_str_or_none(first.get("field")),
            request_id=_str_or_none(request_id),
        )
    if 300 <= status < 400 and headers.get("Location"):
        return ErrorDetails(
            message=f"HTTP {status} {reason} to {headers['Location']}", request_id=header_request_id
        )
    content_type = headers.get("Content-Type", "no content type")
    snippet = _snippet(body)
    described = f"HTTP {status} {reason}".strip() + f" with a non-error.list body ({content_type})"
    return ErrorDetails(
        message=f"{described}: {snippet}" if snippet else f"{described}, empty",
        request_id=header_request_id,
    )


#: How to fix a refused token, unless the client was told where its token came from.
DEFAULT_TOKEN_FIX = "set INTERCOM_ACCESS_TOKEN to a valid token"  # noqa: S105 - advice, not a token


def error_for_status(
    *,
    status: int,
    details: ErrorDetails,
    operation: str,
    base_url: str,
    redact: Callable[[str], str],
    reset_at: float | None = None,
    attempts: int = 1,
    token_fix: str = DEFAULT_TOKEN_FIX,
) -> ApiError:
    """The exception for an error status; its class says whether retrying can help.

    ``redact`` masks secrets (the token) in the message, whatever the server echoed;
    ``token_fix`` says how to supply a valid token, where this one came from.
    """
    details = replace(details, message=redact(details.message))
    base_url = redact(base_url)
    tried = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
    common: dict[str, Any] = {
        "status": status,
        "code": details.code,
        "request_id": details.request_id,
        "field": details.field,
    }
    if status == 401:
        return AuthError(
            f"Intercom rejected the access token ({details.message}) on {operation}: {token_fix} "
            f"for this workspace and its region ({base_url})",
            **common,
        )
    if status == 403:
        return AuthError(
            f"The access token lacks a permission that {operation} needs ({details.message}): "
            "grant it to the app in the Intercom Developer Hub, then use the new token",
            **common,
        )
    if status == 429:
        return RateLimitedError(
            f"Intercom kept answering 429 rate limited to {operation} ({details.message}){tried}",
            reset_at=reset_at,
            **common,
        )
    if status >= 500:
        return RetryableApiError(f"Intercom failed on {operation}: {details.message}{tried}", **common)
    if 300 <= status < 400:
        return RejectedError(f"{operation} was redirected ({details.message}): check the base URL", **common)
    if status == 404:
        return NotFoundError(f"Intercom rejected {operation}: {details.message}", **common)
    return RejectedError(f"Intercom rejected {operation}: {details.message}", **common)


def error_for_exception(
    exc: BaseException,
    *,
    operation: str,
    attempts: int,
    redact: Callable[[str], str],
    route: Route = DIRECT,
) -> ApiError:
    """The exception for a failure to get any answer at all (``redact`` masks secrets).

    Through a proxy (``route``), a failure of the proxy names it, never its credentials.
    """
    if isinstance(exc, aiohttp.ClientHttpProxyError) and exc.status == 407:
        return proxy_refused(exc.status, exc.message, operation=operation, route=route)
    what = redact(describe_failure(exc, route))
    if is_transient(exc):
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        return RetryableApiError(f"No answer from Intercom to {operation}{tried}: {what}")
    return ApiError(f"Could not send {operation}: {what}")


def parse_success_body(body: bytes, *, status: int, headers: Mapping[str, str], operation: str) -> Any:
    """The JSON document of a 2xx answer; ``None`` for an empty one (a 204)."""
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        content_type = headers.get("Content-Type", "no content type")
        raise ApiError(
            f"Intercom answered {operation} with a body that is not JSON ({content_type}): {_snippet(body)}",
            status=status,
            request_id=headers.get("X-Request-Id"),
        ) from None


def rate_limit_reset(headers: Mapping[str, str]) -> float | None:
    """``X-RateLimit-Reset`` as UNIX time, if present."""
    return RateLimitInfo.from_headers(headers).reset_at


def redacting(secret: str) -> Callable[[str], str]:
    """A function that masks ``secret`` wherever it appears in a text."""

    def redact(text: str) -> str:
        return text.replace(secret, "***") if secret else text

    return redact


def proxy_refused(status: int, reason: str, *, operation: str, route: Route) -> ApiError:
    """A proxy's 407: its credentials are missing or wrong, which no retry changes."""
    return ApiError(
        f"The proxy {shown(route.proxy) if route.proxy else ''} refused {operation}: "
        f"{status} {reason or 'Proxy Authentication Required'}; give the proxy's user and password "
        f"in its URL in {route.variable or 'HTTPS_PROXY'} (http://user:password@host:port)",
        status=status,
    )


def describe_failure(exc: BaseException, route: Route = DIRECT) -> str:
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return f"{route} answered {exc.status} {exc.message} instead of opening a tunnel"
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return f"could not connect to {route} ({exc.strerror or 'refused'})"
    text = str(exc).strip()
    if isinstance(exc, TimeoutError) and not text:
        text = "timed out"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _str_or_none(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _snippet(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    text = re.sub(r"<[^>]*>", " ", text)  # a proxy's HTML page: its words are what matters
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "…"
