"""How a task-list checkbox reads once it is text: Intercom shows no ``<input>``.

The converter's HTML and Markdown task lists and the Confluence export's task macros all
write a checkbox this way, so a checklist reads the same whatever its source.
"""

from __future__ import annotations

CHECKED_BOX = "\u2611"
UNCHECKED_BOX = "\u2610"


def checkbox_text(checked: bool, following: str) -> str:
    """The visible prefix that replaces a task-list checkbox, spaced from the text after it."""
    box = CHECKED_BOX if checked else UNCHECKED_BOX
    return box if following[:1].isspace() else box + " "
