"""Realistic generated Markdown for the sync benchmarks: a few KB a document, as docs sites have.

Each document has front matter (title, description, tags, a date, an owner), a title heading,
sections with paragraphs, bullet and numbered lists, a code block, inline code, links to other
documents of the corpus and to the web, and now and then a table or a quote. Sizes vary
(1.2 to 11 KB, about 4.8 KB on average). Document ``index`` depends only on ``index`` and
``seed``, so a corpus of any size is written one file at a time, in constant memory.

The ~250-byte documents the benchmarks used before stay in :func:`benchmarks.harness.write_corpus`
(``bench_upload --doc-size small``).
"""

from __future__ import annotations

import random
from pathlib import Path

FOLDERS = 20

_WORDS = (  # noqa: SIM905 - a vocabulary reads better as prose
    "account admin api billing card customer dashboard export invoice member plan project report role "
    "seat settings subscription team token usage webhook workspace configure enable open select update "
    "review choose create delete invite renew the a your each every when after before with for to of "
    "integration permission audit region retention backup schedule notification channel message inbox "
    "ticket article collection folder label filter search index sync import field value limit quota"
).split()
_LANGUAGES = ("python", "bash", "json", "yaml", "javascript")
_TAGS = ("billing", "admin", "api", "security", "getting-started", "integrations", "reporting", "teams")


def document_path(index: int) -> str:
    """Where document ``index`` lives, relative to the corpus root."""
    return f"area-{index % FOLDERS:02d}/article-{index:06d}.md"


def write_realistic_corpus(root: Path, count: int, *, seed: int = 13) -> int:
    """``count`` realistic documents under ``root`` in :data:`FOLDERS` folders; returns the bytes written."""
    for folder in range(min(count, FOLDERS)):
        (root / f"area-{folder:02d}").mkdir(parents=True, exist_ok=True)
    written = 0
    for index in range(count):
        data = realistic_document(index, count, seed=seed).encode()
        (root / document_path(index)).write_bytes(data)
        written += len(data)
    return written


def realistic_document(index: int, count: int, *, seed: int = 13) -> str:
    """Document ``index`` of a corpus of ``count``: front matter and a body of a few KB."""
    rng = random.Random(seed * 1_000_003 + index)
    title = _sentence(rng, 3, 7)[:-1]
    tags = ", ".join(rng.sample(_TAGS, rng.randint(1, 3)))
    front = (
        f"---\ntitle: {title} ({index})\ndescription: {_sentence(rng, 8, 16)}\ntags: [{tags}]\n"
        f"date: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
        f"owner: team-{rng.choice(_TAGS)}\n---\n"
    )
    sections = rng.choice((2, 3, 3, 4, 4, 5, 6, 8))
    blocks = [f"# {title}", _paragraph(rng, index, count)]
    for _ in range(sections):
        blocks.append(f"## {_sentence(rng, 2, 6)[:-1]}")
        blocks += [_block(rng, index, count) for _ in range(rng.randint(2, 4))]
    return front + "\n" + "\n\n".join(blocks) + "\n"


def _sentence(rng: random.Random, low: int = 6, high: int = 18) -> str:
    return " ".join(rng.choices(_WORDS, k=rng.randint(low, high))).capitalize() + "."


def _link(rng: random.Random, index: int, count: int) -> str:
    if rng.random() < 0.25:
        return f"[{rng.choice(_WORDS)} docs](https://www.example.com/{rng.choice(_WORDS)}/{index % 97})"
    other = rng.randrange(count)
    return f"[{rng.choice(_WORDS)} {rng.choice(_WORDS)}](../{document_path(other)})"


def _paragraph(rng: random.Random, index: int, count: int) -> str:
    parts = [_sentence(rng) for _ in range(rng.randint(2, 5))]
    parts.insert(rng.randint(0, len(parts)), f"See {_link(rng, index, count)}.")
    if rng.random() < 0.5:
        parts.append(f"Set `{rng.choice(_WORDS)}_{rng.choice(_WORDS)}` to **{rng.choice(_WORDS)}**.")
    return " ".join(parts)


def _block(rng: random.Random, index: int, count: int) -> str:
    roll = rng.random()
    if roll < 0.45:
        return _paragraph(rng, index, count)
    if roll < 0.6:
        return "\n".join(f"- {_sentence(rng, 4, 12)}" for _ in range(rng.randint(3, 6)))
    if roll < 0.72:
        return "\n".join(f"{n}. {_sentence(rng, 5, 14)}" for n in range(1, rng.randint(3, 7)))
    if roll < 0.84:
        language = rng.choice(_LANGUAGES)
        calls = range(rng.randint(3, 9))
        lines = "\n".join(
            f"{rng.choice(_WORDS)}_{n} = client.get('/v1/{rng.choice(_WORDS)}/{n}')" for n in calls
        )
        return f"```{language}\n{lines}\n```"
    if roll < 0.93:
        count_rows = range(rng.randint(3, 6))
        rows = "\n".join(
            f"| `{rng.choice(_WORDS)}` | {rng.randint(1, 999)} | {_sentence(rng, 3, 8)} |" for _ in count_rows
        )
        return "| Name | Limit | Notes |\n|------|------:|-------|\n" + rows
    return "> " + _sentence(rng) + " " + _sentence(rng)
