"""Request and response plumbing shared by every resource: JSON bodies, fields, pagination."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ingest.emulator.config import MAX_PER_PAGE
from ingest.emulator.errors import ApiProblem, invalid, missing

_NO_JSON = object()


@dataclass(frozen=True, slots=True)
class _Body:
    present: bool
    value: Any  # the parsed JSON, or _NO_JSON


_BODY = web.RequestKey("emulator_body", _Body)

_TYPE_NAMES: Mapping[type, str] = {str: "a string", int: "an integer", bool: "a boolean"}


async def parsed_body(request: web.Request) -> Any:
    """The request body parsed as JSON, read once and cached; ``None`` if absent or not JSON."""
    if _BODY not in request:
        value: Any = _NO_JSON
        raw = await request.read() if request.body_exists else b""
        if raw:
            try:
                value = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                value = _NO_JSON
        request[_BODY] = _Body(bool(raw), value)
    value = request[_BODY].value
    return None if value is _NO_JSON else value


async def json_object(request: web.Request) -> dict[str, Any]:
    """The body of a POST or PUT, which must be a JSON object sent as ``application/json``."""
    value = await parsed_body(request)
    if not request[_BODY].present:
        raise ApiProblem(400, "bad_request", "A JSON object request body is required")
    if request.content_type != "application/json" and not request.content_type.endswith("+json"):
        raise ApiProblem(400, "bad_request", "Content-Type must be application/json")
    if request[_BODY].value is _NO_JSON:
        raise ApiProblem(400, "bad_request", "The request body is not valid JSON")
    if not isinstance(value, dict):
        raise ApiProblem(400, "bad_request", "The request body must be a JSON object")
    return value


def _is(value: Any, kind: type) -> bool:
    # bool is an int in Python, but not in JSON.
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def required(body: Mapping[str, Any], name: str, kind: type) -> Any:
    """``body[name]``, which must be present, not null, and of JSON type ``kind``."""
    if name not in body or body[name] is None:
        raise missing(name)
    return typed(body, name, kind)


def optional(body: Mapping[str, Any], name: str, kind: type) -> Any:
    """``body[name]`` if present (``None`` if absent); when present it must be of type ``kind``."""
    if name not in body:
        return None
    return typed(body, name, kind)


def typed(body: Mapping[str, Any], name: str, kind: type) -> Any:
    """``body[name]``, checked to be of JSON type ``kind``."""
    value = body[name]
    if not _is(value, kind):
        raise invalid(name, f"{name} must be {_TYPE_NAMES.get(kind, kind.__name__)}")
    return value


def one_of(name: str, value: str, allowed: Collection[str]) -> str:
    """``value`` if it is one of ``allowed``, else a ``parameter_invalid`` naming the choices."""
    if value not in allowed:
        raise invalid(name, f"{name} must be one of: {', '.join(allowed)}")
    return value


def integer_list(name: str, value: Any) -> list[int]:
    """An integer or a list of integers (``audience_ids`` style) as a list; null is empty."""
    if value is None:
        return []
    if _is(value, int):
        return [value]
    if isinstance(value, list) and all(_is(v, int) for v in value):
        return list(value)
    raise invalid(name, f"{name} must be an integer or an array of integers")


def page_params(request: web.Request, default_per_page: int) -> tuple[int, int]:
    """``page`` (1-based) and ``per_page`` from the query; ``per_page`` is clamped to the maximum."""
    values = []
    for name, default in (("page", 1), ("per_page", default_per_page)):
        raw = request.query.get(name)
        if raw is None:
            values.append(default)
            continue
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise invalid(name, f"{name} must be a positive integer")
        values.append(number)
    return values[0], min(values[1], MAX_PER_PAGE)


def paged_response(
    request: web.Request,
    default_per_page: int,
    fetch: Callable[[int, int], Iterable[Any]],
    total: int,
    *,
    reach: int | None = None,
) -> web.Response:
    """A page of a ``list``: ``fetch(offset, limit)`` gives the items (each with ``to_api()``).

    ``total`` is what the answer's totals say (it may count what ``fetch`` no longer gives);
    a list whose ``reach`` is set answers a page ending past it (``page x per_page``) with a 400.
    """
    page, per_page = page_params(request, default_per_page)
    if reach is not None and page * per_page > reach:
        raise invalid(
            "page",
            f"This list stops at {reach:,} results: page x per_page must not exceed {reach} "
            f"(page {page} of {per_page} ends at {page * per_page})",
        )
    items = [item.to_api() for item in fetch((page - 1) * per_page, per_page)]
    return web.json_response(list_body(request, items, page=page, per_page=per_page, total=total))


def list_body(
    request: web.Request, data: list[dict[str, Any]], *, page: int, per_page: int, total: int
) -> dict[str, Any]:
    """A ``list`` response with a ``pages`` object whose ``next`` is an absolute URL, when there is one."""
    total_pages = max(1, math.ceil(total / per_page))
    pages: dict[str, Any] = {"type": "pages", "page": page, "per_page": per_page, "total_pages": total_pages}
    if page < total_pages:
        query = {**request.query, "page": str(page + 1), "per_page": str(per_page)}
        pages["next"] = str(request.url.with_query(query))
    return {"type": "list", "data": data, "pages": pages, "total_count": total}
