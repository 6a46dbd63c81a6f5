"""html_to_markdown: a readable, stable rendering for diffs."""

from __future__ import annotations

from ingest.convert import html_to_markdown


def test_common_blocks_round_trip_readably() -> None:
    """Headings, emphasis, breaks, lists, code, tables, quotes and links read as Markdown."""
    html = (
        "<h2>Plans</h2><p>Use <strong>Team</strong> or <em>Pro</em>.<br>Next line.</p>"
        "<ul><li>a</li><li>b</li></ul>"
        '<pre><code class="language-python">x = 1\n</code></pre>'
        "<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
        "<blockquote><p><strong>Note</strong></p><p>Body</p></blockquote>"
        '<p><a href="https://x.example/">link</a> snake_case</p>'
    )
    assert html_to_markdown(html) == (
        "## Plans\n\nUse **Team** or *Pro*.\\\nNext line.\n\n- a\n- b\n\n```python\nx = 1\n```\n\n"
        "| A |\n| --- |\n| 1 |\n\n> **Note**\n>\n> Body\n\n[link](https://x.example/) snake_case\n"
    )


def test_empty_html_is_empty_text() -> None:
    """No content gives an empty string, not a stray newline."""
    assert html_to_markdown("") == ""


def test_is_deterministic() -> None:
    """The same HTML gives the same text every time."""
    html = "<p>a</p>\n\n\n<p>b  </p>"
    assert html_to_markdown(html) == html_to_markdown(html) == "a\n\nb\n"


def test_html_nested_too_deeply_to_render_shows_its_text() -> None:
    """400 nested lists (what an older converter may have sent) give their text, not a RecursionError."""
    assert html_to_markdown("<ul><li>" * 400 + "deep words" + "</li></ul>" * 400) == "deep words\n"
