"""Headings that lost what they headed when macros were removed.

A space's home page reads "Space contributors" over a contributors macro; a page opens with
"Contents" over its table of contents. Once such a macro is removed the heading heads
nothing, and a reader of the wiki never saw it alone. While mapping, a removed macro leaves
a marker where it stood (:func:`mark_removed`); afterwards (:func:`drop_orphan_headings`) a
heading goes when it is itself empty (its only content was a macro, an anchor, an unknown
emoticon), or when its section (what follows it up to the next heading of its level or
above, within its parent) holds a marker and nothing to read. A heading the author left
over an empty section, where no macro was removed, stays: readers see it too.
"""

from __future__ import annotations

from lxml import etree

from connectors.confluence_export.tree import Element, drop_tree

#: The tag of the marker a removed macro leaves; no HTML element has it.
REMOVED = "confluence-macro-removed"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CONTENT_TAGS = ("img", "table", "hr", "pre")


def holds_content(element: Element) -> bool:
    """Whether ``element`` holds anything to read: text, an image, a table, a rule or code."""
    return any(text.strip() for text in element.itertext(with_tail=False)) or (
        next(element.iter(*_CONTENT_TAGS), None) is not None
    )


def mark_removed(element: Element) -> None:
    """Remove a macro's output, leaving a marker where it stood (its tail stays in place)."""
    marker = etree.Element(REMOVED)
    marker.tail = element.tail
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, marker)


def drop_orphan_headings(main: Element) -> None:
    """Remove the headings left empty or heading nothing (see the module docstring), then the markers."""
    for heading in reversed(list(main.iter(*_HEADINGS))):
        if heading.getparent() is None:
            continue
        if not holds_content(heading) or _heads_only_removed(heading):
            drop_tree(heading)
    etree.strip_elements(main, REMOVED, with_tail=False)


def _heads_only_removed(heading: Element) -> bool:
    if (heading.tail or "").strip():
        return False
    level = int(str(heading.tag)[1])
    removed = False
    for sibling in heading.itersiblings():
        tag = sibling.tag
        if isinstance(tag, str) and tag in _HEADINGS and int(tag[1]) <= level:
            break
        if holds_content(sibling) or (sibling.tail or "").strip():
            return False
        removed = removed or tag == REMOVED or next(sibling.iter(REMOVED), None) is not None
    return removed
