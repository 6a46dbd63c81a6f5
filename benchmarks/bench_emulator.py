"""Does the emulator keep up at 200,000 External Pages? Its CPU per request as the store grows.

Run ``python -m benchmarks.bench_emulator [--pages 200000] [--chunk 20000] [--log-limit N|all]
[--profile FILE]``.

An emulator in its own process (unlimited rate) receives ``--pages`` upserts of realistic
page HTML (a few KB, converted once from :mod:`benchmarks.docgen` documents) from 32
concurrent connections, in chunks; each chunk prints the emulator's CPU per request (read from
outside with psutil) and its RSS. Then, at full size: the External Page list read to its
10,000-result cap, pages read by id, Preview look-ups by ``(source_id, external_id)``, and the
upserts sent again (updates). If storage, listing or the request log grew with the store, the
CPU per request of the last chunk would be above the first's; ``--log-limit all`` keeps every
request in the log, as the emulator did before ``--request-log-limit``. ``--profile FILE``
runs the emulator under cProfile (written when it stops).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

import aiohttp

from benchmarks.docgen import document_path, realistic_document
from benchmarks.harness import TOKEN, emulator_child, print_table
from benchmarks.outside import CpuReading
from ingest.convert import LinkBuilder, to_html
from ingest.document import BodyFormat

CONCURRENCY = 32
MB = 1024 * 1024
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json", "Intercom-Version": "Preview"}


def page_bodies(count: int) -> list[str]:
    """HTML of ``count`` realistic documents, converted once and reused round-robin."""
    links = LinkBuilder("https://docs.example.com/{path}")
    return [
        to_html(
            realistic_document(i, count), BodyFormat.MARKDOWN, path=document_path(i), title=None, links=links
        )
        for i in range(count)
    ]


async def in_parallel(calls: Sequence[Callable[[], Awaitable[None]]]) -> None:
    queue = iter(calls)

    async def worker() -> None:
        for call in queue:
            await call()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


class Driver:
    def __init__(self, session: aiohttp.ClientSession, url: str, pid: int) -> None:
        self.session, self.url, self.pid = session, url, pid
        self.rows: list[tuple[object, ...]] = []

    async def request(self, method: str, path: str, body: object = None) -> object:
        async with self.session.request(method, f"{self.url}{path}", json=body, headers=HEADERS) as answer:
            data = await answer.json()
            if answer.status != 200:
                raise RuntimeError(f"{method} {path}: {answer.status} {data}")
            return data

    async def measured(self, what: str, calls: Sequence[Callable[[], Awaitable[None]]]) -> None:
        before, started = CpuReading.of(self.pid), time.monotonic()
        await in_parallel(calls)
        after, seconds = CpuReading.of(self.pid), time.monotonic() - started
        cpu = after.cpu_seconds - before.cpu_seconds
        self.rows.append(
            (what, f"{len(calls):,}", f"{seconds:.1f}", f"{len(calls) / seconds:,.0f}", f"{cpu:.1f}",
             f"{cpu / len(calls) * 1e6:,.0f}", f"{after.rss_bytes / MB:,.0f}")
        )  # fmt: skip
        print(*self.rows[-1], sep="  ", flush=True)


async def drive(url: str, pid: int, pages: int, chunk: int) -> list[tuple[object, ...]]:
    bodies = page_bodies(50)
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        driver = Driver(session, url, pid)
        created = await driver.request(
            "POST",
            "/ai/content_import_sources",
            {"sync_behavior": "api", "url": "https://bench.example.com/e"},
        )
        source_id = created["id"]  # type: ignore[index]

        def upsert(index: int, note: str = "") -> Callable[[], Awaitable[None]]:
            async def call() -> None:
                html = bodies[index % len(bodies)] + f"<p>{index}{note}</p>"
                body = {"title": f"Page {index}", "html": html, "url": f"https://docs.example.com/{index}",
                        "locale": "en", "source_id": source_id, "external_id": document_path(index),
                        "ai_agent_availability": True, "ai_copilot_availability": True}  # fmt: skip
                await driver.request("POST", "/ai/external_pages", body)

            return call

        for start in range(0, pages, chunk):
            stop = min(pages, start + chunk)
            await driver.measured(f"create pages {start:,}-{stop:,}", [upsert(i) for i in range(start, stop)])

        def get(path: str) -> Callable[[], Awaitable[None]]:
            async def call() -> None:
                await driver.request("GET", path)

            return call

        listing = [get(f"/ai/external_pages?per_page=150&page={n}") for n in range(1, 10_000 // 150 + 1)]
        await driver.measured("list to the 10,000 cap (150 a page)", listing)
        rng = random.Random(5)
        ids = [rng.randrange(1, pages + 1) for _ in range(min(pages, 5_000))]
        await driver.measured("read a page by id", [get(f"/ai/external_pages/{i}") for i in ids])
        lookups = [
            get(f"/ai/external_pages?source_id={source_id}&external_id={document_path(i - 1)}") for i in ids
        ]
        await driver.measured("look a page up by external_id", lookups)
        tail = range(max(0, pages - chunk), pages)
        await driver.measured(
            f"update pages {tail.start:,}-{tail.stop:,}", [upsert(i, " again") for i in tail]
        )
        return driver.rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--log-limit", default="1000", help="requests the emulator keeps in full, or 'all'")
    parser.add_argument("--profile", help="run the emulator under cProfile, writing its stats to this file")
    args = parser.parse_args(argv)
    options = ["--rate-limit", "1000000000"]
    if args.log_limit != "all":
        options += ["--request-log-limit", args.log_limit]
    prefix = [] if args.profile is None else ["-m", "cProfile", "-o", args.profile]
    with emulator_child(options, python_options=prefix) as (url, emulator):
        rows = asyncio.run(drive(url, emulator.pid, args.pages, args.chunk))
    columns = [
        "requests",
        "count",
        "seconds",
        "requests/s",
        "emulator CPU s",
        "CPU us/request",
        "emulator RSS MB",
    ]
    log = "every request" if args.log_limit == "all" else f"the last {args.log_limit} requests"
    print_table(f"The emulator at {args.pages:,} External Pages (its log keeping {log})", columns, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
