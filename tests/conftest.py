"""Fixtures for every test: a clean environment, so the developer's shell never leaks in."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No INTERCOM_* or INGEST_* variable from the outside reaches a test."""
    for name in list(os.environ):
        if name.startswith(("INTERCOM_", "INGEST_")):
            monkeypatch.delenv(name)
    yield


@pytest.fixture(autouse=True)
def restore_ingest_logging() -> Iterator[None]:
    """A CLI test configures the ``ingest`` logger; the next test gets it back untouched."""
    logger = logging.getLogger("ingest")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]
