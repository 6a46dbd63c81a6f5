"""HTML back to Markdown, for people to read (``ingest plan --diff``), never to send."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def _code_language(element: Tag) -> str:
    code = element.find("code")
    classes = code.get("class") if isinstance(code, Tag) else None
    for name in classes or []:
        if name.startswith("language-"):
            return name.removeprefix("language-")
    return ""


_CONVERTER = MarkdownConverter(
    heading_style=ATX,
    bullets="-",
    strong_em_symbol="*",
    code_language_callback=_code_language,
    escape_underscores=False,
    newline_style="backslash",
)


def html_to_markdown(html: str) -> str:
    """A readable Markdown rendering of ``html``; the same input always gives the same text.

    Trailing spaces and runs of blank lines are normalised so a diff shows content
    changes only; a ``<br>`` becomes a trailing backslash, which survives that. HTML nested
    too deeply to render is shown as its text.
    """
    try:
        text = _CONVERTER.convert(html)
    except RecursionError:
        # markdownify recurses once per element: HTML nested deeper than Python's stack (sent by
        # an older converter, which did not bound nesting) is shown as its text, a line a block.
        text = BeautifulSoup(html, "lxml").get_text("\n")
    text = _TRAILING_SPACE.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip() + "\n" if text.strip() else ""
