"""The rules over the whole set of pages: what one page alone cannot tell (another page with the
same title, a link to a document the source does not hold). Each page leaves only a small
:class:`PageSummary` behind for them, never its HTML."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from ingest.checking.findings import Finding, Severities

_SPACE = re.compile(r"\s+")
#: A relative link to a file with one of these suffixes names a document of the source.
_DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".html", ".htm"})
#: A link to ``page.html`` may name the page published from ``page.md``.
_SOURCES_OF_HTML = (".md", ".markdown", ".mdx")


@dataclass(frozen=True, slots=True)
class LinkOut:
    """A relative link of a page, resolved to a source-relative path, and its line when known."""

    href: str
    target: str
    line: int | None


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the whole-set rules need of one page."""

    source: str
    locator: str
    title: str
    file: str | None
    title_line: int | None
    links: tuple[LinkOut, ...] = ()


def duplicate_titles(pages: Sequence[PageSummary], severities: Severities) -> Iterator[Finding]:
    """Each page whose title (case and spacing aside) another page has, in any source."""
    severity = severities.of("duplicate-title")
    if severity is None:
        return
    by_title: defaultdict[str, list[PageSummary]] = defaultdict(list)
    for page in pages:
        key = _SPACE.sub(" ", page.title).strip().casefold()
        if key:
            by_title[key].append(page)
    for same in by_title.values():
        if len(same) < 2:
            continue
        for page in same:
            others = [other for other in same if other is not page]
            named = ", ".join(_where(other, page.source) for other in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            yield Finding(
                "duplicate-title",
                severity,
                page.source,
                page.locator,
                f"the title {page.title!r} is also the title of {named}{more}",
                page.title_line,
                page.file,
            )


def missing_link_targets(
    pages: Sequence[PageSummary], locators: Collection[str], severities: Severities
) -> Iterator[Finding]:
    """Each relative link to a document (``.md``, ``.html``...) that the source does not hold."""
    severity = severities.of("broken-link")
    if severity is None:
        return
    for page in pages:
        for link in page.links:
            if not _names_missing_document(link.target, locators):
                continue
            yield Finding(
                "broken-link",
                severity,
                page.source,
                page.locator,
                f"links to {link.href}, but the source holds no {link.target}",
                link.line,
                page.file,
            )


def _names_missing_document(target: str, locators: Collection[str]) -> bool:
    stem, suffix = posixpath.splitext(target)
    if suffix.lower() not in _DOCUMENT_SUFFIXES or target in locators:
        return False
    if suffix.lower() in (".html", ".htm"):
        return not any(stem + source_suffix in locators for source_suffix in _SOURCES_OF_HTML)
    return True


def _where(page: PageSummary, from_source: str) -> str:
    return page.locator if page.source == from_source else f"{page.locator} in source {page.source}"
