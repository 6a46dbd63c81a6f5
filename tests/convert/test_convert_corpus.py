"""Every document of a real third-party Markdown corpus converts safely.

The corpus is Material for MkDocs' own documentation (96 files, MIT), kept beside
the project in ``shared/corpora`` (see ``tests/corpora.py``); skipped where it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4.element import Tag
from corpora import CORPORA, requires_corpus

from ingest.convert import LinkBuilder, to_html
from ingest.convert.markdown import parse_tokens
from ingest.document import BodyFormat

CORPUS = CORPORA / "markdown-mkdocs-material" / "docs"
FILES = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []

pytestmark = [pytest.mark.corpus, requires_corpus("markdown-mkdocs-material")]

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
# An attribute whose value is a javascript: URL; the word in prose or code is fine.
_SCRIPT_URL = re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE)


def _body(path: Path) -> str:
    return _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)


def _convert(path: Path) -> str:
    relative = path.relative_to(CORPUS).as_posix()
    links = LinkBuilder("https://docs.example.com/{path}")
    return to_html(_body(path), BodyFormat.MARKDOWN, path=relative, title=None, links=links)


def test_corpus_is_the_expected_one() -> None:
    """The corpus holds the 96 Markdown files the other tests describe."""
    assert len(FILES) == 96


@pytest.mark.parametrize(
    "path", FILES, ids=[p.relative_to(CORPUS).as_posix() for p in FILES] if FILES else None
)
def test_document_converts_safely(path: Path) -> None:
    """No script, no event handler, no javascript: URL, and every admonition is a labelled block."""
    html = _convert(path)
    assert html or not _body(path).strip()
    assert "<script" not in html.lower()
    for element in BeautifulSoup(html, "lxml").find_all(True):
        assert isinstance(element, Tag)
        assert not any(name.lower().startswith("on") for name in element.attrs), element
        for value in element.attrs.values():
            assert not str(value).lower().lstrip().startswith(("javascript:", "vbscript:", "data:"))
    assert not _SCRIPT_URL.search(html)
    admonitions = sum(token.type == "admonition_open" for token in parse_tokens(_body(path)))
    assert html.count("<blockquote>\n<p><strong>") >= admonitions
    assert "<p>!!! " not in html and "<p>??? " not in html


def test_admonitions_are_found_across_the_corpus() -> None:
    """The corpus's many admonitions are recognised, not left as text."""
    total = sum(sum(t.type == "admonition_open" for t in parse_tokens(_body(path))) for path in FILES)
    assert total > 100


def test_a_known_admonition_renders_exactly() -> None:
    """The admonitions reference page's first collapsible example keeps its kind and title."""
    html = _convert(CORPUS / "reference" / "admonitions.md")
    assert "<blockquote>\n<p><strong>Note</strong></p>\n<p>Lorem ipsum dolor sit amet" in html
