"""Runs to converge under write faults, for every target: External Pages, Help Center articles in
nested collections, internal articles.

Run ``python -m benchmarks.bench_converge [--docs 300] [--fail-rate 0.2] [--max-runs 12]``.

The emulator (its own process) answers ``--fail-rate`` of every write (POST, PUT, DELETE) 503,
seeded: once with the write undone, once with it carried out first (a gateway that gave up on a
server that did the work). A fresh state syncs ``--docs`` new documents in a nested tree (up to
three folders deep: articles nest collections as deep) with the default client settings, run
after run, faults on, until a run ends without a failure; "runs" counts them all, the first
included (1: the first run converged). Then, faults off, one more run must send nothing, and the
emulator must hold exactly one twin per document (articles and collections by their place and
title, internal articles by title, pages by external id): "verified" says it did.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_config
from ingest.config import load_settings
from ingest.runner import run_sources

TARGETS: dict[str, str] = {
    "external_pages": "",
    "articles": 'targets = ["articles"]\n\n[sources.docs.articles]\nauthor_id = 1\ncollection = "Bench"\n',
    "internal_articles": (
        'targets = ["internal_articles"]\n\n[sources.docs.internal_articles]\nauthor_id = 1\n'
    ),
}
WRITES = ("POST", "PUT", "DELETE")


def write_tree(root: Path, count: int) -> None:
    """``count`` documents up to three folders deep (6 areas, 4 topics each, some deeper)."""
    for n in range(count):
        folders = [f"area-{n % 6}", f"topic-{n % 4}", *([f"deep-{n % 3}"] if n % 5 == 0 else [])]
        path = root.joinpath(*folders, f"article-{n:04d}.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Article {n}\n\nHow to do thing {n}.\n", encoding="utf-8")


def sync(config: Path) -> tuple[bool, int]:
    """One run: whether it ended without a failure, and how many documents failed."""
    settings = load_settings(config)
    (result,) = asyncio.run(run_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
    return result.ok, len(result.failures) + (result.error is not None)


def duplicates(target: str, state: dict[str, Any]) -> tuple[int, int]:
    """Twins beyond one per document, and twins in all, in what the emulator holds."""
    if target == "external_pages":
        keys = [page["external_id"] for page in state["pages"]]
    elif target == "internal_articles":
        keys = [article["title"] for article in state["internal_articles"]]
    else:
        keys = [(article.get("parent_id"), article["title"]) for article in state["articles"]]
        keys += [(c.get("parent_id"), c["name"], "collection") for c in state["collections"]]
    return sum(n - 1 for n in Counter(keys).values()), len(keys)


def converge(target: str, *, docs: int, fail_rate: float, after: bool, max_runs: int) -> list[object]:
    with tempfile.TemporaryDirectory() as tmp, emulator_process() as base_url:
        folder = Path(tmp)
        write_tree(folder / "docs", docs)
        config = write_config(folder, base_url, max_concurrency=64, source_keys=TARGETS[target])
        faults = {"fail_rate": fail_rate, "fail_status": 503, "fail_methods": list(WRITES), "seed": 12}
        control(base_url, "POST", "faults", faults | {"fail_after": after})
        started = time.monotonic()
        runs, ok, failed_first = 0, False, 0
        while not ok and runs < max_runs:
            runs += 1
            ok, failed = sync(config)
            failed_first = failed if runs == 1 else failed_first
        elapsed = time.monotonic() - started
        log = control(base_url, "GET", "requests")["requests"]
        injected = sum(r["status"] == 503 for r in log)
        control(base_url, "POST", "faults", {"fail_rate": 0.0})
        control(base_url, "DELETE", "requests")
        clean, _ = sync(config)
        writes = sum(r["method"] in WRITES for r in control(base_url, "GET", "requests")["requests"])
        extra, twins = duplicates(target, control(base_url, "GET", "state"))
    verified = ok and clean and writes == 0 and extra == 0
    runs_cell = str(runs) if ok else f">{max_runs}"
    mode = "done, answered 503" if after else "undone, answered 503"
    return [target, mode, runs_cell, failed_first, injected, twins, extra, f"{elapsed:.1f}", verified]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--fail-rate", type=float, default=0.2)
    parser.add_argument("--max-runs", type=int, default=12)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="repeatable; default all")
    args = parser.parse_args()
    logging.getLogger("ingest").setLevel(logging.ERROR)  # each retry's warning would bury the table
    rows = [
        converge(target, docs=args.docs, fail_rate=args.fail_rate, after=after, max_runs=args.max_runs)
        for target in args.target or list(TARGETS)
        for after in (False, True)
    ]
    print_table(
        f"{args.docs} new documents in a nested tree, {args.fail_rate:.0%} of writes answered 503",
        [
            "target",
            "write",
            "runs to converge",
            "failed in run 1",
            "503s",
            "twins",
            "duplicates",
            "seconds",
            "verified",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
