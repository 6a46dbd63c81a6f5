"""Upload throughput against Intercom's rate limit and fin-ingest's share of it, and against
one-request-at-a-time.

Run ``python -m benchmarks.bench_upload [--docs 5000] [--baseline-docs 100] [--share S]
[--phase P] [--rounding R] [--doc-size realistic|small]`` (each of ``--share``, ``--phase`` and
``--rounding`` repeatable; default: the configured default share, ``rate_limit_share = 0.5``,
windows starting on whole seconds, resets rounded up).

The documents are realistic (:mod:`benchmarks.docgen`: front matter, headings, lists, code,
tables, links; about 4.8 KB each), so converting them costs what it costs on real docs;
``--doc-size small`` uses the ~250-byte documents this benchmark used before, for comparison
(their conversion time all but disappears).

The emulator answers in 100-300 ms (uniform) and enforces Intercom's real limit:
1,666 calls per 10-second window (~166 calls/s, the ceiling of one app). ``--phase`` (seconds,
or ``random``) starts its windows that long after multiples of 10 s, and ``--rounding``
(``down``, ``up``, ``exact``) is how its ``X-RateLimit-Reset`` reports a refill: Intercom
documents neither, and a whole-second reset rounded down is up to a second early. Every
combination of phase and rounding gets an emulator of its own. fin-ingest syncs ``--docs`` new
documents with its default concurrency, taking ``--share`` of each window (its *budget*); the
baseline syncs ``--baseline-docs`` with ``max_concurrency = 1``, the way every peer tool uploads
(``--baseline-docs 0``: none).

The window shares are measured the way the limit is enforced: the calls the emulator
accepted within each complete window of the run (the emulator's windows, wherever they start),
over the calls the budget allows ("of budget", the goal being at least 95%) and over the calls
the limit allows ("of ceiling"). 429s are counted in all and after the run's first window (the
goal: none). Pages/s over the whole run is reported too; it can exceed the budget when the
last window is only partly used, which is why the window shares are the headline.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from benchmarks.docgen import write_realistic_corpus
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


def write_documents(folder: Path, count: int, size: str) -> None:
    if size == "small":
        write_corpus(folder, count)
    else:
        write_realistic_corpus(folder, count)


def window_of(wall_time: float, phase: float) -> int:
    return math.floor((wall_time - phase) / WINDOW)


def answered_at(requests: list[dict[str, object]], wall_offset: float, *, status: int) -> list[float]:
    """Wall times at which the emulator received the requests it answered ``status`` (2xx for 200)."""
    return [
        float(r["received_at"]) + wall_offset  # type: ignore[arg-type]
        for r in requests
        if r["status"] is not None and int(r["status"]) // 100 == status // 100  # type: ignore[call-overload]
    ]


def window_calls(times: list[float], phase: float) -> tuple[int, int]:
    """Calls answered 2xx in the complete windows of the run, and how many windows that is. The
    first and last windows, partly outside the run, are left out."""
    if not times:
        return 0, 0
    first, last = window_of(min(times), phase) + 1, window_of(max(times), phase) - 1
    if last < first:
        return 0, 0
    inside = sum(1 for t in times if first <= window_of(t, phase) <= last)
    return inside, last - first + 1


def late_rejections(accepted: list[float], rejected: list[float], phase: float) -> int:
    """429s after the first window the run used."""
    if not accepted and not rejected:
        return 0
    first = window_of(min(accepted + rejected), phase)
    return sum(1 for t in rejected if window_of(t, phase) > first)


def phase_argument(value: str) -> str:
    if value != "random" and not 0 <= float(value) < WINDOW:
        raise argparse.ArgumentTypeError(f"{value} is neither 'random' nor between 0 and {WINDOW:g}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--baseline-docs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--share", type=float, action="append", help="rate_limit_share (repeatable)")
    parser.add_argument("--phase", type=phase_argument, action="append", help="window phase, s (repeatable)")
    parser.add_argument("--rounding", choices=["down", "up", "exact"], action="append", help="(repeatable)")
    parser.add_argument(
        "--doc-size",
        choices=["realistic", "small"],
        default="realistic",
        help="~4.8 KB documents or ~250 bytes",
    )
    args = parser.parse_args()
    shares = args.share or [DEFAULT_RATE_LIMIT_SHARE]
    combinations = list(itertools.product(args.phase or ["0"], args.rounding or ["up"]))
    rows: list[tuple[object, ...]] = []
    rates: list[float] = []
    baseline: tuple[float, tuple[object, ...]] | None = None
    with tempfile.TemporaryDirectory() as temp:
        for number, (phase, rounding) in enumerate(combinations):
            folder = Path(temp) / f"emulator-{number}"
            write_documents(folder / "docs", args.docs, args.doc_size)
            emulator = emulator_process(
                latency_ms=(100, 300), rate_limit=LIMIT, window_phase=phase, reset_rounding=rounding
            )
            with emulator as url:
                drawn = float(control(url, "GET", "faults")["rate_window_phase"])
                for index, share in enumerate(shares):
                    if index:
                        time.sleep(WINDOW)  # let the window refill so that runs do not throttle each other
                    rows.append(upload_row(folder, url, args.concurrency, share, drawn, rounding, rates))
                if baseline is None and args.baseline_docs:
                    # Let the window refill so the baseline is not throttled by the runs before it.
                    time.sleep(WINDOW)
                    write_documents(folder / "baseline", args.baseline_docs, args.doc_size)
                    baseline = baseline_row(folder, url)
    columns = ["run", "pages", "requests", "429s", "after 1st window", "seconds", "pages/s", "budget/s",
               "of budget", "of ceiling", "windows"]  # fmt: skip
    if baseline is not None:
        baseline_rate, baseline_columns = baseline
        columns.append("vs baseline")
        rows = [(*row, f"{rate / baseline_rate:.0f}x") for row, rate in zip(rows, rates, strict=True)]
        rows.append((*baseline_columns, ""))
    limit = f"limit {LIMIT} calls / {WINDOW:.0f} s (ceiling ~{CEILING:.0f}/s)"
    documents = "realistic ~4.8 KB documents" if args.doc_size == "realistic" else "~250-byte documents"
    print_table(f"Upload: new pages ({documents}), API latency 100-300 ms, {limit}", columns, rows)


def upload_row(
    folder: Path, url: str, concurrency: int, share: float, phase: float, rounding: str, rates: list[float]
) -> tuple[object, ...]:
    control(url, "DELETE", "requests")
    elapsed, created = sync(write_config(folder, url, max_concurrency=concurrency, share=share))
    log = control(url, "GET", "requests")["requests"]
    # The emulator logs monotonic times; its windows are placed on the wall clock.
    offset = control(url, "GET", "clock")["wall_minus_monotonic"]
    accepted = answered_at(log, offset, status=200)
    calls, windows = window_calls(accepted, phase)
    late = late_rejections(accepted, answered_at(log, offset, status=429), phase)
    budget = window_budget(LIMIT, share)
    rate = created / elapsed
    rates.append(rate)
    return (
        f"share {share:g}, phase {phase:.2f} s, reset {rounding}, concurrency {concurrency}", created,
        len(log), rejected(log), late, f"{elapsed:.1f}", f"{rate:.1f}", f"{budget / WINDOW:.1f}",
        f"{calls / (windows * budget):.1%}" if windows else "-",
        f"{calls / (windows * LIMIT):.1%}" if windows else "-", windows,
    )  # fmt: skip


def baseline_row(folder: Path, url: str) -> tuple[float, tuple[object, ...]]:
    control(url, "DELETE", "requests")
    elapsed, created = sync(write_config(folder, url, max_concurrency=1, docs="baseline"))
    rate = created / elapsed
    log = control(url, "GET", "requests")["requests"]
    return rate, (
        "one request at a time (peer tools)", created, len(log), rejected(log), "-", f"{elapsed:.1f}",
        f"{rate:.1f}", "-", "-", f"{rate / CEILING:.1%}", "-",
    )  # fmt: skip


def rejected(requests: list[dict[str, object]]) -> int:
    return sum(1 for r in requests if r["status"] == 429)


if __name__ == "__main__":
    main()
