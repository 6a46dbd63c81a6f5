"""Confluence macros, as the HTML export renders them, mapped to the plain HTML Intercom shows.

- code (``div.code.panel`` / ``pre.syntaxhighlighter-pre``) and noformat blocks become
  ``<pre><code class="language-x">``, the block's title a bold paragraph before it;
- info, note, warning, tip (``confluence-information-macro-*``) and titled panels become a
  ``<blockquote>`` opening with the kind in bold, like Markdown admonitions elsewhere;
- expand sections become their content, under their label in bold;
- status lozenges become ``[TEXT]``, user mentions the plain name, emoticons and emoji their
  Unicode character (or nothing; :mod:`.emoji`), task-list items a ☐ / ☑ prefix as Markdown
  task lists get;
- child-page, page-tree, recently-updated and content-by-label macros become lists of links
  to the pages they show (:mod:`.listings`);
- table-of-contents, contributors, label lists and similar live macros, whose output is
  navigation rather than content, are dropped, and a heading left heading nothing is dropped
  with them (:mod:`.headings`).

Links and images are resolved through :class:`PageLinks`; every attribute the final
sanitiser would drop is dropped here already, so render-time ids (``expander-123``,
``rbtoc1590...``) never reach the body or its fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from connectors.confluence_export.emoji import emoji_text
from connectors.confluence_export.headings import drop_orphan_headings, holds_content, mark_removed
from connectors.confluence_export.links import PageLinks
from connectors.confluence_export.listings import Listings
from connectors.confluence_export.page import text_of
from connectors.confluence_export.tree import Element, drop_tag, drop_tree, move_content, replace_with_text
from connectors.confluence_export.vocabulary import (
    DROPPED_CLASSES,
    DROPPED_MACROS,
    PANEL_LABELS,
    code_language,
    is_default_expand_label,
    listing_kind,
)
from ingest.checkboxes import checkbox_text

_KEPT_ATTRIBUTES = {
    "a": ("href", "title"), "img": ("src", "alt", "title"), "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"), "ol": ("start",), "code": ("class",),
}  # fmt: skip
#: Tags that need a look even without a class: links, images, spacer paragraphs.
_PLAIN_WORK = frozenset({"a", "img", "p"})
_NO_CLASSES: frozenset[str] = frozenset()
_CODE_HEADER_CONTROLS = ("expand-control", "collapse-source", "collapse-spinner-wrapper")

Handler = Callable[[Element, frozenset[str]], None]


def _classes_of(element: Element) -> frozenset[str]:
    value = element.get("class")
    return frozenset(value.split()) if value else _NO_CLASSES


def _first(element: Element, *class_names: str) -> Element | None:
    """The first descendant with one of ``class_names``."""
    for child in element.iterdescendants():
        if isinstance(child.tag, str) and not _classes_of(child).isdisjoint(class_names):
            return child
    return None


def _child(element: Element, *class_names: str) -> Element | None:
    """The first child with one of ``class_names``: a macro's own parts, not those of one nested in it."""
    for child in element:
        if isinstance(child.tag, str) and not _classes_of(child).isdisjoint(class_names):
            return child
    return None


def _bold_paragraph(parent: Element, text: str) -> None:
    etree.SubElement(etree.SubElement(parent, "p"), "strong").text = text


def has_content(main: Element) -> bool:
    """Whether a mapped body holds anything to read: text, an image, a table, a rule or code."""
    return holds_content(main)


class MacroMapper:
    """Maps one page's ``#main-content`` in place (see the module docstring)."""

    def __init__(self, links: PageLinks, listings: Listings | None = None) -> None:
        self._links = links
        self._listings = listings

    def map(self, main: Element) -> Element:
        """The mapped body: ``main`` as a bare ``<div>``, detached from its page."""
        # A server TOC ships its own <style> naming a render-time id ("div.rbtoc1590..."): drop
        # such content before anything else, or it would change the fingerprint of every export.
        etree.strip_elements(main, "style", "script", "noscript", "template", with_tail=False)
        self._walk(main)
        # Spans carry only styling; <colgroup> only widths. Done in C, after the walk.
        etree.strip_tags(main, "span")
        etree.strip_elements(main, "colgroup", "col", with_tail=False)
        drop_orphan_headings(main)
        main.tag = "div"
        main.attrib.clear()
        main.tail = None
        return main

    def _walk(self, parent: Element) -> None:
        for child in list(parent):
            tag = child.tag
            if not isinstance(tag, str):
                drop_tree(child)  # a comment or processing instruction the parser kept
                continue
            if child.get("class") is not None or child.get("data-macro-name") is not None:
                classes = _classes_of(child)
                handler = self._handler(child, tag, classes)
                if handler is not None:
                    handler(child, classes)
                    continue
            if len(child):
                self._walk(child)
            if tag in _PLAIN_WORK:
                self._plain(child, tag)
            elif tag in _KEPT_ATTRIBUTES:
                _keep_attributes(child, tag)
            else:
                child.attrib.clear()

    def _handler(self, element: Element, tag: str, classes: frozenset[str]) -> Handler | None:
        macro = element.get("data-macro-name")
        if not classes.isdisjoint(DROPPED_CLASSES) or macro in DROPPED_MACROS:
            return _drop
        if listing_kind(macro, classes) is not None:
            return self._listing
        if tag == "div":
            if "panel" in classes and ("code" in classes or "preformatted" in classes):
                return self._code
            if "confluence-information-macro" in classes or "panel" in classes:
                return self._panel
            if "expand-container" in classes:
                return self._expand
        elif tag == "pre" and "syntaxhighlighter-pre" in classes:
            return self._code
        elif tag == "span":
            if not classes.isdisjoint(("status-macro", "aui-lozenge")):
                return _lozenge
            if "confluence-embedded-file-wrapper" in classes:
                return self._file_wrapper
        elif tag == "a":
            if not classes.isdisjoint(("confluence-userlink", "user-mention")):
                return _mention
            if "confluence-embedded-file" in classes:
                return self._embedded_file
        elif tag == "img" and "emoticon" in classes:
            return _emoticon
        elif tag == "ul" and "inline-task-list" in classes:
            return self._task_list
        elif element.get("data-linked-resource-type") == "userinfo":
            return _mention
        return None

    def _listing(self, macro: Element, classes: frozenset[str]) -> None:
        kind = listing_kind(macro.get("data-macro-name"), classes)
        listing = self._listings.build(kind, macro) if self._listings is not None and kind else None
        if listing is None:
            mark_removed(macro)
        else:
            _replace(macro, listing)

    def _code(self, block: Element, _classes: frozenset[str]) -> None:
        pre = block if block.tag == "pre" else next(block.iter("pre"), None)
        header = _child(block, "codeHeader", "panelHeader")
        new = etree.Element("div")
        if header is not None and (title := _code_title(header)):
            _bold_paragraph(new, title)
        code = etree.SubElement(etree.SubElement(new, "pre"), "code")
        code.text = _code_text(pre) if pre is not None else ""
        language = code_language(pre.get("data-syntaxhighlighter-params", "") if pre is not None else "")
        if language:
            code.set("class", f"language-{language}")
        _replace(block, new)

    def _panel(self, panel: Element, classes: frozenset[str]) -> None:
        kind = next(
            (name.removeprefix("confluence-information-macro-") for name in sorted(classes)
             if name.startswith("confluence-information-macro-")),
            panel.get("data-panel-type") or panel.get("data-macro-name") or "",
        )  # fmt: skip
        label = PANEL_LABELS.get(kind.lower())
        if label is None and "confluence-information-macro" in classes:
            label = "Note"
        header = _child(panel, "title", "panelHeader")
        title = text_of(header) if header is not None else ""
        body = _child(panel, "confluence-information-macro-body", "panelContent")
        if header is not None:
            drop_tree(header)
        quote = etree.Element("blockquote")
        if label and title and title.casefold() != label.casefold():
            _bold_paragraph(quote, f"{label}: {title}")
        elif label or title:
            _bold_paragraph(quote, label or title)
        move_content(body if body is not None else panel, quote)
        _replace(panel, quote)
        self._walk(quote)

    def _expand(self, container: Element, _classes: frozenset[str]) -> None:
        control = _child(container, "expand-control")
        text = _first(control, "expand-control-text") if control is not None else None
        label = text_of(text) if text is not None else ""
        content = _child(container, "expand-content")
        new = etree.Element("div")
        if label and not is_default_expand_label(label):
            _bold_paragraph(new, label)
        if content is not None:
            move_content(content, new)
        _replace(container, new)
        self._walk(new)

    def _task_list(self, tasks: Element, _classes: frozenset[str]) -> None:
        for item in tasks.iterchildren("li"):
            item.text = checkbox_text("checked" in _classes_of(item), "") + (item.text or "").lstrip()
        tasks.attrib.clear()
        self._walk(tasks)

    def _file_wrapper(self, wrapper: Element, _classes: frozenset[str]) -> None:
        tail = wrapper.tail
        if tail and not tail[0].isspace():
            wrapper.tail = " " + tail  # Confluence shows the file as a block: keep the words apart
        self._walk(wrapper)

    def _embedded_file(self, anchor: Element, _classes: frozenset[str]) -> None:
        alias = anchor.get("data-linked-resource-default-alias")
        title = _first(anchor, "title")
        text = (text_of(title) if title is not None else "") or alias or text_of(anchor)
        for child in list(anchor):
            anchor.remove(child)  # the file's thumbnail or placeholder icon
        anchor.text = text
        self._plain(anchor, "a")

    def _plain(self, element: Element, tag: str) -> None:
        if tag == "a":
            alias = element.get("data-linked-resource-default-alias")
            target = self._links.href(element.get("href", ""), alias)
            if target is None:
                drop_tag(element)
                return
            element.set("href", target)
        elif tag == "img":
            self._image(element)
            return
        elif tag == "p" and _is_spacer(element):
            drop_tree(element)  # Confluence's spacer paragraphs: <p><br/></p>, <p>&nbsp;</p>
            return
        _keep_attributes(element, tag)

    def _image(self, image: Element) -> None:
        classes = _classes_of(image)
        src = image.get("src", "")
        target = None
        if classes.isdisjoint(("icon", "userLogo")) and not src.startswith("images/icons/"):
            alias = image.get("data-linked-resource-default-alias")
            target = self._links.src(src, alias)
            if target is None and image.get("data-image-src"):
                target = self._links.src(image.get("data-image-src", ""), alias)
        if target is None:
            replace_with_text(image, image.get("alt", "").strip())
            return
        image.set("src", target)
        _keep_attributes(image, "img")


def _code_title(header: Element) -> str:
    # A collapsible block's header also holds its "Expand source" control.
    while (control := _first(header, *_CODE_HEADER_CONTROLS)) is not None:
        drop_tree(control)
    return text_of(header)


def _code_text(pre: Element) -> str:
    """The code's text; a ``<br>`` in it (pasted or old content) is a line break."""
    for line_break in pre.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")
    return "".join(pre.itertext()).strip("\n")


def _drop(element: Element, _classes: frozenset[str]) -> None:
    mark_removed(element)


def _lozenge(span: Element, _classes: frozenset[str]) -> None:
    text = text_of(span)
    replace_with_text(span, f"[{text}]" if text else "")


def _mention(anchor: Element, _classes: frozenset[str]) -> None:
    replace_with_text(anchor, text_of(anchor))


def _emoticon(image: Element, _classes: frozenset[str]) -> None:
    replace_with_text(image, emoji_text(image))


def _replace(old: Element, new: Element) -> None:
    new.tail = old.tail
    parent = old.getparent()
    if parent is not None:
        parent.replace(old, new)


def _is_spacer(paragraph: Element) -> bool:
    if (paragraph.text or "").strip():
        return False
    return all(child.tag == "br" and not (child.tail or "").strip() for child in paragraph)


def _keep_attributes(element: Element, tag: str) -> None:
    kept = _KEPT_ATTRIBUTES.get(tag, ())
    attributes = element.attrib
    for name in [name for name in attributes if name not in kept]:
        del attributes[name]
