"""One exported page read: its title, its properties (a database row's) and its body, chrome left out.

HTML export: ``article.page`` holds a ``header`` (``h1.page-title``, ``table.properties`` of a
row, ``p.page-description``) and ``div.page-body``; a database's own page holds
``table.collection-content`` instead of a body. Only the body, the description and the
database's table are the page's; the header's icon, cover and the ``<style>`` are chrome.

Markdown & CSV export: ``# Title``, then, for a database row, one ``Name: value`` line per
property the database's CSV names, then the body. A callout is an ``<aside>`` block, which
becomes a quote so that the Markdown inside it is read; ``$…$`` and ``$$…$$`` are equations.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from lxml import etree, html
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from connectors.notion_export.blocks import Element, by_class, new, xml_bytes, xml_text
from connectors.notion_export.database import relations
from ingest.document_limits import MAX_HTML_DEPTH

_PROPERTY_LINE = re.compile(r"^(?P<name>[^:\n]+?): (?P<value>.*)$")
_RESOURCE_LIMIT = etree.ErrorTypes.ERR_RESOURCE_LIMIT


class PageError(Exception):
    """A page file that is not a page Notion wrote; the message says why."""


@dataclass(slots=True)
class ParsedPage:
    title: str
    #: The row's properties, each value an element holding its HTML (a ``td``).
    properties: list[tuple[str, Element]] = field(default_factory=list)
    #: A ``div`` holding the body's blocks (and a database page's table).
    body: Element = field(default_factory=lambda: new("div"))
    #: The page is a database's own page (its table is the database).
    database: bool = False


def _parser(encoding: str | None = None) -> html.HTMLParser:
    # huge_tree: without it libxml2 stops reading at 256 levels of nesting. One parser per page:
    # lxml parsers must not be shared between threads, and its error log is the page's.
    return html.HTMLParser(encoding=encoding, huge_tree=True)


def _read_whole(parser: html.HTMLParser, path: str) -> None:
    """PageError when libxml2 stopped reading the page part way, which it does without a word (even
    with huge_tree, past 2,048 levels of nesting): the rest of the page would be lost."""
    if any(error.type == _RESOURCE_LIMIT for error in parser.error_log):
        raise PageError(
            f"{path}: nested more than {MAX_HTML_DEPTH} elements deep, deeper than HTML can be read "
            "whole; nothing of it is sent"
        )


def parse_html_page(data: bytes, path: str) -> ParsedPage:
    parser = _parser("utf-8")
    try:
        document = html.document_fromstring(xml_bytes(data), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise PageError(f"{path} cannot be read as HTML: {exc}") from exc
    _read_whole(parser, path)
    articles = by_class(document, "article", "page")
    if not articles:
        raise PageError(f"{path} is not a page of a Notion export (no article.page)")
    article = articles[0]
    titles = by_class(article, "h1", "page-title")
    page = ParsedPage(title=" ".join(titles[0].text_content().split()) if titles else "")
    for row in article.xpath('.//table[contains(concat(" ", @class, " "), " properties ")]//tr'):
        heading, cell = row.find("th"), row.find("td")
        if heading is not None and cell is not None:
            page.properties.append((" ".join(heading.text_content().split()), cell))
    body = page.body
    for description in by_class(article, "p", "page-description"):
        if description.text_content().strip():
            body.append(new("p", description.text_content().strip()))
    bodies = by_class(article, "div", "page-body")
    if bodies:
        body.text = bodies[0].text
        for child in list(bodies[0]):
            body.append(child)
    else:
        for table in article.xpath('./table[contains(concat(" ", @class, " "), " collection-content ")]'):
            body.append(table)
    # Newer exports put a database's table straight in the article, older ones (2022) in its
    # page-body; either way the page is the database, and its rows the pages under it.
    page.database = bool(body.xpath('./table[contains(concat(" ", @class, " "), " collection-content ")]'))
    return page


def _markdown() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .enable("strikethrough")
        .use(dollarmath_plugin, double_inline=True)
        .use(tasklists_plugin)
    )


_MARKDOWN = _markdown()


def parse_markdown_page(data: bytes, path: str, columns: Collection[str] = ()) -> ParsedPage:
    """A Markdown page; ``columns``: the properties its database names, read from the lines after the
    title (a page of no database has none)."""
    try:
        text = xml_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PageError(f"{path} is not UTF-8 text: {exc}") from exc
    lines = text.replace("\r\n", "\n").split("\n")
    position = _skip_blank(lines, 0)
    title = ""
    if position < len(lines) and lines[position].startswith("# "):
        title = lines[position][2:].strip()
        position = _skip_blank(lines, position + 1)
    page = ParsedPage(title=title)
    while columns and position < len(lines):
        match = _PROPERTY_LINE.match(lines[position])
        if match is None or match["name"] not in columns:
            break
        cell = new("td")
        value = "".join(
            part if isinstance(part, str) else f"[{part[0]}](<{part[1]}>)"
            for part in relations(match["value"])
        )
        _append_html(cell, _MARKDOWN.renderInline(value), path)
        page.properties.append((match["name"], cell))
        position += 1
    body = "\n".join(_asides_as_quotes(lines[position:]))
    _append_html(page.body, _MARKDOWN.render(body), path)
    return page


def _skip_blank(lines: list[str], position: int) -> int:
    while position < len(lines) and not lines[position].strip():
        position += 1
    return position


def _asides_as_quotes(lines: list[str]) -> list[str]:
    out: list[str] = []
    inside = False
    for line in lines:
        stripped = line.strip()
        if stripped == "<aside>":
            inside = True
            continue
        if stripped == "</aside>" and inside:
            inside = False
            out.append("")
            continue
        out.append(f"> {line}" if inside else line)
    return out


def _append_html(parent: Element, markup: str, path: str) -> None:
    if not markup.strip():
        return
    parser = _parser()
    holder = html.fragment_fromstring(markup, create_parent="div", parser=parser)
    _read_whole(parser, path)
    if holder.text:
        parent.text = (parent.text or "") + holder.text
    for child in list(holder):
        parent.append(child)
