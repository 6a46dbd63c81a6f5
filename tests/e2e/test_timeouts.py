"""A lost answer costs the read time-out, not the whole request's: the attempt is sent again and
the run converges."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.conftest import SOURCE_READ, Harness, endpoints, write_docs

#: What aiohttp says when an answer stayed silent for ``sock_read`` seconds (a time-out of the
#: whole request says nothing, and is only named by its type).
READ_TIMED_OUT = "Timeout on reading data from socket"


def with_intercom_keys(harness: Harness, keys: str) -> None:
    text = harness.config.read_text(encoding="utf-8")
    harness.config.write_text(text.replace("[intercom]\n", f"[intercom]\n{keys}", 1), encoding="utf-8")


async def test_a_stalled_answer_is_sent_again_after_the_read_timeout(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The emulator carries out one upsert and withholds its answer for 300 s; the client gives the
    attempt up after ``read_timeout`` (0.5 s, with ``request_timeout`` 300 s) and sends it again.
    Every page is synced once, state knows them all (a second run sends nothing). What ended the
    attempt is the socket-read time-out, as the retry's log line says: the whole-request time-out
    would have fired only after 300 s, and says nothing."""
    titles = write_docs(harness.docs, 3)
    with_intercom_keys(harness, "request_timeout = 300\nread_timeout = 0.5\n")
    harness.emulator.set_faults(stall_next=1, stall_path="POST /ai/external_pages", stall_seconds=300)

    with caplog.at_level(logging.WARNING, logger="ingest.intercom"):
        result = await harness.sync()

    assert (result.ok, result.counts.created, result.counts.failed) == (True, 3, 0)
    assert harness.emulator.stalled_answers() == 1
    assert set(harness.remote()) == set(titles)  # remote() fails on a duplicate
    retries = [record.getMessage() for record in caplog.records if "retrying in" in record.getMessage()]
    assert len(retries) == 1 and READ_TIMED_OUT in retries[0], retries
    assert retries[0].startswith("POST /ai/external_pages failed")

    harness.emulator.clear_requests()
    again = await harness.sync()
    assert (again.ok, again.counts.unchanged) == (True, 3)
    assert endpoints(harness.emulator) == SOURCE_READ
