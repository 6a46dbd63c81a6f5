"""A target's sending half meets the emulator over loopback, with a state file of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.intercom import IntercomClient
from ingest.state import StateStore

TOKEN = "targets-token"


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
async def client(emulator: RunningEmulator) -> AsyncIterator[IntercomClient]:
    async with IntercomClient(base_url=emulator.base_url, token=TOKEN, max_attempts=1) as api:
        yield api


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore(tmp_path / "ingest.db") as store:
        yield store
