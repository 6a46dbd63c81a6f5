"""The monitoring server's binding: the wildcard addresses the README offers for a container or a pod
reach it over IPv4 (kubelet's probes, Prometheus, the image's health probe) and IPv6 alike."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from ingest.monitoring.metrics import DaemonMetrics
from ingest.monitoring.readiness import Readiness
from ingest.monitoring.server import MonitoringServer


def _ipv6() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def server(host: str) -> MonitoringServer:
    return MonitoringServer(
        DaemonMetrics({"docs": ["external_pages"]}), Readiness(["docs"], stuck_seconds=60), host=host, port=0
    )


async def status(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status


@pytest.mark.skipif(not _ipv6(), reason="no IPv6 on this host")
async def test_the_ipv6_wildcard_answers_over_ipv4_and_ipv6() -> None:
    """metrics_address = "::" answers on 127.0.0.1 (as 0.0.0.0 does) and on ::1, on one port."""
    running = server("::")
    await running.start()
    try:
        assert await status(f"http://127.0.0.1:{running.port}/healthz") == 200
        assert await status(f"http://[::1]:{running.port}/healthz") == 200
    finally:
        await running.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await status(f"http://127.0.0.1:{running.port}/healthz")


async def test_a_port_in_use_on_the_ipv6_wildcard_names_the_key() -> None:
    """A port another process holds is the same one sentence on "::" as on any address."""
    from ingest.errors import ConfigError

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 (a test holding a port)
        taken.listen()
        port = taken.getsockname()[1]
        wildcard = "::" if _ipv6() else "0.0.0.0"  # noqa: S104 (a test's port)
        running = MonitoringServer(
            DaemonMetrics({}), Readiness([], stuck_seconds=60), host=wildcard, port=port
        )
        with pytest.raises(ConfigError, match=r"metrics_port: .* is already in use"):
            await running.start()
