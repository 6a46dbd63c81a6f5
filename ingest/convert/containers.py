"""Containers Intercom does not render (``div``, ``section``...), settled in time linear in the page.

A container holding only inline content becomes a paragraph; one holding nothing that shows
goes; one holding blocks gets its loose text in paragraphs of its own. Without this,
``<div>a</div><div>b</div>`` would reach Intercom as the single word "ab".

A container holding blocks is left where it is rather than unwrapped: the sanitiser drops its
tag and keeps what it holds, which reads exactly as unwrapping it here would, and moving every
child up one level per container (BeautifulSoup finds each child's place by searching its
parent's children) made a page of nested containers cost the square of its size.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from ingest.convert.depth import CHECK_EVERY
from ingest.document_limits import Budget

CONTAINERS = frozenset(
    {
        "div", "section", "article", "aside", "header", "footer", "main", "figure",
        "figcaption", "details", "summary", "center", "address", "hgroup", "fieldset",
    }
)  # fmt: skip
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
    }
)  # fmt: skip
#: What an empty container becomes: an inline element the sanitiser drops, so it neither shows
#: nor ends the paragraph around it.
_GONE = "span"


def flatten_containers(soup: BeautifulSoup, containers: list[Tag], budget: Budget) -> None:
    """Settle ``containers`` (in document order) and wrap the loose text at the top of ``soup``."""
    showing = _showing_content(soup)
    gone: set[int] = set()
    # Innermost first (reverse document order), so a container's decision sees its
    # children already settled.
    for index, element in enumerate(reversed(containers)):
        if index % CHECK_EVERY == 0:
            budget.check()
        if any(isinstance(child, Tag) and child.name in BLOCKS for child in element.children):
            _wrap_inline_runs(soup, element, gone)
        elif id(element) in showing:
            element.name = "p"
            element.attrs = {}
            _strip_edges(element)
        else:
            _detach_children(element)
            element.name = _GONE
            element.attrs = {}
            gone.add(id(element))
    _wrap_inline_runs(soup, soup, gone)


def _showing_content(soup: BeautifulSoup) -> set[int]:
    """The ids of the elements holding some text or an image, found in one walk: each string
    or image marks its ancestors up to the first one already marked."""
    showing: set[int] = set()
    for node in soup.descendants:
        shows = node.name == "img" if isinstance(node, Tag) else bool(node.get_text().strip())
        if not shows:
            continue
        parent = node.parent
        while parent is not None and id(parent) not in showing:
            showing.add(id(parent))
            parent = parent.parent
    return showing


def _wrap_inline_runs(soup: BeautifulSoup, parent: Tag, gone: set[int]) -> None:
    """Give text and inline elements that sit between blocks a paragraph of their own; line
    breaks at the edges of a run go (they only spaced blocks apart, which blocks do already),
    and so do emptied containers."""
    children = parent.contents
    if all(_is_block(child) or _is_blank(child) for child in children):
        return
    rebuilt: list[PageElement] = []
    run: list[PageElement] = []
    for child in _detach_children(parent):
        if id(child) in gone:
            continue
        if _is_block(child):
            rebuilt += _wrapped(soup, run)
            rebuilt.append(child)
            run = []
        else:
            run.append(child)
    rebuilt += _wrapped(soup, run)
    parent.extend(rebuilt)


def _wrapped(soup: BeautifulSoup, run: list[PageElement]) -> list[PageElement]:
    """``run`` in a paragraph, the blank text at its edges kept outside it, edge line breaks gone."""
    start, end = 0, len(run)
    while start < end and (_is_blank(run[start]) or _is_break(run[start])):
        start += 1
    while end > start and (_is_blank(run[end - 1]) or _is_break(run[end - 1])):
        end -= 1
    before = [node for node in run[:start] if _is_blank(node)]
    after = [node for node in run[end:] if _is_blank(node)]
    if start == end:
        return before + after
    paragraph = soup.new_tag("p")
    paragraph.extend(run[start:end])
    _strip_edges(paragraph)
    return [*before, paragraph, *after]


def unwrap(element: Tag) -> None:
    """Replace ``element`` by its children, in time linear in their number (BeautifulSoup's own
    ``unwrap`` searches the element's children for each one it moves)."""
    parent = element.parent
    if parent is None:
        return
    position = parent.index(element)
    children = _detach_children(element)
    element.extract(_self_index=position)
    parent.insert(position, *children)


def _detach_children(element: Tag) -> list[PageElement]:
    """``element``'s children, taken out of it, in order."""
    children = list(element.contents)
    for index in range(len(children) - 1, -1, -1):
        # Its index given, extract() does not search the parent's children for it: taking
        # every child out costs their number, not its square.
        children[index].extract(_self_index=index)
    return children


def _is_block(node: PageElement) -> bool:
    return isinstance(node, Tag) and node.name in BLOCKS


def _is_break(node: PageElement) -> bool:
    return isinstance(node, Tag) and node.name == "br"


def _is_blank(node: PageElement) -> bool:
    return isinstance(node, NavigableString) and not node.strip()


def _strip_edges(element: Tag) -> None:
    first = element.contents[0]
    if isinstance(first, NavigableString):
        first.replace_with(NavigableString(first.lstrip()))
    last = element.contents[-1]
    if isinstance(last, NavigableString):
        last.replace_with(NavigableString(last.rstrip()))
