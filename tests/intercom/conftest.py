"""Fixtures for the Intercom client tests: a mocked API that checks every request, fake time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ingest.intercom import IntercomClient

from .fakes import BASE_URL, TOKEN, FakeTime, MockApi


@pytest.fixture
def mock_api() -> Iterator[MockApi]:
    """aioresponses (through the aiohttp 3.14 shim); every request is contract-checked at the end."""
    mocked = MockApi()
    with mocked:
        yield mocked
    mocked.check_contract()


@pytest.fixture
def fake_time() -> FakeTime:
    """A clock at START whose sleeps return at once and are recorded."""
    return FakeTime()


@pytest.fixture
async def client(mock_api: MockApi, fake_time: FakeTime) -> AsyncIterator[IntercomClient]:
    """An IntercomClient on BASE_URL with fake time, talking to ``mock_api``."""
    async with IntercomClient(
        base_url=BASE_URL, token=TOKEN, sleep=fake_time.sleep, clock=fake_time.clock
    ) as intercom:
        yield intercom
