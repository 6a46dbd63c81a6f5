"""The export's own page tree: which page is whose child, in Confluence's order.

Listing macros (child pages, page trees) show pages by their place in the space, and an
export does not always render them (a page tree is loaded by JavaScript, so it is empty in
every export). The export says where each page sits twice: ``index.html`` lists every page
under "Available Pages" as nested lists, in the space's own order (manual order first, as
the sidebar shows it), and each page's breadcrumbs name its ancestors. The first is read
when the export has it; the breadcrumbs are the fallback, siblings then sorted by title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from connectors.confluence_export.page import page_id_from_name, text_of
from connectors.confluence_export.tree import Element

_NESTED = ("ul", "ol")


@dataclass(frozen=True, slots=True)
class TreePage:
    """One page's place in the space."""

    page_id: str
    title: str
    parent_id: str | None


class SpaceTree:
    """Titles and children of the export's pages; ``None`` as a parent means the space's top."""

    def __init__(self, pages: Iterable[TreePage]) -> None:
        self._pages: dict[str, TreePage] = {}
        self._children: dict[str | None, list[str]] = {}
        for page in pages:
            if page.page_id in self._pages:
                continue  # a page listed twice keeps its first place
            self._pages[page.page_id] = page
        for page in self._pages.values():
            parent = page.parent_id if page.parent_id in self._pages else None
            self._children.setdefault(parent, []).append(page.page_id)

    def __contains__(self, page_id: object) -> bool:
        return page_id in self._pages

    def __len__(self) -> int:
        return len(self._pages)

    def title(self, page_id: str) -> str | None:
        page = self._pages.get(page_id)
        return page.title if page is not None else None

    def children(self, page_id: str | None) -> tuple[str, ...]:
        """The pages directly under ``page_id`` (under the space's top for None), in order."""
        return tuple(self._children.get(page_id, ()))

    @classmethod
    def from_index(cls, index: Element) -> SpaceTree:
        """The tree ``index.html`` draws: every list item linking to a page file is a page, its
        parent the nearest enclosing item that is one."""
        pages: list[TreePage] = []
        by_item: dict[Element, str] = {}
        for item in index.iter("li"):
            anchor = _own_link(item)
            page_id = page_id_from_name(anchor.get("href", "")) if anchor is not None else None
            if anchor is None or page_id is None:
                continue
            by_item[item] = page_id
            parent = next((by_item[up] for up in item.iterancestors("li") if up in by_item), None)
            pages.append(TreePage(page_id, text_of(anchor), parent))
        return cls(pages)

    @classmethod
    def from_ancestors(cls, pages: Iterable[tuple[str, str, tuple[str, ...]]]) -> SpaceTree:
        """The tree the pages' breadcrumbs draw: ``(page id, title, ancestor ids)`` of each page;
        siblings sorted by title, as the export gives no order."""
        found = [
            TreePage(page, title, ancestors[-1] if ancestors else None) for page, title, ancestors in pages
        ]
        return cls(sorted(found, key=lambda page: (page.title.casefold(), page.page_id)))


def _own_link(item: Element) -> Element | None:
    """The first link of a list item, unless a list nested in it comes first."""
    for element in item.iter("a", *_NESTED):
        return element if element.tag == "a" else None
    return None
