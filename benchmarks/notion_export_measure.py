"""How faithfully a real Notion export reaches Fin, measured against the export's own visible text.

    python -m benchmarks.notion_fidelity --export PATH [--export PATH ...]

For an export that no model describes (a ``.zip`` or folder Notion wrote), what a reader of each
Notion page sees is read from the export itself, independently of the connector's mapping:

- HTML: the article's properties, description and body, with each equation as its TeX source
  (the ``annotation`` KaTeX keeps) instead of the rendered glyphs, and without the chrome (style,
  icons, cover, the page title, which is sent as the title, avatars' initials, properties left
  empty);
- Markdown: the lines after the ``# Title``, with link targets and images left out;
- a database's CSV: every cell, which the reader sees as the database's table, but for URLs and
  files' paths: the CSV keeps a linked value's URL where the page shows its text, and a "Files &
  media" value's path where the page shows the file (which is an attachment, left out as images
  are; so is that path in a Markdown row's property line).

Then the real connector and converter run on the export, as a run does, and per export:

- pages sent, rows skipped (a row with no body, kept in its database's table), failures;
- junk pages: pages sent that are no page of the export or have nothing to read;
- text recall: of the words the reader sees, the share the page sent holds (a row with no
  body is looked for in its database's page);
- internal links: of the links between pages of the export (rows without body left out: they
  are no page to link to), those pointing at the target's page URL;
- equations: the TeX sources found verbatim in the page sent;
- databases as tables: databases sent as a table holding every row's title.
"""

from __future__ import annotations

import asyncio
import csv
import io
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from connectors.notion_export import NotionExportConnector, NotionExportOptions
from connectors.notion_export.archive import open_export
from connectors.notion_export.names import read_name
from connectors.notion_export.tree import Entry, catalog
from ingest.convert import LinkBuilder, render_page
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.zipsafety import ZipLimits

COLUMNS = [
    "export", "format", "page files", "pages sent", "rows skipped", "junk pages", "failures",
    "text recall", "links resolved", "equations as TeX", "databases as tables",
]  # fmt: skip

_LIMITS = ZipLimits(
    max_entries=200_000,
    max_total_size=32 * 1024**3,
    max_entry_size=256 * 1024**2,
    max_compression_ratio=200,
    max_nested_zip_size=8 * 1024**3,
)
_MD_TARGET = re.compile(r"\]\([^)\n]*\)")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_PATH_IN_TEXT = re.compile(r"\((?:[^()\s]|%20)*\.(?:md|csv|html)\)")
#: A Markdown row's property line holding only files' paths ("Files & media: ../photo.png").
_MD_FILE_PROPERTY = re.compile(
    r"^[^:\n]+: (?:\.\./)*[^\s:,]*\.[A-Za-z0-9]{2,5}(?:, (?:\.\./)*[^\s:,]*\.[A-Za-z0-9]{2,5})*$", re.M
)
#: A URL, or a file's path within the export (a slash in it, an extension at its end), in a cell.
_URL_OR_FILE = re.compile(r"https?://\S+|[^\s,()]*/[^\s,()/]+\.[A-Za-z0-9]{2,5}(?=[\s,]|$)")
_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
_MD_TEX = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)", re.DOTALL)


@dataclass
class Seen:
    """What a reader sees on one page of the export."""

    words: Counter[str] = field(default_factory=Counter)
    links: set[str] = field(default_factory=set)
    texes: list[str] = field(default_factory=list)
    #: A database's row titles, read from its CSV or its HTML table.
    rows: list[str] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _html_seen(data: bytes, path: str, ids: dict[str, str]) -> Seen:
    soup = BeautifulSoup(data, "html.parser")
    seen = Seen()
    article = soup.find("article")
    if not isinstance(article, Tag):
        return seen
    # A bookmark's URL, shown under its title, is kept as the link itself; page icons are chrome.
    chrome = "style, svg, .page-header-icon, .page-cover-image, h1.page-title, .user-icon, .bookmark-href"
    for element in article.select(f"{chrome}, span.icon"):
        element.decompose()
    for row in article.select("table.properties tr"):
        value = row.find("td")
        if isinstance(value, Tag) and not value.get_text().strip() and not value.find("img"):
            row.decompose()  # a property left empty: the connector rightly shows nothing of it
    for katex in article.select(".katex"):
        annotation = katex.find("annotation")
        tex = annotation.get_text() if isinstance(annotation, Tag) else ""
        seen.texes.append(tex.strip())
        katex.replace_with(f" {tex} ")
    for anchor in article.find_all("a", href=True):
        target = _target(str(anchor["href"]), path, ids)
        if target is not None:
            seen.links.add(target)
    for cell in article.select("table.collection-content td.cell-title"):
        seen.rows.append(" ".join(cell.get_text(" ").split()))
    seen.words.update(tokens(article.get_text(" ")))
    return seen


def _markdown_seen(data: bytes, path: str, ids: dict[str, str]) -> Seen:
    text = data.decode("utf-8-sig", "replace")
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("# "):
        lines.pop(0)
    body = "\n".join(lines)
    seen = Seen()
    for match in _MD_LINK.finditer(body):
        target = _target(match[1], path, ids)
        if target is not None:
            seen.links.add(target)
    seen.texes = [(match[1] or match[2]).strip() for match in _MD_TEX.finditer(body)]
    visible = _MD_PATH_IN_TEXT.sub(" ", _MD_TARGET.sub("]", _MD_IMAGE.sub(" ", body))).replace("<aside>", " ")
    visible = _MD_FILE_PROPERTY.sub(" ", visible)
    seen.words.update(tokens(visible.replace("</aside>", " ")))
    return seen


def _csv_seen(data: bytes) -> Seen:
    seen = Seen()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig", "replace"), newline="")))
    for row in rows[1:]:
        if row and any(cell.strip() for cell in row):
            seen.rows.append(row[0])
    for row in rows:
        for cell in row:
            seen.words.update(tokens(_URL_OR_FILE.sub(" ", _MD_PATH_IN_TEXT.sub(" ", cell))))
    return seen


def _target(href: str, path: str, ids: dict[str, str]) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
    name = read_name(resolved.rsplit("/", 1)[-1])
    return name.page_id if name.page_id in ids else None


def read_seen(path: Path) -> tuple[dict[str, Entry], dict[str, Seen], str]:
    """The export's entries, what a reader sees on each page, and the export's format."""
    export = open_export(path, _LIMITS)
    try:
        entries = catalog(export.files())
        ids = {page_id: entry.locator for page_id, entry in entries.items()}
        seen: dict[str, Seen] = {}
        formats: Counter[str] = Counter()
        for page_id, entry in entries.items():
            page = Seen()
            if entry.path is not None:
                data = export.read(entry.path)
                markdown = entry.path.lower().endswith(".md")
                formats["markdown" if markdown else "html"] += 1
                page = (_markdown_seen if markdown else _html_seen)(data, entry.path, ids)
            if entry.table is not None:
                table = _csv_seen(export.read(entry.table))
                page.words |= table.words
                page.rows = page.rows or table.rows
            seen[page_id] = page
    finally:
        export.close()
    return entries, seen, (formats.most_common(1)[0][0] if formats else "?")


async def _sent(path: Path) -> tuple[dict[str, str], int, int, set[str]]:
    connector = NotionExportConnector(NotionExportOptions.model_validate({"path": str(path)}))
    html: dict[str, str] = {}
    failures = 0
    skipped: set[str] = set()
    links = LinkBuilder(None)
    for item in [item async for item in connector.scan()]:
        if isinstance(item, DocumentRef):
            document = await connector.load(item)
            if isinstance(document, SourceDocument):
                html[document.external_id] = render_page(document, links).html
            elif isinstance(document, Failure):
                failures += 1
        elif isinstance(item, SkippedDocument):
            name = read_name(item.locator.rsplit("/", 1)[-1])
            if name.page_id is not None:
                skipped.add(name.page_id)
        else:
            failures += 1
    connector.close()
    return html, failures, len(skipped), skipped


def measure_export(path: Path) -> list[object]:
    """One row of the table for the export at ``path``."""
    entries, seen, fmt = read_seen(path)
    html, failures, skipped_count, skipped = asyncio.run(_sent(path))
    texts = {page_id: BeautifulSoup(body, "html.parser").get_text(" ") for page_id, body in html.items()}
    words = {page_id: Counter(tokens(text)) for page_id, text in texts.items()}
    junk = sum(1 for page_id in html if page_id not in entries or not words[page_id])
    holders = {
        page_id: (entry.parent or page_id) if page_id in skipped else page_id
        for page_id, entry in entries.items()
    }
    found = total = 0
    for page_id, page in seen.items():
        sent = words.get(holders[page_id], Counter())
        found += sum(min(count, sent[word]) for word, count in page.words.items())
        total += sum(page.words.values())
    links = [
        (source, target)
        for source, page in seen.items()
        if source in html
        for target in page.links
        if target != source and target not in skipped
    ]
    resolved = sum(1 for source, target in links if f"https://www.notion.so/{target}" in html[source])
    texes = [(page_id, tex) for page_id, page in seen.items() for tex in page.texes if tex]
    kept = sum(1 for page_id, tex in texes if _squash(tex) in _squash(texts.get(holders[page_id], "")))
    databases = [page_id for page_id, page in seen.items() if page.rows]
    tables = sum(
        1
        for page_id in databases
        if page_id in html
        and "<table" in html[page_id]
        and all(" ".join(title.split()) in " ".join(texts[page_id].split()) for title in seen[page_id].rows)
    )
    files = sum(1 for entry in entries.values() if entry.path is not None)
    return [
        path.name,
        fmt,
        files,
        len(html),
        skipped_count,
        junk,
        failures,
        f"{100 * found / max(total, 1):.1f}%",
        f"{resolved}/{len(links)}",
        f"{kept}/{len(texes)}",
        f"{tables}/{len(databases)}",
    ]
