"""What an article is made of, derived from a converted page: description and collection path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

#: Intercom shows the description under the title in lists: a sentence or two.
DESCRIPTION_LIMIT = 240
_SPACES = re.compile(r"\s+")
#: get_text(" ") separates inline elements with a space: "<b>time</b>." would read "time ."
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,;:!?)])")


def description_for(html: str, declared: object) -> str:
    """Front matter ``description`` when given, else the first paragraph's text, trimmed at a
    word boundary to ``DESCRIPTION_LIMIT`` characters."""
    if isinstance(declared, str) and declared.strip():
        text = declared
    else:
        # Imported here: reading the settings loads every target's declaration, not the HTML parser.
        from bs4 import BeautifulSoup

        paragraph = BeautifulSoup(html, "lxml").find("p")
        text = paragraph.get_text(" ") if paragraph is not None else ""
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip()
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    cut = text[: DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def collection_path(locator: str, ancestors: object) -> tuple[str, ...]:
    """The collections an article sits in, below the source's root collection.

    A connector that knows the document's place in a tree gives ``ancestors`` (Confluence:
    the titles of the parent pages); otherwise the folders of its path become collections,
    their names written as a person would (``getting-started`` -> ``Getting started``).
    """
    if isinstance(ancestors, Sequence) and not isinstance(ancestors, str):
        return tuple(str(name).strip() for name in ancestors if str(name).strip())
    return tuple(_folder_title(part) for part in PurePosixPath(locator).parent.parts)


def _folder_title(folder: str) -> str:
    words = _SPACES.sub(" ", folder.replace("-", " ").replace("_", " ")).strip()
    return words[:1].upper() + words[1:] if words else folder
