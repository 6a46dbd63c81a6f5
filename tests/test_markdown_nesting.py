"""The Markdown nesting limit: a document nested too deeply is refused, never cut short."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from ingest.markdown_nesting import MAX_NESTING, NestingTooDeep, limit_nesting


def parser() -> MarkdownIt:
    return limit_nesting(MarkdownIt("commonmark"))


def test_quotes_nested_up_to_the_limit_parse_whole() -> None:
    """MAX_NESTING quotes deep, every quote and the text after them are parsed."""
    tokens = parser().parse("> " * MAX_NESTING + "deep\n\nAfter.\n")
    assert sum(token.type == "blockquote_open" for token in tokens) == MAX_NESTING
    assert any(token.content == "After." for token in tokens)


def test_one_level_past_the_limit_is_refused_with_a_reason() -> None:
    """One quote more raises NestingTooDeep, saying what is counted."""
    with pytest.raises(NestingTooDeep) as raised:
        parser().parse("> " * (MAX_NESTING + 1) + "deep\n")
    assert str(raised.value) == (
        "Markdown nested too deeply: more than 100 levels of lists, list items, block quotes, admonitions "
        "and content tabs"
    )
