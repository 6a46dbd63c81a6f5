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
def restore_logging() -> Iterator[None]:
    """A CLI test configures the root and ``ingest`` loggers; the next test gets them back untouched
    (pytest's own capture handlers live on the root logger)."""
    loggers = [logging.getLogger(), logging.getLogger("ingest")]
    saved = [(logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    yield
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One closing line when tests on the third-party corpora were skipped, saying how to run them."""
    from corpora import how_to_enable

    skipped = [report for report in terminalreporter.stats.get("skipped", []) if "corpus" in report.keywords]
    if skipped:
        terminalreporter.write_line(how_to_enable(len(skipped)))


@pytest.fixture
def fake_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test dialect ``fake`` (``tests/sites/fakesite.py``) is known by name, and asked first by
    ``site = "auto"``: a source holding ``fakesite.toml`` is read as a fake docs site."""
    from types import MappingProxyType

    from ingest.sites import registry

    dialects = {**registry.DIALECTS, "fake": "tests.sites.fakesite:FakeDialect"}
    monkeypatch.setattr(registry, "DIALECTS", MappingProxyType(dialects))
    monkeypatch.setattr(registry, "AUTO_ORDER", ("fake", *registry.AUTO_ORDER))
