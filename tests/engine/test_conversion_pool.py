"""Conversion on worker processes: the same pages as in this process, byte for byte; a document
past its time budget killed alone; a worker that dies fails only its document; no pool for one job
or a small collection."""

from __future__ import annotations

import logging
import os
import threading

import pytest
from pool_hooks import (
    CRASH_EXIT,
    BodiesLoader,
    SiteLinks,
    crash_on_crash_md,
    fail_unless_preloaded,
    hang_on_hang_md,
)
from processes import descendants

from ingest import conversion_pool
from ingest.conversion import BatchConverter, default_jobs
from ingest.conversion_pool import StartingPool
from ingest.conversion_task import ToConvert, ToRead, convert_one, read_one
from ingest.convert import LinkBuilder
from ingest.document import BodyFormat, DocumentRef, Failure, Page, SkippedDocument, SourceDocument
from ingest.document_limits import DocumentLimits

LIMITS = DocumentLimits(max_document_bytes=60_000)
CHINESE = "这是一个关于如何配置账户的说明文档。请先登录管理后台然后在设置页面中选择团队成员。" * 3


def markdown(index: int) -> str:
    blocks = [
        f"---\ntitle: Page {index}\ntags: [a, b]\n---\n# Page {index}",
        f"## Set up {index}\n\nSee [the guide](../guide/page-{index % 7}.md#install) and [gone](gone.md).",
        "| Name | Limit |\n|---|---:|\n" + "".join(f"| seat {n} | {n * index} |\n" for n in range(4)),
        f"```python\nprint({index})\n```",
        "- [x] done\n- [ ] to do\n\n> a quote with **bold** and `code`",
        f'<div class="note"><p>Raw <kbd>Ctrl</kbd> {index}</p></div>',
        "![Screenshot](../images/shot.png)\n\n1. one\n2. two",
    ]
    return "\n\n".join(blocks[: 2 + index % 6]) + "\n"


def html(index: int) -> str:
    return (
        f"<html><body><h1>Doc {index}</h1><p>Text with <a href='page-{index}.md'>a link</a>"
        f"<script>alert(1)</script></p><table><tr><td>{index}</td></tr></table></body></html>"
    )


def document(path: str, body: str, fmt: BodyFormat = BodyFormat.MARKDOWN) -> ToConvert:
    return ToConvert(
        SourceDocument(path, f"Title of {path}", body, fmt, path, f"connector-{path}", metadata={"n": 1}),
        path,
        f"fp-{path}",
    )


def mixed(count: int) -> list[ToConvert]:
    """Markdown (front matter, tables, code, raw HTML, links), HTML, text, Chinese, and documents
    that fail: too large, and nested past what the converter reads."""
    items: list[ToConvert] = []
    for index in range(count):
        kind = index % 10
        if kind < 6:
            items.append(document(f"guide/page-{index}.md", markdown(index)))
        elif kind < 8:
            items.append(document(f"html/doc-{index}.html", html(index), BodyFormat.HTML))
        elif kind == 8:
            items.append(document(f"zh/page-{index}.md", f"# 指南 {index}\n\n{CHINESE}\n"))
        else:
            items.append(document(f"notes/{index}.txt", f"Plain text {index}\n\nline two", BodyFormat.TEXT))
    items.append(document("big.md", "word " * 20_000))
    items.append(document("deep.html", "<div>" * 5000 + "deep" + "</div>" * 5000, BodyFormat.HTML))
    return items


@pytest.fixture
def workers_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch waits for the workers, so that the workers convert all of them (a run
    converts in this process while they start)."""
    ready = StartingPool.ready

    def waiting(pool: StartingPool) -> object:
        pool.wait()
        return ready(pool)

    monkeypatch.setattr(StartingPool, "ready", waiting)


async def convert(
    items: list[ToConvert], links: LinkBuilder, limits: DocumentLimits = LIMITS, **options: object
) -> tuple[list[object], int]:
    """The pages (and failures) of ``items`` in batches of 64, and how many the workers converted."""
    results: list[object] = []
    with BatchConverter(limits, expected=len(items), **options) as converter:  # type: ignore[arg-type]
        for start in range(0, len(items), 64):
            results += await converter.convert_batch(items[start : start + 64], links)
    return results, converter.in_workers


@pytest.mark.usefixtures("workers_first")
async def test_workers_give_the_same_pages_byte_for_byte() -> None:
    """Over 302 mixed documents with a docs site's links: the same pages, metadata (a detected
    language), warnings and failures, in the same order, whether 1 or 2 processes convert."""
    items = mixed(300)
    links = LinkBuilder("https://docs.example.com/{path}", {"ref": "main"}).with_site(SiteLinks())
    serial, in_workers = await convert(items, links, jobs=1)
    assert in_workers == 0
    pooled, in_workers = await convert(items, links, jobs=2, threshold=0)
    assert in_workers == len(items)
    assert pooled == serial
    assert [page.html for page in pooled if isinstance(page, Page)] == [
        page.html for page in serial if isinstance(page, Page)
    ]
    failures = {item.locator: item.message for item in pooled if isinstance(item, Failure)}
    assert set(failures) == {"big.md", "deep.html"}
    pages = [page for page in pooled if isinstance(page, Page)]
    assert any(page.metadata.get("locale") == "zh-CN" for page in pages)
    assert any(page.warnings for page in pages)


@pytest.mark.usefixtures("workers_first")
async def test_a_document_past_its_time_budget_is_killed_and_the_others_convert() -> None:
    """``hang.md`` blocks for ever where no checkpoint of the budget is reached; its worker is
    killed at max_convert_seconds (3 s, some 500 times what a page here takes, so that a worker a
    loaded machine leaves waiting for a core is not taken for a hang) and replaced. What ends this
    test is that kill: without it, the document would never come back."""
    limits = DocumentLimits(max_convert_seconds=3)
    items = [document(f"page-{n}.md", markdown(n)) for n in range(20)]
    items.insert(7, document("hang.md", "# Hang\n"))
    links = LinkBuilder(None)
    with BatchConverter(limits, jobs=2, expected=len(items), threshold=0, convert=hang_on_hang_md) as pool:
        first = await pool.convert_batch(items, links)
        again = await pool.convert_batch(items[8:], links)  # the replaced worker goes on
    expected = [convert_one(item, links, limits) for item in items]
    assert first[7] == Failure("hang.md", f"conversion failed: {limits.too_slow()}")
    assert str(limits.too_slow()) == "converting took longer than the 3 s max_convert_seconds allows"
    assert first[:7] + first[8:] == expected[:7] + expected[8:]
    assert again == expected[8:]


@pytest.mark.usefixtures("workers_first")
async def test_a_worker_that_dies_fails_only_its_document() -> None:
    """``crash.md`` ends its worker's process; it fails saying so, every other document converts.

    The budget per document is far above what a loaded machine takes to notice a dead worker and
    replace it, so the crash is never taken for a document that ran out of time."""
    items = [document(f"page-{n}.md", markdown(n)) for n in range(30)]
    items.insert(12, document("crash.md", "# Crash\n"))
    links = LinkBuilder(None)
    limits = DocumentLimits(max_document_bytes=60_000, max_convert_seconds=600)
    results, _ = await convert(items, links, limits, jobs=2, threshold=0, convert=crash_on_crash_md)
    expected = [convert_one(item, links, LIMITS) for item in items]
    assert results[12] == Failure(
        "crash.md",
        f"conversion failed: the process converting it ended unexpectedly (exit code {CRASH_EXIT})",
    )
    assert results[:12] + results[13:] == expected[:12] + expected[13:]


@pytest.mark.usefixtures("workers_first")
async def test_a_fresh_worker_has_the_converter_loaded_before_its_first_document() -> None:
    """Each worker (also one started to replace a worker killed at the budget) is forked from a
    server that imported the converter, so no document pays for those imports within its
    ``max_convert_seconds``: every worker's first document finds them already loaded."""
    items = [document(f"page-{n}.md", markdown(n)) for n in range(4)]
    items += [document("doc.html", html(1), BodyFormat.HTML), document("notes.txt", "text", BodyFormat.TEXT)]
    results, in_workers = await convert(
        items, LinkBuilder(None), jobs=2, threshold=0, convert=fail_unless_preloaded
    )
    assert in_workers == len(items)
    assert [item for item in results if isinstance(item, Failure)] == []


@pytest.mark.usefixtures("workers_first")
async def test_workers_that_load_their_documents_fail_each_alone() -> None:
    """With a loader, the workers load what they convert, in order: a document left out stays a
    skip, one that cannot be read a failure; one whose loading hangs is killed at the budget
    (what ends this test: without the kill it would never come back), one whose loading ends
    its process fails saying so; every other page is the one this process gives."""
    bodies = {f"page-{n}.md": markdown(n) for n in range(24)}
    limits = DocumentLimits(max_convert_seconds=2)  # 400 times what a page takes here
    loader = BodiesLoader(bodies)
    locators = [*bodies]
    locators[5:5] = ["hang.md", "draft.md", "gone.md"]
    locators[15:15] = ["crash.md"]
    items = [ToRead(DocumentRef(locator, "scanned"), f"fp-{locator}") for locator in locators]
    links = LinkBuilder(None)
    with BatchConverter(limits, jobs=2, expected=len(items), threshold=0, loader=loader) as converter:
        read = await converter.read_batch(items, connector=NeverLoads(), links=links)
        assert converter.in_workers == len(items) - 1  # all but the skip
    by_locator = dict(zip(locators, read, strict=True))
    assert by_locator.pop("hang.md") == Failure("hang.md", f"conversion failed: {limits.too_slow()}")
    assert by_locator.pop("crash.md") == Failure(
        "crash.md",
        f"conversion failed: the process converting it ended unexpectedly (exit code {CRASH_EXIT})",
    )
    assert by_locator.pop("draft.md") == SkippedDocument("draft.md", "front matter says skip")
    assert by_locator.pop("gone.md") == Failure("gone.md", "cannot read gone.md: gone")
    here = [await read_one(item, loader, links, limits) for item in items if item.ref.locator in bodies]
    assert list(by_locator.values()) == here
    assert all(isinstance(page, Page) for page in here)


class LockedLoader(BodiesLoader):
    """A loader holding what cannot go to another process (a lock), as a site might."""

    def __init__(self, bodies: dict[str, str]) -> None:
        super().__init__(bodies)
        self.lock = threading.Lock()


@pytest.mark.usefixtures("workers_first")
async def test_a_loader_that_cannot_go_to_a_worker_leaves_the_loading_to_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The workers start without it (a worker whose initializer cannot be sent never starts):
    the connector loads every document here, the workers convert them, the pages are the same."""
    caplog.set_level(logging.INFO, logger="ingest.conversion")
    bodies = {f"page-{n}.md": markdown(n) for n in range(12)}
    items = [ToRead(DocumentRef(locator, "scanned"), f"fp-{locator}") for locator in [*bodies, "draft.md"]]
    links = LinkBuilder(None)
    connector = BodiesLoader(bodies)  # as a connector: its own load
    with BatchConverter(
        LIMITS, jobs=2, expected=len(items), threshold=0, loader=LockedLoader(bodies)
    ) as converter:
        read = await converter.read_batch(items, connector=connector, links=links)  # type: ignore[arg-type]
        assert converter.in_workers == len(bodies)
    assert read == [await read_one(item, connector, links, LIMITS) for item in items]
    assert read[-1] == SkippedDocument("draft.md", "front matter says skip")
    assert any("their loader cannot go to a worker" in record.getMessage() for record in caplog.records)


class NeverLoads:
    """A connector whose own ``load`` must not be called: its loader does the loading."""

    async def scan(self) -> object:
        raise AssertionError("not scanned here")

    async def load(self, ref: DocumentRef) -> object:
        raise AssertionError(f"{ref.locator} was loaded by this process")


@pytest.mark.parametrize(("jobs", "expected", "threshold"), [(1, 5000, 0), (4, 10, 500), (2, 0, None)])
async def test_one_job_or_a_small_collection_starts_no_process(
    jobs: int, expected: int, threshold: int | None
) -> None:
    """One job, or fewer documents than the threshold (a watch batch of a file, a no-op run),
    convert in this process: no worker, no fork server."""
    before = descendants(os.getpid())
    items = [document(f"page-{n}.md", markdown(n)) for n in range(10)]
    results, in_workers = await convert(items, LinkBuilder(None), jobs=jobs, threshold=threshold)
    assert in_workers == 0 and len(results) == 10
    assert descendants(os.getpid()) == before


def test_the_default_is_the_cpus_this_process_may_use() -> None:
    """The CPU affinity (a container's cpuset), not the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        assert default_jobs() == len(os.sched_getaffinity(0))
    assert default_jobs() >= 1


@pytest.mark.usefixtures("workers_first")
async def test_where_no_worker_can_start_documents_convert_in_this_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A platform without a fork server (or without the shared memory a pool needs): one warning,
    and every document converts as with one job."""

    def no_fork_server() -> None:
        raise ValueError("cannot find context for 'forkserver'")

    monkeypatch.setattr(conversion_pool, "_context", no_fork_server)
    items = mixed(30)
    links = LinkBuilder("https://docs.example.com/{path}")
    serial, _ = await convert(items, links, jobs=1)
    pooled, in_workers = await convert(items, links, jobs=2, threshold=0)
    assert pooled == serial and in_workers == 0
    assert [record.getMessage() for record in caplog.records if record.name == "ingest.conversion"] == [
        "documents convert in this process only: no worker could be started "
        "(cannot find context for 'forkserver')"
    ]
