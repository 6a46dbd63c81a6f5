"""What Notion's file and folder names say: the page id at their end, the title before it.

Notion names every page file ``Title <32 hex>.html`` (or ``.md``), the folder of its subpages
``Title <32 hex>`` (older HTML exports: ``Title``), a database's CSV ``Title <32 hex>.csv`` and,
in newer exports, the same rows again as ``Title <32 hex>_all.csv``. The id is a page's identity:
it stays when the page is renamed or moved, while the title in the name may be cut short or
stripped of characters a file name cannot hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAMED = re.compile(r"^(?P<title>.*?)\s*(?P<id>[0-9a-f]{32})(?P<all>_all)?$")
_ID_IN_TEXT = re.compile(
    r"(?<![0-9a-f])([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f])"
)
PAGE_SUFFIXES = (".html", ".md")
TABLE_SUFFIX = ".csv"


@dataclass(frozen=True, slots=True)
class Name:
    """One file or folder name, read."""

    title: str
    page_id: str | None
    suffix: str
    #: ``_all.csv``: the database's every row, where ``.csv`` may hold only its default view.
    all_rows: bool = False


def read_name(name: str) -> Name:
    """The title, id and suffix a file or folder name carries (an id only where Notion put one)."""
    stem, suffix = name, ""
    lowered = name.lower()
    for known in (*PAGE_SUFFIXES, TABLE_SUFFIX):
        if lowered.endswith(known):
            stem, suffix = name[: -len(known)], known
            break
    match = _NAMED.match(stem)
    if match is None or (match["all"] and suffix != TABLE_SUFFIX):
        return Name(title=stem.strip(), page_id=None, suffix=suffix)
    return Name(title=match["title"].strip(), page_id=match["id"], suffix=suffix, all_rows=bool(match["all"]))


def id_in(text: str) -> str | None:
    """The last page id in a Notion URL or path (``Title-<id>``, ``<id>?pvs=4``, dashed or not)."""
    found = _ID_IN_TEXT.findall(text.lower())
    return found[-1].replace("-", "") if found else None


def dashed(page_id: str) -> str:
    """The id as a UUID, ``8-4-4-4-12``, the form Notion's API and some URLs use."""
    return f"{page_id[:8]}-{page_id[8:12]}-{page_id[12:16]}-{page_id[16:20]}-{page_id[20:]}"


def title_slug(title: str) -> str:
    """The title as Notion writes it before the id in a page URL (``Getting-started``)."""
    return "-".join(re.findall(r"\w+", title))
