"""Heading ids are made the way each family of docs sites makes them."""

from __future__ import annotations

import pytest

from ingest.sites.slugs import github_slug, toc_slug


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Getting Started", "getting-started"),
        ("What's new in v2.0?", "whats-new-in-v20"),
        ("pnpm add <pkg>", "pnpm-add-pkg"),
        ("  Leading and trailing  ", "--leading-and-trailing--"),
        ("Émoji 🎉 and ünïcode", "émoji--and-ünïcode"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("日本語の見出し", "日本語の見出し"),
    ],
)
def test_github_slugs_match_github_slugger(text: str, expected: str) -> None:
    """The ids github-slugger (Docusaurus, Hugo's default) gives these headings."""
    assert github_slug(text) == expected


def test_a_repeated_heading_gets_the_next_free_suffix() -> None:
    """The second "Usage" is usage-1, the third usage-2 (github); toc uses an underscore."""
    assert github_slug("Usage", {"usage"}) == "usage-1"
    assert github_slug("Usage", {"usage", "usage-1"}) == "usage-2"
    assert toc_slug("Usage", {"usage"}) == "usage_1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Getting Started", "getting-started"),
        ("What's new in v2.0?", "whats-new-in-v20"),
        ("Émoji 🎉 and ünïcode", "emoji-and-unicode"),
        ("a  --  b", "a-b"),
    ],
)
def test_toc_slugs_match_python_markdown(text: str, expected: str) -> None:
    """The ids MkDocs (Python-Markdown's toc.slugify) gives these headings."""
    assert toc_slug(text) == expected
