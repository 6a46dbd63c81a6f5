"""Whether a MkDocs page shows anything, decided at its first block that shows something: the same
verdict as parsing the whole page."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.sites.mkdocs import pages
from ingest.sites.mkdocs.pages import _HTML_TEXT, first_heading, has_content

_WHOLE = MarkdownIt("commonmark")


def parsed_whole(text: str, title: str) -> bool:
    """The verdict from every block of the page, as it was decided before the early stop."""
    tokens = [
        token
        for token in _WHOLE.parse(text)
        if not (token.type == "html_block" and not _HTML_TEXT.sub("", token.content).strip())
    ]
    if len(tokens) >= 3 and tokens[0].tag == "h1" and first_heading(text) == title:
        tokens = tokens[3:]
    return bool(tokens)


PAGES = [
    "",
    "\n\n",
    "# Guide\n",
    "# Guide\n\nSome text.\n",
    "# Other\n",
    "Guide\n=====\n",
    "Guide\n=====\n\nText\n",
    "<!-- a comment -->\n# Guide\n",
    "<!-- a comment -->\n# Guide\n\n<!-- another -->\n",
    "# Guide\n\n[ref]: https://example.com\n[other]: /x 'title'\n",
    "# Guide\n\n[ref]: https://example.com\n\nText after\n",
    "# Guide\n\n<script>\nvar x = 1;\n\n</script>\n",
    "# Guide\n\n<div>\nshown\n</div>\n",
    "# Guide\n\n<div></div>\n",
    "# Guide\n\n<!--\nunclosed comment\n\nmore\n",
    "# Guide\n\n> \n",
    "# Guide\n\n- \n",
    "# Guide\n\n---\n",
    "# Guide\n# Guide\n",
    "## Guide\n",
    "# Guide\n\n```\ncode\n```\n",
    "    indented code\n",
    "# Guide {#id}\n",
    "<style>p {}</style>\n# Guide\n\n<!-- x -->\n[a]: /b\n",
    "> # Guide\n",
]


@pytest.mark.parametrize("text", PAGES)
@pytest.mark.parametrize("title", ["Guide", "Other title"])
def test_the_verdict_is_that_of_the_whole_page(text: str, title: str) -> None:
    assert has_content(text, title) is parsed_whole(text, title)


def test_a_long_page_is_decided_at_its_first_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rest of a page is not parsed once a paragraph shows: of 50,000 blocks after it, the
    parser looks at none (the block rule that looks runs once per block tried)."""
    looks: list[int] = []
    look = pages._look

    def counting(tokens: list[Token], env: MutableMapping[str, Any]) -> None:
        looks.append(len(tokens))
        look(tokens, env)

    monkeypatch.setattr(pages, "_look", counting)
    text = "# Guide\n\nShown.\n\n" + "".join(f"Paragraph {n}.\n\n" for n in range(50_000))
    assert has_content(text, "Guide") is True
    assert len(looks) <= 3
