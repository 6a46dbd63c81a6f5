"""The bundled example docs convert cleanly and their relative links all point at real files."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from ingest.convert import LinkBuilder, render_page
from ingest.document import SourceDocument
from ingest.textdoc import format_for, read_text_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "docs"
PREFIX = "https://docs.example.com/"
DOCUMENTS = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and format_for(p.name) is not None)


def _page(path: Path) -> tuple[SourceDocument, str]:
    relative = path.relative_to(EXAMPLES).as_posix()
    doc = read_text_document(path.read_bytes(), path=relative, fingerprint="f", modified=None)
    assert isinstance(doc, SourceDocument), doc
    return doc, render_page(doc, LinkBuilder(PREFIX + "{path}")).html


def test_examples_cover_the_formats_and_features() -> None:
    """The demo corpus has Markdown, HTML and text, nested folders, a non-ASCII name and an image."""
    names = {p.relative_to(EXAMPLES).as_posix() for p in DOCUMENTS}
    assert {".md", ".html", ".txt"} <= {Path(name).suffix for name in names}
    assert any(not name.isascii() for name in names)
    assert any(name.count("/") >= 2 for name in names)
    assert (EXAMPLES / "images" / "timer.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if "drafts" not in p.parts], ids=lambda p: p.name)
def test_example_links_resolve_to_existing_files(path: Path) -> None:
    """Every relative link and image in an example resolves to a file that exists."""
    _doc, html = _page(path)
    for target in re.findall(r'(?:href|src)="([^"]+)"', html):
        if target.startswith(PREFIX):
            assert (EXAMPLES / unquote(urlsplit(target).path.removeprefix("/"))).is_file(), target


def test_the_draft_is_skipped() -> None:
    """The draft's front matter keeps it out of the sync."""
    raw = (EXAMPLES / "drafts" / "roadmap-2026.md").read_bytes()
    assert not isinstance(
        read_text_document(raw, path="drafts/roadmap-2026.md", fingerprint="f", modified=None), SourceDocument
    )


def test_html_example_keeps_content_only() -> None:
    """The HTML example loses head, scripts, breadcrumbs and its title heading; its table stays."""
    doc, html = _page(EXAMPLES / "troubleshooting" / "sync-errors.html")
    assert doc.title == "Fixing sync errors"
    assert html.startswith(
        "<p>Tempo keeps your calendar and your accounting software in step. When a connection\nbreaks"
    )
    assert "<script" not in html and "<nav" not in html and "<h1>" not in html
    assert "<tr><td><code>token_expired</code></td>" in html
