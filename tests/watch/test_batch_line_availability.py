"""A watch batch that set availability apart from its upserts says so in its log line."""

from __future__ import annotations

import logging

import pytest

from ingest.watching.worker import BatchReport, _log_report


def test_the_batch_line_names_the_availability_it_set(caplog: pytest.LogCaptureFixture) -> None:
    """``set availability N`` after the deletes, only when some was set; the JSON batch carries the count."""
    caplog.set_level(logging.INFO, logger="ingest")
    _log_report(BatchReport("docs", "ok", 2, False, updated=1, availability=3, latency=0.2))
    _log_report(BatchReport("docs", "ok", 1, False, updated=1, latency=0.2))
    with_availability, without = caplog.records
    assert "created 0, updated 1, deleted 0, set availability 3, failed 0" in with_availability.getMessage()
    assert with_availability.batch["availability"] == 3  # type: ignore[attr-defined]
    assert "availability" not in without.getMessage()
