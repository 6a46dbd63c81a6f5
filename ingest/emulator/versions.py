"""The API version each request speaks, and what that version's answers show.

Like Intercom, the emulator answers every request in the version its ``Intercom-Version``
header names, else in the app's default version (:attr:`EmulatorConfig.api_version`). It
models three: 2.15, 2.16 and Preview (``Unstable`` before it was renamed). Older versions the
header may name are answered as 2.15, the oldest it models; a name that is no version at all
is a 400 ``intercom_version_invalid``, as the real API answers it.

What a version lets a request say and an answer show comes from :mod:`ingest.api_versions`;
the shapes of answers are checked against each version's published description by the
emulator's tests, so a wrong flag there shows up as a broken contract, not as two sides that
agree on a mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ingest.api_versions import ApiFeatures, features_of
from ingest.emulator.errors import ApiProblem

#: Header values answered as 2.15: the versions before it (the 2.15 description's own list).
_UP_TO_2_15 = frozenset(["1.0", "1.1", "1.2", "1.3", "1.4", *(f"2.{minor}" for minor in range(16))])
#: Every other header value the emulator accepts, and the version it names.
_NAMED: Mapping[str, str] = {
    "2.16": "2.16",
    "Preview": "Preview",
    "preview": "Preview",
    "Unstable": "Preview",
}

#: Fields of articles and internal articles that 2.16 added to their answers.
ARTICLE_2_16_FIELDS = (
    "ai_chatbot_availability",
    "ai_copilot_availability",
    "ai_sales_agent_availability",
    "body_markdown",
)
#: Fields of article answers that 2.16 replaced with ``parent_ids``.
ARTICLE_2_15_PARENT_FIELDS = ("parent_id", "parent_type")

_FEATURES = web.RequestKey("emulator_api_features", ApiFeatures)


def features_named(header: str) -> ApiFeatures | None:
    """The version an ``Intercom-Version`` value names, or ``None`` when it names none."""
    if header in _UP_TO_2_15:
        return features_of("2.15")
    version = _NAMED.get(header)
    return None if version is None else features_of(version)


def settle_version(request: web.Request, default: ApiFeatures) -> ApiFeatures:
    """Read the request's version once (``default`` when it names none) and keep it on the request.

    Raises the 400 ``intercom_version_invalid`` for a header that names no version.
    """
    header = request.headers.get("Intercom-Version")
    features = default if header is None else features_named(header)
    if features is None:
        raise ApiProblem(400, "intercom_version_invalid", "The requested version could not be found")
    request[_FEATURES] = features
    return features


def version_of(request: web.Request) -> ApiFeatures:
    """The version ``request`` speaks (set by the ``check_version`` middleware)."""
    return request[_FEATURES]


def article_shape(body: dict[str, Any], features: ApiFeatures) -> dict[str, Any]:
    """An article's full record as ``features``' version shows it: 2.16 and later name parents
    in ``parent_ids`` only and add availability and ``body_markdown``; 2.15 shows neither addition."""
    hidden = ARTICLE_2_15_PARENT_FIELDS if features.article_parent_ids else ()
    if not features.article_availability:
        hidden = (*hidden, *ARTICLE_2_16_FIELDS)
    return {name: value for name, value in body.items() if name not in hidden}


def internal_article_shape(body: dict[str, Any], features: ApiFeatures) -> dict[str, Any]:
    """An internal article's full record as ``features``' version shows it (2.15: no availability,
    no ``body_markdown``)."""
    if features.article_availability:
        return body
    return {name: value for name, value in body.items() if name not in ARTICLE_2_16_FIELDS}
