"""A folder of docs synced into the emulator over loopback: create, no-op, edit, delete, rename, guard."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from contract import validate_recorded
from pydantic import SecretStr

from ingest.config import Source, load_settings
from ingest.connector import Connector
from ingest.document import DocumentRef
from ingest.emulator import RunningEmulator
from ingest.errors import AuthError, ConnectorError, LockedError
from ingest.lock import SourceLock, source_locks
from ingest.plan import Upsert
from ingest.runner import build_connector, run_sources
from ingest.targets.base import Sent
from ingest.targets.external_pages.sending import ExternalPagesSender
from tests.e2e.conftest import (
    SOURCE_READ,
    SOURCE_URL,
    TOKEN,
    VERSIONS,
    Harness,
    endpoints,
    write_config,
    write_docs,
)


async def test_first_sync_creates_every_page_then_nothing_is_sent(harness: Harness) -> None:
    """First run creates every page under a new import source; the second sends no write, and
    reads only its Content Import Source (the run's check)."""
    titles = write_docs(harness.docs, 12)
    result = await harness.sync()
    assert (result.counts.created, result.counts.failed, result.ok) == (12, 0, True)
    remote = harness.remote()
    assert set(remote) == set(titles)
    (source,) = harness.emulator.sources()
    assert source["url"] == SOURCE_URL and source["sync_behavior"] == "api"
    page = remote["section-1/page-001.md"]
    assert page["title"] == "Page 1"
    assert page["url"] == "https://git.example.com/docs/blob/main/section-1/page-001.md"
    assert page["ai_agent_availability"] is True and page["ai_copilot_availability"] is True
    assert 'href="https://git.example.com/docs/blob/main/section-0/page-000.md"' in page["html"]

    harness.emulator.clear_requests()
    again = await harness.sync()
    assert (again.counts.unchanged, again.counts.created, again.counts.updated) == (12, 0, 0)
    assert again.converted == 0
    assert endpoints(harness.emulator) == SOURCE_READ


async def test_edit_delete_and_rename_propagate(harness: Harness) -> None:
    """An edit is one POST, a delete one DELETE, a rename a POST of the new id then a DELETE of the old."""
    write_docs(harness.docs, 6)
    await harness.sync()
    first_id = harness.remote()["section-0/page-000.md"]["id"]

    harness.emulator.clear_requests()
    edited = harness.docs / "section-0/page-000.md"
    edited.write_text("# Page 0\n\nRewritten.\n")
    os.utime(edited, ns=(1, 1))  # a different mtime even on a coarse clock
    result = await harness.sync()
    assert result.counts.updated == 1
    assert harness.writes() == [("POST", "/ai/external_pages")]
    assert "Rewritten." in harness.remote()["section-0/page-000.md"]["html"]
    assert harness.remote()["section-0/page-000.md"]["id"] == first_id

    harness.emulator.clear_requests()
    (harness.docs / "section-1/page-001.md").unlink()
    result = await harness.sync()
    assert result.counts.deleted == 1
    assert len(harness.writes()) == 1 and harness.writes()[0][0] == "DELETE"
    assert "section-1/page-001.md" not in harness.remote()

    harness.emulator.clear_requests()
    shutil.move(harness.docs / "section-2/page-002.md", harness.docs / "section-2/renamed.md")
    result = await harness.sync()
    assert (result.counts.created, result.counts.deleted) == (1, 1)
    assert [method for method, _ in harness.writes()] == ["POST", "DELETE"]
    assert "section-2/renamed.md" in harness.remote() and "section-2/page-002.md" not in harness.remote()


async def test_mass_delete_guard(harness: Harness) -> None:
    """Removing most documents is refused with no write sent; --allow-mass-delete then deletes them."""
    write_docs(harness.docs, 6)
    await harness.sync()
    for path in sorted(harness.docs.rglob("*.md"))[:5]:
        path.unlink()
    harness.emulator.clear_requests()
    refused = await harness.sync()
    assert refused.error is not None and "5 of 6" in refused.error and not refused.ok
    assert endpoints(harness.emulator) == SOURCE_READ and len(harness.remote()) == 6
    allowed = await harness.sync(allow_mass_delete=True)
    assert allowed.counts.deleted == 5 and len(harness.remote()) == 1


async def test_missing_root_deletes_nothing(harness: Harness) -> None:
    """A source folder gone before the run (an unmounted disk) is the source's error, not a config
    mistake: the settings still load, the run fails the source naming the folder, no page is deleted."""
    write_docs(harness.docs, 3)
    await harness.sync()
    shutil.rmtree(harness.docs)
    harness.emulator.clear_requests()
    settings = harness.settings()
    (result,) = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert result.error == f"source folder {harness.docs} does not exist" and not result.ok
    assert harness.emulator.requests() == [] and len(harness.remote()) == 3


@pytest.mark.parametrize("version", VERSIONS)
async def test_changed_settings_reach_every_page(harness: Harness, version: str) -> None:
    """Turning ai_copilot off reaches every page, though no file changed: 2.15, whose only way to
    say it is the page's own request, re-sends each page; 2.16 and Preview send no page again and
    set the flag with one bulk action."""
    harness.use_version(version)
    write_docs(harness.docs, 4)
    await harness.sync()
    harness.settings(ai_copilot=False)
    result = await harness.sync_fresh()
    bulk = [r for r in harness.emulator.requests() if r.endpoint == "POST /content/bulk_actions"]
    resent, in_bulk = (4, 0) if version == "2.15" else (0, 4)
    assert (result.counts.updated, result.counts.availability) == (resent, in_bulk)
    assert len(bulk) == (1 if in_bulk else 0)
    harness.emulator.flush_bulk_actions()
    assert {page["ai_copilot_availability"] for page in harness.remote().values()} == {False}


async def test_wrong_token_stops_the_run(harness: Harness) -> None:
    """A rejected token raises AuthError at once, says what to fix, and never echoes the token."""
    write_docs(harness.docs, 3)
    with pytest.raises(AuthError) as caught:
        await harness.sync(token="wrong-token-value")
    assert "INTERCOM_ACCESS_TOKEN" in str(caught.value)
    assert "wrong-token-value" not in str(caught.value)
    assert harness.remote() == {}


async def test_server_faults_are_retried_until_every_page_is_right(harness: Harness) -> None:
    """Injected 503s and dropped connections are retried; every page ends right, none duplicated."""
    write_docs(harness.docs, 1)
    await harness.sync()
    titles = write_docs(harness.docs, 10)
    harness.emulator.clear_requests()
    harness.emulator.set_faults(drop_next=1, fail_rate=0.3, fail_status=503, seed=7)
    result = await harness.sync()
    assert result.ok and result.counts.created == 9
    assert {k: v["title"] for k, v in harness.remote().items()} == titles
    statuses = [request.status for request in harness.emulator.requests()]
    assert statuses.count(503) >= 1 and statuses.count(None) == 1


async def test_remote_source_deleted_behind_our_back(harness: Harness) -> None:
    """If the import source was deleted remotely, the next change recreates it and resends every page."""
    write_docs(harness.docs, 3)
    await harness.sync()
    harness.emulator.reset()
    (harness.docs / "section-0/page-000.md").write_text("# Page 0\n\nNew text.\n")
    result = await harness.sync()
    assert result.ok and result.counts.created == 3
    assert len(harness.remote()) == 3


async def test_a_second_run_on_the_same_source_is_refused(harness: Harness) -> None:
    """While one process holds a source's lock, another run of it is refused with a clear message."""
    write_docs(harness.docs, 1)
    settings = harness.settings()
    with source_locks(settings.state.path, ["docs"]), pytest.raises(LockedError, match="another ingest"):
        await harness.sync()


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_request_of_a_full_lifecycle_keeps_the_contract(harness: Harness, version: str) -> None:
    """Every request received over a create, update, rename, delete and adoption after a lost
    state file validates against the description of its version."""
    harness.use_version(version)
    write_docs(harness.docs, 4)
    await harness.sync()
    (harness.docs / "section-0/page-000.md").write_text("# Page 0\n\nChanged.\n")
    shutil.move(harness.docs / "section-1/page-001.md", harness.docs / "section-1/moved.md")
    await harness.sync()
    harness.forget_state()
    assert (await harness.sync()).ok
    requests = harness.emulator.requests()
    assert {request.method for request in requests} == {"GET", "POST", "DELETE"}
    assert {request.headers["Intercom-Version"] for request in requests} == {version}
    validate_recorded(requests)


@pytest.mark.parametrize("version", VERSIONS)
async def test_lost_state_adopts_remote_pages_without_duplicates(harness: Harness, version: str) -> None:
    """With the state file deleted, a rerun adopts the remote pages: no duplicate page or source,
    and a document deleted meanwhile is deleted remotely (in every version, the workspace's list
    reaching them all)."""
    harness.use_version(version)
    titles = write_docs(harness.docs, 6)
    await harness.sync()
    ids_before = {key: page["id"] for key, page in harness.remote().items()}
    for leftover in harness.tmp_path.glob("ingest.db*"):
        leftover.unlink()
    (harness.docs / "section-2/page-005.md").unlink()
    del titles["section-2/page-005.md"]

    result = await harness.sync()
    assert result.ok and result.counts.deleted == 1 and result.counts.created == 0
    assert result.counts.updated == 5
    remote = harness.remote()
    assert {key: page["title"] for key, page in remote.items()} == titles
    assert {key: page["id"] for key, page in remote.items()} == {k: ids_before[k] for k in titles}
    assert len(harness.emulator.sources()) == 1

    harness.emulator.clear_requests()
    await harness.sync()
    assert endpoints(harness.emulator) == SOURCE_READ


async def test_bad_documents_are_reported_and_the_rest_synced(harness: Harness) -> None:
    """Broken front matter, a binary .md and invalid UTF-8 each fail by name; the others sync,
    and a document that breaks later keeps its page."""
    write_docs(harness.docs, 3)
    (harness.docs / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n")
    (harness.docs / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (harness.docs / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    result = await harness.sync()
    assert result.counts.created == 3 and not result.ok
    failed = {failure.locator: failure.message for failure in result.failures}
    assert set(failed) == {"broken.md", "binary.md", "latin1.md"}
    assert "not valid YAML at line" in failed["broken.md"] and "binary" in failed["binary.md"]
    assert "UTF-8" in failed["latin1.md"]

    page = harness.docs / "section-0/page-000.md"
    page.write_text("---\ntitle: [oops\n---\n# Page 0\n")
    harness.emulator.clear_requests()
    again = await harness.sync()
    assert "section-0/page-000.md" in {failure.locator for failure in again.failures}
    assert "section-0/page-000.md" in harness.remote() and harness.writes() == []


async def test_unreachable_api_fails_the_source_clearly(tmp_path: Path) -> None:
    """Nothing listening on the API's port: the source fails with a sentence naming the problem."""
    write_docs(tmp_path / "docs", 2)
    config = write_config(tmp_path, "http://127.0.0.1:9")  # the discard port: nothing answers
    config.write_text(config.read_text().replace("[intercom]", "[intercom]\nmax_attempts = 1"))
    settings = load_settings(config)
    (result,) = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert not result.ok and result.error is not None
    assert "127.0.0.1:9" in result.error or "connect" in result.error.lower()


async def test_a_429_storm_is_waited_out_and_every_page_arrives(harness: Harness) -> None:
    """With a tiny rate limit, the client waits for each window (and its 429s) and nothing is lost."""
    titles = write_docs(harness.docs, 24)
    harness.emulator.set_faults(rate_limit=10, rate_window_seconds=1)
    result = await harness.sync()
    assert result.ok and result.counts.created == 24
    assert {key: page["title"] for key, page in harness.remote().items()} == titles
    statuses = [request.status for request in harness.emulator.requests()]
    assert statuses.count(200) == 24 + 2  # the pages, the source lookup and its creation


async def test_injected_429s_without_headers_are_retried(harness: Harness) -> None:
    """429s that say nothing of the window (a proxy's) are backed off and retried: all pages right."""
    write_docs(harness.docs, 1)
    await harness.sync()
    titles = write_docs(harness.docs, 8)
    harness.emulator.set_faults(fail_rate=0.3, fail_status=429, seed=3)
    result = await harness.sync()
    assert result.ok and result.counts.created == 7
    assert {key: page["title"] for key, page in harness.remote().items()} == titles
    assert 429 in {request.status for request in harness.emulator.requests()}


async def test_a_run_waits_its_turn_for_a_source_another_process_holds(harness: Harness) -> None:
    """With --lock-wait, a run waits while another process holds the source, then syncs it."""
    write_docs(harness.docs, 2)
    settings = harness.settings()
    lock = SourceLock(settings.state.path, "docs")
    assert await lock.acquire(0)
    run = asyncio.ensure_future(
        run_sources(settings, settings.select(None), token=SecretStr(TOKEN), lock_wait=30)
    )
    await asyncio.sleep(0.2)  # give the run the chance to reach the lock; nothing is timed
    assert not run.done() and harness.remote() == {}
    released = time.monotonic()
    lock.release()
    (result,) = await asyncio.wait_for(run, 30)
    assert result.ok and result.counts.created == 2
    # The in-loop emulator shares this process's clock: every request came after the release.
    assert all(request.received_at >= released for request in harness.emulator.requests())


async def test_a_renamed_document_whose_upload_fails_keeps_its_old_page(harness: Harness) -> None:
    """Deletes wait while an upload of the run failed: the renamed document's old page stays until its
    new page exists, and the next clean run moves it."""
    write_docs(harness.docs, 3)
    await harness.sync()
    old = harness.docs / "section-0/page-000.md"
    old.rename(harness.docs / "renamed.md")
    harness.emulator.clear_requests()
    harness.emulator.set_faults(fail_next=1, fail_status=400, fail_path="POST /ai/external_pages")
    failed = await harness.sync()
    assert not failed.ok and failed.counts.deleted == 0
    messages = {failure.locator: failure.message for failure in failed.failures}
    assert messages["renamed.md"].startswith("create failed:")
    assert messages["section-0/page-000.md"].startswith("not deleted yet: 1 upload of this run failed")
    assert harness.writes() == [("POST", "/ai/external_pages")]
    assert set(harness.remote()) == {f"section-{n}/page-00{n}.md" for n in range(3)}

    moved = await harness.sync()
    assert moved.ok and (moved.counts.created, moved.counts.deleted) == (1, 1)
    assert set(harness.remote()) == {"renamed.md", "section-1/page-001.md", "section-2/page-002.md"}


async def test_a_target_bug_on_one_page_fails_that_page_only(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception while sending one page is that page's failure; the others are sent."""
    write_docs(harness.docs, 4)
    real_upsert = ExternalPagesSender.upsert

    async def upsert(self: ExternalPagesSender, item: Upsert) -> Sent:
        if item.page.locator == "section-1/page-001.md":
            raise KeyError("a bug")
        return await real_upsert(self, item)

    monkeypatch.setattr(ExternalPagesSender, "upsert", upsert)
    result = await harness.sync()
    assert (result.counts.created, result.counts.failed) == (3, 1)
    (failure,) = result.failures
    assert (failure.locator, failure.message) == ("section-1/page-001.md", "create failed: KeyError('a bug')")
    assert "section-1/page-001.md" not in harness.remote() and len(harness.remote()) == 3


def lose_state(folder: Path) -> None:
    for state_file in folder.glob("ingest.db*"):
        state_file.unlink()


async def test_a_source_unreadable_when_planned_again_fails_alone(
    tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lost state file makes a source adopt its pages and plan again; when that second scan fails
    (a git fetch timing out, say), the source fails with the reason and the next source still syncs."""
    lines = ["[intercom]", f'base_url = "{emulator.base_url}"', ""]
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.md").write_text(f"# {name}\n\nBody.\n", encoding="utf-8")
        lines += [f"[sources.{name}]", 'connector = "filesystem"', f'path = "{name}"']
        lines += [f'url = "https://{name}.example.com"', ""]
    (tmp_path / "ingest.toml").write_text("\n".join(lines), encoding="utf-8")
    settings = load_settings(tmp_path / "ingest.toml")
    await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    lose_state(tmp_path)
    (tmp_path / "b" / "y.md").write_text("# New in b\n\nBody.\n", encoding="utf-8")

    scans = Counter[str]()

    def build(source: Source) -> Connector:
        connector = build_connector(source)
        scans[source.name] += 1
        if source.name == "a" and scans["a"] == 2:

            async def unreachable() -> AsyncIterator[DocumentRef]:
                raise ConnectorError("cannot reach the repository")
                yield  # pragma: no cover - makes this an async generator

            connector.scan = unreachable  # type: ignore[method-assign]
        return connector

    a, b = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN), connector_factory=build)
    assert (a.source, a.ok, a.error) == ("a", False, "cannot reach the repository")
    assert (b.source, b.ok) == ("b", True)
    assert sorted(page["external_id"] for page in emulator.pages()) == ["x.md", "x.md", "y.md"]
