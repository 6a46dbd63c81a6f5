"""The watch daemon keeps the owner tag on what it syncs, as a run does: a page it creates is tagged in
the same batch, and a batch tags only the pages it brought."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ingest.emulator import EmulatorConfig, EmulatorTag, RunningEmulator, start_emulator
from ingest.intercom import IntercomClient
from tests.watch.conftest import TOKEN, Project, wait_until, write_config

OWNER = 7


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    config = EmulatorConfig(
        token=TOKEN, bulk_action_delay_seconds=None, tags=(EmulatorTag(OWNER, "fin-ingest"),)
    )
    async with start_emulator(config) as running:
        yield running


def tag_calls(project: Project) -> list[list[str]]:
    """The items of each ``update_tags`` call adding the owner tag, in order."""
    calls = []
    for request in project.emulator.requests("/content/bulk_actions"):
        assert isinstance(request.body, dict)
        assert request.body == {**request.body, "action": "update_tags", "tags": {"add_tag_ids": [OWNER]}}
        calls.append([item["id"] for item in request.body["content_ids"]])
    return calls


async def test_a_page_the_daemon_creates_is_tagged_in_its_batch(project: Project) -> None:
    text = project.config.read_text(encoding="utf-8")
    project.config.write_text(text.replace("[intercom]\n", f"[intercom]\nowner_tag_id = {OWNER}\n", 1))
    project.write("a.md", "# A\n\nText.\n")
    async with project.daemon():
        (startup,) = project.batches()
        assert (startup.created, startup.tagged) == (1, 1)
        project.write("b.md", "# B\n\nText.\n")
        await wait_until(lambda: len(project.batches()) == 2, what="the batch of b.md")
        assert (project.batches()[1].created, project.batches()[1].tagged) == (1, 1)
    ids = {external_id: page["id"] for external_id, page in project.remote().items()}
    assert tag_calls(project) == [[ids["a.md"]], [ids["b.md"]]]
    project.emulator.flush_bulk_actions()
    assert {entry["id"] for entry in project.emulator.tagged()} == set(ids.values())


async def test_pages_sent_again_after_the_periodic_check_finds_the_source_gone_are_tagged(
    project: Project,
) -> None:
    """The periodic check finds the Content Import Source deleted in Intercom; the batch that sends
    every page again under a new one tags them all."""
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch={"check_seconds": 0.3})
    text = project.config.read_text(encoding="utf-8")
    project.config.write_text(text.replace("[intercom]\n", f"[intercom]\nowner_tag_id = {OWNER}\n", 1))
    for name in ("a", "b"):
        project.write(f"{name}.md", f"# {name.upper()}\n\nText.\n")
    async with project.daemon():
        (source,) = project.emulator.sources()
        async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
            await client.delete_content_import_source(source["id"])
        await wait_until(lambda: len(project.remote()) == 2, what="the pages sent again")
        await wait_until(lambda: project.batches()[-1].created == 2, what="the batch that sent them")
        assert project.batches()[-1].tagged == 2
    ids = {page["id"] for page in project.remote().values()}
    project.emulator.flush_bulk_actions()
    assert {entry["id"] for entry in project.emulator.tagged()} == ids
