"""Running the emulator from a background thread and in the foreground (``serve``)."""

from __future__ import annotations

import asyncio
import re
import select
import signal
import socket
import subprocess
import sys
import threading

import aiohttp
import pytest
from emulator_helpers import TOKEN, make_config

from ingest.emulator import running_emulator


async def _get(url: str, token: str) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session,
        session.get(url) as response,
    ):
        return response.status, await response.json()


def test_running_emulator_serves_from_a_thread_and_stops() -> None:
    """It serves while the block runs, its methods work from this thread, and the port closes after."""
    with running_emulator(make_config()) as emulator:
        assert emulator.base_url == f"http://127.0.0.1:{emulator.port}"
        status, me = asyncio.run(_get(f"{emulator.base_url}/me", TOKEN))
        assert (status, me["type"]) == (200, "admin")
        assert [r.path for r in emulator.requests()] == ["/me"]
        emulator.set_faults(fail_next=1)
        assert asyncio.run(_get(f"{emulator.base_url}/me", TOKEN))[0] == 503
        assert emulator.pages() == [] and emulator.sources() == []
        port = emulator.port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    assert [r.status for r in emulator.requests()] == [200, 503]  # still readable once stopped
    assert not any(t.name == "intercom-emulator" for t in threading.enumerate())


def test_running_emulator_reports_a_busy_port() -> None:
    """Starting on a port already in use raises in the caller, not in the background thread."""
    with running_emulator(make_config()) as first, pytest.raises(OSError), running_emulator(port=first.port):
        pass


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_serve_prints_its_url_and_stops_on_sigterm() -> None:
    """serve prints one line with the URL and the fake token, answers requests, and exits 0 on SIGTERM."""
    code = "from ingest.emulator import EmulatorConfig, serve; serve(EmulatorConfig(token='fake-t'), port=0)"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as process:  # noqa: S603 - fixed argv
        assert process.stdout is not None
        try:
            ready, _, _ = select.select([process.stdout], [], [], 20)
            assert ready, "serve printed nothing within 20 s"
            line = process.stdout.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
            assert match and "fake-t" in line, line
            assert asyncio.run(_get(f"{match.group(1)}/me", "fake-t"))[0] == 200
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
