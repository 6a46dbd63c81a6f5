"""``ingest config check --notify``: a test message to every webhook, each one's outcome said."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import TYPE_CHECKING

from ingest import __version__
from ingest.config import Settings
from ingest.notify.alert import Alert
from ingest.notify.delivery import Delivery, deliver, receivers_of

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["probe_alert", "send_test"]

EXIT_OK, EXIT_FAILURES, EXIT_CONFIG = 0, 1, 2


def probe_alert() -> Alert:
    """A message marked as a test: no source, no counts."""
    return Alert(
        event="test",
        origin="test",
        scopes=(),
        time=time.time(),
        host=socket.gethostname(),
        version=__version__,
    )


def send_test(settings: Settings, out: Console) -> int:
    """Send the test message; 0 when every webhook took it, 1 when one did not, 2 when none is configured."""
    receivers = receivers_of(settings.notify)
    if not receivers:
        out.print("notify: no webhooks configured ([[notify.webhooks]]): nothing to test", markup=False)
        return EXIT_CONFIG
    deliveries: list[Delivery] = asyncio.run(deliver(receivers, probe_alert(), settings.notify))
    for position, delivery in enumerate(deliveries):
        outcome = (
            f"test message delivered ({delivery.attempts} attempt(s))"
            if delivery.delivered
            else f"test message NOT delivered: {delivery.problem}"
        )
        out.print(f"notify.webhooks.{position} ({delivery.name}): {outcome}", markup=False, soft_wrap=True)
    return EXIT_OK if all(delivery.delivered for delivery in deliveries) else EXIT_FAILURES
