"""A local emulator of the Intercom REST API endpoints fin-ingest uses, over real HTTP.

Faithful to the published 2.15 contract for ``/me``, content import sources and external
pages: response shapes, ``error.list`` errors, pagination, rate limiting with
``X-RateLimit-*`` headers. It adds what tests and benchmarks need: injected latency,
failures and dropped connections, a request log, and a control API under ``/_emulator/``.
"""

from __future__ import annotations

from ingest.emulator.app import create_app
from ingest.emulator.config import EmulatorConfig
from ingest.emulator.faults import FaultUpdate
from ingest.emulator.log import RecordedRequest
from ingest.emulator.server import (
    EmulatorStartup,
    RunningEmulator,
    running_emulator,
    serve,
    start_emulator,
)

__all__ = [
    "EmulatorConfig",
    "EmulatorStartup",
    "FaultUpdate",
    "RecordedRequest",
    "RunningEmulator",
    "create_app",
    "running_emulator",
    "serve",
    "start_emulator",
]
