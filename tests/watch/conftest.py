"""Watch daemon fixtures: a docs folder, a config with short intervals, the daemon in the test's loop."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ingest.config import Settings, load_settings
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.watch import BatchReport, WatchDaemon

TOKEN = "watch-token-0123456789"
SOURCE_URL = "https://docs.example.com"
PAGES = "/ai/external_pages"

#: Short enough for quick tests, long enough that a test's burst of writes is one batch.
FAST_WATCH = {
    "debounce_ms": 300,
    "max_batch_wait_ms": 20_000,
    "poll_seconds": 0.2,
    "retry_min_seconds": 0.2,
    "retry_max_seconds": 0.5,
    "lock_wait_seconds": 0.2,
    "shutdown_grace_seconds": 2.0,
}


def write_config(
    folder: Path,
    base_url: str,
    *,
    source: dict[str, Any] | None = None,
    watch: dict[str, Any] | None = None,
    name: str = "docs",
) -> Path:
    """An ingest.toml with one source (a docs folder by default) and fast [watch] settings."""
    keys = source or {"connector": "filesystem", "path": "docs", "url": SOURCE_URL}
    sections = {
        "intercom": {"base_url": base_url, "max_concurrency": 8, "max_attempts": 2, "request_timeout": 10.0},
        "watch": {**FAST_WATCH, **(watch or {})},
        f"sources.{name}": keys,
    }
    lines: list[str] = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
        lines.append("")
    config = folder / "ingest.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


async def wait_until(condition: Callable[[], Any], within: float = 10.0, what: str = "condition") -> Any:
    """Poll ``condition`` until it is truthy (and return it), failing after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {within} s")
        await asyncio.sleep(0.02)


def page_posts(emulator: RunningEmulator) -> Counter[str]:
    """Successful page upserts per external id."""
    return Counter(
        request.body["external_id"]
        for request in emulator.requests(PAGES)
        if request.method == "POST" and request.status == 200
    )


class Notified:
    """What a watch reported, from the loop and from the observer's thread (one append is atomic)."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], bool]] = []

    def __call__(self, locators: Iterable[str], whole: bool) -> None:
        self.calls.append((tuple(sorted(locators)), whole))

    def locators(self) -> set[str]:
        return {locator for locators, _ in self.calls for locator in locators}


class Project:
    """A docs folder and a config pointing at an emulator, and a daemon to run over them."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator) -> None:
        self.tmp_path = tmp_path
        self.docs = tmp_path / "docs"
        self.docs.mkdir(exist_ok=True)
        self.emulator = emulator
        self.config = write_config(tmp_path, emulator.base_url)
        self.reports: list[BatchReport] = []

    def settings(self) -> Settings:
        return load_settings(self.config)

    def write(self, path: str, text: str) -> Path:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def remote(self) -> dict[str, dict[str, Any]]:
        pages = self.emulator.pages()
        by_id = {page["external_id"]: page for page in pages}
        assert len(by_id) == len(pages), "duplicate external ids in the emulator"
        return by_id

    def titles(self) -> dict[str, str]:
        return {external_id: page["title"] for external_id, page in self.remote().items()}

    def batches(self, outcome: str | None = None) -> list[BatchReport]:
        return [report for report in self.reports if outcome is None or report.outcome == outcome]

    @asynccontextmanager
    async def daemon(self, settings: Settings | None = None) -> AsyncIterator[WatchDaemon]:
        """The daemon running in this loop; its start-up batch is done when the block starts."""
        settings = settings or self.settings()
        started = len(self.reports)
        daemon = WatchDaemon(
            settings, settings.select(None), token=SecretStr(TOKEN), on_batch=self.reports.append
        )
        task = asyncio.create_task(daemon.run())
        try:
            await wait_until(lambda: len(self.reports) > started or task.done(), what="the start-up batch")
            yield daemon
        finally:
            daemon.stop()
            await asyncio.wait_for(task, timeout=10)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return Project(tmp_path, emulator)
