"""Injected trouble: latency, failing statuses and dropped connections, all reproducible."""

from __future__ import annotations

import random
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ingest.emulator.config import EmulatorConfig

#: What to do with the next request instead of answering it normally.
Action = Literal["drop"] | int | None
#: The methods ``fail_methods`` may name.
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})


class FaultUpdate(BaseModel):
    """A change to the emulator's behaviour at run time; fields left ``None`` stay as they are.

    ``latency_ms`` is a fixed value or a ``(min, max)`` range. ``fail_next`` requests whose
    ``"METHOD /path"`` starts with ``fail_path`` (any request when unset) are answered
    ``fail_status``; ``drop_next`` requests get their connection closed without
    an answer (drops are taken first). ``fail_rate`` answers that share of requests
    ``fail_status`` at random. ``fail_methods`` (e.g. ``["POST", "PUT", "DELETE"]``: write
    faults) limits both ``fail_next`` and ``fail_rate`` to requests of those methods; empty,
    any method fails. With ``fail_after`` a failure is answered after the request was carried
    out, as a gateway that gave up on a server which did the work: a create happened though
    the client heard a 5xx. ``seed`` restarts the random generators.
    ``stall_next`` requests whose ``"METHOD /path"`` starts with ``stall_path`` (e.g.
    ``"POST /articles"``; any request when unset) are carried out as usual, then their
    answer is withheld for ``stall_seconds``: the write happened, the client has not heard
    of it (to kill a client at exactly that point). ``stall_skip`` matching requests are answered
    as usual first, so a stall can fall on the third create rather than the first.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency_ms: tuple[float, float] | float | None = None
    fail_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    fail_status: int | None = Field(default=None, ge=400, le=599)
    fail_next: int | None = Field(default=None, ge=0)
    fail_path: str | None = None
    fail_methods: tuple[str, ...] | None = None
    fail_after: bool | None = None
    drop_next: int | None = Field(default=None, ge=0)
    stall_next: int | None = Field(default=None, ge=0)
    stall_path: str | None = None
    stall_seconds: float | None = Field(default=None, ge=0)
    stall_skip: int | None = Field(default=None, ge=0)
    rate_limit: int | None = Field(default=None, ge=1)
    rate_window_seconds: float | None = Field(default=None, gt=0)
    seed: int | None = None

    @field_validator("latency_ms")
    @classmethod
    def _range(cls, value: tuple[float, float] | float | None) -> tuple[float, float] | float | None:
        low, high = (value, value) if isinstance(value, float | int) else (value or (0.0, 0.0))
        if not 0 <= low <= high:
            raise ValueError("latency_ms must be >= 0, and min <= max")
        return value

    @field_validator("fail_methods")
    @classmethod
    def _methods(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and not set(value) <= METHODS:
            raise ValueError(f"fail_methods must name methods among {', '.join(sorted(METHODS))}")
        return value


class Faults:
    """The current fault settings and the seeded generators that apply them."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.latency_ms: tuple[float, float] = config.latency_ms
        self.fail_rate = config.fail_rate
        self.fail_status = 503
        self.fail_next = 0
        self.fail_path = ""
        self.fail_methods: tuple[str, ...] = ()
        self.fail_after = False
        self.drop_next = 0
        self.stall_next = 0
        self.stall_path = ""
        self.stall_seconds = 30.0
        self.stall_skip = 0
        #: Answers withheld so far, counted once their request was carried out.
        self.stalled_answers = 0
        self._reseed(config.seed)

    def _reseed(self, seed: int) -> None:
        self.seed = seed
        # Separate generators, so turning on failures does not change the latency sequence.
        self._latency_rng = random.Random(f"{seed}:latency")
        self._fail_rng = random.Random(f"{seed}:fail")

    def update(self, change: FaultUpdate) -> None:
        """Apply the fields of ``change`` that are set (rate-limit fields are not ours)."""
        if change.seed is not None:
            self._reseed(change.seed)
        if change.latency_ms is not None:
            value = change.latency_ms
            low, high = (value, value) if isinstance(value, float | int) else value
            self.latency_ms = (float(low), float(high))
        for name in (
            "fail_rate",
            "fail_status",
            "fail_next",
            "fail_path",
            "fail_methods",
            "fail_after",
            "drop_next",
            "stall_next",
            "stall_path",
            "stall_seconds",
            "stall_skip",
        ):
            value = getattr(change, name)
            if value is not None:
                setattr(self, name, value)

    def delay_seconds(self) -> float:
        """How long to hold the next request before handling it."""
        low, high = self.latency_ms
        if high <= 0:
            return 0.0
        return (low if low == high else self._latency_rng.uniform(low, high)) / 1000.0

    def next_action(self, method: str, path: str) -> Action:
        """``"drop"``, a status to fail with, or ``None`` to answer ``method path`` normally;
        consumes counts."""
        if self.drop_next > 0:
            self.drop_next -= 1
            return "drop"
        if self.fail_methods and method not in self.fail_methods:
            return None
        if self.fail_next > 0 and f"{method} {path}".startswith(self.fail_path):
            self.fail_next -= 1
            return self.fail_status
        if self.fail_rate > 0 and self._fail_rng.random() < self.fail_rate:
            return self.fail_status
        return None

    def take_stall(self, method: str, path: str) -> float:
        """Seconds to withhold the answer to ``method path`` after carrying it out."""
        if self.stall_next > 0 and f"{method} {path}".startswith(self.stall_path):
            if self.stall_skip > 0:
                self.stall_skip -= 1
                return 0.0
            self.stall_next -= 1
            return self.stall_seconds
        return 0.0

    def describe(self) -> dict[str, object]:
        """The current settings, JSON-ready."""
        return {
            "latency_ms": list(self.latency_ms),
            "fail_rate": self.fail_rate,
            "fail_status": self.fail_status,
            "fail_next": self.fail_next,
            "fail_path": self.fail_path,
            "fail_methods": list(self.fail_methods),
            "fail_after": self.fail_after,
            "drop_next": self.drop_next,
            "stall_next": self.stall_next,
            "stall_path": self.stall_path,
            "stall_seconds": self.stall_seconds,
            "stall_skip": self.stall_skip,
            "stalled_answers": self.stalled_answers,
            "seed": self.seed,
        }
