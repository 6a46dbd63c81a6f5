"""render_page and the package's public surface."""

from __future__ import annotations

import pytest

import ingest.convert
from ingest.convert import CONVERTER_VERSION, LinkBuilder, render_page, to_html
from ingest.document import BodyFormat, SourceDocument


def _doc(**overrides: object) -> SourceDocument:
    fields: dict[str, object] = {
        "external_id": "guides/billing.md",
        "title": "Billing",
        "body": "# Billing\n\nSee [plans](plans.md).",
        "format": BodyFormat.MARKDOWN,
        "path": "guides/billing.md",
        "fingerprint": "size:42:mtime:1",
        "metadata": {"description": "How billing works"},
    }
    fields.update(overrides)
    return SourceDocument(**fields)  # type: ignore[arg-type]


def test_render_page_builds_url_from_template() -> None:
    """Without an explicit url the page URL comes from the template; the H1 title is dropped."""
    page = render_page(_doc(), LinkBuilder("https://docs.example.com/{path}"))
    assert page.html == '<p>See <a href="https://docs.example.com/guides/plans.md">plans</a>.</p>'
    assert page.url == "https://docs.example.com/guides/billing.md"
    assert (page.external_id, page.title, page.locator, page.fingerprint) == (
        "guides/billing.md",
        "Billing",
        "guides/billing.md",
        "size:42:mtime:1",
    )
    assert dict(page.metadata) == {"description": "How billing works"}


def test_render_page_prefers_the_documents_own_url() -> None:
    """Front matter's url wins over the template."""
    page = render_page(
        _doc(url="https://help.example.com/billing"), LinkBuilder("https://docs.example.com/{path}")
    )
    assert page.url == "https://help.example.com/billing"


def test_render_page_without_template_has_no_url() -> None:
    """No template and no url: the page has no URL and relative links are unlinked."""
    page = render_page(_doc(), LinkBuilder(None))
    assert page.url is None
    assert page.html == "<p>See plans.</p>"


@pytest.mark.parametrize(
    ("fmt", "body", "expected"),
    [
        (BodyFormat.MARKDOWN, "*hi*", "<p><em>hi</em></p>"),
        (BodyFormat.HTML, "<p><i>hi</i></p>", "<p><i>hi</i></p>"),
        (BodyFormat.TEXT, "*hi*", "<p>*hi*</p>"),
    ],
)
def test_to_html_dispatches_on_format(fmt: BodyFormat, body: str, expected: str) -> None:
    """Each body format has its converter."""
    assert to_html(body, fmt, path="a", title=None, links=LinkBuilder(None)) == expected


def test_public_surface() -> None:
    """__all__ lists what the rest of fin-ingest uses, and each name exists."""
    assert sorted(ingest.convert.__all__) == [
        "CONVERTER_VERSION",
        "LinkBuilder",
        "converter_identity",
        "html_to_markdown",
        "render_page",
        "to_html",
    ]
    for name in ingest.convert.__all__:
        assert hasattr(ingest.convert, name)
    assert isinstance(CONVERTER_VERSION, str) and CONVERTER_VERSION


def test_converter_identity_names_the_version_and_the_libraries() -> None:
    """The identity stored in fingerprints changes with CONVERTER_VERSION and with library versions."""
    identity = ingest.convert.converter_identity()
    assert identity.startswith(ingest.convert.CONVERTER_VERSION + ";")
    assert "markdown-it-py=" in identity and "nh3=" in identity and "=?" not in identity


def test_document_metadata_fills_template_placeholders() -> None:
    """A document's metadata (a git file's last commit and author) can be used in url_template."""
    from ingest.convert import LinkBuilder, render_page
    from ingest.document import BodyFormat, SourceDocument

    doc = SourceDocument(
        external_id="docs/a.md",
        title="A",
        body="# A\n\nText.",
        format=BodyFormat.MARKDOWN,
        path="docs/a.md",
        fingerprint="f",
        metadata={"last_commit": "abc123", "last_author": "Jane Doe", "tags": ["x"], "draft": False},
    )
    links = LinkBuilder("https://git.example.com/blob/{last_commit}/{path}?by={last_author}")
    assert render_page(doc, links).url == "https://git.example.com/blob/abc123/docs/a.md?by=Jane%20Doe"
