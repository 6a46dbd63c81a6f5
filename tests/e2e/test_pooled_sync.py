"""A sync converting on worker processes: the same requests and state as one process sends and
records, and no process left behind when the command is stopped half way."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from processes import descendants, running
from waiting import wait_for

from connectors.filesystem import FilesystemConnector
from ingest import conversion
from ingest.conversion_pool import StartingPool
from ingest.document import DocumentRef
from ingest.emulator import EmulatorConfig, start_emulator
from ingest.state import StateStore
from tests.e2e.conftest import TOKEN, Harness, write_config

FIXTURES = Path(__file__).parent.parent / "sites" / "fixtures"
SITE_URL = "https://docs.example.com/"


def write_mixed_site(docs: Path) -> None:
    """The Hugo fixture site, and 300 more pages in it: Markdown with front matter, tables, code,
    raw HTML and links between pages, HTML pages, Chinese pages, and one page too large to send."""
    shutil.copytree(FIXTURES / "hugo" / "docs", docs, dirs_exist_ok=True)
    extra = docs / "content" / "en" / "extra"
    extra.mkdir(parents=True)
    chinese = "这是一个关于如何配置账户的说明文档。请先登录管理后台然后在设置页面中选择团队成员。" * 3
    for index in range(300):
        if index % 10 == 9:
            (extra / f"doc-{index}.html").write_text(
                f"<h1>Doc {index}</h1><p><a href='page-{index - 1}.md'>before</a><script>x()</script></p>"
            )
        elif index % 10 == 8:
            (extra / f"zh-{index}.md").write_text(f"---\ntitle: 指南 {index}\n---\n{chinese}\n")
        else:
            table = "".join(f"| seat {n} | {n * index} |\n" for n in range(3))
            (extra / f"page-{index}.md").write_text(
                f"---\ntitle: Page {index}\ndescription: about {index}\n---\n## Set up\n\n"
                f"See [the next](page-{index + 1}.md) and [gone](gone.md).\n\n| a | b |\n|---|--:|\n{table}\n"
                f'```python\nprint({index})\n```\n\n<div class="note">Raw {index}</div>\n'
            )
    (extra / "big.md").write_text("---\ntitle: Big\n---\n" + "word " * 20_000)


def page_bodies(harness: Harness) -> list[str]:
    """Every page write's body, as JSON, in a fixed order (uploads run concurrently)."""
    return sorted(
        json.dumps(request.body, sort_keys=True, ensure_ascii=False)
        for request in harness.emulator.requests("/ai/external_pages")
        if request.method in {"POST", "PUT"}
    )


def recorded(harness: Harness) -> list[tuple[Any, ...]]:
    """What state recorded per page (not its remote id, given in the order uploads arrive, nor its
    fingerprint, which holds the file's modification time)."""
    with StateStore(harness.tmp_path / "ingest.db") as state:
        records = state.target("docs", "external_pages").records()
    return sorted((r.locator, r.external_id, r.content_hash, r.title) for r in records.values())


async def sync_site(tmp_path: Path, jobs: int) -> tuple[list[str], list[tuple[Any, ...]], list[Any], int]:
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        harness = Harness(tmp_path, emulator)
        write_mixed_site(harness.docs)
        settings = harness.settings(site_url=SITE_URL, site="hugo", max_document_bytes=60_000)
        harness.settings = lambda **_: settings.with_jobs(jobs)  # type: ignore[method-assign]
        result = await harness.sync()
        assert result.error is None and result.converted > 300
        return page_bodies(harness), recorded(harness), sorted(result.failures, key=str), result.converted


async def test_two_jobs_send_and_record_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A docs site of 300+ mixed pages (with links at the site's URLs, Chinese pages and a failure)
    synced with 1 and with 2 jobs: the same page bodies, the same state records, the same failure;
    with 2, the workers converted every page."""
    monkeypatch.setattr(conversion, "POOL_THRESHOLD", 1)
    ready = StartingPool.ready
    monkeypatch.setattr(StartingPool, "ready", lambda pool: (pool.wait(), ready(pool))[1])
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = await sync_site(tmp_path / "one", jobs=1)
    caplog.set_level(logging.DEBUG, logger="ingest.conversion")
    two = await sync_site(tmp_path / "two", jobs=2)
    assert one == two
    bodies, _, failures, converted = two
    assert [failure.locator for failure in failures] == ["content/en/extra/big.md"]
    assert any(f'href=\\"{SITE_URL}extra/page-2/\\"' in body for body in bodies)  # the site's links
    (line,) = [record.getMessage() for record in caplog.records if record.name == "ingest.conversion"]
    assert line == f"{converted + len(failures)} documents converted on 2 worker processes"


def write_plain_folder(docs: Path) -> None:
    """A plain Markdown folder of 120 documents: front matter, tables, code, raw HTML, links, a
    Chinese page, HTML and text files, a draft (``skip: true``), front matter that cannot be
    read, and one page too large to send."""
    chinese = "这是一个关于如何配置账户的说明文档。请先登录管理后台然后在设置页面中选择团队成员。" * 3
    for index in range(112):
        folder = docs / f"part-{index % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        table = "".join(f"| seat {n} | {n * index} |\n" for n in range(3))
        (folder / f"page-{index:03d}.md").write_text(
            f"---\ntitle: Page {index}\ntags: [a, b]\n---\n## Set up {index}\n\n"
            f"See [the next](page-{index + 1:03d}.md#set-up).\n\n| a | b |\n|---|--:|\n{table}\n"
            f'```python\nprint({index})\n```\n\n<div class="note">Raw <kbd>{index}</kbd></div>\n'
        )
    (docs / "zh.md").write_text(f"# 指南\n\n{chinese}\n")
    (docs / "page.html").write_text("<h1>HTML</h1><p>text<script>x()</script></p>")
    (docs / "notes.txt").write_text("Plain text\n\nline two")
    (docs / "draft.md").write_text("---\ntitle: Draft\nskip: true\n---\nNot yet.\n")
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    (docs / "big.md").write_text("---\ntitle: Big\n---\n" + "word " * 20_000)


async def sync_plain(
    tmp_path: Path, jobs: int
) -> tuple[list[str], list[tuple[Any, ...]], list[Any], list[Any]]:
    async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        harness = Harness(tmp_path, emulator)
        write_plain_folder(harness.docs)
        settings = harness.settings(max_document_bytes=60_000)
        harness.settings = lambda **_: settings.with_jobs(jobs)  # type: ignore[method-assign]
        result = await harness.sync()
        assert result.error is None and result.converted == 115
        failures = sorted(result.failures, key=str)
        return page_bodies(harness), recorded(harness), failures, sorted(result.skipped, key=str)


async def test_two_jobs_load_a_plain_folder_in_the_workers_and_send_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A plain Markdown folder's documents are read, their front matter parsed and converted by
    the workers, never loaded by this process (the connector's ``load`` is not called once the
    workers are up): the same page bodies, state records, failures and skips as with one job."""
    monkeypatch.setattr(conversion, "POOL_THRESHOLD", 1)
    ready = StartingPool.ready
    monkeypatch.setattr(StartingPool, "ready", lambda pool: (pool.wait(), ready(pool))[1])
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = await sync_plain(tmp_path / "one", jobs=1)
    loaded_here: list[str] = []
    load = FilesystemConnector.load

    async def noting(connector: FilesystemConnector, ref: DocumentRef) -> object:
        loaded_here.append(ref.locator)
        return await load(connector, ref)

    monkeypatch.setattr(FilesystemConnector, "load", noting)
    caplog.set_level(logging.DEBUG, logger="ingest.conversion")
    two = await sync_plain(tmp_path / "two", jobs=2)
    assert one == two
    assert loaded_here == []
    _, _, failures, skipped = two
    assert {failure.locator for failure in failures} == {"big.md", "broken.md"}
    # The draft by its front matter; the Chinese page by the target, which takes one language.
    assert [item.locator for item in skipped] == ["draft.md", "zh.md"]
    (line,) = [record.getMessage() for record in caplog.records if record.name == "ingest.conversion"]
    assert line == "117 documents converted on 2 worker processes"  # all but the draft


def write_slow_corpus(docs: Path, count: int) -> None:
    """``count`` documents of ~30 KB each: tens of seconds of conversion on one core."""
    docs.mkdir(parents=True)
    paragraph = "Configure the **workspace** with [a link](other.md) and `code` in it. " * 8
    for index in range(count):
        sections = "".join(
            f"## Part {n}\n\n{paragraph}\n\n| a | b |\n|---|---|\n| {n} | {index} |\n\n" for n in range(40)
        )
        (docs / f"page-{index:04d}.md").write_text(f"# Page {index}\n\n{sections}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_command_stopped_while_converting_on_workers_leaves_no_process(tmp_path: Path, signum: int) -> None:
    """``ingest plan --jobs 2`` over 1,000 large documents, stopped (ctrl-C, SIGTERM) once its
    workers are converting: the command ends, and so does every process it started (the
    workers and their fork server). Bounds: 120 s for the workers to appear and for the command
    to end, far above the few seconds either takes on a loaded machine."""
    write_slow_corpus(tmp_path / "docs", 1000)
    config = write_config(tmp_path, "http://127.0.0.1:9")
    env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
    command = [sys.executable, "-m", "ingest.cli", "plan", "--config", str(config), "--jobs", "2"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    try:
        # The fork server and its two workers.
        started = wait_for(
            lambda: found if len(found := descendants(process.pid)) >= 3 else None,
            within=120,
            what="the workers",
        )
        assert process.poll() is None, "the plan ended before its workers started"
        process.send_signal(signum)
        process.wait(timeout=120)
        wait_for(lambda: not running(started), within=120, what="every process it started to end")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode != 0
