"""A run streams: documents are read, converted, planned and sent a batch at a time, and the
result is the one the whole plan gives, request for request and record for record."""

from __future__ import annotations

import asyncio
import json
import os
import weakref
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ingest.collect import LOAD_BATCH
from ingest.config import load_settings
from ingest.connector import Connector
from ingest.conversion import BatchConverter
from ingest.conversion_task import Read, ToRead
from ingest.convert import LinkBuilder
from ingest.document import Page
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator, start_emulator
from ingest.engine import Engine, SourceResult
from ingest.errors import AuthError
from ingest.runner import build_connector, make_client, targets_for
from ingest.state import StateStore
from tests.e2e.conftest import TOKEN, write_config, write_docs
from tests.e2e.killing import integrity_check, kill_at, run_ingest

#: Small batches and few senders, so that a few hundred documents make many batches.
BATCH = 7
SENDERS = 4
#: Written into every body: the results of a run must not carry it (they never hold HTML).
MARKER = "zebra-quokka-marker"


def write_doc(root: Path, locator: str, text: str, *, mtime: int = 1_700_000_000) -> None:
    path = root / locator
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


def body(index: int, version: str) -> str:
    return f"# Document {index}\n\nVersion {version} of document {index}, {MARKER}.\n"


def write_first_corpus(root: Path, count: int) -> None:
    for index in range(count):
        write_doc(root, f"part-{index % 4}/doc-{index:03d}.md", body(index, "one"))


def change_corpus(root: Path) -> None:
    """Every kind of document a second run meets: changed, touched (same payload), unchanged,
    now a draft, now failing (too large), deleted, new, and one whose external id is taken."""
    for index in range(0, 30):  # changed
        write_doc(root, f"part-{index % 4}/doc-{index:03d}.md", body(index, "second"))
    for index in range(30, 40):  # touched: read again, same payload (a refresh, no request)
        write_doc(root, f"part-{index % 4}/doc-{index:03d}.md", body(index, "one"), mtime=1_800_000_000)
    for index in range(40, 50):  # drafts now: their pages are retired
        text = "---\nskip: true\n---\n" + body(index, "one")
        write_doc(root, f"part-{index % 4}/doc-{index:03d}.md", text)
    for index in range(50, 55):  # failing now (past max_document_bytes): their pages are kept
        write_doc(root, f"part-{index % 4}/doc-{index:03d}.md", body(index, "x" * 3000))
    for index in range(55, 75):  # deleted
        (root / f"part-{index % 4}/doc-{index:03d}.md").unlink()
    for index in range(300, 330):  # new
        write_doc(root, f"part-{index % 4}/doc-{index:03d}.md", body(index, "one"))
    taken = "---\nexternal_id: part-0/doc-000.md\n---\n" + body(999, "one")
    write_doc(root, "part-9/duplicate.md", taken)


async def sync(
    tmp_path: Path,
    *,
    streaming: bool = True,
    batch_size: int = BATCH,
    allow_mass_delete: bool = False,
    progress: Any = None,
) -> SourceResult:
    settings = load_settings(tmp_path / "ingest.toml")
    with StateStore(settings.state.path) as state:
        async with make_client(settings, SecretStr(TOKEN)) as client:
            engine = Engine(
                state=state,
                connector_factory=build_connector,
                target_factory=targets_for(settings, client, state),
                progress=progress,
                allow_mass_delete=allow_mass_delete,
                senders=SENDERS,
                batch_size=batch_size,
                streaming=streaming,
            )
            (result,) = await engine.sync_source(settings.sources["docs"])
            return result


def records(tmp_path: Path) -> dict[str, Any]:
    """What state holds for the source, without what depends on the emulator's order of answers."""
    with StateStore(tmp_path / "ingest.db") as state:
        store = state.target("docs", "external_pages")
        kept = {
            external_id: replace(record, remote_id=None, synced_at=0.0)
            for external_id, record in store.records().items()
        }
        return {"records": kept, "skips": sorted(store.skips().values(), key=lambda skip: skip.locator)}


def remote_ids(tmp_path: Path) -> dict[str, str]:
    with StateStore(tmp_path / "ingest.db") as state:
        found = state.target("docs", "external_pages").records().values()
        return {record.remote_id: record.external_id for record in found if record.remote_id}


def requests_sent(emulator: RunningEmulator, deleted_ids: dict[str, str]) -> list[str]:
    """Every request, as a sorted list of exact bodies (a DELETE by the external id of what it deleted)."""
    sent = []
    for request in emulator.requests():
        if request.method == "DELETE":
            sent.append(f"DELETE {deleted_ids[request.path.rsplit('/', 1)[1]]}")
        else:
            sent.append(f"{request.endpoint} {json.dumps(request.body, sort_keys=True)}")
    return sorted(sent)


def outcome(result: SourceResult) -> dict[str, Any]:
    return {
        "counts": result.counts,
        "failures": sorted((failure.locator, failure.message) for failure in result.failures),
        "skipped": sorted((skipped.locator, skipped.reason) for skipped in result.skipped),
        "error": result.error,
        "scanned": result.scanned,
        "converted": result.converted,
    }


async def two_runs(tmp_path: Path, *, streaming: bool) -> tuple[list[str], list[str], dict[str, Any], Any]:
    """A first sync of 240 documents, then a second after :func:`change_corpus`."""
    write_first_corpus(tmp_path / "docs", 240)
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        write_config(tmp_path, emulator.base_url, max_document_bytes=2048)
        first = await sync(tmp_path, streaming=streaming)
        assert first.ok, first.failures[:3] or first.error
        first_requests = requests_sent(emulator, {})
        deleted_ids = remote_ids(tmp_path)
        emulator.clear_requests()
        change_corpus(tmp_path / "docs")
        second = await sync(tmp_path, streaming=streaming)
        return first_requests, requests_sent(emulator, deleted_ids), outcome(second), records(tmp_path)


async def test_a_streamed_run_sends_and_records_exactly_what_the_whole_plan_does(tmp_path: Path) -> None:
    """Over every kind of document (new, changed, touched, unchanged, draft, failing, deleted, an
    external id taken), in batches of 7: the same requests, byte for byte, the same state, the same report."""
    streamed = await two_runs(tmp_path / "streamed", streaming=True)
    whole = await two_runs(tmp_path / "whole", streaming=False)
    assert streamed == whole
    first_requests, second_requests, second, _ = streamed
    assert sum(request.startswith("POST /ai/external_pages ") for request in first_requests) == 240
    assert sum(request.startswith("POST /ai/external_pages ") for request in second_requests) == 60
    assert sum(request.startswith("DELETE") for request in second_requests) == 10 + 20  # drafts, deleted
    assert second["counts"].created == 30 and second["counts"].updated == 30
    assert len(second["failures"]) == 5 + 1  # too large, an external id taken


class LivePages:
    """Counts the pages whose HTML is still alive (weak references to every page converted), at
    every step of the run's progress."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.refs: list[weakref.ref[Page]] = []
        self.most = 0
        self.steps = 0

        read_batch = BatchConverter.read_batch

        async def counting(
            converter: BatchConverter, documents: Sequence[ToRead], connector: Connector, links: LinkBuilder
        ) -> list[Read]:
            converted = await read_batch(converter, documents, connector, links)
            self.refs += [weakref.ref(page) for page in converted if isinstance(page, Page)]
            return converted

        monkeypatch.setattr(BatchConverter, "read_batch", counting)

    def start(self, source: str, total: int) -> None:
        pass

    def advance(self, source: str) -> None:
        self.steps += 1
        self.most = max(self.most, sum(1 for ref in self.refs if ref() is not None))

    def finish(self, source: str) -> None:
        pass


@pytest.mark.parametrize("batch_size", [1, 5, 16])
async def test_a_first_sync_holds_no_more_pages_than_its_batches_and_senders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    """At no step of a 150-document first sync are more pages alive than the batch being planned,
    the feed (two batches) and the senders hold; the whole plan, counted the same way, holds them all."""
    write_first_corpus(tmp_path / "docs", 150)
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        write_config(tmp_path, emulator.base_url)
        live = LivePages(monkeypatch)
        result = await sync(tmp_path, batch_size=batch_size, progress=live)
        assert result.counts.created == 150 and len(live.refs) == 150
        assert live.steps >= 150
        assert 0 < live.most <= 3 * batch_size + SENDERS
        assert MARKER not in repr(result)

        whole = LivePages(monkeypatch)
        (tmp_path / "docs" / "part-0" / "doc-000.md").unlink()
        for index in range(1, 150):
            write_doc(tmp_path / "docs", f"part-{index % 4}/doc-{index:03d}.md", body(index, "second"))
        result = await sync(tmp_path, batch_size=batch_size, progress=whole, streaming=False)
        assert result.counts.updated == 149
        assert whole.most == 149  # the counter sees pages held: the whole plan holds every one
        assert MARKER not in repr(result)


async def test_uploads_start_while_documents_are_still_being_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the last batch is converted, the feed's bound has already made the first pages arrive."""
    write_first_corpus(tmp_path / "docs", 60)
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        write_config(tmp_path, emulator.base_url)
        arrived: list[int] = []

        read_batch = BatchConverter.read_batch

        async def noting(
            converter: BatchConverter, documents: Sequence[ToRead], connector: Connector, links: LinkBuilder
        ) -> list[Read]:
            arrived.append(len(emulator.pages()))
            return await read_batch(converter, documents, connector, links)

        monkeypatch.setattr(BatchConverter, "read_batch", noting)
        result = await sync(tmp_path, batch_size=5)
        assert result.counts.created == 60
        assert len(arrived) == 12
        assert arrived[0] == 0
        # 55 documents planned before the last batch: at most two batches wait and four are in flight.
        assert arrived[-1] >= 55 - 2 * 5 - SENDERS


@pytest.mark.parametrize("batch_size", [1, 3, 32, 1000])
async def test_the_guard_refuses_a_source_mostly_gone_before_anything_is_sent(
    tmp_path: Path, batch_size: int
) -> None:
    """30 of 40 documents deleted (and others changed or new): nothing at all is sent or recorded."""
    write_first_corpus(tmp_path / "docs", 40)
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        write_config(tmp_path, emulator.base_url)
        assert (await sync(tmp_path, batch_size=batch_size)).ok
        before = records(tmp_path)
        for index in range(30):
            (tmp_path / "docs" / f"part-{index % 4}/doc-{index:03d}.md").unlink()
        for index in range(30, 40):
            write_doc(tmp_path / "docs", f"part-{index % 4}/doc-{index:03d}.md", body(index, "second"))
        write_doc(tmp_path / "docs", "part-0/new.md", body(1000, "one"))
        emulator.clear_requests()
        result = await sync(tmp_path, batch_size=batch_size)
        assert result.error is not None and result.error.startswith("refusing to delete 30 of 40 pages")
        assert [request.endpoint for request in emulator.requests()] == [
            "GET /ai/content_import_sources/{source_id}"
        ]
        assert records(tmp_path) == before


@pytest.mark.parametrize("batch_size", [1, 3, 32, 1000])
async def test_the_guard_refuses_drafts_found_while_reading_before_any_delete(
    tmp_path: Path, batch_size: int
) -> None:
    """30 of 40 documents turned drafts, which only reading shows: the changed ones are sent, no
    page is deleted and every record stays; allowed, the same run deletes the 30."""
    write_first_corpus(tmp_path / "docs", 40)
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        write_config(tmp_path, emulator.base_url)
        assert (await sync(tmp_path, batch_size=batch_size)).ok
        for index in range(30):
            text = "---\nskip: true\n---\n" + body(index, "one")
            write_doc(tmp_path / "docs", f"part-{index % 4}/doc-{index:03d}.md", text)
        for index in range(30, 32):
            write_doc(tmp_path / "docs", f"part-{index % 4}/doc-{index:03d}.md", body(index, "second"))
        emulator.clear_requests()
        result = await sync(tmp_path, batch_size=batch_size)
        assert result.error is not None and result.error.startswith("refusing to delete 30 of 40 pages")
        assert not [request for request in emulator.requests() if request.method == "DELETE"]
        assert result.counts.updated == 2 and result.counts.deleted == 0
        assert len(records(tmp_path)["records"]) == 40

        emulator.clear_requests()
        allowed = await sync(tmp_path, batch_size=batch_size, allow_mass_delete=True)
        assert allowed.ok and allowed.counts.deleted == 30
        assert len([request for request in emulator.requests() if request.method == "DELETE"]) == 30
        assert len(emulator.pages()) == 10


@pytest.mark.parametrize("skip", [LOAD_BATCH - 1, LOAD_BATCH])
def test_a_run_killed_at_a_batch_boundary_resumes_without_loss_or_duplicates(
    tmp_path: Path, skip: int
) -> None:
    """SIGKILL while the last page of the first batch, or the first of the second, is answered: the
    rerun sends only what was not recorded, and Intercom ends up holding each document once."""
    titles = write_docs(tmp_path / "docs", 3 * LOAD_BATCH)
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        config = write_config(tmp_path, emulator.base_url)
        kill_at(emulator, config, env, "POST /ai/external_pages", skip=skip)
        assert integrity_check(tmp_path / "ingest.db") == "ok"
        with StateStore(tmp_path / "ingest.db") as state:
            recorded = set(state.target("docs", "external_pages").records())
        assert len(recorded) < len(titles)
        emulator.clear_requests()

        rerun = run_ingest(config, env)
        assert rerun.returncode == 0, rerun.stderr

        pages = emulator.pages()
        assert len(pages) == len(titles) == len({page["external_id"] for page in pages})
        assert {page["external_id"]: page["title"] for page in pages} == titles
        resent = {
            request.body["external_id"]
            for request in emulator.requests()
            # The answer withheld from the killed run may still arrive after the clear.
            if request.method == "POST" and request.path == "/ai/external_pages" and request.status == 200
        }
        assert resent.isdisjoint(recorded), "pages recorded before the kill were sent again"
        assert resent | recorded == set(titles)


async def test_a_token_refused_mid_stream_ends_the_run_with_the_auth_error(tmp_path: Path) -> None:
    """Every upload answered 401 while reading is ahead of the senders (a full feed): the run ends
    with the AuthError itself, not a hang; the bound (60 s, some 100 times what it takes) only
    turns a deadlock into a failure."""
    write_first_corpus(tmp_path / "docs", 40)
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        write_config(tmp_path, emulator.base_url)
        emulator.set_faults(
            fail_rate=1.0, fail_status=401, fail_path="/ai/external_pages", fail_methods=["POST"]
        )
        with pytest.raises(AuthError):
            async with asyncio.timeout(60):
                await sync(tmp_path, batch_size=2)
        assert records(tmp_path)["records"] == {}
