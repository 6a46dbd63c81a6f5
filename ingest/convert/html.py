"""Clean HTML from any source into the small, safe shape Intercom renders.

The structural pass (BeautifulSoup on lxml) removes what must go with its content
(scripts, styles, frames, forms, SVG, the ``<head>``), turns task-list checkboxes
into visible text, resolves links and images through a :class:`LinkBuilder`, drops a
leading ``<h1>`` that repeats the title, and gives bare text in ``<div>``-like
containers a paragraph of its own. :func:`ingest.convert.sanitize.sanitize` then
applies the allow-list, so nothing this pass misses can reach Intercom.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from ingest.checkboxes import checkbox_text
from ingest.convert.containers import CONTAINERS, flatten_containers, unwrap
from ingest.convert.depth import CHECK_EVERY, bound_depth
from ingest.convert.links import LinkBuilder
from ingest.convert.parsing import parse_html
from ingest.convert.sanitize import sanitize, tidy
from ingest.document_limits import Budget, unlimited

# Removed with everything inside them. ``head`` only holds metadata, styles and
# scripts; its ``<title>`` is the page title, which Intercom shows by itself; ``nav``
# is a page's menus and breadcrumbs, not its content.
DROPPED_TAGS = (
    "head", "nav", "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "button", "select", "textarea", "noscript", "svg", "math", "link", "meta", "base",
    "template", "title", "canvas", "audio", "video", "dialog",
)  # fmt: skip

_DROPPED_SET = frozenset(DROPPED_TAGS)

# Obsolete preformatted elements. The parser reads their content as raw text, which a
# ``<pre>`` says as well as they do; left as they are, the sanitiser would unwrap them
# and escape that text a second time.
_OLD_PREFORMATTED = ("xmp", "listing", "plaintext")

_XML_DECLARATION = re.compile(r"<\?xml[^>]*>", re.IGNORECASE)

_SORT: dict[str, str] = {
    **dict.fromkeys(DROPPED_TAGS, "drop"),
    **dict.fromkeys(CONTAINERS, "box"),
    **dict.fromkeys(_OLD_PREFORMATTED, "pre"),
    **{name: name for name in ("input", "a", "img", "html", "body")},
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "heading"),
}


def same_title(heading_text: str, title: str | None) -> bool:
    """Whether a heading says the same as the title, ignoring case and spacing."""
    if title is None:
        return False
    return " ".join(heading_text.split()).casefold() == " ".join(title.split()).casefold()


def clean_html(
    html: str,
    *,
    path: str,
    title: str | None,
    links: LinkBuilder,
    warnings: list[str] | None = None,
    budget: Budget | None = None,
) -> str:
    """Cleaned, sanitised and tidied HTML for the document at ``path``; deterministic. A heading
    without an id gets the site's (else GitHub's); links the site says lead nowhere add their
    warning to ``warnings``. Markup nested too deeply is flattened or refused
    (:mod:`ingest.convert.depth`); ``budget`` is checked as the passes go."""
    budget = budget or unlimited()
    # XML declarations say nothing the output needs, and markup without a tag is text;
    # leaving either to BeautifulSoup only earns a warning that it looks like XML or
    # like a file name.
    html = _XML_DECLARATION.sub("", html)
    if "<" not in html:
        return tidy(sanitize(f"<p>{html.strip()}</p>"))
    soup = parse_html(html, budget)
    bound_depth(soup, wrappers=CONTAINERS, dropped=_DROPPED_SET, budget=budget, warnings=warnings)
    found, specials = _sort(soup, budget)
    for element in found["drop"]:
        element.decompose()
    for special in specials:
        special.extract()
    for element in found["pre"]:
        element.name = "pre"
    _replace_inputs(found["input"])
    _rewrite_links(found["a"], path, links, warnings)
    _rewrite_images(found["img"], path, links, warnings)
    _heading_ids(found["heading"], links)
    for element in found["html"] + found["body"]:
        unwrap(element)
    gone = _drop_leading_title(soup, title)
    budget.check()
    flatten_containers(soup, [element for element in found["box"] if id(element) not in gone], budget)
    budget.check()
    return tidy(sanitize(soup.decode()))


def _sort(soup: BeautifulSoup, budget: Budget) -> tuple[dict[str, list[Tag]], list[PreformattedString]]:
    """The elements of ``soup`` by what happens to them, in document order, and its comments,
    CDATA and doctypes; nothing inside an element that is dropped with its content."""
    # One walk: BeautifulSoup's find_all costs a tree walk with a slow filter per call.
    found: dict[str, list[Tag]] = {
        name: [] for name in ("drop", "input", "a", "img", "html", "body", "box", "pre", "heading")
    }
    specials: list[PreformattedString] = []
    stack = [iter(soup.contents)]
    seen = 0
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        seen += 1
        if seen % CHECK_EVERY == 0:
            budget.check()
        if isinstance(node, Tag):
            key = _SORT.get(node.name)
            if key is not None:
                found[key].append(node)
            if key != "drop":
                stack.append(iter(node.contents))
        elif isinstance(node, PreformattedString):
            specials.append(node)
    return found, specials


def _replace_inputs(inputs: list[Tag]) -> None:
    for element in inputs:
        if str(element.get("type", "")).lower() == "checkbox":
            following = element.next_sibling
            after = str(following) if isinstance(following, NavigableString) else ""
            element.replace_with(NavigableString(checkbox_text(element.has_attr("checked"), after)))
        else:
            element.decompose()


def _heading_ids(headings: list[Tag], links: LinkBuilder) -> None:
    """Headings keep the id they have; the others get the site's for their text, unique."""
    taken = {value for heading in headings if isinstance(value := heading.get("id"), str) and value}
    for heading in headings:
        if heading.get("id"):
            continue
        heading_id = links.heading_id(" ".join(heading.get_text().split()), taken)
        if heading_id:
            heading["id"] = heading_id
            taken.add(heading_id)


def _rewrite_links(anchors: list[Tag], path: str, links: LinkBuilder, warnings: list[str] | None) -> None:
    for anchor in anchors:
        href = anchor.get("href")
        target = links.resolve(href, path, warnings) if isinstance(href, str) else None
        if target is None:
            unwrap(anchor)
        else:
            anchor.attrs = {"href": target, **_title_attr(anchor)}


def _rewrite_images(images: list[Tag], path: str, links: LinkBuilder, warnings: list[str] | None) -> None:
    for image in images:
        src = image.get("src")
        target = links.resolve_src(src, path, warnings) if isinstance(src, str) else None
        alt = str(image.get("alt", "") or "")
        if target is None:
            if alt:
                image.replace_with(NavigableString(alt))
            else:
                image.decompose()
        else:
            image.attrs = {"src": target, "alt": alt, **_title_attr(image)}


def _title_attr(element: Tag) -> dict[str, str]:
    title = element.get("title")
    return {"title": title} if isinstance(title, str) and title else {}


def _drop_leading_title(soup: BeautifulSoup, title: str | None) -> set[int]:
    """Drop a leading ``<h1>`` saying the title; the ids of the containers that went with it."""
    # Exports often wrap the whole page (``<div id="main"><h1>...``): look inside wrappers.
    parent: Tag = soup
    while (first := _first_content(parent)) is not None:
        if first.name == "h1":
            if not same_title(first.get_text(), title):
                return set()
            gone = {id(element) for element in first.find_all(CONTAINERS)}
            first.decompose()
            return gone
        if first.name not in CONTAINERS:
            return set()
        parent = first
    return set()


def _first_content(parent: Tag) -> Tag | None:
    for child in parent.children:
        if isinstance(child, Tag):
            return child
        if str(child).strip():
            return None
    return None
