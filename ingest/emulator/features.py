"""What a request's ``Intercom-Version`` lets it say, as :mod:`ingest.api_versions` tables it.

The emulator answers a version fin-ingest does not speak (an older one, or no header) as 2.15:
none of the fields and endpoints later versions added.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web

from ingest.api_versions import ApiFeatures, features_of
from ingest.emulator.wire import optional

#: The availability flags of an article's and an internal article's requests (2.16).
ARTICLE_AVAILABILITY: Final = (
    "ai_chatbot_availability",
    "ai_copilot_availability",
    "ai_sales_agent_availability",
)


def features_of_request(request: web.Request) -> ApiFeatures:
    """The features of the version ``request`` names in its ``Intercom-Version`` header."""
    try:
        return features_of(request.headers.get("Intercom-Version", "2.15"))
    except ValueError:
        return features_of("2.15")


def availability_fields(request: web.Request, body: dict[str, Any]) -> dict[str, bool]:
    """The availability flags an article's or internal article's request sets, where its version
    has them (2.16 and later); before, they are ignored as unknown fields."""
    if not features_of_request(request).article_availability:
        return {}
    return {name: value for name in ARTICLE_AVAILABILITY if (value := optional(body, name, bool)) is not None}


def shaped(request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
    """An article's or internal article's JSON as the request's version shapes it: without the
    availability flags before 2.16."""
    if features_of_request(request).article_availability:
        return body
    return {name: value for name, value in body.items() if name not in ARTICLE_AVAILABILITY}
