"""Persistence to a data file across emulator instances."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from emulator_helpers import TOKEN, assert_error, create_source, make_config, page_body, upsert

from ingest.emulator import start_emulator
from ingest.errors import ConfigError


def _read(data_file: Path) -> dict[str, list[dict[str, object]]]:
    return json.loads(data_file.read_text())  # type: ignore[no-any-return]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _session(base_url: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(base_url, headers={"Authorization": f"Bearer {TOKEN}"})


async def test_pages_survive_a_restart_and_ids_keep_increasing(tmp_path: Path) -> None:
    """A second emulator on the same data file sees the first one's data and never reuses an id."""
    config = make_config(data_file=tmp_path / "emulator.json")
    async with start_emulator(config) as first, _session(first.base_url) as client:
        source_id = await create_source(client)
        _, kept = await upsert(client, page_body(source_id, "kept"))
        _, gone = await upsert(client, page_body(source_id, "gone"))
        async with client.delete(f"/ai/external_pages/{gone['id']}"):
            pass
    async with start_emulator(config) as second, _session(second.base_url) as client:
        assert second.pages() == [kept]
        assert [s["id"] for s in second.sources()] == [source_id]
        _, again = await upsert(client, page_body(source_id, "kept", title="Updated"))
        _, new = await upsert(client, page_body(source_id, "new"))
        assert await create_source(client) > source_id
    assert again["id"] == kept["id"]
    assert int(new["id"]) > int(gone["id"])


async def test_each_write_is_saved_atomically(tmp_path: Path) -> None:
    """After every write the file already holds it, and no temporary file is left beside it."""
    data_file = tmp_path / "emulator.json"
    async with (
        start_emulator(make_config(data_file=data_file)) as emulator,
        _session(emulator.base_url) as client,
    ):
        source_id = await create_source(client)
        assert [s["id"] for s in _read(data_file)["sources"]] == [source_id]
        await upsert(client, page_body(source_id, "a"))
        assert [p["external_id"] for p in _read(data_file)["pages"]] == ["a"]
        assert _names(tmp_path) == ["emulator.json"]


async def test_a_corrupt_data_file_is_a_config_error(tmp_path: Path) -> None:
    """A data file that is not the emulator's JSON stops start-up with a ConfigError naming it."""
    data_file = tmp_path / "emulator.json"
    data_file.write_text("{not json")
    with pytest.raises(ConfigError, match=r"emulator\.json"):
        await start_emulator(make_config(data_file=data_file))


async def test_a_failed_save_is_a_500_error_list_not_a_traceback(tmp_path: Path) -> None:
    """When the data file cannot be written, the client gets a 500 error.list and nothing else."""
    data_file = tmp_path / "emulator.json"
    async with (
        start_emulator(make_config(data_file=data_file)) as emulator,
        _session(emulator.base_url) as client,
    ):
        data_file.mkdir()  # os.replace onto a directory fails
        async with client.post(
            "/ai/content_import_sources", json={"sync_behavior": "api", "url": "https://x.example.com"}
        ) as r:
            assert r.status == 500
            assert_error(await r.json(), "server_error")
        data_file.rmdir()
