"""``ingest reconcile`` over a synced source: reads made, wall time, and what it costs within the budget.

Run ``python -m benchmarks.bench_reconcile [--docs 10000] [--crowd 10050]``. The first sync (not
timed) puts every document in the emulator (a process of its own, rate limit lifted, so what is
measured is fin-ingest's own cost). Then three reconciles: in a workspace Intercom lists whole (the
source's pages come with the list: one read of the source, the list's pages); after another
source's ``--crowd`` newer pages push the source past the list's 10,000 (each page read by its
id); and the last again with one page deleted, to time finding drift. Each row says how long the
same reads take at Intercom's limit and the default ``rate_limit_share`` (833 calls per 10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
from pydantic import SecretStr

from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_config, write_corpus
from ingest.config import load_settings
from ingest.reconcile import ReconcileRun, reconcile_sources
from ingest.runner import run_sources

#: Calls per second fin-ingest takes at Intercom's limit (1,666 per 10 s) and the default share (0.5).
BUDGET_PER_SECOND = 83.3


def reconcile(config: Path) -> tuple[float, ReconcileRun]:
    settings = load_settings(config)
    started = time.monotonic()
    run = asyncio.run(reconcile_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
    return time.monotonic() - started, run


async def crowd(base_url: str, pages: int) -> None:
    """Another source with ``pages`` pages, newer than the benchmark's: the list reaches none of its."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}
    async with aiohttp.ClientSession(base_url, headers=headers) as session:
        body = {"sync_behavior": "api", "url": "https://crm.example.com"}
        async with session.post("/ai/content_import_sources", json=body) as answer:
            source_id = (await answer.json())["id"]
        slots = asyncio.Semaphore(64)

        async def post(n: int) -> None:
            page = {"title": f"CRM {n}", "html": "<p>CRM.</p>", "locale": "en", "source_id": source_id}
            flags = {"ai_agent_availability": True, "ai_copilot_availability": True}
            async with (
                slots,
                session.post("/ai/external_pages", json=page | flags | {"external_id": f"crm-{n}"}),
            ):
                pass

        await asyncio.gather(*(post(n) for n in range(pages)))


def row(what: str, seconds: float, run: ReconcileRun) -> tuple[object, ...]:
    (report,) = run.reports
    found = sum(report.counts().values())
    return (
        what,
        report.checked,
        run.reads,
        found,
        f"{seconds:.2f}",
        f"{run.reads / BUDGET_PER_SECOND:.0f} s",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--crowd", type=int, default=10_050)
    args = parser.parse_args()
    rows: list[tuple[object, ...]] = []
    with tempfile.TemporaryDirectory() as temp, emulator_process(rate_limit=1_000_000) as url:
        folder = Path(temp)
        write_corpus(folder / "docs", args.docs)
        config = write_config(folder, url, max_concurrency=64)
        settings = load_settings(config)
        (result,) = asyncio.run(run_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
        assert result.ok, result

        seconds, run = reconcile(config)
        assert run.ok, run
        rows.append(row("workspace listed whole", seconds, run))

        asyncio.run(crowd(url, args.crowd))
        seconds, run = reconcile(config)
        assert run.ok, run
        rows.append(row(f"past the list's cap (+{args.crowd} newer pages)", seconds, run))

        pages = control(url, "GET", "state")["pages"]
        ours = next(page for page in pages if page["external_id"].startswith("area-"))
        headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}

        async def delete() -> None:
            async with (
                aiohttp.ClientSession(url, headers=headers) as session,
                session.delete(f"/ai/external_pages/{ours['id']}"),
            ):
                pass

        asyncio.run(delete())
        seconds, run = reconcile(config)
        rows.append(row("past the cap, one page deleted", seconds, run))
    print_table(
        f"ingest reconcile over {args.docs} synced documents",
        ("workspace", "compared", "reads", "drift", "seconds", "at the default share"),
        rows,
    )


if __name__ == "__main__":
    main()
