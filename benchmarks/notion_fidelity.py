"""How faithfully a Notion export reaches Fin, in both export formats.

    python -m benchmarks.notion_fidelity [--pages 300] [--seed 14]
    python -m benchmarks.notion_fidelity --export PATH [--export PATH ...]

Writes a Notion export of a model workspace (``--pages`` pages: nested pages, databases whose rows
have a body or none, every block kind, links between pages, inline and block equations) in each
format, as Notion shapes it (:mod:`tests.connectors.notion_builder`: nested zips, ids in names,
CSVs with a byte order mark, ``index.html``), and runs the real ``notion_export`` connector and the
real converter on it, as a run does. Against what the model knows, it measures per format:

- pages sent, and junk pages (anything the model has no page for: the export's chrome or
  ``index.html``, a row with no body);
- text recall: of each page's words in the model, the share the page sent holds;
- internal links: of the links the model draws between pages, those pointing at the target's page URL;
- equations: of the model's TeX (inline and block), the share found verbatim in the page sent;
- databases as tables: databases sent as one table holding every row's title;
- the next night's export (every file rewritten, new names and timestamps): documents converted again.

With ``--export``, real exports are measured instead, against their own visible text
(:mod:`benchmarks.notion_export_measure`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from benchmarks.harness import print_table
from benchmarks.notion_export_measure import COLUMNS, measure_export
from connectors.notion_export import NotionExportConnector, NotionExportOptions
from ingest.convert import LinkBuilder, render_page
from ingest.document import DocumentRef, Page, SourceDocument
from tests.connectors.notion_builder import (
    Block,
    Format,
    NotionPage,
    Text,
    Workspace,
    bullets,
    callout,
    code,
    columns,
    equation,
    heading,
    para,
    table,
    todo,
    toggle,
    write_zip,
)

# fmt: off
WORDS = [
    "account", "billing", "invoice", "refund", "seat", "plan", "admin", "workspace", "export", "import",
    "token", "webhook", "latency", "region", "backup", "restore", "audit", "policy", "escalation",
    "shift", "roster", "onboarding", "checklist", "vendor", "contract", "renewal", "quota", "dashboard",
    "metric", "alert", "incident", "review", "release", "rollout", "migration", "schema", "index",
]
# fmt: on
TEXES = [r"\frac{a}{b}", r"\sum_{k=0}^{n} k^2", r"e^{i\pi} + 1 = 0", r"\sqrt{x^2 + y^2}", r"|x| \le 1"]


@dataclass
class Model:
    """What the workspace holds, as the benchmark checks it."""

    workspace: Workspace
    words: dict[int, Counter[str]] = field(default_factory=dict)
    links: list[tuple[int, int]] = field(default_factory=list)
    texes: dict[int, list[str]] = field(default_factory=dict)
    databases: dict[int, list[str]] = field(default_factory=dict)
    #: Pages the export should become (rows with a body included, rows without one not).
    expected: set[int] = field(default_factory=set)


def sentence(rng: random.Random, length: int = 8) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def build_model(pages: int, seed: int, run: int = 1) -> Model:
    rng = random.Random(seed)
    all_pages: list[NotionPage] = []
    top: list[NotionPage] = []
    number = 0
    model = Model(Workspace([], run=run))
    while number < pages:
        number += 1
        page = NotionPage(number, f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {number}")
        parents = [p for p in all_pages if p.columns is None and len(p.children) < 4]
        if parents and rng.random() < 0.7:
            rng.choice(parents).children.append(page)
        else:
            top.append(page)
        all_pages.append(page)
        model.expected.add(number)
        if number % 25 == 0:  # a database, with rows of its own
            page.columns = ["Name", "Status", "Tags"]
            rows = []
            for _ in range(6):
                number += 1
                row = NotionPage(number, f"Row {rng.choice(WORDS)} {number}")
                row.properties = {"Status": rng.choice(["Open", "Done"]), "Tags": rng.sample(WORDS, 2)}
                if rng.random() < 0.5:
                    row.blocks = [para(sentence(rng))]
                    model.expected.add(number)
                    model.words[number] = _words(row.blocks, row.properties)
                rows.append(row)
            page.children = rows
            model.databases[page.number] = [row.title for row in rows]
            model.words[page.number] = Counter(_tokens(" ".join(row.title for row in rows)))
    model.workspace.pages = top
    for page in all_pages:
        if page.columns is not None:
            continue
        target = rng.choice(all_pages)
        inline, block = rng.choice(TEXES), rng.choice(TEXES)
        page.blocks = [
            heading(2, sentence(rng, 3)[:-1], f"00000000-0000-4000-8000-{page.number:012d}"),
            para(
                sentence(rng), " See ", Text(target.title, link=target), ". ", Text("", tex=inline), " holds."
            ),
            equation(block),
            callout("\U0001f4a1", sentence(rng)),
            toggle(sentence(rng, 3), sentence(rng)),
            todo(sentence(rng, 4), rng.random() < 0.5),
            code("python", f"print({rng.randint(1, 99)})"),
            table([["Plan", "Seats"], [rng.choice(WORDS), str(rng.randint(1, 50))]]),
            columns(sentence(rng), sentence(rng)),
            bullets(sentence(rng, 4), sentence(rng, 4)),
        ]
        model.links.append((page.number, target.number))
        model.texes[page.number] = [inline, block]
        model.words[page.number] = _words(page.blocks, {})
    return model


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _words(blocks: list[Block], properties: dict[str, str | list[str]]) -> Counter[str]:
    words: Counter[str] = Counter()
    for block in blocks:
        rows = block.extra.get("rows", [])
        assert isinstance(rows, list)
        for part in block.parts:
            if part.tex is None:
                words.update(_tokens(part.text))
        words.update(_tokens(str(block.extra.get("inner", ""))))
        for row in rows:
            words.update(_tokens(" ".join(row)))
    for value in properties.values():
        words.update(_tokens(", ".join(value) if isinstance(value, list) else value))
    return words


async def _run(
    path: Path, known: dict[str, str] | None = None
) -> tuple[dict[str, Page], dict[str, str], int]:
    connector = NotionExportConnector(NotionExportOptions.model_validate({"path": str(path)}))
    refs = [item async for item in connector.scan() if isinstance(item, DocumentRef)]
    fingerprints = {ref.locator: ref.fingerprint for ref in refs}
    changed = [ref for ref in refs if known is None or known.get(ref.locator) != ref.fingerprint]
    pages: dict[str, Page] = {}
    links = LinkBuilder(None)
    for ref in changed:
        document = await connector.load(ref)
        if isinstance(document, SourceDocument):
            page = render_page(document, links)
            pages[page.external_id] = page
    return pages, fingerprints, len(changed)


def measure(model: Model, fmt: Format, folder: Path) -> list[object]:
    first = write_zip(model.workspace, folder / f"first-{fmt}.zip", fmt)
    pages, fingerprints, _ = asyncio.run(_run(first))
    ids = {page.page_id: page for page in model.workspace.walk()}
    by_number = {ids[external].number: page for external, page in pages.items() if external in ids}
    junk = len(pages) - len([number for number in by_number if number in model.expected])
    found = total = 0
    for number, words in model.words.items():
        if number not in by_number:
            total += sum(words.values())
            continue
        sent = Counter(_tokens(BeautifulSoup(by_number[number].html, "html.parser").get_text(" ")))
        found += sum(min(count, sent[word]) for word, count in words.items())
        total += sum(words.values())
    resolved = sum(
        1
        for source, target in model.links
        if source in by_number
        and f'href="https://www.notion.so/{ids_of(model)[target]}' in by_number[source].html
    )
    kept = sum(
        1
        for number, texes in model.texes.items()
        for tex in texes
        if number in by_number and tex in BeautifulSoup(by_number[number].html, "html.parser").get_text()
    )
    equations = sum(len(texes) for texes in model.texes.values())
    tables = sum(
        1
        for number, rows in model.databases.items()
        if number in by_number
        and "<table" in by_number[number].html
        and all(title in by_number[number].html for title in rows)
    )
    again = write_zip(_rerun(model), folder / f"again-{fmt}.zip", fmt, parts=3)
    _, _, reconverted = asyncio.run(_run(again, fingerprints))
    return [
        fmt,
        len(pages),
        junk,
        f"{100 * found / max(total, 1):.1f}%",
        f"{resolved}/{len(model.links)}",
        f"{kept}/{equations}",
        f"{tables}/{len(model.databases)}",
        reconverted,
    ]


def ids_of(model: Model) -> dict[int, str]:
    return {page.number: page.page_id for page in model.workspace.walk()}


def _rerun(model: Model) -> Workspace:
    """The same pages, exported again: another export id, part names and timestamps."""
    return Workspace(model.workspace.pages, run=model.workspace.run + 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--export", type=Path, action="append", help="a real export (.zip or folder) to measure instead"
    )
    args = parser.parse_args(argv)
    if args.export:
        rows = [measure_export(path) for path in args.export]
        print_table("Notion export fidelity on real exports, against their own visible text", COLUMNS, rows)
        return 0
    model = build_model(args.pages, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(model, fmt, Path(folder)) for fmt in ("html", "markdown")]
    print_table(
        f"Notion export fidelity: {len(list(model.workspace.walk()))} pages in the model, "
        f"{len(model.expected)} with something to read, {len(model.databases)} databases",
        ["format", "pages", "junk pages", "text recall", "links resolved", "equations as TeX",
         "databases as tables", "re-export converted"],
        rows,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
