"""Plain text to HTML paragraphs."""

from __future__ import annotations

import re

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _escape(text: str) -> str:
    # The same escaping the sanitiser's serialiser applies to text, so plain text and
    # sanitised HTML agree byte for byte.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")


def text_to_html(body: str) -> str:
    """``body`` as escaped ``<p>`` paragraphs: blank lines separate them, single newlines become ``<br>``.

    Line endings are normalised and trailing spaces dropped, so the output is
    deterministic; an empty body gives an empty string.
    """
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    paragraphs: list[str] = []
    for chunk in _PARAGRAPH_BREAK.split(body.strip()):
        lines = [_escape(line.strip()) for line in chunk.split("\n")]
        if any(lines):
            paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(paragraphs)
