"""Generated hostile HTML and Markdown through the converter: it ends, it is deterministic, and
what it sends keeps the sanitiser's promises.

Each example converts under the default time budget (30 s), so a conversion that would not end
fails the example with :class:`ConversionTooSlow` rather than hanging the suite: what stops it is
the budget. Examples are derandomized (the same on every run) and bounded in number, so the
module takes a few seconds.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.convert import LinkBuilder, render_page
from ingest.convert.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, sanitize, tidy
from ingest.document import BodyFormat, SourceDocument
from ingest.document_limits import ConversionTooSlow, DocumentLimitExceeded
from ingest.markdown_nesting import NestingTooDeep
from ingest.textdoc import read_text_document

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LINKS = LinkBuilder("https://docs.example.com/{path}")
VOID = frozenset({"br", "hr", "img"})

TAGS = (
    "div", "span", "p", "b", "i", "em", "strong", "a", "img", "ul", "ol", "li", "blockquote",
    "table", "tr", "td", "th", "pre", "code", "h1", "h2", "section", "font", "center", "details",
    "script", "style", "iframe", "svg", "math", "object", "embed", "template", "noscript",
    "textarea", "title", "form", "button", "input", "xmp", "plaintext", "frameset", "x-custom",
)  # fmt: skip
URLS = (
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    "https://ok.example/x", "mailto:a@b.c", "../other.md", "#anchor", "//evil.example/x",
)  # fmt: skip
ATTRIBUTES = st.one_of(
    st.sampled_from(["onclick", "onerror", "OnLoad", "onmouseover", "style", "class", "id"]).map(
        lambda name: f'{name}="alert(1)"'
    ),
    st.sampled_from(["href", "src", "action", "formaction", "xlink:href", "background"]).flatmap(
        lambda name: st.sampled_from(URLS).map(lambda url: f'{name}="{url}"')
    ),
    st.just('type="checkbox" checked'),
)
TEXT = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(
        ["&lt;script&gt;", "&#60;", "&#x3C;", "&amp;", "&nbsp;", "&#0;", "&#xD800;", "&bogus;", "<", ">", "&"]
    ),
    st.sampled_from(["<!-- c -->", "<!--", "<![CDATA[x]]>", "<?php x ?>", "<!DOCTYPE html>", "</", "<a"]),
)


@st.composite
def elements(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = " ".join(draw(st.lists(ATTRIBUTES, max_size=3)))
    opening = f"<{tag} {attributes}>" if attributes else f"<{tag}>"
    inner = "".join(draw(st.lists(children, max_size=4)))
    closed = draw(st.booleans()) or draw(st.booleans())  # mostly closed; unclosed a quarter of the time
    return opening + inner + (f"</{tag}>" if closed else "")


HTML_TREES = st.recursive(TEXT, lambda children: elements(children), max_leaves=40)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(HTML_TREES, min_size=1, max_size=6)))
    depth = draw(st.sampled_from([0, 0, 120, 400, 2100]))  # nesting around each limit
    wrapper = draw(st.sampled_from(["div", "span", "b", "blockquote", "li"]))
    return f"<{wrapper}>" * depth + body + f"</{wrapper}>" * depth


MARKDOWN_LINES = st.one_of(
    st.sampled_from(
        [
            "# Title", "## Section {#custom}", "- item", "  - nested", "1. one", "> quote", "> > deeper",
            "```python", "```", "    indented code", "!!! warning \"Careful\"", "    inside", "=== \"Tab\"",
            "- [ ] task", "- [x] done", "| a | b |", "|---|---|", "| 1 | 2 |", "Term", ": definition",
            "[^1]: a note", "text[^1]", "***bold italic***", "**unclosed", "`code", "<div>raw",
            "<script>alert(1)</script>", '<img src="x" onerror="alert(1)">', "[x](javascript:alert(1))",
            "![i](data:image/png;base64,AAAA)", "[ok](https://ok.example)", "<a href=\"vbscript:x\">v</a>",
            "&lt;", "&#0;", "---", "",
        ]
    ),
    TEXT,
)  # fmt: skip


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    front = draw(st.sampled_from(["", "---\ntitle: Fuzz\n---\n", "---\ntitle: [unclosed\n---\n", "---\n"]))
    lines = draw(st.lists(MARKDOWN_LINES, max_size=30))
    nesting = draw(st.sampled_from([0, 0, 50, 150]))
    nested = "".join("  " * level + "- level\n" for level in range(nesting))
    return front + "\n".join(lines) + "\n" + nested + "> " * nesting + "quoted\n"


class _Checker(HTMLParser):
    """Every tag and attribute the output holds, and whether its elements close in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on {tag}")
            if name in ("href", "src") and value is not None:
                scheme = value.split(":", 1)[0].lower() if ":" in value.split("/", 1)[0] else None
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    self.problems.append(f"{name}={value}")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"misnested </{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append("a comment")

    def handle_pi(self, data: str) -> None:
        self.problems.append("a processing instruction")


def assert_safe(html: str) -> None:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == [], checker.problems
    assert checker.open == [], f"unclosed: {checker.open}"
    assert "<script" not in html.lower()
    assert tidy(sanitize(html)) == html, "the output is not what the sanitiser keeps of itself"


def convert(body: str, fmt: BodyFormat) -> str | None:
    """The HTML sent for ``body``, or None when a limit refuses it (a clear failure, never a hang)."""
    document = read_text_document(body.encode(), path=f"doc.{fmt.value}", fingerprint="f", modified=None)
    if not isinstance(document, SourceDocument):
        return None
    try:
        return render_page(document, LINKS).html
    except ConversionTooSlow:
        raise
    except (DocumentLimitExceeded, NestingTooDeep):
        return None


@FUZZ
@given(html_documents())
def test_generated_html_converts_safely_and_deterministically(body: str) -> None:
    first = convert(body, BodyFormat.HTML)
    assert convert(body, BodyFormat.HTML) == first
    if first is not None:
        assert_safe(first)


@FUZZ
@given(markdown_documents())
def test_generated_markdown_converts_safely_and_deterministically(body: str) -> None:
    first = convert(body, BodyFormat.MARKDOWN)
    assert convert(body, BodyFormat.MARKDOWN) == first
    if first is not None:
        assert_safe(first)


@pytest.mark.parametrize(
    "unsafe",
    [
        "<p>x<script>alert(1)</script></p>",
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        "<div>x</div>",
        "<p><b>x</p>",
        "<p>x<!-- c --></p>",
    ],
)
def test_the_invariants_catch_what_they_guard_against(unsafe: str) -> None:
    """The checks above fail on output that breaks them."""
    with pytest.raises(AssertionError):
        assert_safe(unsafe)


def test_the_generators_reach_every_limit() -> None:
    """Among the examples, some convert, and some are refused by each kind of limit: nesting of
    HTML elements, of lists and quotes (HTML and Markdown)."""
    outcomes: set[str] = set()

    @FUZZ
    @given(html_documents(), markdown_documents())
    def record(html: str, markdown: str) -> None:
        for body, fmt in ((html, BodyFormat.HTML), (markdown, BodyFormat.MARKDOWN)):
            document = read_text_document(
                body.encode(), path=f"doc.{fmt.value}", fingerprint="f", modified=None
            )
            if not isinstance(document, SourceDocument):
                outcomes.add("unread")
                continue
            try:
                render_page(document, LINKS)
                outcomes.add("converted")
            except (DocumentLimitExceeded, NestingTooDeep) as exc:
                outcomes.add(type(exc).__name__ + (": lists" if "lists" in str(exc) else ""))

    record()
    assert {"converted", "NestedTooDeeply", "NestedTooDeeply: lists", "NestingTooDeep: lists"} <= outcomes, (
        outcomes
    )
