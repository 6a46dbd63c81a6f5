"""Check a request against Intercom's API description, the contract every request must keep.

Each request is checked against the description of the version its ``Intercom-Version``
header names: ``tests/intercom_api/openapi-2.15-subset.yaml``, ``-2.16-`` or ``-preview-``,
Intercom's published descriptions (MIT), cut to the endpoints fin-ingest uses and kept in the
repository so that every clone runs every contract test (``tests/intercom_api/README.md`` says
where they came from). A request naming no version, or one with no description here, breaks
the contract.

Besides the OpenAPI description (paths, methods, path and query parameters, the
``Intercom-Version`` header, bearer auth, JSON request bodies), a request must follow the
rules of ``shared/intercom/API-NOTES.md`` that the description cannot express:

* ``Intercom-Version`` and ``Accept: application/json`` on every request;
* ``Content-Type: application/json`` on every body, and no body on GET or DELETE;
* ``ai_agent_availability`` and ``ai_copilot_availability`` always sent on
  ``POST /ai/external_pages``.

Usage::

    from contract import validate_request
    validate_request("POST", "http://127.0.0.1:8080/ai/external_pages", headers, body)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest

from ingest.emulator import RecordedRequest

#: The published descriptions, one per API version, as kept in the repository.
SPEC_DIR = Path(__file__).resolve().parent / "intercom_api"
SPEC_PATHS: Mapping[str, Path] = {
    "2.15": SPEC_DIR / "openapi-2.15-subset.yaml",
    "2.16": SPEC_DIR / "openapi-2.16-subset.yaml",
    "Preview": SPEC_DIR / "openapi-preview-subset.yaml",
}
#: Endpoints a version has that its cut above leaves out, each with the cut that describes it:
#: ``/audiences`` of Preview (``intercom_api/README.md`` says where it was cut, and at which commit).
SPEC_EXTRAS: Mapping[str, tuple[tuple[str, Path], ...]] = {
    "Preview": (("/audiences", SPEC_DIR / "openapi-preview-audiences.yaml"),),
}
#: The description of the oldest version fin-ingest speaks (its schemas that no later version
#: changed, such as the error object, are those of every version).
SPEC_PATH = SPEC_PATHS["2.15"]

#: The description's servers are Intercom's hosts; requests are checked by path, whatever
#: host (emulator, mock, proxy) they were sent to.
_SPEC_HOST = "https://api.intercom.io"


def spec_path(version: str, path: str) -> Path:
    """The description that holds ``path`` (a request's path) in ``version``."""
    for prefix, extra in SPEC_EXTRAS.get(version, ()):
        if path == prefix or path.startswith(f"{prefix}/"):
            return extra
    return SPEC_PATHS[version]


def openapi_for(version: str, path: str) -> OpenAPI:
    """The description :func:`spec_path` names, read once."""
    return _openapi_of(spec_path(version, path))


def openapi(version: str) -> OpenAPI:
    """The description of ``version`` (one of :data:`SPEC_PATHS`), read once.

    A body field the version's request schema does not describe breaks the contract: the API
    ignores fields it does not know, so a client sending one believes it says something
    (Fin for sales availability in a version that cannot set it) that Intercom never hears.
    """
    return _openapi_of(SPEC_PATHS[version])


@functools.cache
def _openapi_of(spec: Path) -> OpenAPI:
    config = Config(additional_properties_default_policy="forbid")
    return OpenAPI.from_file_path(str(spec), config=config)


def validate_request(method: str, url: str, headers: Mapping[str, str], body: bytes | str | None) -> None:
    """Raise AssertionError, naming every problem, unless the request keeps the contract.

    ``url`` may be absolute or a path with its query string; only path and query count.
    """
    parts = urlsplit(url)
    method = method.upper()
    payload = body.encode("utf-8") if isinstance(body, str) else body
    lowered = {name.lower(): value for name, value in headers.items()}
    problems = list(_note_rules(method, parts.path, lowered, payload))
    version = lowered.get("intercom-version")
    if version is not None and version not in SPEC_PATHS:
        problems.append(f"Intercom-Version {version!r} names no description here ({', '.join(SPEC_PATHS)})")
    request = MockRequest(
        _SPEC_HOST,
        method.lower(),
        parts.path or "/",
        args=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=dict(headers),
        data=payload,
        content_type=lowered.get("content-type", ""),
    )
    if version in SPEC_PATHS:
        checked = openapi_for(version, parts.path or "/")
        problems.extend(_describe(error) for error in checked.iter_request_errors(request))
    if problems:
        shown = f"{method} {parts.path}" + (f"?{parts.query}" if parts.query else "")
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(f"{shown} breaks the Intercom {version or 'API'} contract:\n{listed}")


def validate_recorded(requests: Iterable[RecordedRequest], *, version: str | None = None) -> int:
    """Validate requests as the emulator recorded them (it keeps no Authorization header,
    so a placeholder bearer token stands in for it); how many there were, so that a test can
    say something was checked. With ``version``, each must also have been sent in that version
    (a request naming another would be held to the wrong description)."""
    count = 0
    for request in requests:
        sent_in = next((v for k, v in request.headers.items() if k.lower() == "intercom-version"), None)
        if version is not None and sent_in != version:
            raise AssertionError(
                f"{request.method} {request.path} was sent with Intercom-Version {sent_in!r}, not {version!r}"
            )
        query = "&".join(f"{key}={value}" for key, value in request.query.items())
        validate_request(
            request.method,
            request.path + (f"?{query}" if query else ""),
            {**request.headers, "Authorization": "Bearer recorded"},
            json.dumps(request.body) if request.body is not None else None,
        )
        count += 1
    return count


def _note_rules(method: str, path: str, headers: Mapping[str, str], body: bytes | None) -> Iterator[str]:
    if "intercom-version" not in headers:
        yield "no Intercom-Version header"
    if "application/json" not in headers.get("accept", ""):
        yield "no Accept: application/json header"
    if body:
        if not headers.get("content-type", "").startswith("application/json"):
            yield f"a body with Content-Type {headers.get('content-type')!r}, not application/json"
        if method in ("GET", "DELETE"):
            yield f"a body on {method}"
    if method == "POST" and path.rstrip("/").endswith("/ai/external_pages"):
        document = _json_object(body)
        for flag in ("ai_agent_availability", "ai_copilot_availability"):
            if flag not in document:
                yield f"{flag} not sent (it defaults to false on create; always send it)"


def _json_object(body: bytes | None) -> dict[str, Any]:
    try:
        document = json.loads(body or b"")
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _describe(error: BaseException) -> str:
    details: list[str] = []
    cause: BaseException | None = error
    while cause is not None:
        details.extend(str(getattr(e, "message", e)) for e in getattr(cause, "schema_errors", ()) or ())
        cause = cause.__cause__
    headline = f"{type(error).__name__}: {error}"
    return headline + "".join(f"\n      {detail}" for detail in details if detail not in headline)
