"""End-to-end fixtures: a docs folder, a config pointing at an emulator on loopback, helpers to run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ingest.config import Settings, load_settings
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.engine import SourceResult
from ingest.runner import run_sources

TOKEN = "e2e-token-0123456789"
SOURCE_URL = "https://docs.example.com"
#: The API versions fin-ingest speaks: parametrize a test about them with these.
VERSIONS = ("2.15", "2.16", "Preview")
#: All a run with nothing to send asks of Intercom for a source with External Pages: one read of
#: its Content Import Source (the truth checked on every run).
SOURCE_READ = ["GET /ai/content_import_sources/{source_id}"]
#: ... and for a source whose targets keep no container (articles, internal articles): the token's.
TOKEN_READ = ["GET /me"]


def endpoints(emulator: RunningEmulator) -> list[str]:
    """The endpoint of every request the emulator received, in order (``"GET /me"``)."""
    return [request.endpoint for request in emulator.requests()]


def write_docs(root: Path, count: int) -> dict[str, str]:
    """``count`` small Markdown documents in nested folders; returns {path: title}."""
    titles = {}
    for index in range(count):
        folder = root / f"section-{index % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"page-{index:03d}.md"
        title = f"Page {index}"
        path.write_text(f"# {title}\n\nBody of page {index}, see [the first](../section-0/page-000.md).\n")
        titles[path.relative_to(root).as_posix()] = title
    return titles


def write_config(
    tmp_path: Path, base_url: str, *, api_version: str | None = None, **source_keys: Any
) -> Path:
    """The config of one filesystem source ``docs``; ``api_version`` None leaves the default."""
    keys = {
        "connector": "filesystem",
        "path": "docs",
        "url": SOURCE_URL,
        "url_template": "https://git.example.com/docs/blob/main/{path}",
        **source_keys,
    }
    lines = ["[intercom]", f'base_url = "{base_url}"', "max_concurrency = 16"]
    if api_version is not None:
        lines.append(f'api_version = "{api_version}"')
    lines += ["", "[sources.docs]"]
    for key, value in keys.items():
        rendered = str(value).lower() if isinstance(value, bool) else repr(value).replace("'", '"')
        lines.append(f"{key} = {rendered}")
    path = tmp_path / "ingest.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class SyncedProject:
    """A config file and the emulator it points at: sync it, and look at what the emulator holds.

    Subclasses write ``self.config`` and set ``self.emulator``.
    """

    config: Path
    emulator: RunningEmulator

    def settings(self) -> Settings:
        return load_settings(self.config)

    async def sync(self, *, allow_mass_delete: bool = False, token: str = TOKEN) -> SourceResult:
        settings = self.settings()
        (result,) = await run_sources(
            settings, settings.select(None), allow_mass_delete=allow_mass_delete, token=SecretStr(token)
        )
        return result

    async def sync_fresh(self) -> SourceResult:
        """Forget earlier requests, then sync."""
        self.emulator.clear_requests()
        return await self.sync()

    def forget_state(self) -> None:
        """Delete the state file (and its WAL and lock files), as a lost disk would."""
        for leftover in self.config.parent.glob("ingest.db*"):
            leftover.unlink()

    def remote(self) -> dict[str, dict[str, Any]]:
        """The emulator's pages by external id (failing on a duplicate external id)."""
        pages = self.emulator.pages()
        by_id = {page["external_id"]: page for page in pages}
        assert len(by_id) == len(pages), "duplicate external ids in the emulator"
        return by_id

    def writes(self) -> list[tuple[str, str]]:
        return [
            (request.method, request.path)
            for request in self.emulator.requests()
            if request.method in {"POST", "PUT", "DELETE"}
        ]


class Harness(SyncedProject):
    """A docs folder synced by the filesystem connector."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator) -> None:
        self.tmp_path = tmp_path
        self.docs = tmp_path / "docs"
        self.docs.mkdir(exist_ok=True)
        self.emulator = emulator
        #: The [intercom] api_version of the config; None leaves the default.
        self.api_version: str | None = None
        self.config = write_config(tmp_path, emulator.base_url)

    def use_version(self, version: str) -> None:
        """Speak ``version`` from now on (the config rewritten with it)."""
        self.api_version = version
        self.config = write_config(self.tmp_path, self.emulator.base_url, api_version=version)

    def settings(self, **source_keys: Any) -> Settings:
        """The settings; with ``source_keys``, the config rewritten with them first."""
        if source_keys:
            self.config = write_config(
                self.tmp_path, self.emulator.base_url, api_version=self.api_version, **source_keys
            )
        return super().settings()


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(token=TOKEN)


@pytest.fixture
async def emulator(emulator_config: EmulatorConfig) -> AsyncIterator[RunningEmulator]:
    async with start_emulator(emulator_config) as running:
        yield running


@pytest.fixture
def harness(tmp_path: Path, emulator: RunningEmulator) -> Harness:
    return Harness(tmp_path, emulator)
