"""A Content Import Source deleted in Intercom, found by the run's truth check: the run creates it
again, sends every page to it, and settles what is set apart from the upserts (availability by bulk
action, the owner tag) on the new pages in the same run; the run after writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.emulator import RunningEmulator
from tests.e2e.conftest import SOURCE_READ, endpoints
from tests.e2e.reconcile_helpers import Someone
from tests.e2e.test_owner_tag import OWNER, Project, emulator

__all__ = ["emulator"]  # the fixture, shared with the owner tag tests


@pytest.mark.parametrize("version", ["2.16", "Preview"])
async def test_a_recreated_source_has_its_pages_tagged_and_made_available_in_the_same_run(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    project = Project(tmp_path, emulator, version)
    project.config.write_text(
        project.config.read_text(encoding="utf-8") + "ai_sales_agent = true\n", encoding="utf-8"
    )
    for name in ("a.md", "b.md", "c.md"):
        project.write(name)
    assert (await project.sync()).ok
    (source,) = emulator.sources()
    await Someone(emulator).call("DELETE", f"/ai/content_import_sources/{source['id']}")

    result = await project.sync_fresh()

    assert result.ok, result.failures
    assert result.counts.created == 3
    assert project.tags_by_external_id() == {name: [str(OWNER)] for name in ("a.md", "b.md", "c.md")}
    assert {page["ai_sales_agent_availability"] for page in emulator.pages()} == {True}
    assert set(project.recorded_tags().values()) == {OWNER}
    again = await project.sync_fresh()
    assert (again.counts.unchanged, again.counts.availability, again.counts.tagged) == (3, 0, 0)
    assert endpoints(emulator) == SOURCE_READ
