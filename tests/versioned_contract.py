"""Check requests against the description of the API version they were sent for (2.15, 2.16, Preview).

``contract.py`` checks every request against the 2.15 description; the availability work sends
2.16 and Preview requests too. This helper does what ``contract.validate_request`` does (the
OpenAPI description, plus API-NOTES' rules) against the description of a given version, and one
thing more: a JSON body may hold no property its schema does not name. The descriptions leave
``additionalProperties`` open, so without it a 2.16 request carrying Preview's
``ai_sales_agent_availability`` would pass, though 2.16 ignores it.

When ``contract.py`` learns versions, ``validate_recorded_as(version, requests)`` becomes its
per-version call; nothing else here is needed then except :func:`unknown_properties`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml
from contract import SPEC_DIR, _describe, _note_rules
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from ingest.emulator import RecordedRequest

_SPEC_HOST = "https://api.intercom.io"
_FILES = {
    "2.15": "openapi-2.15-subset.yaml",
    "2.16": "openapi-2.16-subset.yaml",
    "Preview": "openapi-preview-subset.yaml",
}


@functools.cache
def _openapi(version: str) -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC_DIR / _FILES[version]))


@functools.cache
def _document(version: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((SPEC_DIR / _FILES[version]).read_text(encoding="utf-8"))
    return loaded


def validate_request_as(
    version: str, method: str, url: str, headers: Mapping[str, str], body: bytes | str | None
) -> None:
    """Raise AssertionError, naming every problem, unless the request keeps ``version``'s contract."""
    parts = urlsplit(url)
    method = method.upper()
    payload = body.encode("utf-8") if isinstance(body, str) else body
    lowered = {name.lower(): value for name, value in headers.items()}
    problems = list(_note_rules(method, parts.path, lowered, payload))
    if lowered.get("intercom-version") != version:
        problems.append(f"Intercom-Version {lowered.get('intercom-version')!r}, not {version!r}")
    request = MockRequest(
        _SPEC_HOST,
        method.lower(),
        parts.path or "/",
        args=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=dict(headers),
        data=payload,
        content_type=lowered.get("content-type", ""),
    )
    problems.extend(_describe(error) for error in _openapi(version).iter_request_errors(request))
    if payload:
        problems.extend(unknown_properties(version, method, parts.path, json.loads(payload)))
    if problems:
        shown = f"{method} {parts.path}" + (f"?{parts.query}" if parts.query else "")
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(f"{shown} breaks the Intercom {version} contract:\n{listed}")


def validate_recorded_as(version: str, requests: Iterable[RecordedRequest]) -> int:
    """Validate requests as the emulator recorded them; how many there were (so a test can say
    that something was checked)."""
    count = 0
    for request in requests:
        query = "&".join(f"{key}={value}" for key, value in request.query.items())
        validate_request_as(
            version,
            request.method,
            request.path + (f"?{query}" if query else ""),
            {**request.headers, "Authorization": "Bearer recorded"},
            json.dumps(request.body) if request.body is not None else None,
        )
        count += 1
    return count


def unknown_properties(version: str, method: str, path: str, body: Any) -> Iterator[str]:
    """Every property of ``body`` that the request schema of ``method path`` does not name."""
    schema = _request_schema(version, method, path)
    if schema is not None:
        yield from _unknown(version, schema, body, "body")


def _request_schema(version: str, method: str, path: str) -> dict[str, Any] | None:
    document = _document(version)
    for template, operations in document["paths"].items():
        if _matches(template, path) and method.lower() in operations:
            content = operations[method.lower()].get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            return _resolve(version, schema) if schema else None
    return None


def _matches(template: str, path: str) -> bool:
    wanted, given = template.strip("/").split("/"), path.strip("/").split("/")
    return len(wanted) == len(given) and all(
        part.startswith("{") or part == actual for part, actual in zip(wanted, given, strict=True)
    )


def _resolve(version: str, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = _document(version)
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _unknown(version: str, schema: dict[str, Any], value: Any, where: str) -> Iterator[str]:
    schema = _resolve(version, schema)
    if isinstance(value, dict) and "properties" in schema:
        known = schema["properties"]
        for name, item in value.items():
            if name not in known:
                yield f"{where}.{name} is not in the {version} description"
            else:
                yield from _unknown(version, known[name], item, f"{where}.{name}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _unknown(version, schema["items"], item, f"{where}[{index}]")
