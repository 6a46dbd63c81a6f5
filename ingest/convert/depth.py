"""How deep a parsed HTML document may nest, decided per kind of element, in one linear walk.

- **Wrappers** Intercom does not show as structure (``div``, ``section``... the containers the
  clean-up unwraps) nest as deep as they like up to :data:`~ingest.document_limits.MAX_HTML_DEPTH`:
  they leave no depth in the output.
- **Lists, quotes and tables** nested more than :data:`~ingest.markdown_nesting.MAX_NESTING`
  levels fail the document, as the same content written in Markdown does: flattening them
  would change what the page says (a sub-step becomes a step, a nested cell runs into its row).
- **Everything else** (emphasis, spans, links, paragraphs, headings) deeper than
  ``MAX_NESTING`` shown levels is flattened: what lies below is replaced by its text, images
  and line breaks, a space wherever a block ended, and the page gets a warning. No word is lost.
- Anything nested deeper than ``MAX_HTML_DEPTH`` elements fails the document: no editor
  writes that, and the Confluence export's parser reads no deeper either.

Every later pass (and the sanitiser, whose own parser costs the depth of the open elements
per tag) then works on a tree at most ``MAX_NESTING`` shown levels deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from ingest.document_limits import MAX_HTML_DEPTH, Budget, NestedTooDeeply
from ingest.markdown_nesting import MAX_NESTING

#: Elements whose nesting is meaning: lists, quotes, tables.
STRUCTURE = frozenset(
    {
        "ul", "ol", "li", "dl", "dt", "dd", "menu", "blockquote",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    }
)  # fmt: skip
#: Elements kept as they are when a deep part is flattened (a checkbox becomes its box later).
_KEPT_LEAVES = frozenset({"img", "br", "input"})
#: Elements whose edges are word boundaries when a deep part is flattened: blocks. Inline markup
#: (emphasis, links, subscripts) is none: ``un<b>believ</b>able`` is one word.
_SPACED = STRUCTURE | frozenset(
    {
        "address", "article", "aside", "center", "details", "div", "fieldset", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "p", "pre",
        "section", "summary",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
#: How many nodes pass between two looks at the clock.
CHECK_EVERY = 512

FLATTENED_WARNING = (
    f"markup nested more than {MAX_NESTING} levels deep was flattened: the text below that "
    "depth is kept, its formatting is not"
)


def bound_depth(
    soup: BeautifulSoup,
    *,
    wrappers: frozenset[str],
    dropped: frozenset[str],
    budget: Budget,
    warnings: list[str] | None,
) -> None:
    """Hold ``soup`` to the rules above; raise :class:`NestedTooDeeply` where they fail it.

    ``wrappers`` are the containers the clean-up unwraps; ``dropped`` the elements it removes
    with their content (their inside is not looked at).
    """
    flattened = False
    # (element, depth in elements, shown levels, levels of structure)
    stack: list[tuple[Tag, int, int, int]] = [(soup, 0, 0, 0)]
    seen = 0
    while stack:
        element, depth, shown, structure = stack.pop()
        for child in element.contents:
            if not isinstance(child, Tag) or child.name in dropped:
                continue
            seen += 1
            if seen % CHECK_EVERY == 0:
                budget.check()
            child_depth = depth + 1
            if child_depth > MAX_HTML_DEPTH:
                raise too_deep()
            if child.name in wrappers:
                stack.append((child, child_depth, shown, structure))
            elif child.name in STRUCTURE:
                if structure + 1 > MAX_NESTING:
                    raise NestedTooDeeply(
                        f"HTML nested too deeply: more than {MAX_NESTING} levels of lists, list "
                        "items, quotes and tables"
                    )
                stack.append((child, child_depth, shown + 1, structure + 1))
            elif shown + 1 >= MAX_NESTING and _holds_elements(child):
                _flatten(soup, child, child_depth, dropped, budget)
                flattened = True
            else:
                stack.append((child, child_depth, shown + 1, structure))
    if flattened and warnings is not None:
        warnings.append(FLATTENED_WARNING)


def _holds_elements(element: Tag) -> bool:
    return any(isinstance(child, Tag) for child in element.contents)


def too_deep() -> NestedTooDeeply:
    return NestedTooDeeply(f"HTML nested too deeply: more than {MAX_HTML_DEPTH} elements inside one another")


def _flatten(soup: BeautifulSoup, element: Tag, depth: int, dropped: frozenset[str], budget: Budget) -> None:
    """Replace what ``element`` holds by its text, images and line breaks, in order."""
    flat: list[PageElement] = []
    text: list[str] = []
    for node in _flat_nodes(element, depth, dropped, budget):
        if isinstance(node, str):
            text.append(node)
            continue
        if text:
            flat.append(_collapsed(text))
            text = []
        flat.append(_copy_leaf(soup, node))
    if text:
        flat.append(_collapsed(text))
    # The edges of the blocks that were there: no text of the document.
    if flat and isinstance(flat[0], NavigableString):
        flat[0] = NavigableString(flat[0].lstrip())
    if flat and isinstance(flat[-1], NavigableString):
        flat[-1] = NavigableString(flat[-1].rstrip())
    element.clear()
    element.extend(flat)


def _copy_leaf(soup: BeautifulSoup, leaf: Tag) -> Tag:
    copy = soup.new_tag(leaf.name)
    copy.attrs = dict(leaf.attrs)
    return copy


def _collapsed(pieces: list[str]) -> NavigableString:
    # Markup below the limit is gone, and with it what made its spacing mean anything.
    return NavigableString(_SPACES.sub(" ", "".join(pieces)))


def _flat_nodes(element: Tag, depth: int, dropped: frozenset[str], budget: Budget) -> Iterator[Tag | str]:
    """The text, images and line breaks under ``element``, a space where a block starts or ends (so
    that the words of two blocks never run together; the clean-up collapses runs of spaces)."""
    # An iterator per open element, under it whether the element is a block (a space at its end).
    stack: list[Iterator[PageElement] | bool] = [iter(element.contents)]
    seen = 0
    while stack:
        children = stack[-1]
        if isinstance(children, bool):  # an element ended
            stack.pop()
            if children:
                yield " "
            continue
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        seen += 1
        if seen % CHECK_EVERY == 0:
            budget.check()
        if isinstance(child, Tag):
            if child.name in dropped:
                continue
            if child.name in _KEPT_LEAVES:
                yield child
                continue
            if depth + (len(stack) + 1) // 2 > MAX_HTML_DEPTH:  # an iterator and a marker a level
                raise too_deep()
            block = child.name in _SPACED
            if block:
                yield " "
            stack.append(block)
            stack.append(iter(child.contents))
        elif not isinstance(child, PreformattedString):  # comments, CDATA, doctypes say nothing
            yield str(child)
