"""Injected latency, failures and dropped connections."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from emulator_helpers import TOKEN, assert_error, make_config

from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator


async def _statuses(client: aiohttp.ClientSession, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        async with client.get("/me") as response:
            statuses.append(response.status)
    return statuses


async def test_next_n_requests_fail_with_the_chosen_status(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """fail_next=2 answers the next two requests with the status given, as error.list, then recovers."""
    emulator.set_faults(fail_next=2, fail_status=503)
    async with client.get("/me") as response:
        assert response.status == 503
        assert_error(await response.json(), "service_unavailable")
    assert await _statuses(client, 2) == [503, 200]
    emulator.set_faults(fail_next=1, fail_status=500)
    assert await _statuses(client, 2) == [500, 200]


async def test_failures_can_be_aimed_at_one_endpoint(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """With fail_path only requests whose "METHOD /path" starts with it fail; others pass untouched."""
    emulator.set_faults(fail_next=1, fail_status=400, fail_path="POST /ai/content_import_sources")
    assert await _statuses(client, 2) == [200, 200]
    body = {"sync_behavior": "api", "url": "https://x.example.com"}
    async with client.post("/ai/content_import_sources", json=body) as response:
        assert response.status == 400
        assert_error(await response.json(), "bad_request")
    async with client.post("/ai/content_import_sources", json=body) as response:
        assert response.status == 200
    assert len(emulator.sources()) == 1


async def test_dropped_connection_raises_on_the_client(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """drop_next closes the connection without an answer; the client sees a disconnect, then it recovers."""
    emulator.set_faults(drop_next=1)
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        async with client.post(
            "/ai/content_import_sources", json={"sync_behavior": "api", "url": "https://x.example.com"}
        ):
            pass
    assert await _statuses(client, 1) == [200]
    [dropped, answered] = emulator.requests()
    assert dropped.status is None and dropped.body == {"sync_behavior": "api", "url": "https://x.example.com"}
    assert answered.status == 200
    assert emulator.sources() == []


async def test_random_failures_are_reproducible_with_a_seed() -> None:
    """Two emulators with the same seed and fail rate fail the same requests."""
    runs = []
    for _ in range(2):
        async with (
            start_emulator(make_config(fail_rate=0.5, seed=7)) as emulator,
            aiohttp.ClientSession(emulator.base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as client,
        ):
            runs.append(await _statuses(client, 20))
    assert runs[0] == runs[1]
    assert 200 in runs[0] and 503 in runs[0]


@pytest.mark.parametrize("emulator_config", [make_config(latency_ms=(100.0, 150.0))])
async def test_latency_is_applied_and_requests_overlap(
    client: aiohttp.ClientSession, emulator: RunningEmulator, emulator_config: EmulatorConfig
) -> None:
    """Each request is held 100-150 ms, yet 20 concurrent ones finish together, not one after another."""

    async def one() -> int:
        async with client.get("/me") as response:
            return response.status

    started = time.monotonic()
    statuses = await asyncio.gather(*(one() for _ in range(20)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 20
    held = [r.answered_at - r.received_at for r in emulator.requests()]
    assert min(held) >= 0.1
    assert elapsed < 20 * 0.1 / 2  # serial handling would take at least 2 s


async def test_faults_can_be_set_over_the_control_api(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """POST /_emulator/faults changes faults at run time; invalid values are a named 400."""
    async with aiohttp.ClientSession(emulator.base_url) as control:
        async with control.post("/_emulator/faults", json={"fail_next": 1, "fail_status": 502}) as response:
            settings = await response.json()
        assert (settings["fail_next"], settings["fail_status"]) == (1, 502)
        assert await _statuses(client, 2) == [502, 200]
        async with control.post("/_emulator/faults", json={"fail_rate": 2}) as response:
            assert response.status == 400
            assert_error(await response.json(), "parameter_invalid", "fail_rate")
        async with control.post("/_emulator/faults", json={"rate_limit": 1}) as response:
            assert response.status == 200
    assert await _statuses(client, 2) == [200, 429]


async def test_set_faults_rejects_bad_values(emulator: RunningEmulator) -> None:
    """RunningEmulator.set_faults raises ValueError for an impossible setting."""
    with pytest.raises(ValueError, match="latency_ms"):
        emulator.set_faults(latency_ms=(300, 100))


@pytest.mark.parametrize("emulator_config", [make_config()])
async def test_a_stalled_write_is_carried_out_but_not_answered(
    emulator: RunningEmulator, client: aiohttp.ClientSession
) -> None:
    """stall_next: the request's effect is visible at once while its answer is withheld."""
    emulator.set_faults(stall_next=1, stall_path="POST /ai/content_import_sources", stall_seconds=5)
    body = {"sync_behavior": "api", "url": "https://stalled.example.com"}
    post = asyncio.ensure_future(client.post("/ai/content_import_sources", json=body))
    deadline = time.monotonic() + 5
    while not emulator.sources():
        assert time.monotonic() < deadline, "the stalled write never happened"
        await asyncio.sleep(0.01)  # poll interval, not a stand-in for the condition
    assert not post.done()
    post.cancel()
    assert emulator.sources()[0]["url"] == "https://stalled.example.com"
    other = await client.get("/me")
    assert other.status == 200, "only the next matching request stalls"


async def test_failures_can_be_limited_to_writes(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """With fail_methods, fail_rate and fail_next leave requests of other methods alone."""
    emulator.set_faults(fail_rate=1.0, fail_methods=("POST", "PUT", "DELETE"))
    assert await _statuses(client, 3) == [200, 200, 200]
    async with client.post(
        "/ai/content_import_sources", json={"sync_behavior": "api", "url": "https://x.example.com"}
    ) as r:
        assert r.status == 503
    assert emulator.sources() == []
    with pytest.raises(ValueError, match="fail_methods"):
        emulator.set_faults(fail_methods=("FETCH",))


async def test_a_failure_after_the_write_leaves_the_write_done(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """fail_after: the request is carried out, then answered with the injected failure, as a
    gateway that gave up on a server which did the work; the answer has no rate-limit headers."""
    emulator.set_faults(
        fail_next=1, fail_status=502, fail_after=True, fail_path="POST /ai/content_import_sources"
    )
    async with client.post(
        "/ai/content_import_sources", json={"sync_behavior": "api", "url": "https://x.example.com"}
    ) as r:
        assert r.status == 502
        assert_error(await r.json(), "server_error")
        assert "X-RateLimit-Remaining" not in r.headers
    assert [source["url"] for source in emulator.sources()] == ["https://x.example.com"]
    async with client.post("/ai/content_import_sources", json={}) as r:
        assert r.status == 400, "only the next matching request fails"


@pytest.mark.parametrize("emulator_config", [make_config()])
async def test_a_stall_can_wait_for_the_nth_matching_request(
    emulator: RunningEmulator, client: aiohttp.ClientSession
) -> None:
    """stall_skip=2: the first two matching requests are answered, the third is carried out and its
    answer withheld; ``stalled_answers`` counts it once it was carried out (the moment to kill a client)."""
    emulator.set_faults(
        stall_next=1, stall_skip=2, stall_path="POST /ai/content_import_sources", stall_seconds=5
    )
    for index in range(2):
        body = {"sync_behavior": "api", "url": f"https://answered-{index}.example.com"}
        async with client.get("/me") as other:
            assert other.status == 200, "a request of another path is not counted"
        async with client.post("/ai/content_import_sources", json=body) as response:
            assert response.status == 200
    assert emulator.stalled_answers() == 0
    body = {"sync_behavior": "api", "url": "https://stalled.example.com"}
    post = asyncio.ensure_future(client.post("/ai/content_import_sources", json=body))
    deadline = time.monotonic() + 5
    while not emulator.stalled_answers():
        assert time.monotonic() < deadline, "the third create was never stalled"
        await asyncio.sleep(0.01)  # poll interval, not a stand-in for the condition
    assert not post.done()
    post.cancel()
    assert [source["url"] for source in emulator.sources()][-1] == "https://stalled.example.com"
    assert emulator.set_faults()["stall_skip"] == 0
