"""LinkBuilder: page URLs from the template, and where links inside a document point."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.convert import LinkBuilder, to_html
from ingest.document import BodyFormat

TEMPLATE = "https://docs.example.com/{path}"


def test_page_url_without_template_is_none() -> None:
    """A source without a template gives its documents no URL."""
    assert LinkBuilder(None).page_url("guides/setup.md") is None


def test_page_url_percent_encodes_all_but_slashes() -> None:
    """The path is percent-encoded (UTF-8) except for its slashes."""
    url = LinkBuilder(TEMPLATE).page_url("guides/démarrage rapide.md")
    assert url == "https://docs.example.com/guides/d%C3%A9marrage%20rapide.md"


def test_page_url_normalises_decomposed_names() -> None:
    """A name decomposed by macOS (NFD) gives the same URL as the composed one."""
    builder = LinkBuilder(TEMPLATE)
    assert builder.page_url(unicodedata.normalize("NFD", "Übersicht.md")) == builder.page_url("Übersicht.md")


def test_page_url_fills_variables() -> None:
    """Constructor variables fill their placeholders; per-call variables add to and override them."""
    builder = LinkBuilder("https://git.example.com/blob/{ref}/{path}", {"ref": "main"})
    assert builder.page_url("a.md") == "https://git.example.com/blob/main/a.md"
    assert builder.page_url("a.md", {"ref": "v2"}) == "https://git.example.com/blob/v2/a.md"


def test_page_url_with_a_placeholder_lacking_a_value_raises() -> None:
    """A placeholder with no value at formatting time is a ValueError naming it."""
    with pytest.raises(ValueError, match=r"\{commit\}"):
        LinkBuilder("https://x.example/{commit}/{path}").page_url("a.md")


def test_check_accepts_builtin_and_allowed_placeholders() -> None:
    """{path} is always allowed; a connector's extra names are allowed when listed."""
    LinkBuilder.check("https://x.example/{ref}/{path}", {"ref"})
    LinkBuilder.check("https://x.example/static", set())


def test_check_names_an_unknown_placeholder() -> None:
    """An unknown placeholder is reported up front, by name."""
    with pytest.raises(ValueError, match=r"unknown placeholder \{branch\}"):
        LinkBuilder.check("https://x.example/{branch}/{path}", {"ref"})


@pytest.mark.parametrize(
    "template", ["https://x.example/{path", "https://x.example/{path.upper}", "{path:>9}"]
)
def test_malformed_templates_are_rejected(template: str) -> None:
    """Unbalanced braces, attribute access and format specs are ValueErrors, at check and construction."""
    with pytest.raises(ValueError):
        LinkBuilder.check(template, set())
    with pytest.raises(ValueError):
        LinkBuilder(template)


@pytest.mark.parametrize(
    ("template", "sentence"),
    [
        (
            "https://x.example/{path",
            "url_template 'https://x.example/{path' is malformed: expected '}' before end of string",
        ),
        (
            "https://x.example/{path.upper}",
            "url_template placeholder {path.upper} must be a plain name like {path}",
        ),
        (
            "https://x.example/{branch}/{path}",
            "url_template has unknown placeholder {branch} (allowed: {path}, {ref})",
        ),
    ],
)
def test_template_errors_read_as_one_sentence_naming_url_template(template: str, sentence: str) -> None:
    """The messages a user sees for a bad url_template name the key and say what is wrong."""
    with pytest.raises(ValueError) as raised:
        LinkBuilder.check(template, {"ref"})
    assert str(raised.value) == sentence


def test_a_missing_value_names_url_template() -> None:
    """A placeholder with no value at formatting time is reported against url_template."""
    with pytest.raises(ValueError) as raised:
        LinkBuilder("https://x.example/{commit}/{path}").page_url("a.md")
    assert str(raised.value) == "url_template placeholder {commit} has no value"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("invoices.md", "https://docs.example.com/guides/billing/invoices.md"),
        ("./invoices.md#vat", "https://docs.example.com/guides/billing/invoices.md#vat"),
        ("../setup.md?tab=mac#install", "https://docs.example.com/guides/setup.md?tab=mac#install"),
        ("../../index.md", "https://docs.example.com/index.md"),
        ("/troubleshooting/faq.md", "https://docs.example.com/troubleshooting/faq.md"),
        ("../../images/plan.png", "https://docs.example.com/images/plan.png"),
        ("d%C3%A9marrage%20rapide.md", "https://docs.example.com/guides/billing/d%C3%A9marrage%20rapide.md"),
        ("démarrage-rapide.md", "https://docs.example.com/guides/billing/d%C3%A9marrage-rapide.md"),
        ("../", "https://docs.example.com/guides/"),
        ("?print=1", "https://docs.example.com/guides/billing/plans.md?print=1"),
        ("#vat", "#vat"),
        ("https://status.example.com/", "https://status.example.com/"),
        ("HTTP://Example.com/A", "HTTP://Example.com/A"),
        ("mailto:billing@example.com", "mailto:billing@example.com"),
        ("  https://example.com/x \n", "https://example.com/x"),
        ("../../../outside.md", None),
        ("/../outside.md", None),
        ("", None),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("\x01 java\tscript:alert(1)", None),
        ("vbscript:msgbox(1)", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None),
        ("file:///etc/passwd", None),
        ("tel:+15551234", None),
    ],
)
def test_resolve(href: str, expected: str | None) -> None:
    """Relative links resolve against the document's folder; unsafe or escaping ones give None."""
    assert LinkBuilder(TEMPLATE).resolve(href, "guides/billing/plans.md") == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [("invoices.md", None), ("#vat", "#vat"), ("https://example.com/", "https://example.com/")],
)
def test_resolve_without_template(href: str, expected: str | None) -> None:
    """Without a template only fragment and absolute links survive."""
    assert LinkBuilder(None).resolve(href, "guides/billing/plans.md") == expected


def test_resolve_template_with_query_appends_with_ampersand() -> None:
    """A link's query joins a template that already has one with '&'."""
    builder = LinkBuilder("https://git.example.com/view?file={path}")
    assert builder.resolve("b.md?x=1", "a.md") == "https://git.example.com/view?file=b.md&x=1"


@pytest.mark.parametrize("src", ["#top", "mailto:a@example.com", "data:image/png;base64,AAAA", ""])
def test_resolve_src_refuses_what_cannot_serve_an_image(src: str) -> None:
    """Fragments, mailto: and data: URLs are no image source."""
    assert LinkBuilder(TEMPLATE).resolve_src(src, "a.md") is None


def convert(body: str, fmt: BodyFormat, template: str | None) -> str:
    return to_html(body, fmt, path="guides/billing/plans.md", title=None, links=LinkBuilder(template))


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            TEMPLATE,
            '<p><a href="https://docs.example.com/guides/billing/invoices.md#vat">Invoices</a>, '
            '<a href="#limits">limits</a>, <a href="https://example.com/">site</a>, outside.</p>',
        ),
        (
            None,
            '<p>Invoices, <a href="#limits">limits</a>, '
            '<a href="https://example.com/">site</a>, outside.</p>',
        ),
    ],
)
@pytest.mark.parametrize("fmt", [BodyFormat.MARKDOWN, BodyFormat.HTML])
def test_links_in_documents(template: str | None, expected: str, fmt: BodyFormat) -> None:
    """Markdown and HTML links resolve through the template or are unlinked, keeping their text."""
    body = (
        "[Invoices](invoices.md#vat), [limits](#limits), [site](https://example.com/), "
        "[outside](../../../x.md)."
        if fmt is BodyFormat.MARKDOWN
        else '<p><a href="invoices.md#vat">Invoices</a>, <a href="#limits">limits</a>, '
        '<a href="https://example.com/">site</a>, <a href="../../../x.md">outside</a>.</p>'
    )
    assert convert(body, fmt, template) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            TEMPLATE,
            '<p><img alt="Plan picker" src="https://docs.example.com/images/plans.png" title="Plans"> '
            '<img alt="Badge" src="https://img.example.com/b.svg"></p>',
        ),
        (None, '<p>Plan picker <img alt="Badge" src="https://img.example.com/b.svg"></p>'),
    ],
)
@pytest.mark.parametrize("fmt", [BodyFormat.MARKDOWN, BodyFormat.HTML])
def test_images_in_documents(template: str | None, expected: str, fmt: BodyFormat) -> None:
    """Relative images resolve through the template, or are replaced by their alt text without one."""
    body = (
        '![Plan picker](../../images/plans.png "Plans") ![Badge](https://img.example.com/b.svg)'
        if fmt is BodyFormat.MARKDOWN
        else '<p><img src="../../images/plans.png" alt="Plan picker" title="Plans" width="300"> '
        '<img src="https://img.example.com/b.svg" alt="Badge"></p>'
    )
    assert convert(body, fmt, template) == expected


def test_image_without_alt_and_target_disappears() -> None:
    """An image with nowhere to load from and no alt text leaves nothing behind."""
    assert convert('<p>Before <img src="x.png"> after</p>', BodyFormat.HTML, None) == "<p>Before  after</p>"


def test_linked_image_keeps_both() -> None:
    """An image inside a link keeps its own resolution and the link's."""
    assert convert("[![Logo](logo.png)](../index.md)", BodyFormat.MARKDOWN, TEMPLATE) == (
        '<p><a href="https://docs.example.com/guides/index.md">'
        '<img alt="Logo" src="https://docs.example.com/guides/billing/logo.png"></a></p>'
    )
