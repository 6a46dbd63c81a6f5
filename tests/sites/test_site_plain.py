"""The plain dialect reads Markdown exactly as fin-ingest always has."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.document import SourceDocument
from ingest.sites import PreparedPage, Role, SiteSettings
from ingest.sites.plain import PlainDialect, PlainSite
from ingest.sites.source import fold, load_page
from ingest.textdoc import format_for, read_text_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "docs"
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def example_paths() -> list[str]:
    """The example documents (the files a plain site calls pages)."""
    return sorted(str(path.relative_to(EXAMPLES)) for path in EXAMPLES.rglob("*") if format_for(path.name))


def test_plain_recognises_anything_and_every_document_is_a_page() -> None:
    """Any source can be plain; documents are pages, every other file is other."""
    site = PlainSite(SiteSettings())
    assert PlainDialect.recognises(["whatever.png"])
    assert site.role("guide/setup.md") is Role.PAGE and site.role("notes.TXT") is Role.PAGE
    assert site.role("images/timer.png") is Role.OTHER and site.role("mkdocs.yml") is Role.OTHER


def test_the_structure_digest_is_empty_so_fingerprints_stay_the_files_own() -> None:
    """Plain sources fingerprint as they always have."""
    site = PlainSite(SiteSettings())
    assert site.structure_digest({"a.md": "1-2", "b.md": "3-4"}) == ""
    assert fold("12-345", site.structure_digest({})) == "12-345"


@pytest.mark.parametrize("path", example_paths())
async def test_a_plain_page_is_the_document_read_text_document_reads(path: str) -> None:
    """Every file of the examples loads through the plain site exactly as read_text_document reads it."""
    raw = (EXAMPLES / path).read_bytes()
    site = await PlainDialect.open(None, SiteSettings())  # type: ignore[arg-type]  # plain reads no file
    expected = read_text_document(raw, path=path, fingerprint="1-2", modified=WHEN)
    assert await load_page(site, raw, path=path, fingerprint="1-2", modified=WHEN) == expected


async def test_a_site_relative_url_is_taken_against_site_url() -> None:
    """``url: /commands/hugo/`` is a link on the site with site_url, and stays metadata without."""
    raw = b"---\nurl: /commands/hugo/\n---\n# Hugo\n"
    with_site = PlainSite(SiteSettings(site_url="https://gohugo.io/"))
    document = await load_page(with_site, raw, path="hugo.md", fingerprint="f", modified=None)
    assert isinstance(document, SourceDocument)
    assert document.url == "https://gohugo.io/commands/hugo/" and "url" not in document.metadata
    without = await load_page(PlainSite(SiteSettings()), raw, path="hugo.md", fingerprint="f", modified=None)
    assert isinstance(without, SourceDocument)
    assert without.url is None and without.metadata["url"] == "/commands/hugo/"


async def test_plain_prepares_the_body_unchanged_and_has_no_opinion_on_links() -> None:
    """The body passes through; links are the converter's; headings get GitHub ids."""
    site = PlainSite(SiteSettings())
    prepared = await site.prepare("a.md", {}, "{{< note >}}\n# Title\n")
    assert prepared == PreparedPage(body="{{< note >}}\n# Title\n", title="Title", url=None)
    links = await site.links()
    assert links.resolve("other.md", "a.md") is None
    assert links.heading_id("Usage", {"usage"}) == "usage-1"
