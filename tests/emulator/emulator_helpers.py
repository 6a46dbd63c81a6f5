"""Helpers shared by the emulator tests (imported by bare name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from ingest.emulator import EmulatorConfig

TOKEN = "test-token"
#: The API versions the emulator speaks (and fin-ingest): parametrize a test with them.
VERSIONS = ("2.15", "2.16", "Preview")

#: Checks one answered request against the spec: (method, path, status, body bytes).
SpecCheck = Callable[[str, str, int, bytes], None]


def make_config(**overrides: Any) -> EmulatorConfig:
    """The test configuration: a known token, otherwise the defaults unless overridden."""
    return EmulatorConfig(**{"token": TOKEN, **overrides})


async def create_source(client: aiohttp.ClientSession, url: str = "https://docs.example.com") -> int:
    """Create an API content import source and return its id."""
    async with client.post("/ai/content_import_sources", json={"sync_behavior": "api", "url": url}) as r:
        assert r.status == 200, await r.text()
        source_id: int = (await r.json())["id"]
        return source_id


def page_body(source_id: int, external_id: str, **extra: Any) -> dict[str, Any]:
    """A valid upsert body for an external page."""
    return {
        "title": f"Title of {external_id}",
        "html": f"<p>{external_id}</p>",
        "locale": "en",
        "source_id": source_id,
        "external_id": external_id,
        **extra,
    }


async def upsert(client: aiohttp.ClientSession, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST an external page; the status and the JSON answer."""
    async with client.post("/ai/external_pages", json=body) as response:
        return response.status, await response.json()


def assert_error(body: dict[str, Any], code: str, field: str | None = None) -> None:
    """``body`` is an Intercom ``error.list`` with one error of ``code`` (naming ``field``)."""
    assert body["type"] == "error.list"
    assert isinstance(body["request_id"], str) and len(body["request_id"]) == 36
    [error] = body["errors"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert error.get("field") == field
