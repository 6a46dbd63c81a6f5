"""A nightly run over an unchanged corpus: wall time, reads and writes sent, documents converted.

Run ``python -m benchmarks.bench_noop [--docs 10000] [--site hugo] [--owner-tag] [--doc-size
realistic|small]``. The first sync (not timed) puts every document in the emulator; then the same
sync runs again with nothing changed, and after ``touch``-ing every file (fingerprints change,
content does not: every document is read and converted again, still with no write). Every run
is timed twice, in the same situation: the engine in this process, and the whole ``ingest run
--all`` command a user runs (Python start-up and imports included: about half a second the
engine's figure leaves out), with its peak RSS read from outside; both must send the same
requests. Each run reads its one source's Content Import Source once: the truth checked on
every run. Plain documents are realistic (:mod:`benchmarks.docgen`, about 4.8 KB) unless
``--doc-size small`` (the ~250-byte documents used before).
With ``--site``, the corpus is a docs site of that dialect (:mod:`benchmarks.sitecorpus`), and
one page's description is edited last: what is read again is that page and the section page
listing it. With ``--owner-tag``, ``[intercom] owner_tag_id`` names a tag of the emulator's
workspace: the first sync also tags every page (a bulk action per 1,000), the runs after it
send nothing more than without it. With ``--rules``, the source has two availability rules (a path
rule on one folder, a front matter rule on a tag): the no-op runs must cost what they cost without
them; then one rule is widened to a second folder (measured in the engine only, once: the change
is applied by that run), which reads and sets exactly that folder's documents.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from benchmarks.docgen import write_realistic_corpus
from benchmarks.harness import TOKEN, control, emulator_process, print_table, write_config, write_corpus
from benchmarks.outside import run_ingest
from benchmarks.sitecorpus import SITES, edit_description, write_site_corpus
from ingest.config import load_settings
from ingest.engine import SourceResult
from ingest.runner import run_sources

MB = 1024 * 1024


def sync(config: Path) -> tuple[float, SourceResult]:
    settings = load_settings(config)
    started = time.monotonic()
    (result,) = asyncio.run(run_sources(settings, settings.select(None), token=SecretStr(TOKEN)))
    return time.monotonic() - started, result


def reads_and_writes(url: str) -> tuple[int, int]:
    methods = [request["method"] for request in control(url, "GET", "requests")["requests"]]
    reads = methods.count("GET")
    return reads, len(methods) - reads


class Runs:
    """Each scenario measured twice: the engine in this process, then ``ingest run --all`` as its
    own process (start-up and imports included, peak RSS from outside), after ``again()`` has
    put the corpus back in the same situation."""

    def __init__(self, folder: Path, config: Path, url: str, docs: int) -> None:
        self.folder, self.config, self.url, self.docs = folder, config, url, docs
        self.rows: list[tuple[object, ...]] = []

    def measure(
        self, what: str, again: Callable[[], None] | None = None, *, converted: int | None = None
    ) -> None:
        control(self.url, "DELETE", "requests")
        seconds, result = sync(self.config)
        assert result.failures == [] and result.error is None, result
        if converted is not None:
            assert result.converted == converted, result
        reads, writes = reads_and_writes(self.url)
        if again is not None:
            again()
        control(self.url, "DELETE", "requests")
        usage = run_ingest(
            ["run", "--all", "--config", str(self.config)], token=TOKEN, output=self.folder / "output.txt"
        )
        process_io = reads_and_writes(self.url)
        assert process_io == (reads, writes), (what, process_io, (reads, writes))
        peak = f"{usage.peak_rss_bytes / MB:,.0f}"
        row = (
            what,
            self.docs,
            f"{seconds:.3f}",
            f"{usage.wall_seconds:.3f}",
            peak,
            reads,
            writes,
            result.converted,
        )
        self.rows.append(row)


def touch_all(folder: Path) -> Callable[[], None]:
    def touch() -> None:
        for path in folder.rglob("*.md"):
            os.utime(path)

    return touch


#: Two rules: Fin off for a folder, Fin for sales on for a tag (front matter ``tags: [...]``).
_RULES = """
[[sources.docs.availability]]
paths = [{paths}]
ai_agent = false

[[sources.docs.availability]]
front_matter = {{ tags = "security" }}
ai_sales_agent = true
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--site", choices=("plain", *SITES), default="plain")
    parser.add_argument("--owner-tag", action="store_true", help="set [intercom] owner_tag_id")
    parser.add_argument(
        "--doc-size",
        choices=["realistic", "small"],
        default="realistic",
        help="plain documents: ~4.8 KB or ~250 B",
    )
    parser.add_argument("--rules", action="store_true", help="[[sources.docs.availability]] rules")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp, emulator_process(rate_limit=1_000_000) as url:
        folder = Path(temp)
        docs = folder / "docs"
        if args.site == "plain":
            if args.doc_size == "small":
                write_corpus(docs, args.docs)
            else:
                write_realistic_corpus(docs, args.docs)
            config = write_config(folder, url, max_concurrency=64)
        else:
            write_site_corpus(docs, args.docs, args.site)
            keys = f'site = "{args.site}"\nsite_url = "https://docs.example.com/"\n'
            config = write_config(folder, url, max_concurrency=64, source_keys=keys)
        if args.owner_tag:
            tag = control(url, "POST", "tags", {"name": "fin-ingest"})
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace("[intercom]\n", f"[intercom]\nowner_tag_id = {tag['id']}\n", 1))
        if args.rules:
            config.write_text(config.read_text(encoding="utf-8") + _RULES.format(paths='"area-01/**"'))
        seconds, result = sync(config)
        assert result.failures == [] and result.error is None, result
        first = (
            "first sync (setup)",
            args.docs,
            f"{seconds:.2f}",
            "-",
            "-",
            *reads_and_writes(url),
            result.converted,
        )
        runs = Runs(folder, config, url, args.docs)
        runs.measure("unchanged", converted=0)
        touch_all(docs)()
        runs.measure("every file touched, content same", touch_all(docs))
        runs.measure("unchanged again after the touch", converted=0)
        if args.site != "plain":
            saved = {path: path.read_bytes() for path in docs.rglob("*.md")}
            edit_description(docs, args.site)
            edited = {
                path: path.read_bytes() for path in docs.rglob("*.md") if saved[path] != path.read_bytes()
            }

            def undo_edit() -> None:  # the same pages change back: the same work again
                for path in edited:
                    path.write_bytes(saved[path])

            runs.measure("one page's description edited", undo_edit)
        if args.rules:
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace('"area-01/**"', '"area-01/**", "area-02/**"'))
            control(url, "DELETE", "requests")
            seconds, result = sync(config)
            assert result.failures == [] and result.error is None, result
            widened = ("path rule widened to a 2nd folder", args.docs, f"{seconds:.3f}", "-", "-")
            runs.rows.append((*widened, *reads_and_writes(url), result.converted))
    print_table(
        "No-op nightly run (goal: under 1 s, 0 writes, at most 1 read per source, 0 conversions); each run "
        "timed in the engine and as the whole `ingest run --all` process (start-up and imports included)",
        ["run", "documents", "engine s", "process s", "process peak RSS MB", "reads", "writes", "converted"],
        [first, *runs.rows],
    )


if __name__ == "__main__":
    main()
