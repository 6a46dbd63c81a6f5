"""How fast documents convert: generated Markdown, real Markdown, HTML.

Run ``python benchmarks/bench_convert.py [--docs N]``. It generates N realistic
Markdown documents (mixed sizes, with tables, code, links, admonitions, task lists;
a share with raw HTML, which takes the slower structural path), converts them, converts
the Material for MkDocs corpus when ``shared/corpora`` is beside the repository, cleans
the generated documents' HTML as an HTML source would be, and prints one row per run.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.convert import LinkBuilder, to_html
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


def measure(docs: Sequence[Doc], convert: Callable[[Doc], str]) -> tuple[int, float]:
    """Total input bytes and the best wall time of three passes over ``docs``."""
    size = sum(len(doc.body.encode()) for doc in docs)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for doc in docs:
            convert(doc)
        best = min(best, time.perf_counter() - start)
    return size, best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="seed for the generated documents")
    args = parser.parse_args(argv)

    links = LinkBuilder("https://docs.example.com/{path}")

    def markdown(doc: Doc) -> str:
        return to_html(doc.body, BodyFormat.MARKDOWN, path=doc.path, title=None, links=links)

    def html(doc: Doc) -> str:
        return to_html(doc.body, BodyFormat.HTML, path=doc.path, title=None, links=links)

    generated = generate(args.docs, args.seed)
    as_html = [Doc(doc.path, markdown(doc)) for doc in generated]
    runs: list[tuple[str, Sequence[Doc], Callable[[Doc], str]]] = [
        ("generated Markdown", generated, markdown),
        ("generated, cleaned as HTML", as_html, html),
    ]
    real = corpus()
    if real:
        runs.append(("mkdocs-material corpus", real, markdown))
    else:
        print(f"(corpus not found at {CORPUS}: skipped)")

    header = f"{'run':<28} {'documents':>9} {'bytes':>11} {'seconds':>8} {'docs/s':>8} {'MB/s':>6}"
    print(header)
    print("-" * len(header))
    for name, docs, convert in runs:
        size, seconds = measure(docs, convert)
        print(
            f"{name:<28} {len(docs):>9} {size:>11,} {seconds:>8.2f} "
            f"{len(docs) / seconds:>8.0f} {size / seconds / 1e6:>6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
