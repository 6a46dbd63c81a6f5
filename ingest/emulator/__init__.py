"""A local emulator of the Intercom REST API endpoints fin-ingest uses, over real HTTP.

Faithful to the published 2.15, 2.16 and Preview contracts for ``/me``, ``/admins``, content
import sources, external pages, the Help Center (help centers, nested collections, articles with
translated content, article search) and internal articles: each request answered in the version
its ``Intercom-Version`` header names (:mod:`ingest.emulator.versions`), response shapes,
``error.list`` errors, pagination and Intercom's list limits, rate limiting with
``X-RateLimit-*`` headers. It adds what tests and benchmarks need:
injected latency, failures, dropped connections and stalled answers, a request log, and a
control API under ``/_emulator/``.

In an async test, in the test's own loop::

    async with start_emulator(EmulatorConfig(token="t")) as emulator:
        ...  # talk to emulator.base_url with "Authorization: Bearer t"
        assert emulator.pages()[0]["external_id"] == "guide.md"

In a sync test, or around a CLI subprocess (the server runs in a background thread)::

    with running_emulator(EmulatorConfig(rate_limit=5, rate_window_seconds=1)) as emulator:
        emulator.set_faults(fail_next=2, fail_status=503, drop_next=1)
        subprocess.run(["ingest", "run", ...], env={..., "INGEST_INTERCOM__BASE_URL": emulator.base_url})
        statuses = [r.status for r in emulator.requests("/ai/external_pages")]

In the foreground: ``serve(EmulatorConfig(data_file=Path("emulator.json")), port=8111)``.
"""

from __future__ import annotations

from ingest.emulator.app import create_app
from ingest.emulator.config import EmulatorAdmin, EmulatorConfig, EmulatorHelpCenter, EmulatorTag
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
    "EmulatorAdmin",
    "EmulatorConfig",
    "EmulatorHelpCenter",
    "EmulatorStartup",
    "EmulatorTag",
    "FaultUpdate",
    "RecordedRequest",
    "RunningEmulator",
    "create_app",
    "running_emulator",
    "serve",
    "start_emulator",
]
