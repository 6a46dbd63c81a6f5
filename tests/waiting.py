"""Waiting on a condition with a deadline: the one way tests wait for something to happen."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")

#: How often the condition is looked at again; a poll interval, never an assertion of speed.
POLL_SECONDS = 0.01


def wait_for(condition: Callable[[], _T], within: float = 30.0, what: str = "condition") -> _T:
    """Return the condition's first truthy value; AssertionError when ``within`` seconds pass first."""
    deadline = time.monotonic() + within
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {within} s")
        time.sleep(POLL_SECONDS)
    return value
