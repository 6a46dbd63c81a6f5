"""Logging: the access token is blanked in every logger's output, text or JSON, extra fields too."""

from __future__ import annotations

import json
import logging

import pytest

from ingest.logs import REDACTED, setup_logging

TOKEN = "tok-secret-0123456789"


class Stderr:
    """What the log handler writes to standard error (a pipe under cron, not a terminal)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def getvalue(self) -> str:
        return self._capsys.readouterr().err


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Stderr:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return Stderr(capsys)


def test_third_party_loggers_are_blanked_too(stderr: Stderr) -> None:
    """aiohttp or watchdog logging a header or a URL with the token goes through the same filter."""
    setup_logging(verbose=0)
    logging.getLogger("aiohttp.client").warning("sending Authorization: Bearer %s", TOKEN)
    logging.getLogger("ingest.engine").warning("a proxy answered: bad token %s", TOKEN)
    logging.getLogger("aiohttp.client").debug("not shown without -vv %s", TOKEN)
    output = stderr.getvalue()
    lines = output.splitlines()
    assert len(lines) == 2 and TOKEN not in output
    assert lines[0].endswith(f"aiohttp.client: sending Authorization: Bearer {REDACTED}")


def test_json_extra_fields_are_blanked(stderr: Stderr) -> None:
    """A batch report in ``extra`` whose error quotes the token is written blanked."""
    setup_logging(verbose=1, json_format=True)
    logging.getLogger("ingest.watch").warning(
        "docs: retrying", extra={"batch": {"source": "docs", "error": f"401 for token {TOKEN}"}}
    )
    (line,) = stderr.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["batch"] == {"source": "docs", "error": f"401 for token {REDACTED}"}
    assert TOKEN not in line


def test_verbose_levels(stderr: Stderr) -> None:
    """-v shows ingest's INFO, -vv everyone's DEBUG; by default warnings only."""
    setup_logging(verbose=1)
    logging.getLogger("ingest.run").info("shown")
    logging.getLogger("watchdog.observers").info("hidden")
    setup_logging(verbose=2)
    logging.getLogger("watchdog.observers").debug("shown too")
    assert [line.rsplit(": ", 1)[1] for line in stderr.getvalue().splitlines()] == ["shown", "shown too"]
