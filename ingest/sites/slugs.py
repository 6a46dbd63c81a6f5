"""Heading ids as docs sites make them, so that ``page#anchor`` links land where the site's do.

Two families cover the sites fin-ingest reads: GitHub's (github-slugger, used by Docusaurus,
and Hugo's default ``autoHeadingIDType = "github"``) and Python-Markdown's ``toc`` extension
(MkDocs' default ``slugify``). Each takes the ids already used on the page, so a repeated
heading gets the suffix the site would give it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

_KEPT_PUNCTUATION = frozenset("-_ ")
_TOC_UNWANTED = re.compile(r"[^\w\s-]")
_TOC_SEPARATORS = re.compile(r"[-\s]+")


def github_slug(text: str, taken: Collection[str] = ()) -> str:
    """github-slugger: lower case; letters, marks, digits, ``_``, ``-`` and spaces kept, spaces
    made ``-``, everything else dropped; a repeat gets ``-1``, ``-2``..."""
    kept = "".join(
        char
        for char in text.lower()
        if char in _KEPT_PUNCTUATION or unicodedata.category(char)[0] in ("L", "M", "N")
    )
    return unique(kept.replace(" ", "-"), taken)


def toc_slug(text: str, taken: Collection[str] = ()) -> str:
    """Python-Markdown's ``toc.slugify``: decomposed to ASCII, word characters, spaces and hyphens
    kept, lower case, runs of spaces and hyphens made one ``-``; a repeat gets ``_1``, ``_2``..."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _TOC_SEPARATORS.sub("-", _TOC_UNWANTED.sub("", ascii_text).strip().lower())
    return unique(slug, taken, separator="_")


def unique(slug: str, taken: Collection[str], *, separator: str = "-") -> str:
    """``slug``, or ``slug`` with the first free numeric suffix when it is taken."""
    if slug not in taken:
        return slug
    number = 1
    while f"{slug}{separator}{number}" in taken:
        number += 1
    return f"{slug}{separator}{number}"
