"""How fast a Confluence HTML space export is read: scan, first full collect, unchanged re-export.

Run ``python -m benchmarks.bench_confluence [--pages 2000]``. It generates an export zip
with realistic pages (paragraphs, tables, code blocks, info/note/warning panels, expand
sections, tables of contents, status lozenges, mentions, emoticons, images, Jira issues and
links between pages) in a five-level page tree, then times:

- the scan alone (every page read from the zip, parsed, mapped and fingerprinted);
- the first collect (scan, then load and convert every page to the HTML sent to Intercom);
- a collect of a fresh re-export with no page changed (new export date and render-time
  ids on every page), against the fingerprints of the first: it must convert nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.harness import print_table
from connectors.confluence_export import ConfluenceExportConnector, ConfluenceExportOptions
from ingest.convert import LinkBuilder, render_page
from ingest.document import DocumentRef, SourceDocument
from tests.connectors.confluence_builder import Attachment, Macros, Page, Space, write_zip

#: Documents loaded at once, as the engine's collect stage does.
_BATCH = 32
WORDS = [
    *("account", "admin", "api", "billing", "card", "customer", "dashboard", "export", "invoice", "member"),
    *("plan", "project", "report", "role", "seat", "settings", "subscription", "team", "token", "usage"),
    *("webhook", "workspace", "configure", "enable", "open", "select", "update", "review", "choose"),
    *("create", "delete", "invite", "renew", "the", "a", "your", "each", "every", "when", "after", "for"),
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(6, 18))).capitalize() + "."


def _body(rng: random.Random, space: Space, page: Page, macros: Macros) -> str:
    parts = [macros.toc(["Overview", "Steps", "Reference"])] if rng.random() < 0.3 else []
    for block in range(rng.randint(6, 16)):
        roll = rng.random()
        other = space.pages[rng.randrange(len(space.pages))]
        if roll < 0.35:
            text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
            parts.append(f"<p>{text} See {macros.link(other)} {macros.emoticon('tick')}.</p>")
        elif roll < 0.45:
            parts.append(f"<h2>Heading {block}</h2>")
        elif roll < 0.55:
            rows = [
                [_sentence(rng), macros.status("DONE"), str(rng.randint(1, 99))]
                for _ in range(rng.randint(2, 8))
            ]
            parts.append(macros.table(["What", "Status", "Count"], rows))
        elif roll < 0.63:
            code = "\n".join(f"client.call({index}, retries=3)  # {rng.choice(WORDS)}" for index in range(8))
            parts.append(macros.code(code, rng.choice(["python", "java", "bash", "js"])))
        elif roll < 0.71:
            parts.append(
                macros.panel(rng.choice(["info", "note", "warning", "tip"]), f"<p>{_sentence(rng)}</p>")
            )
        elif roll < 0.77:
            parts.append(
                macros.expand("Details", f"<p>{_sentence(rng)}</p><ul><li>{_sentence(rng)}</li></ul>", block)
            )
        elif roll < 0.83 and page.attachments:
            parts.append(f"<p>{macros.image(page, page.attachments[0])}</p>")
        elif roll < 0.88:
            issue = macros.jira_issue("OPS-12", "Fix", "Done")
            parts.append(f"<p>Ask {macros.mention('Jane Doe', 'jdoe')} about {issue}</p>")
        else:
            items = "".join(f"<li>{_sentence(rng)}</li>" for _ in range(rng.randint(2, 6)))
            parts.append(f"<ul>{items}</ul>")
    return "\n".join(parts)


def generate(count: int, seed: int = 7, render_ids: int = 1) -> Space:
    """A space of ``count`` pages in a tree up to five levels deep; ``render_ids`` stands for one
    export run (the same seed gives the same pages, with that run's render-time ids)."""
    rng = random.Random(seed)
    space = Space(pages=[], render_ids=render_ids, generated=f"Mar 0{render_ids}, 2023 02:00")
    for index in range(count):
        parent = (
            None if index == 0 else 1000 + rng.randrange(max(1, min(index, 5 ** min(5, 1 + index // 50))))
        )
        attachments = [Attachment(500000 + index, f"screen-{index}.png")] if rng.random() < 0.4 else []
        space.pages.append(
            Page(1000 + index, f"Article {index} {rng.choice(WORDS)}", "", parent, attachments=attachments)
        )
    macros = Macros(space)
    for page in space.pages:
        page.body = _body(rng, space, page, macros)
    return space


def _connector(path: Path) -> ConfluenceExportConnector:
    options = ConfluenceExportOptions.model_validate(
        {"path": str(path), "base_url": "https://wiki.example.com"}
    )
    return ConfluenceExportConnector(options)


async def _scan(connector: ConfluenceExportConnector) -> list[DocumentRef]:
    return [item async for item in connector.scan() if isinstance(item, DocumentRef)]


async def _collect(path: Path, known: dict[str, str]) -> tuple[int, int]:
    """What the engine's collect stage does: scan, then load and convert (in batches, as it
    does) every page whose fingerprint is not the one ``known`` for its locator."""
    connector = _connector(path)
    changed = [ref for ref in await _scan(connector) if known.get(ref.locator) != ref.fingerprint]
    links = LinkBuilder(None)
    converted = 0
    for start in range(0, len(changed), _BATCH):
        loaded = await asyncio.gather(*(connector.load(ref) for ref in changed[start : start + _BATCH]))
        for document in loaded:
            if isinstance(document, SourceDocument):
                render_page(document, links)
                converted += 1
    return len(known) or converted, converted


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        first = write_zip(generate(args.pages), Path(tmp) / "export-1.zip")
        again = write_zip(generate(args.pages, render_ids=2), Path(tmp) / "export-2.zip")
        size = first.stat().st_size

        started = time.perf_counter()
        refs = asyncio.run(_scan(_connector(first)))
        scan_seconds = time.perf_counter() - started

        started = time.perf_counter()
        _, converted = asyncio.run(_collect(first, {}))
        collect_seconds = time.perf_counter() - started

        known = {ref.locator: ref.fingerprint for ref in refs}
        started = time.perf_counter()
        rescanned, reconverted = asyncio.run(_collect(again, known))
        rescan_seconds = time.perf_counter() - started

    rows = [
        ("scan (fingerprints)", len(refs), f"{scan_seconds:.2f}", f"{len(refs) / scan_seconds:.0f}", "-"),
        ("first collect (scan, load + convert)", converted, f"{collect_seconds:.2f}",
         f"{converted / collect_seconds:.0f}", converted),
        ("unchanged re-export (scan)", rescanned, f"{rescan_seconds:.2f}",
         f"{rescanned / rescan_seconds:.0f}", reconverted),
    ]  # fmt: skip
    print_table(
        f"Confluence export: {args.pages} pages, zip of {size / 1e6:.1f} MB",
        ["run", "pages", "seconds", "pages/s", "converted"],
        rows,
    )
    if reconverted or converted != args.pages:
        print(f"unexpected: {converted} of {args.pages} pages converted, {reconverted} on the re-export")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
