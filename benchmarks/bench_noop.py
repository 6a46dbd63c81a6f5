"""A nightly run over an unchanged corpus: wall time, reads and writes sent, documents converted.

Run ``python -m benchmarks.bench_noop [--docs 10000] [--site hugo] [--owner-tag]``. The first sync
(not timed) puts every document in the emulator; then the same sync runs again with nothing changed,
three ways: the engine in this process, the whole ``ingest run --all`` command (Python
start-up and imports included), and after ``touch``-ing every file (fingerprints change,
content does not: every document is read and converted again, still with no write). Each
run reads its one source's Content Import Source once: the truth checked on every run.
With ``--site``, the corpus is a docs site of that dialect (:mod:`benchmarks.sitecorpus`), and
one page's description is edited last: what is read again is that page and the section page
listing it. With ``--owner-tag``, ``[intercom] owner_tag_id`` names a tag of the emulator's
workspace: the first sync also tags every page (a bulk action per 1,000), the runs after it
send nothing more than without it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_config, write_corpus
from benchmarks.sitecorpus import SITES, edit_description, write_site_corpus
from ingest.config import load_settings
from ingest.engine import SourceResult
from ingest.runner import run_sources


def sync(config: Path) -> tuple[float, SourceResult]:
    settings = load_settings(config)
    started = time.monotonic()
    (result,) = asyncio.run(run_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
    return time.monotonic() - started, result


def reads_and_writes(url: str) -> tuple[int, int]:
    methods = [request["method"] for request in control(url, "GET", "requests")["requests"]]
    reads = methods.count("GET")
    return reads, len(methods) - reads


def row(what: str, docs: int, seconds: float, url: str, converted: int) -> tuple[object, ...]:
    return (what, docs, f"{seconds:.3f}", *reads_and_writes(url), converted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--site", choices=("plain", *SITES), default="plain")
    parser.add_argument("--owner-tag", action="store_true", help="set [intercom] owner_tag_id")
    args = parser.parse_args()
    rows: list[tuple[object, ...]] = []
    with tempfile.TemporaryDirectory() as temp, emulator_process(rate_limit=1_000_000) as url:
        folder = Path(temp)
        if args.site == "plain":
            write_corpus(folder / "docs", args.docs)
            config = write_config(folder, url, max_concurrency=64)
        else:
            write_site_corpus(folder / "docs", args.docs, args.site)
            keys = f'site = "{args.site}"\nsite_url = "https://docs.example.com/"\n'
            config = write_config(folder, url, max_concurrency=64, source_keys=keys)
        if args.owner_tag:
            tag = control(url, "POST", "tags", {"name": "fin-ingest"})
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace("[intercom]\n", f"[intercom]\nowner_tag_id = {tag['id']}\n", 1))
        seconds, result = sync(config)
        assert result.failures == [] and result.error is None, result
        rows.append(
            ("first sync (setup)", args.docs, f"{seconds:.2f}", *reads_and_writes(url), result.converted)
        )

        control(url, "DELETE", "requests")
        seconds, result = sync(config)
        assert result.converted == 0, result
        rows.append(row("unchanged, engine in-process", args.docs, seconds, url, result.converted))

        control(url, "DELETE", "requests")
        env = {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN}
        started = time.monotonic()
        subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "-m", "ingest.cli", "run", "--all", "--config", str(config)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        seconds = time.monotonic() - started
        rows.append(row("unchanged, `ingest run --all` process", args.docs, seconds, url, 0))

        for path in (folder / "docs").rglob("*.md"):
            os.utime(path)
        control(url, "DELETE", "requests")
        seconds, result = sync(config)
        rows.append(row("every file touched, content same", args.docs, seconds, url, result.converted))
        control(url, "DELETE", "requests")
        seconds, result = sync(config)
        rows.append(row("unchanged again after the touch", args.docs, seconds, url, result.converted))
        if args.site != "plain":
            edit_description(folder / "docs", args.site)
            control(url, "DELETE", "requests")
            seconds, result = sync(config)
            rows.append(row("one page's description edited", args.docs, seconds, url, result.converted))
    print_table(
        "No-op nightly run (goal: under 1 s, 0 writes, at most 1 read per source, 0 conversions)",
        ["run", "documents", "seconds", "reads", "writes", "converted"],
        rows,
    )


if __name__ == "__main__":
    main()
