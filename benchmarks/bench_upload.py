"""Upload throughput against Intercom's rate limit and fin-ingest's share of it, and against
one-request-at-a-time.

Run ``python -m benchmarks.bench_upload [--docs 5000] [--baseline-docs 100] [--share S]``
(``--share`` repeatable; default: the configured default, ``rate_limit_share = 0.5``).

The emulator answers in 100-300 ms (uniform) and enforces Intercom's real limit:
1,666 calls per 10-second window (~166 calls/s, the ceiling of one app). fin-ingest syncs
``--docs`` new documents with its default concurrency, taking ``--share`` of each window
(its *budget*); the baseline syncs ``--baseline-docs`` with ``max_concurrency = 1``, the way
every peer tool uploads.

The window shares are measured the way the limit is enforced: the calls the emulator
accepted within each complete 10-second window of the run (windows are aligned to the
clock, as the whole-second ``X-RateLimit-Reset`` implies), over the calls the budget
allows ("of budget", the goal being at least 95%) and over the calls the limit allows
("of ceiling"). Pages/s over the whole run is reported too; it can exceed the budget when
the last window is only partly used, which is why the window shares are the headline.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_config, write_corpus
from ingest.api_defaults import DEFAULT_RATE_LIMIT_SHARE
from ingest.config import load_settings
from ingest.intercom.ratelimit import window_budget
from ingest.runner import run_sources

LIMIT, WINDOW = 1666, 10.0
CEILING = LIMIT / WINDOW


def sync(config: Path) -> tuple[float, int]:
    settings = load_settings(config)
    started = time.monotonic()
    (result,) = asyncio.run(run_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
    elapsed = time.monotonic() - started
    assert result.ok, result.failures[:3] or result.error
    return elapsed, result.counts.created


def window_calls(requests: list[dict[str, object]], wall_offset: float) -> tuple[int, int]:
    """Calls answered 2xx in the complete, clock-aligned windows of the run, and how many
    windows that is. The first and last windows, partly outside the run, are left out."""
    times = [
        float(r["received_at"]) + wall_offset  # type: ignore[arg-type]
        for r in requests
        if r["status"] is not None and int(r["status"]) < 300  # type: ignore[call-overload]
    ]
    if not times:
        return 0, 0
    first, last = math.floor(min(times) / WINDOW) + 1, math.floor(max(times) / WINDOW) - 1
    if last < first:
        return 0, 0
    inside = sum(1 for t in times if first <= math.floor(t / WINDOW) <= last)
    return inside, last - first + 1


def rejected(requests: list[dict[str, object]]) -> int:
    return sum(1 for r in requests if r["status"] == 429)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--baseline-docs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--share", type=float, action="append", help="rate_limit_share (repeatable)")
    args = parser.parse_args()
    shares = args.share or [DEFAULT_RATE_LIMIT_SHARE]
    rows = []
    emulator = emulator_process(latency_ms=(100, 300), rate_limit=LIMIT)
    with tempfile.TemporaryDirectory() as temp, emulator as url:
        folder = Path(temp)
        write_corpus(folder / "docs", args.docs)
        write_corpus(folder / "baseline", args.baseline_docs)
        rates = []
        for index, share in enumerate(shares):
            if index:
                time.sleep(WINDOW)  # let the window refill so that runs do not throttle each other
            control(url, "DELETE", "requests")
            elapsed, created = sync(write_config(folder, url, max_concurrency=args.concurrency, share=share))
            log = control(url, "GET", "requests")["requests"]
            # The emulator logs monotonic times; its windows are aligned to the wall clock.
            calls, windows = window_calls(log, control(url, "GET", "clock")["wall_minus_monotonic"])
            budget = window_budget(LIMIT, share)
            rate = created / elapsed
            rates.append(rate)
            rows.append(
                (f"fin-ingest, share {share:g}, concurrency {args.concurrency}", created, len(log),
                 rejected(log), f"{elapsed:.1f}", f"{rate:.1f}", f"{budget / WINDOW:.1f}",
                 f"{calls / (windows * budget):.1%}" if windows else "-",
                 f"{calls / (windows * LIMIT):.1%}" if windows else "-", windows)
            )  # fmt: skip

        # Let the window refill so the baseline is not throttled by the runs before it.
        time.sleep(WINDOW)
        control(url, "DELETE", "requests")
        elapsed, created = sync(write_config(folder, url, max_concurrency=1, docs="baseline"))
        baseline = created / elapsed
        log = control(url, "GET", "requests")["requests"]
        rows.append(
            ("one request at a time (peer tools)", created, len(log), rejected(log), f"{elapsed:.1f}",
             f"{baseline:.1f}", "-", "-", f"{baseline / CEILING:.1%}", "-", "")
        )  # fmt: skip
        for index, rate in enumerate(rates):
            rows[index] = (*rows[index], f"{rate / baseline:.0f}x")
    limit = f"limit {LIMIT} calls / {WINDOW:.0f} s (ceiling ~{CEILING:.0f}/s)"
    print_table(
        f"Upload: new pages, API latency 100-300 ms, {limit}",
        ["run", "pages", "requests", "429s", "seconds", "pages/s", "budget/s", "of budget", "of ceiling",
         "windows", "vs baseline"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
