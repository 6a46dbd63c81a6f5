"""Small lxml tree edits that keep the text around an element where it was.

In lxml the text after an element (its ``tail``) belongs to the element, so removing or
unwrapping one must hand that text to its neighbour first. These are the plain-``etree``
twins of ``lxml.html``'s ``drop_tree`` and ``drop_tag``: the connector parses with plain
``etree``, whose elements are much cheaper to create than ``lxml.html``'s.
"""

from __future__ import annotations

from lxml import etree

Element = etree._Element


def _append_text(parent: Element, before: Element | None, text: str) -> None:
    if before is None:
        parent.text = (parent.text or "") + text
    else:
        before.tail = (before.tail or "") + text


def drop_tree(element: Element) -> None:
    """Remove ``element`` and everything in it; the text after it stays."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        _append_text(parent, element.getprevious(), element.tail)
    parent.remove(element)


def drop_tag(element: Element) -> None:
    """Unwrap ``element``: its text and children take its place."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.text:
        _append_text(parent, previous, element.text)
    if element.tail:
        if len(element):
            last = element[-1]
            last.tail = (last.tail or "") + element.tail
        else:
            _append_text(parent, previous, element.tail)
    index = parent.index(element)
    parent[index : index + 1] = list(element)


def replace_with_text(element: Element, text: str) -> None:
    """Put ``text`` where ``element`` was and remove it."""
    element.tail = text + (element.tail or "")
    drop_tree(element)


def move_content(source: Element, target: Element) -> None:
    """Append ``source``'s text and children to the end of ``target``."""
    if source.text:
        _append_text(target, target[-1] if len(target) else None, source.text)
    for child in list(source):
        target.append(child)
