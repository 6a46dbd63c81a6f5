"""Test doubles for the Intercom client tests: fake time, the checked mock API, API objects."""

from __future__ import annotations

import asyncio
from typing import Any

from aioresponses_compat import aioresponses
from contract import validate_request

BASE_URL = "https://api.intercom.test"
TOKEN = "fake-token-do-not-leak-0123456789"
#: A plausible "now" for rate-limit resets, which are UNIX times.
START = 1_750_000_000.0


class FakeTime:
    """An injectable clock and sleep: sleeping advances the clock instead of waiting.

    Concurrent sleepers each wake at their own deadline; the clock never goes back.
    """

    def __init__(self, start: float = START) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        deadline = self.now + seconds
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
        self.now = max(self.now, deadline)


class MockApi(aioresponses):
    """The mocked API; at teardown every request the client sent is checked against the contract."""

    def sent(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every request sent so far as ``(method, url, kwargs)``."""
        return [
            (method, str(url), call.kwargs)
            for (method, url), calls in self.requests.items()
            for call in calls
        ]

    def count(self) -> int:
        """How many requests were sent."""
        return sum(len(calls) for calls in self.requests.values())

    def check_contract(self) -> None:
        """Validate every recorded request with tests/contract.py."""
        for method, url, kwargs in self.sent():
            validate_request(method, url, kwargs.get("headers") or {}, kwargs.get("data"))


def error_list(
    code: str, message: str, *, field: str | None = None, request_id: str = "req-1"
) -> dict[str, Any]:
    """An Intercom ``error.list`` body."""
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return {"type": "error.list", "request_id": request_id, "errors": [error]}


def external_page(page_id: str = "1", external_id: str = "guide.md", source_id: int = 7) -> dict[str, Any]:
    """An External Page object as the API returns it."""
    return {
        "type": "external_page",
        "id": page_id,
        "title": "Guide",
        "html": "<p>Hi</p>",
        "url": "https://docs.example.com/guide",
        "ai_agent_availability": True,
        "ai_copilot_availability": True,
        "locale": "en",
        "source_id": source_id,
        "external_id": external_id,
        "created_at": 1734537273,
        "updated_at": 1734537274,
        "last_ingested_at": 1734537274,
    }


def content_import_source(source_id: int = 7, url: str = "https://docs.example.com") -> dict[str, Any]:
    """A Content Import Source object as the API returns it."""
    return {
        "type": "content_import_source",
        "id": source_id,
        "url": url,
        "sync_behavior": "api",
        "status": "active",
        "audience_ids": [],
        "created_at": 1734537261,
        "updated_at": 1734537261,
        "last_synced_at": 1734537261,
    }
