"""What one document may cost: nesting bounded by kind, size and time budgets, linear passes."""

from __future__ import annotations

import re
import time
from itertools import count
from typing import Any

import nh3
import pytest
from bounds import STALLED_AFTER_SECONDS

from ingest.convert import LinkBuilder, render_page, to_html
from ingest.convert import sanitize as sanitize_module
from ingest.convert.depth import FLATTENED_WARNING
from ingest.document import BodyFormat, SourceDocument
from ingest.document_limits import (
    MAX_HTML_DEPTH,
    Budget,
    ConversionTooSlow,
    DocumentLimits,
    DocumentTooLarge,
    NestedTooDeeply,
)
from ingest.markdown_nesting import MAX_NESTING

IMAGE = '<img alt="a" src="https://x.test/a.png">'
TAG = re.compile(r"<[^>]*>")


def text_of(out: str) -> str:
    return TAG.sub(" ", out)


def html(body: str, warnings: list[str] | None = None, budget: Budget | None = None) -> str:
    return to_html(
        body,
        BodyFormat.HTML,
        path="deep.html",
        title=None,
        links=LinkBuilder(None),
        warnings=warnings,
        budget=budget,
    )


def document(body: str, fmt: BodyFormat = BodyFormat.HTML) -> SourceDocument:
    return SourceDocument(
        external_id="doc", title="Doc", body=body, format=fmt, path="doc.html", fingerprint="f"
    )


@pytest.mark.parametrize("levels", [260, MAX_HTML_DEPTH - 10])
def test_deep_wrappers_keep_every_paragraph(levels: int) -> None:
    """Nested divs, a paragraph at each level (a Confluence page's macros in macros), past where
    libxml2 stops by default (256) and up to the limit: every paragraph kept, and the one after."""
    body = (
        "".join(f"<div><p>level {level}</p>" for level in range(levels)) + "</div>" * levels + "<p>after</p>"
    )
    out = html(body)
    assert out == "".join([*(f"<p>level {level}</p>" for level in range(levels)), "<p>after</p>"])


def test_wrappers_nested_to_the_limit_convert_in_linear_time() -> None:
    """Divs and spans alternating 1,000 levels deep (2,000 elements) convert to their text.

    The passes used to search each element's whole subtree (about 60 s here on a busy machine);
    linear they take about 0.2 s. The bound, 10 s, is 50 times that."""
    body = "<div><span>" * 1000 + "word" + "</span></div>" * 1000
    started = time.perf_counter()
    out = html(body)
    assert time.perf_counter() - started < 10
    assert "word" in out and out.count("<p>") == 1


def test_nesting_past_the_hard_limit_fails_the_document() -> None:
    """100,000 nested divs fail with the reason, before any pass works on them."""
    with pytest.raises(NestedTooDeeply, match=f"more than {MAX_HTML_DEPTH} elements"):
        html("<div>" * 100_000 + "x" + "</div>" * 100_000)


def test_deep_inline_markup_is_flattened_keeping_every_word() -> None:
    """500 nested spans and bold runs, a word at each level: below 100 levels the markup goes,
    every word stays, in order, and the page says it was flattened."""
    body = "<p>" + "".join(f"<b><span>w{level} </span>" for level in range(500)) + "</b>" * 500 + "end</p>"
    warnings: list[str] = []
    out = html(body, warnings)
    assert text_of(out).split() == [*(f"w{level}" for level in range(500)), "end"]
    assert out.count("<b>") <= MAX_NESTING
    assert warnings == [FLATTENED_WARNING]


def test_deep_blocks_below_the_limit_keep_their_words_apart() -> None:
    """Blocks flattened below the limit do not run together: "one" and "two" stay two words, and
    images stay."""
    body = "<span>" * 150 + "<div>one</div><div>two</div><p>three</p>four" + IMAGE + "</span>" * 150
    assert html(body, []).endswith(f"<p>one two three four{IMAGE}</p>")


@pytest.mark.parametrize(
    ("inner", "text"),
    [
        ("alpha<div>beta</div>gamma", "alpha beta gamma"),
        ("one<p>two</p>three", "one two three"),
        ("a<h2>Head</h2>b", "a Head b"),
        ("x<ul><li>a</li><li>b</li></ul>y", "x a b y"),
        ("cell<table><tr><td>1</td><td>2</td></tr></table>z", "cell 1 2 z"),
        ("un<b>believ</b>able", "unbelievable"),
        ('H<sub>2</sub>O is <a href="https://x.test">water</a>.', "H2O is water."),
    ],
)
def test_flattening_spaces_blocks_and_only_blocks(inner: str, text: str) -> None:
    """Below the limit a block is a word boundary on both sides (text before it does not run into
    it), and inline markup is none (a word split by emphasis, a subscript or a link stays whole)."""
    body = "<p>" + "<span>" * 120 + inner + "</span>" * 120 + "</p>"
    assert html(body) == f"<p>{text}</p>"


def test_a_checkbox_in_a_flattened_part_stays_visible() -> None:
    """A task-list checkbox below the limit still shows as the box the clean-up writes for it."""
    body = "<p>" + "<span>" * 120 + '<input type="checkbox" checked> done' + "</span>" * 120 + "</p>"
    assert html(body) == html('<p><input type="checkbox" checked> done</p>')


def test_deep_lists_fail_the_document_as_markdown_does() -> None:
    """Lists nested more than MAX_NESTING levels fail with the reason: flattening them would
    change what they say."""
    body = "<ul><li>" * 60 + "x" + "</li></ul>" * 60
    with pytest.raises(NestedTooDeeply, match="levels of lists"):
        html(body)
    assert "x" in html("<ul><li>" * 40 + "x" + "</li></ul>" * 40)


def test_a_script_inside_a_flattened_part_stays_out() -> None:
    """Flattening takes text, never what the clean-up drops with its content."""
    body = "<i>" * 120 + "safe<script>alert(1)</script><style>p{}</style>text" + "</i>" * 120
    out = html(body)
    assert "alert" not in out and "p{}" not in out and "safe" in out and "text" in out


def test_a_document_over_the_size_budget_fails_naming_the_key() -> None:
    limits = DocumentLimits(max_document_bytes=2048)
    with pytest.raises(
        DocumentTooLarge, match=r"the document is 3,000 bytes, more than the 2,048 bytes max_document_bytes"
    ):
        render_page(document("<p>" + "a" * 2993 + "</p>"), LinkBuilder(None), limits)


def test_the_size_budget_counts_bytes_not_characters() -> None:
    """600 three-byte characters are 1,800 bytes: over a 1,024-byte budget."""
    with pytest.raises(DocumentTooLarge):
        render_page(
            document("€" * 600, BodyFormat.TEXT), LinkBuilder(None), DocumentLimits(max_document_bytes=1024)
        )


def test_html_grown_past_the_budget_fails() -> None:
    """Plain text whose escaping makes its HTML larger than the budget fails as "its HTML"."""
    body = "<" * 1000  # 1,000 bytes of text, 4,000 of HTML (&lt;)
    with pytest.raises(DocumentTooLarge, match="its HTML"):
        render_page(
            document(body, BodyFormat.TEXT), LinkBuilder(None), DocumentLimits(max_document_bytes=2048)
        )


def ticking_clock() -> tuple[Budget, list[int]]:
    """A budget of 100 ticks on a clock that moves one tick each time it is read."""
    reads: list[int] = []
    ticks = count()

    def clock() -> float:
        reads.append(1)
        return float(next(ticks))

    return Budget(100, clock), reads


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        ("<div><p>para</p></div>" * 60_000, BodyFormat.HTML),
        ("<i>" * 99 + "<b>x</b> " * 60_000 + "</i>" * 99, BodyFormat.HTML),
        ("- item *em* `code`\n" * 60_000, BodyFormat.MARKDOWN),
        ("para *em*\n\n" * 60_000, BodyFormat.MARKDOWN),
    ],
    ids=["html-blocks", "html-flattened", "markdown-list", "markdown-paragraphs"],
)
def test_the_time_budget_fires_at_checkpoints_in_every_pass(body: str, fmt: BodyFormat) -> None:
    """A clock that moves a tick per read spends a 100-tick budget: the converter's loops read
    it often enough that the budget fires, whatever the document (what stops it is the budget)."""
    budget, reads = ticking_clock()
    with pytest.raises(ConversionTooSlow, match="max_convert_seconds"):
        to_html(body, fmt, path="doc", title=None, links=LinkBuilder(None), budget=budget)
    assert len(reads) == 102  # the start, then a checkpoint each 512 nodes until the 101st tick


def test_a_slow_document_fails_naming_the_limit() -> None:
    """render_page with a budget already spent fails with the sentence the run reports."""
    with pytest.raises(ConversionTooSlow, match=r"longer than the 1e-09 s max_convert_seconds allows"):
        render_page(
            document("<div><p>x</p></div>" * 5_000),
            LinkBuilder(None),
            DocumentLimits(max_convert_seconds=1e-9),
        )


def test_unwrapping_a_page_of_many_children_is_linear() -> None:
    """40,000 paragraphs under <body> and a link leading nowhere around 20,000 words: both are
    unwrapped moving each child once. BeautifulSoup's unwrap searched the parent for every child
    it moved (about 60 s here, more under load); linear, this takes about 1.5 s. The bound, 30 s,
    is 20 times that."""
    paragraphs = "<p>para</p>" * 40_000
    link = '<a href="../../outside.md">' + "<b>w</b> " * 20_000 + "</a>"
    started = time.perf_counter()
    out = html(f"<html><body>{paragraphs}<p>{link}</p></body></html>")
    assert time.perf_counter() - started < 30
    assert out.count("<p>para</p>") == 40_000 and out.count("<b>w</b>") == 20_000 and "<a" not in out


@pytest.mark.parametrize("unit", ["a & b ", "a\xa0b "], ids=["ampersands", "no-break-spaces"])
def test_a_long_text_of_ampersands_sanitises_in_linear_time(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 4.8 MB paragraph of "a & b" (or of no-break spaces), one text node: the sanitiser's parser
    (html5ever, under nh3) took time in the square of its ampersands and no-break spaces (about 25 s
    for the first 3 MB, about 3 minutes for all of it, where no time budget can look), before the
    HTML, grown past the size budget by its escapes, was refused. What keeps it linear is what nh3
    is given: no text longer than twice the sanitiser's cut length, whatever the document holds (a
    timed bound failed here on a machine loaded 15-fold; the time is measured in benchmarks)."""
    longest: list[int] = [0]
    clean = nh3.clean

    def recording_clean(html: str, **options: Any) -> str:
        longest[0] = max([longest[0], *(len(text) for text in re.findall(r">([^<]*)", html))])
        return str(clean(html, **options))

    monkeypatch.setattr(nh3, "clean", recording_clean)
    body = unit * (4_800_000 // len(unit.encode()))
    with pytest.raises(DocumentTooLarge, match="its HTML"):
        render_page(document(body, BodyFormat.MARKDOWN), LinkBuilder(None))
    assert 0 < longest[0] <= 2 * sanitize_module._TEXT_RUN
    small = unit * 20_000
    assert text_of(html(f"<p>{small}</p>")) == text_of(html(f"<p>{small}</p>")) != ""


def test_cutting_long_texts_changes_no_output() -> None:
    """A text of 100,000 characters with entities, no-break spaces and a <pre> converts to the same
    HTML as it always did: the cuts the sanitiser's input gets leave no trace."""
    text = "Tom &amp; Jerry&nbsp;&lt;3 caf&eacute; " * 3_000
    out = html(f"<p>{text}</p><pre>{text}</pre>")
    shown = "Tom &amp; Jerry&nbsp;&lt;3 café " * 3_000
    assert out == f"<p>{shown}</p><pre>{shown}</pre>"


def test_an_element_of_many_attributes_converts_in_linear_time() -> None:
    """A paragraph and its code of 150,000 attributes each (5 MB): the sanitiser's parser compares
    each attribute with those before it (over a minute here, out of any time budget's reach).
    Attributes no pass reads go when the page is parsed: about 1 s; the bound is the suite's for
    a stall. What the page shows is unchanged."""
    attributes = " ".join(f'data-a{index}="{index}"' for index in range(150_000))
    started = time.perf_counter()
    out = html(f'<p {attributes}><code {attributes} class="language-py">code</code></p>')
    assert time.perf_counter() - started < STALLED_AFTER_SECONDS
    assert out == '<p><code class="language-py">code</code></p>'
