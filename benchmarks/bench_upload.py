"""Upload throughput against Intercom's rate limit, and against one-request-at-a-time.

Run ``python benchmarks/bench_upload.py [--docs 5000] [--baseline-docs 100]``.

The emulator answers in 100-300 ms (uniform) and enforces Intercom's real limit:
1,666 calls per 10-second window (~166 calls/s). fin-ingest syncs ``--docs`` new
documents with its default concurrency; the baseline syncs ``--baseline-docs`` with
``max_concurrency = 1``, the way every peer tool uploads.

"Share of ceiling" is measured the way the limit is enforced: the calls the emulator
accepted within each complete 10-second window of the run (windows are aligned to the
clock, as the whole-second ``X-RateLimit-Reset`` implies), over the calls those allow.
Pages/s over the whole run is reported too; it can exceed the ceiling when the last
window is only partly used, which is why the window share is the headline.
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
from ingest.config import load_settings
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


def window_share(requests: list[dict[str, object]], wall_offset: float) -> tuple[float, int]:
    """Calls answered 2xx in the complete, clock-aligned windows of the run, over the calls
    those windows allow; and how many windows that is. The first and last windows, partly
    outside the run, are left out."""
    times = [
        float(r["received_at"]) + wall_offset  # type: ignore[arg-type]
        for r in requests
        if r["status"] is not None and int(r["status"]) < 300  # type: ignore[call-overload]
    ]
    if not times:
        return 0.0, 0
    first, last = math.floor(min(times) / WINDOW) + 1, math.floor(max(times) / WINDOW) - 1
    if last < first:
        return 0.0, 0
    inside = sum(1 for t in times if first <= math.floor(t / WINDOW) <= last)
    windows = last - first + 1
    return inside / (windows * LIMIT), windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--baseline-docs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    rows = []
    emulator = emulator_process(latency_ms=(100, 300), rate_limit=LIMIT)
    with tempfile.TemporaryDirectory() as temp, emulator as url:
        folder = Path(temp)
        write_corpus(folder / "docs", args.docs)
        write_corpus(folder / "baseline", args.baseline_docs)

        control(url, "DELETE", "requests")
        elapsed, created = sync(write_config(folder, url, max_concurrency=args.concurrency))
        log = control(url, "GET", "requests")["requests"]
        # The emulator logs monotonic times; its windows are aligned to the wall clock.
        share, windows = window_share(log, control(url, "GET", "clock")["wall_minus_monotonic"])
        rate = created / elapsed
        rows.append(
            (f"fin-ingest, concurrency {args.concurrency}", created, len(log), f"{elapsed:.1f}",
             f"{rate:.1f}", f"{rate / CEILING:.0%}", f"{share:.1%} of {windows} windows", "")
        )  # fmt: skip
        full_rate = rate

        # Let the window refill so the baseline is not throttled by the first run.
        time.sleep(WINDOW)
        control(url, "DELETE", "requests")
        elapsed, created = sync(write_config(folder, url, max_concurrency=1, docs="baseline"))
        rate = created / elapsed
        rows.append(
            ("one request at a time (peer tools)", created, len(control(url, "GET", "requests")["requests"]),
             f"{elapsed:.1f}", f"{rate:.1f}", f"{rate / CEILING:.0%}", "-", "")
        )  # fmt: skip
        rows[0] = (*rows[0][:-1], f"{full_rate / rate:.0f}x")
    print_table(
        f"Upload: new pages, API latency 100-300 ms, limit {LIMIT} calls / {WINDOW:.0f} s (~{CEILING:.0f}/s)",
        ["run", "pages", "requests", "seconds", "pages/s", "vs ceiling", "share of ceiling", "vs baseline"],
        rows,
    )


if __name__ == "__main__":
    main()
