"""Notion's blocks, as the HTML export renders them, mapped to the plain HTML Intercom shows.

The shapes are Notion's (learnt from obsidian-importer's ``src/formats/notion/``, which parses
real exports): a callout is ``figure.callout`` (an icon, then its text), a toggle
``ul.toggle > li > details`` with a ``summary`` (a toggle heading's summary carries the
heading's font size, not an ``h2``), a to-do ``ul.to-do-list`` whose items start with
``div.checkbox checkbox-on|off``, code ``pre.code > code.language-<Name>``, columns
``div.column-list > div.column``, a block equation ``figure.equation`` and an inline one
``span.notion-text-equation-token``, both rendered by KaTeX with their TeX kept in
``annotation[encoding="application/x-tex"]``, and each list item in a list of its own.
The Markdown export's blocks, once rendered (:mod:`.markdown`), pass through the same mapping.

Equations become their TeX, as the docs-site dialects write it: a ``latex`` code block, inline
code. Toggles are opened (the summary in bold, or the heading it styles); columns are read one
after the other, left to right.
"""

from __future__ import annotations

import re
from html import escape

from lxml import etree, html

from connectors.notion_export.links import PageLinks
from ingest.checkboxes import checkbox_text

Element = html.HtmlElement

_TEX = './/annotation[@encoding="application/x-tex"]'
#: A toggle heading's summary is styled with the heading's size (heading 1, 2, 3).
_SUMMARY_SIZES = {"1.875em": "h1", "1.5em": "h2", "1.25em": "h3"}
_KEPT_ATTRIBUTES = {"href", "src", "alt", "colspan", "rowspan", "start"}
#: What HTML (and lxml) cannot hold: C0 controls but tab and line breaks, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def has_class(element: Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def by_class(root: Element, tag: str, name: str) -> list[Element]:
    found: list[Element] = root.xpath(
        f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'
    )
    return found


def tex_of(element: Element) -> str | None:
    """The TeX source KaTeX kept in ``element``, if any."""
    annotations = element.xpath(_TEX)
    return "".join(annotations[0].itertext()).strip() if annotations else None


def xml_text(text: str) -> str:
    """``text`` with each character HTML cannot hold (a vertical tab pasted from Word, U+FFFF) as a
    space: lxml refuses to hold them, and one of them failed the whole scan."""
    return _NOT_XML.sub(" ", text)


def xml_bytes(data: bytes) -> bytes:
    """UTF-8 ``data`` with each character HTML cannot hold as a space (see :func:`xml_text`); a
    control character is one byte, never part of another character's bytes."""
    return _NOT_XML_BYTES.sub(b" ", data)


def new(tag: str, text: str | None = None, **attributes: str) -> Element:
    element: Element = html.Element(tag, {name: xml_text(value) for name, value in attributes.items()})
    element.text = None if text is None else xml_text(text)
    return element


def replace(old: Element, new_element: Element) -> None:
    new_element.tail = old.tail
    parent = old.getparent()
    if parent is not None:
        parent.replace(old, new_element)


def unwrap(element: Element) -> None:
    """Put ``element``'s children (and text) where it was."""
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tag()


def remove(element: Element) -> None:
    element.drop_tree()


class BlockMapper:
    """Maps one page's body in place; ``links`` resolves its links and collects what it drops."""

    def __init__(self, links: PageLinks) -> None:
        self._links = links

    def map(self, body: Element) -> Element:
        for name in ("svg", "style", "script"):
            for element in list(body.iter(name)):
                remove(element)
        for icon in by_class(body, "span", "property-icon"):
            remove(icon)
        # A page's icon where the export links the page (a database's title cell, a mention):
        # the icon is no part of its title ("🎨Font family standardization").
        for icon in [*by_class(body, "span", "icon"), *by_class(body, "img", "icon")]:
            if icon.getparent() is not None and any(
                ancestor.tag == "a" or has_class(ancestor, "cell-title") for ancestor in icon.iterancestors()
            ):
                remove(icon)
        self._equations(body)
        self._callouts(body)
        self._toggles(body)
        self._todos(body)
        self._code(body)
        self._figures(body)
        self._values(body)
        for columns in by_class(body, "div", "column-list") + by_class(body, "div", "column"):
            unwrap(columns)
        for time in list(body.iter("time")):
            time.text = (time.text or "").lstrip("@")
            unwrap(time)
        self._links_and_images(body)
        _merge_lists(body)
        _tidy_attributes(body)
        return body

    def _equations(self, body: Element) -> None:
        for figure in [*by_class(body, "figure", "equation"), *by_class(body, "div", "math")]:
            tex = tex_of(figure) if figure.tag == "figure" else (figure.text_content() or "").strip()
            code = new("code", tex or "", **{"class": "language-latex"})
            pre = new("pre")
            pre.append(code)
            replace(figure, pre)
        inline = [*by_class(body, "span", "notion-text-equation-token"), *by_class(body, "span", "math")]
        inline += [k for k in by_class(body, "span", "katex") if k.getparent() is not None]
        for span in inline:
            if span.getparent() is None or _inside_code(span):
                continue
            tex = tex_of(span) if span.xpath(_TEX) else (span.text_content() or "").strip()
            replace(span, new("code", tex or ""))

    def _callouts(self, body: Element) -> None:
        for figure in by_class(body, "figure", "callout"):
            quote = new("blockquote")
            icon = "".join(i.text_content() for i in by_class(figure, "span", "icon")).strip()
            blocks = [child for child in figure if child.tag == "div"]
            content = blocks[-1] if blocks else figure
            paragraph = new("p", f"{icon} " if icon else None)
            for icon_element in by_class(content, "span", "icon"):
                remove(icon_element)
            block_children = [
                c
                for c in content
                if c.tag in ("p", "ul", "ol", "pre", "table", "blockquote", "h1", "h2", "h3", "figure", "div")
            ]
            if block_children:
                if icon:
                    quote.append(paragraph)
                quote.text = None
                if content.text and content.text.strip():
                    quote.append(new("p", content.text.strip()))
                for child in list(content):
                    quote.append(child)
            else:
                paragraph.text = (paragraph.text or "") + (content.text or "")
                for child in list(content):
                    paragraph.append(child)
                quote.append(paragraph)
            replace(figure, quote)

    def _toggles(self, body: Element) -> None:
        for details in list(body.iter("details")):
            summary = details.find("summary")
            opened: list[Element] = []
            if summary is not None:
                opened.append(_summary_block(summary))
                summary.drop_tree()
            if details.text and details.text.strip():
                opened.append(new("p", details.text.strip()))
            opened.extend(list(details))
            holder = details
            parent = details.getparent()
            # Notion wraps each toggle in a list of its own: the toggle is the whole list item.
            if parent is not None and parent.tag == "li" and len(parent) == 1:
                grand = parent.getparent()
                if grand is not None and grand.tag == "ul" and has_class(grand, "toggle") and len(grand) == 1:
                    holder = grand
            wrapper = new("div")
            for block in opened:
                wrapper.append(block)
            replace(holder, wrapper)
            unwrap(wrapper)
        for element in by_class(body, "div", "indented"):
            unwrap(element)

    def _todos(self, body: Element) -> None:
        for box in by_class(body, "div", "checkbox"):
            checked = has_class(box, "checkbox-on")
            following = (box.tail or "") + "".join(sibling.text_content() for sibling in box.itersiblings())
            text = checkbox_text(checked, following)
            parent = box.getparent()
            previous = box.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + text + (box.tail or "")
            elif parent is not None:
                parent.text = (parent.text or "") + text + (box.tail or "")
            box.tail = None
            remove(box)
        for box in body.xpath('.//input[@type="checkbox"]'):
            following = (box.tail or "").lstrip()
            parent = box.getparent()
            text = checkbox_text(box.get("checked") is not None, "") + following
            previous = box.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + text
            elif parent is not None:
                parent.text = (parent.text or "") + text
            box.tail = None
            remove(box)
        for span in by_class(body, "span", "to-do-children-checked") + by_class(
            body, "span", "to-do-children-unchecked"
        ):
            unwrap(span)

    def _code(self, body: Element) -> None:
        for code in body.xpath(".//pre/code"):
            language = _language(code.get("class") or "")
            code.attrib.clear()
            if language:
                code.set("class", f"language-{language}")

    def _figures(self, body: Element) -> None:
        for figure in list(body.iter("figure")):
            if figure.getparent() is None:
                continue
            if has_class(figure, "link-to-page"):
                for icon in [*by_class(figure, "span", "icon"), *figure.iter("img")]:
                    remove(icon)
                paragraph = new("p")
                for child in list(figure):
                    paragraph.append(child)
                replace(figure, paragraph)
                continue
            bookmark = by_class(figure, "a", "bookmark")
            if bookmark:
                anchor = bookmark[0]
                title = "".join(t.text_content() for t in by_class(anchor, "div", "bookmark-title")).strip()
                link = new("a", title or anchor.get("href", ""), href=anchor.get("href", ""))
                paragraph = new("p")
                paragraph.append(link)
                described = "".join(d.text_content() for d in by_class(anchor, "div", "bookmark-description"))
                if described.strip():
                    link.tail = f": {described.strip()}"
                replace(figure, paragraph)
                continue
            caption = figure.find("figcaption")
            paragraph = new("p")
            for image in figure.iter("img"):
                paragraph.append(new("img", src=image.get("src", ""), alt=image.get("alt", "")))
                break
            else:
                for anchor in figure.iter("a"):
                    paragraph.append(new("a", anchor.text_content().strip(), href=anchor.get("href", "")))
                    break
            blocks = [paragraph] if len(paragraph) else []
            if caption is not None and caption.text_content().strip():
                blocks.append(new("p", caption.text_content().strip()))
            if not blocks:
                unwrap(figure)
                continue
            wrapper = new("div")
            for block in blocks:
                wrapper.append(block)
            replace(figure, wrapper)
            unwrap(wrapper)

    def _values(self, body: Element) -> None:
        """Multi-select values, users and checkboxes in tables read as text, values apart."""
        for cell in body.xpath(".//td|.//th"):
            values = by_class(cell, "span", "selected-value")
            if values:
                for value in values[:-1]:
                    value.tail = ", " + (value.tail or "")
                for value in values:
                    unwrap(value)
        users = by_class(body, "span", "user")
        for user in users:
            # The avatar: a picture, or the user's initial as text ("G" before "Grace Hopper").
            for avatar in [*user.iter("img"), *by_class(user, "span", "user-icon")]:
                remove(avatar)
            following = user.getnext()
            if following is not None and following in users and not (user.tail or "").strip():
                user.tail = ", "
            unwrap(user)

    def _links_and_images(self, body: Element) -> None:
        headings = {element.get("id") for element in body.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")}
        for anchor in list(body.iter("a")):
            href = anchor.get("href")
            target = None
            if href is not None and href.startswith("#"):
                target = href if href[1:] in headings else None
            elif href is not None:
                target = self._links.href(href)
            if target is None:
                unwrap(anchor)
            else:
                anchor.attrib.clear()
                anchor.set("href", target)
        for image in list(body.iter("img")):
            src = image.get("src")
            target = self._links.src(src) if src else None
            if target is None:
                parent = image.getparent()
                remove(image)
                if (
                    parent is not None
                    and parent.tag == "p"
                    and not parent.text_content().strip()
                    and not len(parent)
                ):
                    remove(parent)
            else:
                alt = image.get("alt") or ""
                image.attrib.clear()
                image.set("src", target)
                image.set("alt", alt)


def _inside_code(element: Element) -> bool:
    return any(ancestor.tag in ("code", "pre") for ancestor in element.iterancestors())


def _summary_block(summary: Element) -> Element:
    style = summary.get("style") or ""
    level = next((tag for size, tag in _SUMMARY_SIZES.items() if size in style), None)
    headings = [child for child in summary if child.tag in ("h1", "h2", "h3", "h4")]
    if headings:
        return headings[0]
    block = new(level) if level else new("p")
    target = block if level else new("strong")
    target.text = summary.text
    for child in list(summary):
        target.append(child)
    if not level:
        block.append(target)
    return block


def _language(classes: str) -> str:
    # Notion names languages as its menu does ("language-Plain Text", "language-C++").
    match = re.match(r"language-(.+)$", classes.strip())
    if match is None:
        return ""
    name = match[1].strip().lower().replace(" ", "-")
    return "" if name in ("plain-text", "plaintext", "") else name


def _merge_lists(body: Element) -> None:
    """Notion writes each list item as a list of its own: consecutive lists of a kind are one."""
    for tag in ("ul", "ol"):
        for first in list(body.iter(tag)):
            if first.getparent() is None:
                continue
            following = first.getnext()
            while (
                following is not None
                and following.tag == tag
                and not (first.tail or "").strip()
                and following.get("class") == first.get("class")
            ):
                for item in list(following):
                    first.append(item)
                first.tail = following.tail
                following.drop_tree()
                following = first.getnext()


def _tidy_attributes(body: Element) -> None:
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        kept = {name: value for name, value in element.attrib.items() if name in _KEPT_ATTRIBUTES}
        if element.tag == "code" and element.get("class"):
            kept["class"] = element.get("class", "")
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and element.get("id"):
            kept["id"] = element.get("id", "")
        element.attrib.clear()
        element.attrib.update(kept)


def serialize(body: Element) -> str:
    """The body's children as HTML (the body element itself is Notion's, not the page's)."""
    parts = [escape(body.text, quote=False)] if body.text and body.text.strip() else []
    parts += [etree.tostring(child, encoding="unicode", method="html") for child in body]
    return "".join(parts).strip()
