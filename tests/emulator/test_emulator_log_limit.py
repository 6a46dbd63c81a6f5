"""A bounded request log: the latest requests kept in full, every request counted."""

from __future__ import annotations

import aiohttp
import pytest
from emulator_helpers import create_source, make_config, page_body, upsert

from ingest.emulator import EmulatorConfig, RunningEmulator
from ingest.emulator.log import RecordedRequest, RequestLog


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return make_config(request_log_limit=2)


async def test_a_bounded_log_keeps_the_latest_requests_and_counts_them_all(
    client: aiohttp.ClientSession, emulator: RunningEmulator
) -> None:
    """With request_log_limit=2, four requests leave the last two in the log, all four in the
    counters, and the control API says two were forgotten; clearing starts over."""
    source_id = await create_source(client)
    for name in ("a", "b", "c"):
        await upsert(client, page_body(source_id, name))
    assert [entry.body["external_id"] for entry in emulator.requests()] == ["b", "c"]
    assert emulator.counters() == {"POST /ai/content_import_sources": 1, "POST /ai/external_pages": 3}
    async with aiohttp.ClientSession(emulator.base_url) as control:
        async with control.get("/_emulator/requests") as response:
            log = await response.json()
        assert [r["body"]["external_id"] for r in log["requests"]] == ["b", "c"]
        assert (sum(log["counters"].values()), log["forgotten"]) == (4, 2)
        async with control.delete("/_emulator/requests"):
            pass
        async with control.get("/_emulator/requests") as response:
            assert await response.json() == {"requests": [], "counters": {}, "forgotten": 0}


def test_an_unbounded_log_forgets_nothing() -> None:
    """Without a limit (the default), every request is kept and none forgotten."""
    log = RequestLog()
    for number in range(3):
        log.add(_entry(number))
    assert ([e.request_id for e in log.entries()], log.forgotten()) == (["0", "1", "2"], 0)


def test_a_zero_limit_keeps_only_counters() -> None:
    """request_log_limit=0 records no request and still counts every one."""
    log = RequestLog(0)
    for number in range(3):
        log.add(_entry(number))
    assert (log.entries(), log.counters(), log.forgotten()) == ([], {"GET /me": 3}, 3)


@pytest.mark.parametrize("limit", [-1, -100])
def test_a_negative_limit_is_refused(limit: int) -> None:
    """A negative request_log_limit is a ValueError naming it."""
    with pytest.raises(ValueError, match="request_log_limit must be None or at least 0"):
        make_config(request_log_limit=limit)


def _entry(number: int) -> RecordedRequest:
    return RecordedRequest(
        method="GET", path="/me", query={}, headers={}, body=None, status=200, received_at=0.0,
        answered_at=0.0, request_id=str(number), endpoint="GET /me",
    )  # fmt: skip
