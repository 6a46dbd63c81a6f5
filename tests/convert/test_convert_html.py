"""HTML documents: the structural clean-up before the allow-list."""

from __future__ import annotations

import warnings

import pytest

from ingest.convert import LinkBuilder, to_html
from ingest.document import BodyFormat


def html(body: str, *, title: str | None = None) -> str:
    return to_html(
        body, BodyFormat.HTML, path="spaces/ops/runbook.html", title=title, links=LinkBuilder(None)
    )


def test_full_page_keeps_only_the_body() -> None:
    """Doctype, head (title, meta, styles) and the html/body wrappers go; the body's content stays."""
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Runbook</title>'
        '<link rel="stylesheet" href="s.css"><style>p{}</style></head>\n'
        "<body>\n<p>Restart the <b>worker</b>.</p>\n</body></html>"
    )
    assert html(page) == "<p>Restart the <b>worker</b>.</p>"


def test_leading_h1_inside_wrappers_is_dropped() -> None:
    """An export's title heading nested in wrapper divs is dropped when it repeats the title."""
    page = (
        '<div id="main"><h1 id="title-heading">Runbook</h1>'
        '<div class="wiki-content"><p>Restart the worker.</p></div></div>'
    )
    assert html(page, title="Runbook") == "<p>Restart the worker.</p>"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("<section><h1>Other</h1><p>x</p></section>", '<h1 id="other">Other</h1><p>x</p>'),
        ("<p>Intro</p><h1>Runbook</h1>", '<p>Intro</p><h1 id="runbook">Runbook</h1>'),
    ],
)
def test_h1_that_is_not_a_leading_repeat_stays(page: str, expected: str) -> None:
    """A different first heading, or the title heading after other content, is kept."""
    assert html(page, title="Runbook") == expected


def test_containers_become_paragraphs() -> None:
    """Divs holding only text become paragraphs, so neighbouring words never run together."""
    assert html("<div>one</div><div>two <b>three</b></div><div>\n</div>") == (
        "<p>one</p><p>two <b>three</b></p>"
    )


def test_loose_text_between_blocks_gets_paragraphs() -> None:
    """Text beside blocks inside a container, or at the top, is wrapped in its own paragraph."""
    assert html("<div>Lead <div>inner</div> tail</div>") == "<p>Lead</p><p>inner</p><p>tail</p>"
    assert html("Loose <b>text</b><br><p>Block</p><br>") == "<p>Loose <b>text</b></p><p>Block</p>"


def test_details_and_figures_are_flattened() -> None:
    """A details summary and a figure caption become paragraphs beside their content."""
    assert html("<details><summary>More</summary><p>Hidden</p></details>") == "<p>More</p><p>Hidden</p>"
    assert html(
        '<figure><img src="https://x.example/a.png" alt="A"><figcaption>Cap</figcaption></figure>'
    ) == ('<p><img alt="A" src="https://x.example/a.png"></p><p>Cap</p>')


def test_checkboxes_become_visible_text() -> None:
    """Checked and unchecked checkboxes become ☑ and ☐ prefixes, single-spaced."""
    page = (
        '<ul><li><input type="checkbox" checked disabled> Deploy</li><li><input type="checkbox">Verify</li>'
    )
    assert html(page + "</ul>") == "<ul><li>☑ Deploy</li><li>☐ Verify</li></ul>"


def test_comments_are_dropped() -> None:
    """Comments, including conditional ones, never reach the output."""
    assert html("<!-- internal note --><p>Text<!--[if IE]>x<![endif]--></p>") == "<p>Text</p>"


def test_pre_keeps_its_lines() -> None:
    """Inside <pre> indentation and blank lines stay; only trailing spaces go."""
    assert html('<pre class="syntaxhighlighter-pre">  indented\n\n\n  code   \n</pre>') == (
        "<pre>  indented\n\n\n  code\n</pre>"
    )


def test_text_is_escaped_once() -> None:
    """Entities are decoded and re-escaped minimally; non-ASCII stays as it is."""
    assert (
        html("<p>caf\u00e9&nbsp;&amp; &lt;tag&gt; &quot;q&quot;</p>")
        == '<p>café&nbsp;&amp; &lt;tag&gt; "q"</p>'
    )


def test_table_spans_are_kept() -> None:
    """colspan and rowspan survive; other cell attributes do not."""
    assert html(
        '<table><tr><th colspan="2" align="left">H</th></tr><tr><td rowspan="2" width="5">c</td></tr></table>'
    ) == ('<table><tbody><tr><th colspan="2">H</th></tr><tr><td rowspan="2">c</td></tr></tbody></table>')


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<?xml version="1.0" encoding="utf-8"?>\n<p>x</p>', "<p>x</p>"),
        ("<?xml ?><?xml ?><p>x</p>", "<p>x</p>"),
        ("readme.html", "<p>readme.html</p>"),
        ("https://example.com/x", "<p>https://example.com/x</p>"),
        ("a &amp; b &lt;c", "<p>a &amp; b &lt;c</p>"),
        ("  \n", ""),
    ],
)
def test_odd_documents_convert_without_warnings(page: str, expected: str) -> None:
    """XML declarations and tag-less bodies convert quietly: no BeautifulSoup guess warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert html(page) == expected
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("<xmp>a < b & c</xmp>", "<pre>a &lt; b &amp; c</pre>"),
        (
            "<div><xmp><script>alert(1)</script></xmp></div>",
            "<pre>&lt;script&gt;alert(1)&lt;/script&gt;</pre>",
        ),
        ("<listing>a &lt; b\n  c</listing>", "<pre>a &lt; b\n  c</pre>"),
        # Nothing ends <plaintext>: all that follows is its text, as a browser shows it.
        ("<p>x</p><plaintext>a <b>b</b> & c", "<p>x</p><pre>a &lt;b&gt;b&lt;/b&gt; &amp; c</pre>"),
    ],
)
def test_obsolete_preformatted_elements_become_pre(page: str, expected: str) -> None:
    """<xmp>, <listing> and <plaintext> become <pre> with their text escaped once, markup as text."""
    assert html(page) == expected
