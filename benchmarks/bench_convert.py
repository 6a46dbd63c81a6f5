"""How fast documents convert: generated Markdown, real Markdown, HTML, real docs sites.

Run ``python benchmarks/bench_convert.py [--docs N] [--site DIALECT=FOLDER ...] [--passes N]``.
It generates N realistic Markdown documents (mixed sizes, with tables, code, links, admonitions,
task lists; a share with raw HTML, which takes the slower structural path), converts them,
converts the Material for MkDocs corpus when ``shared/corpora`` is beside the repository, cleans
the generated documents' HTML as an HTML source would be, and reads each ``--site`` (``mkdocs``,
``hugo``, ``docusaurus``, ``obsidian`` or ``plain``) as a run would: the ``filesystem``
connector with that dialect and the converter, everything a first sync does before planning.

Every row also times the **raw parse** of the same documents in the same run: markdown-it-py
(CommonMark, tables, strikethrough) rendering each document's Markdown and nh3 cleaning it with
the converter's allow-list, nothing of ours (for a site: each page file's text as it is on disk,
read from disk as the run reads it). ``ratio`` is the conversion's time over the raw parse's:
what the converter, the dialect and the front matter cost on top of the parser. Times are CPU
seconds of this process (documents per second is per core), each the best of ``--passes``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.collect import Collected, PathFilter, TargetRecords, collect
from ingest.convert import LinkBuilder, to_html
from ingest.convert.sanitize import sanitize
from ingest.document import BodyFormat

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "markdown-mkdocs-material" / "docs"
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)

WORDS = [
    *("account", "admin", "api", "billing", "card", "customer", "dashboard", "export", "invoice"),
    *("member", "plan", "project", "report", "role", "seat", "settings", "subscription", "team"),
    *("token", "usage", "webhook", "workspace", "configure", "enable", "open", "select", "update"),
    *("review", "choose", "create", "delete", "invite", "renew", "the", "a", "your", "each"),
    *("every", "when", "after", "before", "with", "for", "to", "of"),
]


@dataclass(frozen=True)
class Doc:
    path: str
    body: str


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, index: int) -> str:
    parts = [_sentence(rng) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5:
        target = f"../section-{index % 7}/page-{index % 50}.md#setup"
        parts.insert(1, f"See [the {rng.choice(WORDS)} guide]({target}).")
    if rng.random() < 0.2:
        blog = f"https://www.example.com/blog/{index}"
        parts.append(f"Read more at [our blog]({blog}) or `{rng.choice(WORDS)}_id`.")
    return " ".join(parts)


def _block(rng: random.Random, index: int, raw_html: bool) -> str:
    roll = rng.random()
    if roll < 0.45:
        return _paragraph(rng, index)
    if roll < 0.55:
        return f"## {_sentence(rng)[:-1]}"
    if roll < 0.65:
        rows = "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {_sentence(rng)} |" for _ in range(5)
        )
        return "| Name | Limit | Notes |\n|------|------:|-------|\n" + rows
    if roll < 0.75:
        lines = "\n".join(
            f"{rng.choice(WORDS)}_{n} = client.get('/v1/{rng.choice(WORDS)}')" for n in range(6)
        )
        return f"```python\n{lines}\n```"
    if roll < 0.83:
        return "\n".join(f"- [{rng.choice(' x')}] {_sentence(rng)}" for _ in range(4))
    if roll < 0.9:
        return f'!!! {rng.choice(["note", "tip", "warning"])} "{_sentence(rng)[:-1]}"\n    {_sentence(rng)}'
    if roll < 0.95 and raw_html:
        action = rng.choice(WORDS)
        return f'<div class="callout">\n<p>Press <kbd>Ctrl</kbd>+<kbd>K</kbd> to {action}.</p>\n</div>'
    steps = "\n".join(f"{n}. {_sentence(rng)}" for n in range(1, 5))
    return steps + f"\n\n![Screenshot](../images/{index}.png)"


def generate(count: int, seed: int) -> list[Doc]:
    """``count`` Markdown documents: about 60% short, 30% medium, 10% long; 30% with raw HTML."""
    rng = random.Random(seed)
    docs = []
    for index in range(count):
        blocks = rng.choice([4] * 6 + [20] * 3 + [90])
        raw_html = rng.random() < 0.3
        title = f"# {_sentence(rng)[:-1]}\n\n"
        body = title + "\n\n".join(_block(rng, index, raw_html) for _ in range(blocks)) + "\n"
        docs.append(Doc(f"section-{index % 7}/page-{index}.md", body))
    return docs


def corpus() -> list[Doc]:
    """The Material for MkDocs documentation, front matter stripped; empty when absent."""
    if not CORPUS.is_dir():
        return []
    docs = []
    for path in sorted(CORPUS.rglob("*.md")):
        body = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
        docs.append(Doc(path.relative_to(CORPUS).as_posix(), body))
    return docs


def best_of(passes: int, work: Callable[[], object]) -> float:
    """The least CPU time of this process over ``passes`` calls of ``work``: conversion runs on
    one core, and CPU time (unlike wall time) holds still on a machine others are using too."""
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


@dataclass(frozen=True)
class Run:
    """Documents to convert, and their raw parse, timed side by side."""

    name: str
    documents: int
    size: int
    convert: Callable[[], object]
    raw_parse: Callable[[], object]


_RAW_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def raw_parse(markdown: str) -> str:
    """What the parser and the sanitiser alone make of ``markdown``: the floor of any conversion."""
    return sanitize(_RAW_PARSER.render(markdown))


def document_run(
    name: str, docs: Sequence[Doc], convert: Callable[[Doc], str], *, raw_html: bool = False
) -> Run:
    """``docs`` converted with ``convert``; their raw parse is the sanitiser alone for HTML."""
    raw: Callable[[str], str] = sanitize if raw_html else raw_parse
    return Run(
        name,
        len(docs),
        sum(len(doc.body.encode()) for doc in docs),
        lambda: [convert(doc) for doc in docs],
        lambda: [raw(doc.body) for doc in docs],
    )


def site_run(dialect: str, folder: Path) -> Run:
    """The docs site in ``folder`` read and converted as a first sync of it would, against the raw
    parse of the files that become its pages."""
    options = FilesystemOptions.model_validate({"path": str(folder), "site": dialect})

    def convert() -> Collected:
        return asyncio.run(
            collect(
                FilesystemConnector(options),
                targets={"bench": TargetRecords(records={})},  # nothing seen yet: every page is read
                settings_digest="bench",
                path_filter=PathFilter(["**"], []),
                url_template="https://docs.example.com/{path}",
            )
        )

    collected = convert()
    if collected.failures:
        print(f"({folder}: {len(collected.failures)} documents failed, e.g. {collected.failures[0]})")
    files = [folder / page.locator for page in collected.pages if (folder / page.locator).is_file()]
    return Run(
        f"{dialect} {folder.name}",
        len(collected.pages),
        sum(file.stat().st_size for file in files),
        convert,
        lambda: [raw_parse(file.read_text(encoding="utf-8")) for file in files],
    )


def _site(value: str) -> tuple[str, Path]:
    dialect, _, folder = value.partition("=")
    if not folder or not Path(folder).is_dir():
        raise argparse.ArgumentTypeError(f"expected DIALECT=FOLDER with an existing folder, got {value!r}")
    return dialect, Path(folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="seed for the generated documents")
    parser.add_argument("--passes", type=int, default=3, help="passes per run; the best counts (default 3)")
    parser.add_argument(
        "--site",
        type=_site,
        action="append",
        default=[],
        metavar="DIALECT=FOLDER",
        help="a docs site to read",
    )
    args = parser.parse_args(argv)

    links = LinkBuilder("https://docs.example.com/{path}")

    def markdown(doc: Doc) -> str:
        return to_html(doc.body, BodyFormat.MARKDOWN, path=doc.path, title=None, links=links)

    def html(doc: Doc) -> str:
        return to_html(doc.body, BodyFormat.HTML, path=doc.path, title=None, links=links)

    generated = generate(args.docs, args.seed)
    as_html = [Doc(doc.path, markdown(doc)) for doc in generated]
    runs = [
        document_run("generated Markdown", generated, markdown),
        document_run("generated, cleaned as HTML", as_html, html, raw_html=True),
    ]
    real = corpus()
    if real:
        runs.append(document_run("mkdocs-material corpus", real, markdown))
    else:
        print(f"(corpus not found at {CORPUS}: skipped)")
    runs += [site_run(dialect, folder) for dialect, folder in args.site]

    header = (
        f"{'run':<36} {'documents':>9} {'bytes':>11} {'cpu s':>8} {'docs/s':>7} {'MB/s':>6}"
        f" {'raw cpu s':>9} {'raw docs/s':>10} {'ratio':>5}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        seconds = best_of(args.passes, run.convert)
        raw = best_of(args.passes, run.raw_parse)
        print(
            f"{run.name:<36} {run.documents:>9} {run.size:>11,} {seconds:>8.2f} "
            f"{run.documents / seconds:>7.0f} {run.size / seconds / 1e6:>6.2f}"
            f" {raw:>9.2f} {run.documents / raw:>10.0f} {seconds / raw:>5.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
