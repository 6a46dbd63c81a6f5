"""Plain text to HTML paragraphs."""

from __future__ import annotations

from ingest.convert import LinkBuilder, to_html
from ingest.convert.text import text_to_html
from ingest.document import BodyFormat


def test_paragraphs_and_line_breaks() -> None:
    """Blank lines separate paragraphs; single newlines become <br>; text is escaped."""
    body = "Hello <team> & co.\r\nSecond line   \r\n\r\n\r\n  Para two\n\n\n"
    assert text_to_html(body) == "<p>Hello &lt;team&gt; &amp; co.<br>\nSecond line</p>\n<p>Para two</p>"


def test_empty_text() -> None:
    """Empty or blank text gives no HTML."""
    assert text_to_html("") == ""
    assert text_to_html(" \n\n \t\n") == ""


def test_text_is_never_markup() -> None:
    """Tags in plain text stay visible text, never elements."""
    assert to_html(
        "<script>alert(1)</script>", BodyFormat.TEXT, path="a.txt", title=None, links=LinkBuilder(None)
    ) == ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
