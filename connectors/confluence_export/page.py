"""One exported page: its id, title, ancestors and metadata, and its ``#main-content`` element.

Everything around ``#main-content`` (breadcrumbs, title heading, the "Created by ... last
modified ..." line, attachment list, comments, footer) is chrome: it is read for the
page's metadata and never becomes part of the body.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlsplit

from lxml import etree

from connectors.confluence_export.dates import parse_date
from connectors.confluence_export.encoding import UndecodableError, to_utf8
from connectors.confluence_export.tree import Element
from ingest.document_limits import MAX_HTML_DEPTH

# Server names a page file "Title_123456.html" (or "123456.html" when the title is not
# ASCII); Cloud exports use either form.
_PAGE_FILE = re.compile(r"(?:^|_)(\d+)\.html$", re.IGNORECASE)
# id() looks elements up in libxml2's table of ids instead of walking the whole page.
_CHROME = "id('title-text') | id('breadcrumbs') | id('main-content') | id('attachments')"
_METADATA = '//div[contains(concat(" ", normalize-space(@class), " "), " page-metadata ")]'

_RESOURCE_LIMIT = etree.ErrorTypes.ERR_RESOURCE_LIMIT


_WIKI_CONTENT = '//div[contains(concat(" ", normalize-space(@class), " "), " wiki-content ")]'


class PageError(ValueError):
    """A page file that is not a readable Confluence page; the message says why."""


@dataclass(slots=True)
class ParsedPage:
    """What one page file says, its body still as Confluence wrote it."""

    locator: str
    page_id: str
    title: str
    main: Element
    ancestors: tuple[str, ...] = ()
    #: The ancestors' page ids, root first; None when a breadcrumb link names no id.
    ancestor_ids: tuple[str, ...] | None = ()
    space_name: str | None = None
    author: str | None = None
    last_modified_by: str | None = None
    modified: date | None = None
    modified_text: str | None = None
    #: Export path of each listed attachment ("attachments/123/456.png") -> its file name.
    attachments: dict[str, str] = field(default_factory=dict)


_local = threading.local()


def _parser() -> etree.HTMLParser:
    # lxml parsers must not be shared between threads; loads run in a thread pool.
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        # huge_tree: without it libxml2 stops reading at 256 levels of nesting (and at a text of
        # 10 MB) and hands back what it read so far as if it were the page.
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
        _local.parser = parser
    return parser


def page_id_from_name(file_name: str) -> str | None:
    """The page id in an export file name (``Title_123.html``, ``123.html``), or None."""
    match = _PAGE_FILE.search(file_name)
    return match.group(1) if match else None


def text_of(element: etree._Element) -> str:
    """The element's text with whitespace runs collapsed to one space."""
    return " ".join("".join(element.itertext()).split())


def parse_document(raw: bytes, locator: str) -> Element:
    """The parsed HTML document; :class:`PageError` when it cannot be decoded or parsed."""
    try:
        data, _encoding = to_utf8(raw)
    except UndecodableError as exc:
        raise PageError(f"{locator}: cannot be decoded: {exc}") from exc
    if not data.strip():
        raise PageError(f"{locator}: the file is empty")
    parser = _parser()
    try:
        document = etree.fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise PageError(f"{locator}: not HTML: {exc}") from exc
    if any(error.type == _RESOURCE_LIMIT for error in parser.error_log):
        # Even with huge_tree libxml2 reads 2,048 levels at most, then stops without a word.
        raise PageError(
            f"{locator}: nested more than {MAX_HTML_DEPTH} elements deep, deeper than the export's HTML can "
            "be read whole; nothing of it is sent"
        )
    if document is None:
        raise PageError(f"{locator}: holds no HTML element")
    return document


def parse_page(raw: bytes, locator: str, *, space_name: str | None = None) -> ParsedPage:
    """Read one page file; ``space_name`` (from ``index.html``) helps strip the title's prefix.

    Raises :class:`PageError` for a file that is not a Confluence page.
    """
    page_id = page_id_from_name(locator)
    if page_id is None:
        raise PageError(
            f"{locator}: the file name holds no page id (expected Title_123456.html or 123456.html)"
        )
    document = parse_document(raw, locator)
    found = {element.get("id"): element for element in document.xpath(_CHROME)}
    main = found.get("main-content")
    if main is None:
        wiki = document.xpath(_WIKI_CONTENT)
        if not wiki:
            raise PageError(f"{locator}: no #main-content: not a page of a Confluence HTML export")
        main = wiki[0]
    page = ParsedPage(locator=locator, page_id=page_id, title="", main=main)
    crumbs = found.get("breadcrumbs")
    if crumbs is not None:
        _read_breadcrumbs(page, crumbs)
    # The breadcrumb names the space as the page's heading does; index.html is the fallback.
    prefixes = [name for name in (page.space_name, space_name) if name]
    page.space_name = page.space_name or space_name
    page.title = _title(document, found.get("title-text"), prefixes)
    if not page.title:
        raise PageError(f"{locator}: the page has no title")
    metadata = _metadata_of(document, main)
    if metadata is not None:
        _read_metadata(page, metadata)
    heading = found.get("attachments")
    if heading is not None:
        page.attachments = _attachment_names(heading)
    return page


def _read_breadcrumbs(page: ParsedPage, crumbs: Element) -> None:
    titles: list[str] = []
    ids: list[str] | None = []
    for anchor in crumbs.iter("a"):
        href = anchor.get("href", "")
        text = text_of(anchor)
        if href.split("#", 1)[0] == "index.html":
            page.space_name = text or None  # the first crumb is the space itself, not a page
            continue
        titles.append(text)
        ancestor_id = page_id_from_name(unquote(urlsplit(href).path))
        if ids is not None and ancestor_id is not None:
            ids.append(ancestor_id)
        else:
            ids = None
    page.ancestors = tuple(titles)
    page.ancestor_ids = tuple(ids) if ids is not None else None


def _title(document: Element, heading: Element | None, space_names: list[str]) -> str:
    if heading is not None:
        title = text_of(heading)
    else:
        tags = document.xpath("//head/title")
        title = text_of(tags[0]) if tags else ""
    for name in space_names:
        # "Space name : Page title" in the heading of every exported page.
        stripped = re.sub(rf"^{re.escape(name)}\s*:\s+", "", title, count=1)
        if stripped != title:
            return stripped
    return title


def _metadata_of(document: Element, main: Element) -> Element | None:
    # "Created by ..." sits just before #main-content; look there before searching the page.
    for sibling in main.itersiblings("div", preceding=True):
        if "page-metadata" in (sibling.get("class") or "").split():
            return sibling
    found = document.xpath(_METADATA)
    return found[0] if found else None


def _read_metadata(page: ParsedPage, metadata: Element) -> None:
    spans = [span for span in metadata.iter("span") if span.get("class") in ("author", "editor")]
    for span in spans:
        name = text_of(span) or None
        if span.get("class") == "author":
            page.author = name
        else:
            page.last_modified_by = name
    page.last_modified_by = page.last_modified_by or page.author
    # The date follows the last name: "... last modified by <span>Y</span> on 24.02.2015".
    text = " ".join((spans[-1].tail or "").split()) if spans else text_of(metadata)
    page.modified_text = text or None
    page.modified = parse_date(text) if text else None


def _attachment_names(heading: Element) -> dict[str, str]:
    section = next(
        (div for div in heading.iterancestors("div") if "pageSection" in (div.get("class") or "").split()),
        None,
    )
    names: dict[str, str] = {}
    for anchor in (section if section is not None else heading).iter("a"):
        path = unquote(urlsplit(anchor.get("href", "")).path)
        name = text_of(anchor)
        if path.startswith("attachments/") and name:
            names[path] = name
    return names
