"""The watch daemon checks what Intercom holds at start and every ``check_seconds``, changes or not;
the batches in between send no read of their own."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from ingest.errors import AuthError
from ingest.intercom import IntercomClient
from ingest.watch import WatchDaemon
from tests.watch.conftest import TOKEN, Project, wait_until, write_config

SOURCE_READ = "GET /ai/content_import_sources/{source_id}"


def endpoints(project: Project) -> list[str]:
    return [request.endpoint for request in project.emulator.requests()]


async def delete_the_source(project: Project) -> int:
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        (source,) = await client.list_content_import_sources()
        await client.delete_content_import_source(source.id)
        return source.id


async def test_batches_between_checks_read_only_before_they_write(project: Project) -> None:
    """Between checks, a batch with nothing to send (a file saved unchanged) sends no request, and
    an edit more than ``poll_seconds`` (0.2 s, below the 0.3 s debounce) after the last read reads
    its Content Import Source once before writing, then one POST (test_watch_reads: within a poll,
    the POST alone)."""
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch={"check_seconds": 3600})
    project.write("a.md", "# A\n\nText.\n")
    async with project.daemon():
        assert SOURCE_READ not in endpoints(project)  # the first sync creates the source instead
        project.emulator.clear_requests()
        project.write("a.md", "# A\n\nText.\n")  # saved again, as it was
        await wait_until(lambda: len(project.batches("ok")) == 2, what="the unchanged save's batch")
        assert endpoints(project) == []
        project.write("a.md", "# A\n\nEdited.\n")
        await wait_until(lambda: len(project.batches("ok")) == 3, what="the edit's batch")
        assert endpoints(project) == [SOURCE_READ, "POST /ai/external_pages"]


async def test_a_source_deleted_while_the_daemon_runs_is_recreated_at_the_next_check(
    project: Project,
) -> None:
    """With no change at all, the periodic check finds the Content Import Source gone and the
    daemon sends every page again under a new one."""
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch={"check_seconds": 0.3})
    for name in ("a", "b", "c"):
        project.write(f"{name}.md", f"# {name.upper()}\n\nText.\n")
    async with project.daemon():
        old_id = await delete_the_source(project)
        project.emulator.clear_requests()
        await wait_until(lambda: len(project.remote()) == 3, what="the pages sent again")
        (source,) = project.emulator.sources()
        assert source["id"] != old_id
        assert {page["source_id"] for page in project.remote().values()} == {source["id"]}
        requests = [(request.endpoint, request.status) for request in project.emulator.requests()]
        assert requests[0] == (SOURCE_READ, 404)
        assert ("POST /ai/content_import_sources", 200) in requests
        assert project.batches("ok")[-1].created == 3


async def test_an_idle_daemon_is_stopped_by_a_token_refused_at_its_next_check(project: Project) -> None:
    """A token revoked while nothing changes is found by the periodic check: the daemon stops
    (AuthError, exit 2 from the command) instead of watching on while Fin's content goes stale."""
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch={"check_seconds": 0.3})
    project.write("a.md", "# A\n\nText.\n")
    settings = project.settings()
    daemon = WatchDaemon(settings, settings.select(None), token=SecretStr(TOKEN))
    task = asyncio.create_task(daemon.run())
    try:
        await wait_until(lambda: len(project.remote()) == 1, what="the start-up sync")
        project.emulator.set_faults(fail_next=1, fail_status=401, fail_path="GET /ai/content_import_sources/")
        with pytest.raises(AuthError):
            await asyncio.wait_for(task, timeout=10)
    finally:
        daemon.stop()
    assert [r.status for r in project.emulator.requests() if r.endpoint == SOURCE_READ][-1] == 401
