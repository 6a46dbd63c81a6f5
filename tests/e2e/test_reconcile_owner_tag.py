"""Reconcile with ``[intercom] owner_tag_id``: ``--fix`` syncs the source as ``ingest run`` does, so the
twins it repairs are tagged and the others keep their tag."""

from __future__ import annotations

from pathlib import Path

from ingest.config import load_settings
from ingest.emulator import RunningEmulator
from tests.e2e.reconcile_helpers import Someone, only, reconcile
from tests.e2e.test_owner_tag import OWNER, Project, emulator

__all__ = ["emulator"]  # the fixture, shared with the owner tag tests


async def test_a_fix_run_keeps_the_owner_tag_and_tags_what_it_recreates(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """A page deleted in Intercom is recreated by ``--fix``'s run and tagged in it; the pages left
    alone keep the owner tag (a fix run that knew no tag would take it off every one)."""
    project = Project(tmp_path, emulator)
    for name in ("a.md", "b.md", "c.md"):
        project.write(name)
    assert (await project.sync()).ok
    assert set(project.recorded_tags().values()) == {OWNER}
    gone = project.emulator.pages()[0]
    await Someone(project.emulator).call("DELETE", f"/ai/external_pages/{gone['id']}")

    fixed = await reconcile(load_settings(project.config), fix=True)

    assert fixed.ok, [f.why for f in only(fixed, "external_pages").findings]
    tags = project.tags_by_external_id()
    assert len(tags) == 3 and all(ids == [str(OWNER)] for ids in tags.values()), tags
    assert set(project.recorded_tags().values()) == {OWNER}
    assert (await reconcile(load_settings(project.config))).ok
