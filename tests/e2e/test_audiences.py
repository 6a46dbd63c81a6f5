"""Audiences as code, end to end: names looked up through ``/audiences`` (Preview) or created, ids in
any version, applied through the Content Import Source's ``audience_ids`` only when they differ from
what state records as applied; every request valid for its version's description."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.errors import ConfigError
from ingest.intercom import IntercomClient
from tests.e2e.conftest import SOURCE_READ, TOKEN, SyncedProject, endpoints, write_config

SOURCE_PUT = "PUT /ai/content_import_sources/{source_id}"


class Project(SyncedProject):
    def __init__(self, tmp_path: Path, emulator: RunningEmulator, api_version: str) -> None:
        self.tmp_path, self.emulator, self.api_version = tmp_path, emulator, api_version
        (tmp_path / "docs").mkdir()
        for name in ("a.md", "b.md"):
            (tmp_path / "docs" / name).write_text(f"# {name}\n\nText.\n", encoding="utf-8")
        self.configure()

    def configure(self, **keys: Any) -> None:
        self.config = write_config(
            self.tmp_path, self.emulator.base_url, api_version=self.api_version, **keys
        )

    async def audience(self, name: str) -> int:
        """An audience made in the workspace (through Preview's /audiences), its id."""
        client = IntercomClient(base_url=self.emulator.base_url, token=TOKEN, api_version="Preview")
        async with client:
            return (await client.create_audience(name)).id

    def source_updates(self) -> list[dict[str, Any]]:
        return [r.body for r in self.emulator.requests() if r.endpoint == SOURCE_PUT]

    def held(self) -> list[int]:
        (source,) = self.emulator.sources()
        return list(source["audience_ids"])


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def preview(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return Project(tmp_path, emulator, "Preview")


async def test_named_audiences_are_looked_up_applied_once_and_changed_once(preview: Project) -> None:
    """The names are found through /audiences and given to the source with its pages; the next run
    reads and sends nothing for them; a change of names is one lookup and one update."""
    vip = await preview.audience("VIP Customers")
    partners = await preview.audience("Partners")
    preview.configure(audiences=["VIP Customers"])
    first = await preview.sync_fresh()
    assert first.ok and first.counts.created == 2, first.failures
    assert preview.held() == [vip]
    assert preview.source_updates() == [
        {
            "sync_behavior": "api",
            "url": "https://docs.example.com",
            "audience_ids": [vip],
            "apply_audience_to_existing_content": True,
        }
    ]
    assert "GET /audiences" in endpoints(preview.emulator)
    assert validate_recorded(preview.emulator.requests(), version="Preview") >= 5

    again = await preview.sync_fresh()
    assert endpoints(preview.emulator) == SOURCE_READ and again.remote == []

    preview.configure(audiences=["VIP Customers", "Partners"])
    changed = await preview.sync_fresh()
    assert endpoints(preview.emulator) == [
        "GET /ai/content_import_sources/{source_id}",
        "GET /audiences",
        SOURCE_PUT,
    ]
    assert preview.held() == [vip, partners]
    assert [finding.message for finding in changed.remote] == [
        "Content Import Source 1 (https://docs.example.com) and its pages are now for audiences "
        f'"VIP Customers" ({vip}), "Partners" ({partners})'
    ]
    validate_recorded(preview.emulator.requests(), version="Preview")
    assert endpoints((await preview.sync_fresh(), preview.emulator)[1]) == SOURCE_READ

    preview.configure(audiences=[])
    await preview.sync_fresh()
    assert preview.held() == [] and preview.source_updates()[0]["audience_ids"] == []


async def test_a_missing_audience_is_created_when_asked_else_one_sentence_listing_those_there(
    preview: Project,
) -> None:
    await preview.audience("VIP Customers")
    preview.configure(audiences=["Partners"])
    with pytest.raises(ConfigError) as refused:
        await preview.sync_fresh()
    assert str(refused.value) == (
        'sources.docs.audiences: Intercom has no audience named "Partners"; its audiences are '
        '"VIP Customers" (set create_audiences = true to create it)'
    )
    assert [r.method for r in preview.emulator.requests() if r.path.startswith("/audiences")] == ["GET"]

    preview.configure(audiences=["Partners"], create_audiences=True)
    result = await preview.sync_fresh()
    assert result.ok
    created = [r.body for r in preview.emulator.requests() if r.endpoint == "POST /audiences"]
    assert created == [{"name": "Partners"}]
    validate_recorded(preview.emulator.requests(), version="Preview")
    await preview.sync_fresh()
    assert not any(r.path.startswith("/audiences") for r in preview.emulator.requests())


@pytest.mark.parametrize("version", ["2.15", "2.16"])
async def test_versions_without_audiences_take_ids_and_refuse_names_naming_the_version_that_can(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    at = Project(tmp_path, emulator, version)
    at.configure(audiences=["VIP Customers"])
    with pytest.raises(ConfigError) as refused:
        load_settings(at.config)
    assert str(refused.value) == (
        f"sources.docs.audiences: Intercom API {version} cannot look audiences up by name (it has no "
        "/audiences); set intercom.api_version to Preview, or name them by id with audience_ids"
    )
    at.configure(audience_ids=[12, 7])
    assert (await at.sync_fresh()).ok
    assert at.held() == [7, 12]
    assert [body["audience_ids"] for body in at.source_updates()] == [[7, 12]]
    assert not any(r.path.startswith("/audiences") for r in emulator.requests())
    validate_recorded(emulator.requests(), version=version)
    await at.sync_fresh()
    assert endpoints(emulator) == SOURCE_READ


async def test_without_the_keys_the_source_audiences_are_left_as_they_are(preview: Project) -> None:
    await preview.sync_fresh()
    assert preview.source_updates() == [] and not any(
        r.path.startswith("/audiences") for r in preview.emulator.requests()
    )
