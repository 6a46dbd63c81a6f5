"""The daemon reads a source's Content Import Source at most once per ``poll_seconds``, and again
after any failure: a batch within the poll interval writes without that read, and a source
deleted in Intercom meanwhile is still noticed at once (its upserts are refused)."""

from __future__ import annotations

from collections import Counter

from ingest.emulator import RunningEmulator
from ingest.watching.reads import SourceReads
from tests.watch.conftest import PAGES, Project, wait_until, write_config
from tests.watch.test_watch_truth import SOURCE_READ, delete_the_source, endpoints

#: Far longer than any test: every batch after the first read falls within one poll interval.
LONG_POLL = {"poll_seconds": 3600, "check_seconds": 3600}


def source_reads(emulator: RunningEmulator) -> int:
    return [request.endpoint for request in emulator.requests()].count(SOURCE_READ)


async def test_batches_within_one_poll_interval_read_the_source_once(project: Project) -> None:
    """The start-up sync reads the Content Import Source (its check); the next three edits, each
    its own batch within the poll interval, send their POSTs and no read: one read in all."""
    project.write("a.md", "# A\n\nText.\n")
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch=LONG_POLL)
    async with project.daemon():  # the first start creates the source: no read by id yet
        pass
    project.emulator.clear_requests()
    async with project.daemon():
        for edit in range(3):
            project.write("a.md", f"# A\n\nEdit {edit}.\n")
            await wait_until(lambda: len(project.batches("ok")) == 3 + edit, what=f"edit {edit}'s batch")  # noqa: B023
        posts = [request for request in project.emulator.requests(PAGES) if request.method == "POST"]
        assert [request.body["html"].count(f"Edit {n}.") for n, request in enumerate(posts)] == [1, 1, 1]
        assert source_reads(project.emulator) == 1
        assert endpoints(project)[:2] == ["GET /me", SOURCE_READ]  # the token, the start-up sync's check


async def test_after_a_failed_batch_the_next_one_reads_the_source_again(project: Project) -> None:
    """A batch whose upsert fails (503 on each of its 2 attempts) forgets the read: its retry
    reads the Content Import Source before it writes, although the poll interval has not passed."""
    project.write("a.md", "# A\n\nText.\n")
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch=LONG_POLL)
    async with project.daemon():
        project.write("a.md", "# A\n\nWithin the poll.\n")
        await wait_until(lambda: len(project.batches("ok")) == 2, what="the first edit's batch")
        project.emulator.clear_requests()
        project.emulator.set_faults(fail_next=2, fail_path=f"POST {PAGES}", fail_status=503)
        project.write("a.md", "# A\n\nAfter an error.\n")
        await wait_until(lambda: len(project.batches("ok")) == 3, what="the retried batch")
        assert len(project.batches("retry")) == 1
        assert endpoints(project) == [
            "POST /ai/external_pages",
            "POST /ai/external_pages",
            SOURCE_READ,
            "POST /ai/external_pages",
        ]
        assert "After an error." in project.remote()["a.md"]["html"]


async def test_a_source_deleted_within_a_poll_interval_is_noticed_by_the_refused_write(
    project: Project,
) -> None:
    """The source is deleted in Intercom between two reads: the next edit's upsert is refused (no
    source with that id), the daemon checks the source at once, finds it gone, and sends every page
    again under a new Content Import Source; nothing is lost or duplicated."""
    for name in ("a", "b", "c"):
        project.write(f"{name}.md", f"# {name.upper()}\n\nText.\n")
    project.config = write_config(project.tmp_path, project.emulator.base_url, watch=LONG_POLL)
    async with project.daemon():
        old_id = await delete_the_source(project)
        project.write("a.md", "# A\n\nEdited after the delete.\n")
        await wait_until(lambda: len(project.remote()) == 3, what="every page sent again")
        (source,) = project.emulator.sources()
        assert source["id"] != old_id
        assert {page["source_id"] for page in project.remote().values()} == {source["id"]}
        assert "Edited after the delete." in project.remote()["a.md"]["html"]
        refused = Counter(request.status for request in project.emulator.requests(PAGES))
        assert refused[200] >= 3 and set(refused) <= {200, 400, 422}


def test_a_read_is_due_at_first_after_poll_seconds_and_after_a_failure() -> None:
    """SourceReads on a clock of its own: due until read, not due within ``every``, due again
    once ``every`` has passed or after forget()."""
    now = [100.0]
    reads = SourceReads(30.0, clock=lambda: now[0])
    assert reads.due("docs")
    reads.read("docs")
    now[0] += 29.9
    assert not reads.due("docs") and reads.due("other")
    now[0] += 0.1
    assert reads.due("docs")
    reads.read("docs")
    reads.forget("docs")
    assert reads.due("docs")
