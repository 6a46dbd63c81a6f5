"""Listing macros (child pages, page tree, recently updated, content by label) as lists of links.

On the wiki these macros show other pages; a space's home page and its section pages are
often nothing else. Each becomes a plain ``<ul>`` of links, every item the page's title
linked to its public URL (``page_url_template``), nested as the macro nests them:

- **children**: the pages Confluence rendered into the macro, in its order and nesting (it
  honours the macro's depth, sort and parent page); when it rendered none (Cloud leaves the
  macro empty in some exports), the page's own children in the export's tree;
- **pagetree**: always empty in an export (the tree loads by JavaScript), so built from the
  export's tree: the whole subtree under the macro's root page (``rootPageId``), or the whole
  space when it has none, since the reader can unfold every level;
- **recently-updated** and **content-by-label**: the pages Confluence rendered (which pages
  changed last, or carry a label, is not in the export otherwise); their authors, dates and
  "view change" links are left out.

A listed page is named by its title in the export's tree when the export holds it, else by
the link's text; a page the export does not hold still gets its URL from its page id, and a
page the sync leaves out (``exclude_titles``, ``skip_empty``) is listed all the same: the list
links to the wiki, where it is. Label
lists (``listlabels``, ``popular-labels``) and blog-post lists stay dropped: they list labels
and blog posts, which an HTML space export does not contain, not pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from lxml import etree

from connectors.confluence_export.links import PageLinks, SiteLinks
from connectors.confluence_export.page import page_id_from_name, text_of
from connectors.confluence_export.space import SpaceTree
from connectors.confluence_export.tree import Element

_NESTED = ("ul", "ol")
#: Links inside a listing that are not the listed pages: people, diffs, "show more".
_NOT_LISTED = frozenset({"confluence-userlink", "user-mention", "changes-link", "more-link"})
_VIEWPAGE = re.compile(r"[?&]pageId=(\d+)")
_CLOUD_PAGE = re.compile(r"/pages/(\d+)(?:/|$)")


@dataclass(slots=True)
class Entry:
    """One listed page and the pages listed under it."""

    url: str
    title: str
    children: list[Entry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Listings:
    """What the listing macros of one page need: which page it is, the space's tree (read on
    first use: most pages list nothing), and where links point."""

    page_id: str
    tree: Callable[[], SpaceTree]
    site: SiteLinks
    links: PageLinks

    def build(self, kind: str, macro: Element) -> Element | None:
        """The list a listing macro of ``kind`` (see :func:`~.vocabulary.listing_kind`) becomes,
        or None when it lists no page."""
        builders = {
            "children": self.children, "pagetree": self.page_tree,
            "recently-updated": self.recently_updated, "contentbylabel": self.content_by_label,
        }  # fmt: skip
        build = builders.get(kind)
        return build(macro) if build is not None else None

    def children(self, macro: Element) -> Element | None:
        entries = self._rendered(macro)
        if not entries:
            entries = self._subtree(self.page_id, depth=1)
        return _as_list(entries)

    def page_tree(self, macro: Element) -> Element | None:
        fields = {field.get("name"): field.get("value", "") for field in macro.iter("input")}
        root: str | None = fields.get("rootPageId", "").strip() or None
        if fields.get("noRoot", "").strip().lower() == "true":
            root = None
        tree = self.tree()
        if root is not None and root not in tree:
            return _as_list(self._rendered(macro))
        return _as_list(self._subtree(root, depth=None))

    def recently_updated(self, macro: Element) -> Element | None:
        items = [item for item in macro.iter("li") if "update-item" in _classes(item)]
        if not items:
            return _as_list(self._rendered(macro))
        entries: list[Entry] = []
        seen: set[str] = set()
        for item in items:
            content = next(
                (part for part in item.iter(etree.Element) if "update-item-content" in _classes(part)), item
            )
            entry = next((self._entry(a) for a in _listed_links(content)), None)
            if entry is not None and entry.url not in seen:
                seen.add(entry.url)
                entries.append(entry)
        return _as_list(entries)

    def content_by_label(self, macro: Element) -> Element | None:
        return _as_list(self._rendered(macro))

    def _subtree(
        self, root: str | None, depth: int | None, seen: frozenset[str] = frozenset()
    ) -> list[Entry]:
        tree = self.tree()
        entries: list[Entry] = []
        for page_id in tree.children(root):
            if page_id in seen:
                continue  # breadcrumbs that loop: list each page once
            entry = Entry(self.site.page_url(page_id), tree.title(page_id) or page_id)
            if depth is None or depth > 1:
                below = None if depth is None else depth - 1
                entry.children = self._subtree(page_id, below, seen | {page_id})
            entries.append(entry)
        return entries

    def _rendered(self, macro: Element) -> list[Entry]:
        """The pages Confluence rendered into the macro, nested as its lists nest them."""
        if next(macro.iter("li"), None) is None:
            return [entry for anchor in _listed_links(macro) if (entry := self._entry(anchor))]
        return self._items(macro)

    def _items(self, container: Element) -> list[Entry]:
        entries: list[Entry] = []
        for item in _top_items(container):
            anchor = next(_listed_links(item, stop_at_lists=True), None)
            entry = self._entry(anchor) if anchor is not None else None
            children = self._items(item)
            if entry is None:
                entries.extend(children)  # an item without a page link: its pages move up
                continue
            entry.children = children
            entries.append(entry)
        return entries

    def _entry(self, anchor: Element) -> Entry | None:
        page_id = linked_page_id(anchor)
        text = text_of(anchor)
        if page_id is not None:
            title = self.tree().title(page_id) if page_id in self.tree() else None
            return Entry(self.site.page_url(page_id), title or text or page_id)
        url = self.links.href(anchor.get("href", ""))
        if url is None or url.startswith("#") or not text:
            return None
        return Entry(url, text)


def linked_page_id(anchor: Element) -> str | None:
    """The id of the page a link points to: by its resource attributes, an export file name
    (``Title_123.html``), ``viewpage.action?pageId=123`` or Cloud's ``/spaces/KEY/pages/123/...``."""
    resource = anchor.get("data-linked-resource-id", "")
    if anchor.get("data-linked-resource-type") == "page" and resource.isdigit():
        return resource
    href = anchor.get("href", "")
    parts = urlsplit(href)
    path = unquote(parts.path)
    if path and "/" not in path and path.lower().endswith(".html") and not parts.scheme:
        return page_id_from_name(path)
    if match := _VIEWPAGE.search(href):
        return match.group(1)
    if "/spaces/" in path and (match := _CLOUD_PAGE.search(path)):
        return match.group(1)
    return None


def _classes(element: Element) -> set[str]:
    return set((element.get("class") or "").split())


def _top_items(container: Element) -> Iterator[Element]:
    """The list items of ``container`` not nested in another of its list items."""
    outer = {container, *container.iterancestors()}
    for item in container.iter("li"):
        if item is not container:
            up = next(item.iterancestors("li"), None)
            if up is None or up in outer:
                yield item


def _listed_links(element: Element, *, stop_at_lists: bool = False) -> Iterator[Element]:
    for found in element.iter("a", *_NESTED):
        if found.tag in _NESTED:
            if stop_at_lists and found is not element:
                return
            continue
        if _classes(found).isdisjoint(_NOT_LISTED) and found.get("data-linked-resource-type") != "userinfo":
            yield found


def _as_list(entries: list[Entry]) -> Element | None:
    if not entries:
        return None
    listing = etree.Element("ul")
    for entry in entries:
        item = etree.SubElement(listing, "li")
        anchor = etree.SubElement(item, "a", href=entry.url)
        anchor.text = entry.title
        nested = _as_list(entry.children)
        if nested is not None:
            item.append(nested)
    return listing
