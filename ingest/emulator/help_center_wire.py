"""Request plumbing of the Help Center endpoints: cursor pages, nullable fields, translated content.

Collection and article lists (and article search) page with the spec's ``cursor_pages``:
``pages.next`` is ``{"per_page": n, "starting_after": "<cursor>"}``, and the next request
sends both as query parameters. The cursor names the last item of a page by its
``(updated_at, id)``, so an item updated while a client pages through the list moves to
the front without making the client skip another one. ``?page=N`` works as well.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from aiohttp import web

from ingest.emulator.errors import invalid, not_found
from ingest.emulator.help_center_store import Translations
from ingest.emulator.wire import page_params, typed

#: Locale keys of ``article_translated_content`` and ``group_translated_content`` in the 2.15 spec.
#: Kept apart from the client's ``ARTICLE_LOCALES`` on purpose: the emulator stands in for
#: Intercom, so it must not learn the contract from the client it tests (a test checks both
#: lists against the spec).
LOCALES: tuple[str, ...] = (
    "ar",
    "bg",
    "bs",
    "ca",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "he",
    "hr",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "lt",
    "lv",
    "mn",
    "nb",
    "nl",
    "pl",
    "pt",
    "ro",
    "ru",
    "sl",
    "sr",
    "sv",
    "tr",
    "vi",
    "pt-BR",
    "zh-CN",
    "zh-TW",
)


class _Dated(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def updated_at(self) -> int: ...


_Item = TypeVar("_Item", bound=_Dated)


def _cursor(item: _Dated) -> str:
    return base64.urlsafe_b64encode(f"{item.updated_at}:{item.id}".encode()).decode("ascii")


def _position(cursor: str) -> tuple[int, int]:
    try:
        updated_at, item_id = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii").split(":")
        return int(updated_at), int(item_id)
    except (ValueError, UnicodeError, binascii.Error):
        raise invalid("starting_after", "starting_after is not a cursor this API gave") from None


def cursor_window(
    request: web.Request, items: Sequence[_Item], default_per_page: int
) -> tuple[list[_Item], dict[str, Any]]:
    """The page of ``items`` (sorted newest first) the query asks for, and its ``cursor_pages`` object."""
    page, per_page = page_params(request, default_per_page)
    cursor = request.query.get("starting_after")
    if cursor:
        after = _position(cursor)
        start = next((i for i, item in enumerate(items) if (item.updated_at, item.id) < after), len(items))
    else:
        start = (page - 1) * per_page
    window = list(items[start : start + per_page])
    pages: dict[str, Any] = {
        "type": "pages",
        "page": start // per_page + 1,
        "per_page": per_page,
        "total_pages": max(1, math.ceil(len(items) / per_page)),
    }
    if window and start + per_page < len(items):
        pages["next"] = {"per_page": per_page, "starting_after": _cursor(window[-1])}
    return window, pages


def path_id(request: web.Request, key: str) -> int:
    """The integer id in the path (``{key}``); anything else is a 404, as for an unknown id."""
    raw = request.match_info[key]
    if not raw.isascii() or not raw.isdigit():
        raise not_found()
    return int(raw)


def nullable(body: Mapping[str, Any], name: str, kind: type) -> Any:
    """``body[name]`` if present and not null (else ``None``), checked to be of type ``kind``."""
    return None if body.get(name) is None else typed(body, name, kind)


def numeric_id(name: str, value: str) -> int:
    """A string id (``"12"``) as an integer; 400 naming ``name`` if it is not one."""
    if not value.isascii() or not value.isdigit():
        raise invalid(name, f"{name} must be the id of an existing collection")
    return int(value)


def translated_content(body: Mapping[str, Any], fields: Mapping[str, type]) -> Translations:
    """``body["translated_content"]`` checked: known locales, objects, ``fields`` of the right type.

    Only the given fields are kept; read-only ones (``type``, times, ``url``) are ignored,
    like the object's own ``type`` tag. A locale set to null is left out (kept as it is).
    """
    value = body.get("translated_content")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("translated_content", "translated_content must be an object keyed by locale")
    result: Translations = {}
    for locale, content in value.items():
        prefix = f"translated_content.{locale}"
        if locale == "type" or content is None:
            continue
        if locale not in LOCALES:
            raise invalid(prefix, f"{locale} is not a supported locale (one of: {', '.join(LOCALES)})")
        if not isinstance(content, dict):
            raise invalid(prefix, f"{prefix} must be an object")
        result[locale] = {
            name: typed({f"{prefix}.{name}": content[name]}, f"{prefix}.{name}", kind)
            for name, kind in fields.items()
            if name in content
        }
    return result
