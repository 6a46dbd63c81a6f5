"""Secret scanning, measured: seeded kinds caught, false positives on real docs, and its cost.

    python -m benchmarks.secret_scan_measure [--only NAME ...]

1. **Seeded kinds**: every seeded secret (tests/secret_scan/seeded.py) in a Markdown page and in
   an HTML page, each loaded and converted as a ``filesystem`` source does, then scanned: which
   detector found it, at which line.
2. **False positives**: every page of each real corpus on this machine (the docs sites, the
   Notion exports, ../shared/corpora), loaded and converted through its connector as a run
   does, scanned with the default plugins and with every plugin. None of these corpora holds a
   live secret, so every finding is a false positive: reported by detector and file, never the value.
   Every plugin on is measured on the first 200 pages of each corpus (those plugins see every line).
3. **Cost**: per corpus, documents/s converting alone and converting then scanning (the load
   average is printed beside it: the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.collect import PathFilter, links_for
from ingest.config import Source, load_settings
from ingest.connector import Closeable, ProvidesSiteLinks
from ingest.conversion_task import ToConvert, convert_one, load_one
from ingest.convert import LinkBuilder
from ingest.document import DocumentRef, Failure, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.runner import build_connector
from ingest.secret_scan import catalog
from ingest.secret_scan.document_scan import findings_in
from ingest.secret_scan.policy import ScanPolicy
from ingest.textdoc import read_text_document
from tests.secret_scan.seeded import seeded_secrets

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
#: Pages per corpus also scanned with every plugin on: those plugins see every line (ten times the
#: cost), so a sample in path order says which of them would flag what, without hours of it.
EVERY_PLUGIN_SAMPLE = 200
EVERY_PLUGIN = ScanPolicy(plugins=catalog.ALL)


def corpora() -> Iterator[tuple[str, dict[str, object]]]:
    """Each corpus present on this machine, as the keys of a source reading it."""
    sites = {
        "gohugo.io (Hugo)": "/tmp/hugo-site",
        "pnpm.io (Docusaurus)": "/tmp/docusaurus-site",
        "Material for MkDocs (MkDocs)": "/tmp/site-squidfunk+mkdocs-material",
        "mkdocs.org (MkDocs)": "/tmp/site-mkdocs+mkdocs",
        "FastAPI (MkDocs)": "/tmp/site-fastapi+fastapi",
        "Obsidian Help (Obsidian)": "/tmp/obsidian-site",
    }
    for name, path in sites.items():
        if Path(path).is_dir():
            yield name, {"connector": "filesystem", "path": path, "site": "auto"}
    notion = Path("/tmp/notion-real")
    if notion.is_dir():
        for export in sorted(notion.iterdir()):
            yield f"Notion: {export.name}", {"connector": "notion_export", "path": str(export)}
    confluence = SHARED / "confluence-server7-coding" / "Confluence-space-export-231543-81.html.zip"
    if confluence.is_file():
        yield (
            "Confluence 7 export",
            {
                "connector": "confluence_export",
                "path": str(confluence),
                "base_url": "https://wiki.example.com",
            },
        )
    meridius = SHARED / "confluence-server5-meridius" / "page1"
    if meridius.is_dir():
        yield (
            "Confluence 5 export",
            {
                "connector": "confluence_export",
                "path": str(meridius),
                "base_url": "https://wiki.example.com",
            },
        )
    material = SHARED / "markdown-mkdocs-material" / "docs"
    if material.is_dir():
        yield "shared/corpora Markdown", {"connector": "filesystem", "path": str(material)}


@dataclass
class Measured:
    pages: int = 0
    flagged_default: dict[str, list[str]] = field(default_factory=dict)
    flagged_all: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    sampled: int = 0
    convert_seconds: float = 0.0
    scan_seconds: float = 0.0


def _source(folder: Path, keys: dict[str, object]) -> Source:
    lines = ["[sources.corpus]", 'url = "https://docs.example.com"']
    for key, value in keys.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    config = folder / "ingest.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(config).sources["corpus"]


async def measure(source: Source) -> Measured:
    connector = build_connector(source)
    measured = Measured()
    wanted = PathFilter(source.settings.include, source.settings.exclude)
    try:
        refs = [
            item async for item in connector.scan() if isinstance(item, DocumentRef) and wanted(item.locator)
        ]
        links = links_for(connector, None)
        if isinstance(connector, ProvidesSiteLinks):
            links = links.with_site(await connector.site_links())
        for ref in refs:
            loaded = await load_one(connector, ref)
            if not isinstance(loaded, SourceDocument):
                measured.failures += isinstance(loaded, Failure)
                continue
            started = time.perf_counter()
            page = convert_one(ToConvert(loaded, ref.locator, ref.fingerprint), links, DocumentLimits())
            converted = time.perf_counter()
            if isinstance(page, Failure):
                measured.failures += 1
                continue
            found = findings_in(loaded, page, ScanPolicy())
            measured.scan_seconds += time.perf_counter() - converted
            measured.convert_seconds += converted - started
            measured.pages += 1
            if found:
                measured.flagged_default[ref.locator] = sorted(
                    {f"{f.detector} (line {f.line})" for f in found}
                )
            if measured.pages <= EVERY_PLUGIN_SAMPLE:
                measured.sampled += 1
                for detector in {f.detector for f in findings_in(loaded, page, EVERY_PLUGIN)}:
                    measured.flagged_all[detector] += 1
    finally:
        if isinstance(connector, Closeable):
            connector.close()
    return measured


def seeded_table() -> None:
    items = seeded_secrets()
    markdown = "# Seeded\n\n" + "\n\n".join(item.line for item in items) + "\n"
    html = (
        "<html><body><h1>Seeded</h1>" + "".join(f"<p>{item.line}</p>\n" for item in items) + "</body></html>"
    )
    print(f"## Seeded kinds ({len({item.detector for item in items})} kinds, {len(items)} secrets)\n")
    print("| kind | Markdown: found as (line) | HTML: found as (line) |\n|---|---|---|")
    caught = 0
    results = []
    for name, text in (("seeded.md", markdown), ("seeded.html", html)):
        document = read_text_document(text.encode(), path=name, fingerprint="", modified=datetime.now(UTC))
        assert isinstance(document, SourceDocument)
        page = convert_one(ToConvert(document, name, ""), LinkBuilder(None), DocumentLimits())
        assert not isinstance(page, Failure)
        results.append((text.split("\n"), findings_in(document, page, ScanPolicy())))
    for item in items:
        cells = []
        for lines, found in results:
            number = next(index for index, line in enumerate(lines, 1) if item.secret in line)
            at = [f"{f.detector} ({f.line})" for f in found if f.line == number]
            cells.append(", ".join(at) or "**missed**")
        caught += all(cell != "**missed**" for cell in cells)
        print(f"| {item.detector} | {cells[0]} | {cells[1]} |")
    print(f"\nCaught in both: {caught} of {len(items)} secrets.\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", help="corpora whose name contains one of these")
    parser.add_argument("--no-seeded", action="store_true")
    arguments = parser.parse_args()
    if not arguments.no_seeded:
        seeded_table()
    print("## False positives on real docs (every finding on these corpora is one)\n")
    print("| corpus | pages | pages flagged (default) | share | every plugin on, first 200 pages: "
          "flagged by detector | docs/s convert | docs/s convert+scan | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    details: list[str] = []
    total_pages = total_flagged = 0
    for name, keys in corpora():
        if arguments.only and not any(part.lower() in name.lower() for part in arguments.only):
            continue
        with tempfile.TemporaryDirectory() as folder:
            measured = asyncio.run(measure(_source(Path(folder), keys)))
        flagged = len(measured.flagged_default)
        total_pages += measured.pages
        total_flagged += flagged
        share = flagged / measured.pages if measured.pages else 0.0
        every = ", ".join(f"{d} {n}" for d, n in measured.flagged_all.most_common()) or "none"
        every = f"{every} (of {measured.sampled})"
        convert_rate = measured.pages / measured.convert_seconds if measured.convert_seconds else 0
        both = measured.convert_seconds + measured.scan_seconds
        both_rate = measured.pages / both if both else 0
        print(f"| {name} | {measured.pages} | {flagged} | {share:.2%} | {every} | {convert_rate:.0f} | "
              f"{both_rate:.0f} | {os.getloadavg()[0]:.1f} |", flush=True)  # fmt: skip
        details += [
            f"- {name}: {locator}: {', '.join(kinds)}" for locator, kinds in measured.flagged_default.items()
        ]
    share = total_flagged / total_pages if total_pages else 0.0
    summary = f"{total_flagged} of {total_pages} pages flagged with the default plugins ({share:.2%})"
    print(f"\nAll corpora: {summary}.\n")
    print("Flagged with the default plugins (kind and line, never the value):\n")
    print("\n".join(details) or "none")


if __name__ == "__main__":
    main()
