"""The emulator's rate-limit windows off whole seconds, and how it rounds their reset."""

from __future__ import annotations

import pytest

from ingest.emulator import EmulatorConfig
from ingest.emulator.context import EmulatorState
from ingest.emulator.limits import RateLimiter, ResetRounding


@pytest.mark.parametrize(
    ("rounding", "header"), [("down", "1000010"), ("up", "1000011"), ("exact", "1000010.400")]
)
def test_a_window_starting_off_whole_seconds_reports_its_reset_rounded_as_configured(
    rounding: ResetRounding, header: str
) -> None:
    """Phase 0.4 s: window [1000000.4, 1000010.4) refills at 1000010.4, reported as configured;
    a call at 1000010.3 still counts in it, one at 1000010.4 in the next."""
    now = [1_000_003.0]
    limiter = RateLimiter(1, 10.0, phase=0.4, rounding=rounding, wall=lambda: now[0])
    assert limiter.hit("t").headers()["X-RateLimit-Reset"] == header

    now[0] = 1_000_010.3
    assert not limiter.hit("t").allowed
    now[0] = 1_000_010.4
    fresh = limiter.hit("t")
    assert fresh.allowed
    assert fresh.reset_at == pytest.approx(1_000_020.4, abs=1)


def test_an_aligned_window_reports_the_exact_second_whatever_the_rounding() -> None:
    """Phase 0 with 10-second windows: every reset is a whole second, rounded or not."""
    for rounding in ("down", "up", "exact"):
        limiter = RateLimiter(5, 10.0, rounding=rounding, wall=lambda: 1_000_003.5)
        assert limiter.hit("t").headers()["X-RateLimit-Reset"] == "1000010"


def test_a_random_phase_is_drawn_once_per_app_from_the_seed() -> None:
    """Within the window, the same for the same seed, kept when the app is reset, and shown
    with the fault settings."""
    config = EmulatorConfig(rate_window_phase="random", rate_reset_rounding="down", seed=4)
    state = EmulatorState(config)
    phase = state.rate_window_phase

    assert 0 <= phase < config.rate_window_seconds
    assert EmulatorState(config).rate_window_phase == phase
    state.reset()
    assert state.limiter.phase == phase
    assert state.describe_faults()["rate_window_phase"] == phase
    assert state.describe_faults()["rate_reset_rounding"] == "down"
