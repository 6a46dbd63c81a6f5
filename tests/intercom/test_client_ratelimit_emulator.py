"""The rate limiter against the emulator's real fixed windows, with this host's clock skewed."""

from __future__ import annotations

import asyncio
import time

from ingest.emulator import EmulatorConfig, start_emulator
from ingest.intercom import IntercomClient

TOKEN = "loopback-token"
LIMIT, WINDOW = 10, 1.0
CALLS = 3 * LIMIT  # three windows at least: every run crosses window boundaries


async def _statuses_with_skew(skew: float) -> list[int]:
    """Send CALLS requests through a client whose clock is ``skew`` seconds off the emulator's."""
    config = EmulatorConfig(token=TOKEN, rate_limit=LIMIT, rate_window_seconds=WINDOW, seed=1)
    async with start_emulator(config) as emulator:
        async with IntercomClient(
            base_url=emulator.base_url,
            token=TOKEN,
            max_concurrency=4,
            clock=lambda: time.time() + skew,
        ) as client:
            await asyncio.gather(*(client.me() for _ in range(CALLS)))
        return [entry.status for entry in emulator.requests("/me") if entry.status is not None]


async def test_a_skewed_local_clock_meets_no_429() -> None:
    """With this host's clock 0.2 s or 1 s ahead of the server's (or 0.5 s behind), held requests
    wait until the window has refilled on the server's clock: no request is answered 429."""
    skews = (0.2, 1.0, -0.5)
    results = await asyncio.gather(*(_statuses_with_skew(skew) for skew in skews))

    for skew, statuses in zip(skews, results, strict=True):
        assert statuses.count(429) == 0, f"skew {skew:+} s: {statuses.count(429)} answers of 429"
        assert statuses.count(200) == CALLS
