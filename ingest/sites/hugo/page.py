"""What a page's own front matter says: whether it is published, its title, what to keep of it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from ingest.sites.hugo.content import ContentFile

#: Front matter kept beside the page (JSON-representable), by its lower-cased key.
KEPT = ("description", "summary", "keywords", "tags", "categories", "aliases", "date", "lastmod", "linktitle")


def lowered(front: Mapping[str, Any]) -> dict[str, Any]:
    """Front matter with its keys lower-cased: Hugo reads them without case."""
    return {str(key).lower(): value for key, value in front.items()}


def unpublished(front: Mapping[str, Any]) -> str | None:
    """Why front matter alone keeps a page off the published site (a draft, a date in the
    future, an expiry date past: Hugo builds none of them by default), or None."""
    if front.get("draft") is True or str(front.get("draft")).lower() == "true":
        return "draft"
    today = datetime.now(UTC).date()
    publish = _day(front.get("publishdate") or front.get("date"))
    if publish is not None and publish > today:
        return f"to be published on {publish.isoformat()}"
    expiry = _day(front.get("expirydate"))
    if expiry is not None and expiry <= today:
        return f"expired on {expiry.isoformat()}"
    return None


def title_of(front: Mapping[str, Any], markdown: str, item: ContentFile) -> str:
    """``title``; without one, the page's first H1, else the title Hugo makes of its name."""
    title = front.get("title")
    if isinstance(title, (str, int, float)) and str(title).strip():
        return str(title).strip()
    for line in markdown.split("\n"):
        if line.startswith("# "):
            return line[2:].strip().rstrip("#").strip()
    return auto_title(item)


def auto_title(item: ContentFile) -> str:
    """The title Hugo gives a page whose front matter names none: its folder's or file's name."""
    words = (item.base_name or "Home").replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def metadata(front: Mapping[str, Any]) -> dict[str, Any]:
    """The front matter worth keeping beside the page, as JSON-representable values."""
    return {key: _plain(front[key]) for key in KEPT if key in front}


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            return None
    return None


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
