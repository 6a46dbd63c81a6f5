"""The list a section page with no text of its own shows (``empty_sections = "list"``).

Sites' list templates show each child page's link and its description (Hugo's list pages,
Docusaurus' category cards); every dialect writes that list the same way, one item a page:
``- [Title](<path>): description``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_BRACKETS = re.compile(r"([\[\]])")
_ANGLES = re.compile(r"([<>])")


def listed_page(title: str, target: str, description: str | None = None) -> str:
    """One item of a section's list: a link to ``target`` (a source path relative to the section's
    page, which the site resolves like any link) reading ``title``, then ``description`` on the
    same line when there is one."""
    text = _BRACKETS.sub(r"\\\1", " ".join(title.split()))
    destination = _ANGLES.sub(r"\\\1", target)
    link = f"- [{text}](<{destination}>)"
    described = " ".join(description.split()) if description else ""
    return f"{link}: {described}" if described else link


def description_of(front: Mapping[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` (``description`` by default) that front matter gives as text."""
    for key in keys or ("description",):
        value = front.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None
