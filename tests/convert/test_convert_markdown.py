"""Markdown to HTML: the exact HTML each construct becomes."""

from __future__ import annotations

import pytest

from ingest.convert import LinkBuilder, to_html
from ingest.document import BodyFormat
from ingest.markdown_nesting import NestingTooDeep


def md(body: str, links: LinkBuilder | None = None, *, title: str | None = None) -> str:
    return to_html(
        body,
        BodyFormat.MARKDOWN,
        path="guides/setup.md",
        title=title,
        links=links or LinkBuilder("https://docs.example.com/{path}"),
    )


def test_headings_and_paragraphs() -> None:
    """Headings keep their level and inline emphasis; paragraphs are plain <p>."""
    assert md("## Install\n\n### Step *one*\n\nText") == (
        '<h2 id="install">Install</h2>\n<h3 id="step-one">Step <em>one</em></h3>\n<p>Text</p>'
    )


def test_leading_h1_equal_to_title_is_dropped() -> None:
    """A first-line H1 repeating the title goes, ignoring case and spacing; Intercom shows the title."""
    assert md("# Getting  started\n\nWelcome.", title="Getting Started") == "<p>Welcome.</p>"


def test_leading_h1_with_inline_code_matches_plain_title() -> None:
    """The H1's text, not its markup, is compared with the title."""
    assert md("# The `ingest` CLI\n\nUse it.", title="The ingest CLI") == "<p>Use it.</p>"


@pytest.mark.parametrize(
    ("body", "title", "expected"),
    [
        ("# Setup\n\nText", "Billing", '<h1 id="setup">Setup</h1>\n<p>Text</p>'),
        ("# Setup\n\nText", None, '<h1 id="setup">Setup</h1>\n<p>Text</p>'),
        ("Intro\n\n# Setup", "Setup", '<p>Intro</p>\n<h1 id="setup">Setup</h1>'),
        ("## Setup\n\nText", "Setup", '<h2 id="setup">Setup</h2>\n<p>Text</p>'),
    ],
)
def test_other_headings_are_kept(body: str, title: str | None, expected: str) -> None:
    """An H1 that differs from the title, is not first, or an H2 with the title's text stays."""
    assert md(body, title=title) == expected


def test_gfm_table() -> None:
    """A GFM table becomes thead/tbody; alignment styles are dropped."""
    body = "| Plan | Price |\n|:-----|------:|\n| Starter | $0 |\n| Team | $49 |"
    assert md(body) == (
        "<table>\n<thead>\n<tr>\n<th>Plan</th>\n<th>Price</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Starter</td>\n<td>$0</td>\n</tr>\n"
        "<tr>\n<td>Team</td>\n<td>$49</td>\n</tr>\n</tbody>\n</table>"
    )


def test_fenced_code_keeps_language_class() -> None:
    """A fence's language becomes class language-x on <code>; extra info words are ignored."""
    assert md('```python title="app.py"\nprint("<hi>")\n```') == (
        '<pre><code class="language-python">print("&lt;hi&gt;")\n</code></pre>'
    )


def test_code_without_language_has_no_class() -> None:
    """Fences without a language and indented code get a bare <code>."""
    assert md("```\nplain\n```\n\n    indented") == (
        "<pre><code>plain\n</code></pre>\n<pre><code>indented\n</code></pre>"
    )


def test_code_keeps_trailing_blank_lines_inside_pre() -> None:
    """Blank lines inside a code block are content and survive tidying."""
    assert md("```sh\nmake\n\n\nmake test\n```") == (
        '<pre><code class="language-sh">make\n\n\nmake test\n</code></pre>'
    )


def test_task_list_checkboxes_become_visible_text() -> None:
    """Task-list items start with ☐ or ☑ instead of an <input>."""
    assert md("- [ ] Invite your team\n- [x] Verify email\n  - [ ] Nested") == (
        "<ul>\n<li>☐ Invite your team</li>\n<li>☑ Verify email\n<ul>\n<li>☐ Nested</li>\n</ul>\n</li>\n</ul>"
    )


def test_footnotes_become_numbers_and_a_list() -> None:
    """Footnote references become [n] and the notes a numbered list after a rule, without links."""
    body = "See the docs[^note] and FAQ[^2], again[^note].\n\n[^note]: Text *a*.\n[^2]: Second."
    assert md(body) == (
        "<p>See the docs<sup>[1]</sup> and FAQ<sup>[2]</sup>, again<sup>[1]</sup>.</p>\n<hr>\n"
        "<ol>\n<li><p>Text <em>a</em>.</p>\n</li>\n<li><p>Second.</p>\n</li>\n</ol>"
    )


def test_admonition_with_title() -> None:
    """An admonition is a blockquote whose first line names the kind and the title in bold."""
    assert md('!!! warning "Back up first"\n    Export your *data*.') == (
        "<blockquote>\n<p><strong>Warning: Back up first</strong></p>\n"
        "<p>Export your <em>data</em>.</p>\n</blockquote>"
    )


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("!!! note\n    Body.", "Note"),
        ('!!! tip ""\n    Body.', "Tip"),
        ('??? info "Details"\n    Body.', "Info: Details"),
        ('???+ info "Details"\n    Body.', "Info: Details"),
        ('!!! danger inline end "Careful"\n    Body.', "Danger: Careful"),
        ('!!! note "Note"\n    Body.', "Note"),
    ],
)
def test_admonition_labels(source: str, label: str) -> None:
    """Untitled, empty-titled, collapsible and multi-class admonitions all keep the kind visible."""
    assert md(source) == f"<blockquote>\n<p><strong>{label}</strong></p>\n<p>Body.</p>\n</blockquote>"


def test_admonition_title_markup_is_cleaned() -> None:
    """Raw HTML in an admonition's title is cleaned like any raw HTML."""
    assert md("!!! <script>alert(1)</script>\n    Body.") == (
        "<blockquote>\n<p><strong></strong></p>\n<p>Body.</p>\n</blockquote>"
    )


def test_strikethrough() -> None:
    """Double tildes strike through; single tildes stay text."""
    assert md("~~old~~ and ~single~") == "<p><s>old</s> and ~single~</p>"


def test_definition_list() -> None:
    """Definition lists become dl/dt/dd."""
    assert md("Term\n: Definition\n\nOther\n: Def *two*") == (
        "<dl>\n<dt>Term</dt>\n<dd>Definition</dd>\n<dt>Other</dt>\n<dd>Def <em>two</em></dd>\n</dl>"
    )


def test_ordered_list_start_and_line_breaks() -> None:
    """An ordered list keeps its start number; hard breaks become <br>."""
    assert md("3. a\n4. b\n\nline one  \nline two") == (
        '<ol start="3">\n<li>a</li>\n<li>b</li>\n</ol>\n<p>line one<br>\nline two</p>'
    )


def test_body_without_front_matter_or_content() -> None:
    """An empty body gives empty HTML; a body that starts with text is fine."""
    assert md("") == ""
    assert md("Just text.") == "<p>Just text.</p>"


def test_raw_html_inside_markdown_is_cleaned() -> None:
    """Raw HTML passes the parser and is then cleaned like any HTML."""
    body = (
        'Press <kbd>Ctrl</kbd>+<kbd>K</kbd> <span style="color:red" onclick="x()">now</span>.'
        "\n\n<div>\nAfter\n</div>"
    )
    assert md(body) == "<p>Press <kbd>Ctrl</kbd>+<kbd>K</kbd> now.</p>\n<p>After</p>"


def test_html_comments_are_dropped() -> None:
    """HTML comments in Markdown never reach the output."""
    assert md("<!-- draft: ask legal -->\nText <!-- inline --> here.") == "<p>Text  here.</p>"


SAMPLES = [
    "# Setup\n\nSee [billing](../billing/invoices.md#vat) and ![Logo](../images/logo.png).",
    "- [ ] todo\n- [x] done\n\n[out](../../../etc/passwd) [frag](#top) [mail](mailto:a@example.com)",
    '!!! note "Title"\n    [x](x.md)\n\nNote[^1].\n\n[^1]: ![alt](data:image/png;base64,AAA)',
    '| a | b |\n|---|---|\n| [c](c.md) | ![d](/d.png "t") |',
]


@pytest.mark.parametrize("body", SAMPLES)
@pytest.mark.parametrize("template", ["https://docs.example.com/{path}", None])
def test_raw_html_path_gives_the_same_html(body: str, template: str | None) -> None:
    """Markdown that needs the structural HTML pass converts exactly as it does without it."""
    links = LinkBuilder(template)
    assert md(body + "\n\n<div></div>\n", links, title="Setup") == md(body, links, title="Setup")


def test_content_tabs_become_labelled_sections() -> None:
    """Each content tab's title is a bold label; its indented content is content, not code."""
    body = (
        '=== "macOS"\n\n    ```sh\n    brew install tempo\n    ```\n\n'
        '=== "Windows"\n\n    Run the installer.\n\nAfter.'
    )
    assert md(body) == (
        '<p><strong>macOS</strong></p>\n<pre><code class="language-sh">brew install tempo\n</code></pre>\n'
        "<p><strong>Windows</strong></p>\n<p>Run the installer.</p>\n<p>After.</p>"
    )


def test_content_tabs_nest_in_admonitions_and_lists() -> None:
    """Tabs work inside an admonition and inside a list item."""
    assert md('!!! example\n\n    === "Tab"\n\n        Inside.') == (
        "<blockquote>\n<p><strong>Example</strong></p>\n<p><strong>Tab</strong></p>\n<p>Inside.</p>\n</blockquote>"
    )
    assert md('- item\n\n    === "A"\n        In A.') == (
        "<ul>\n<li>\n<p>item</p>\n<p><strong>A</strong></p>\n<p>In A.</p>\n</li>\n</ul>"
    )


def test_setext_heading_and_unquoted_equals_are_not_tabs() -> None:
    """A setext underline or '===' without a quoted title stays what CommonMark says."""
    assert md("Title\n===\n\n=== not a tab") == '<h1 id="title">Title</h1>\n<p>=== not a tab</p>'


def test_github_alerts_become_labelled_quotes() -> None:
    """'> [!NOTE]' quotes get the kind as a bold first line, like admonitions."""
    assert md("> [!NOTE]\n> Useful *information*.\n\n> [!caution]") == (
        "<blockquote>\n<p><strong>Note</strong></p>\n<p>Useful <em>information</em>.</p>\n</blockquote>\n"
        "<blockquote>\n<p><strong>Caution</strong></p>\n</blockquote>"
    )


def test_unknown_or_inline_alert_markers_stay_text() -> None:
    """Only the five GitHub kinds, alone on their line, are alerts."""
    assert md("> [!UNKNOWN]\n> x\n\n> [!NOTE] inline") == (
        "<blockquote>\n<p>[!UNKNOWN]\nx</p>\n</blockquote>\n"
        "<blockquote>\n<p>[!NOTE] inline</p>\n</blockquote>"
    )


def nested_lists(levels: int) -> str:
    return "".join("    " * level + f"1. item{level}\n" for level in range(levels))


@pytest.mark.parametrize("levels", [10, 20, 50])
def test_deeply_nested_lists_keep_all_their_text(levels: int) -> None:
    """Lists nested up to 50 deep (100 levels of lists and items) keep every item and what follows."""
    html = md(nested_lists(levels) + "\n## Next section\n\nImportant text.\n")
    assert html.count("<ol>") == levels and f"<li>item{levels - 1}</li>" in html
    assert html.endswith('<h2 id="next-section">Next section</h2>\n<p>Important text.</p>')


@pytest.mark.parametrize("body", ["> " * 100 + "quoted\n\nAfter.\n", "> " * 100 + "<b>raw</b>\n\nAfter.\n"])
def test_deeply_nested_quotes_keep_all_their_text(body: str) -> None:
    """A hundred quotes deep, with or without raw HTML, the quote and the text after it stay."""
    html = md(body)
    assert html.count("<blockquote>") == 100 and html.endswith("</blockquote>\n<p>After.</p>")


@pytest.mark.parametrize(
    "body",
    [
        nested_lists(51) + "\nAfter.\n",
        "- > " * 34 + "list, item and quote 34 times\n\nAfter.\n",
        "> " * 101 + "quoted\n\nAfter.\n",
        "> " * 1000 + "quoted\n\nAfter.\n",
        "".join("    " * depth + '=== "Tab"\n\n' for depth in range(500)) + "    " * 500 + "tabbed\n",
    ],
)
def test_nesting_too_deep_to_parse_is_refused_not_cut_short(body: str) -> None:
    """Past the parser's limit the conversion fails with a reason; it never drops the rest silently."""
    with pytest.raises(NestingTooDeep, match="more than 100 levels of lists, list items, block quotes"):
        md(body)
