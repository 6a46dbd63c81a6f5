"""The rate limiter against the emulator's windows wherever they start and however their reset
is rounded: Intercom documents neither, so only the first window may meet a 429."""

from __future__ import annotations

import asyncio
import math
import time

import pytest

from ingest.emulator import EmulatorConfig, start_emulator
from ingest.emulator.limits import ResetRounding
from ingest.emulator.log import RecordedRequest
from ingest.intercom import IntercomClient

TOKEN = "loopback-token"
LIMIT, WINDOW = 25, 1.0
CALLS = 8 * LIMIT  # eight windows at least, each crossed at the emulator's full rate
#: (phase, rounding): windows starting on whole seconds and 0.6 s past them, the whole-second
#: reset rounded down (up to 0.6 s early) and up (up to 0.4 s late), and an exact reset.
CASES: list[tuple[float, ResetRounding]] = [
    (0.0, "down"),
    (0.0, "up"),
    (0.6, "down"),
    (0.6, "up"),
    (0.6, "exact"),
]


def _window_of(entry: RecordedRequest, wall_minus_monotonic: float, phase: float) -> int:
    return math.floor((entry.received_at + wall_minus_monotonic - phase) / WINDOW)


async def _answers(phase: float, rounding: ResetRounding) -> tuple[list[int], list[int]]:
    """Send CALLS requests at the emulator's full rate; the statuses and windows of its answers,
    in the order the emulator received them."""
    config = EmulatorConfig(
        token=TOKEN,
        rate_limit=LIMIT,
        rate_window_seconds=WINDOW,
        rate_window_phase=phase,
        rate_reset_rounding=rounding,
    )
    async with start_emulator(config) as emulator:
        async with IntercomClient(
            base_url=emulator.base_url, token=TOKEN, max_concurrency=8, rate_limit_share=1.0
        ) as client:
            await asyncio.gather(*(client.me() for _ in range(CALLS)))
        wall_minus_monotonic = time.time() - time.monotonic()
        entries = sorted(emulator.requests("/me"), key=lambda entry: entry.received_at)
    statuses = [entry.status for entry in entries if entry.status is not None]
    windows = [
        _window_of(entry, wall_minus_monotonic, phase) for entry in entries if entry.status is not None
    ]
    return statuses, windows


async def test_no_429_after_the_first_window_wherever_windows_start_and_however_resets_round() -> None:
    """Aligned or 0.6 s off whole seconds, the reset rounded down, up or exact: every request
    succeeds, and no request after the first window the client used is answered 429 (in the
    first one the client may learn, from its 429s, how early a rounded-down reset is)."""
    results = await asyncio.gather(*(_answers(phase, rounding) for phase, rounding in CASES))

    for (phase, rounding), (statuses, windows) in zip(CASES, results, strict=True):
        case = f"phase {phase} s, reset rounded {rounding}"
        assert statuses.count(200) == CALLS, case
        first = windows[0]
        late = [
            window
            for status, window in zip(statuses, windows, strict=True)
            if status == 429 and window > first
        ]
        assert late == [], f"{case}: {len(late)} answers of 429 after the first window"
        # The emulator's rate was used: no window carries more than its limit, and the run took
        # about CALLS / LIMIT windows, not one per request.
        assert max(windows) - first <= CALLS // LIMIT + 2, case


@pytest.mark.parametrize("rounding", ["down", "up", "exact"])
def test_emulator_config_takes_the_window_phase_and_the_reset_rounding(rounding: ResetRounding) -> None:
    """The options are kept; a random phase is drawn once per app, within the window."""
    assert (
        EmulatorConfig(rate_window_phase=0.25, rate_reset_rounding=rounding).rate_reset_rounding == rounding
    )
    with pytest.raises(ValueError, match="rate_window_phase"):
        EmulatorConfig(rate_window_phase=10.0)
    with pytest.raises(ValueError, match="rate_reset_rounding"):
        EmulatorConfig(rate_reset_rounding="sideways")  # type: ignore[arg-type]
