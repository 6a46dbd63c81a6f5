"""The Intercom REST API client fin-ingest syncs through (API versions 2.15, 2.16 and Preview).

Nothing outside this package imports aiohttp exceptions or reads HTTP statuses: failures
arrive as :mod:`ingest.errors` (``AuthError``, ``RetryableApiError``, ``RejectedError``...).
"""

from __future__ import annotations

from ingest.api_defaults import DEFAULT_API_VERSION, REGION_URLS
from ingest.intercom.article_models import (
    ARTICLE_LOCALES,
    Admin,
    Article,
    ArticleContent,
    ArticleCreateRequest,
    ArticleTranslation,
    ArticleUpdateRequest,
    Collection,
    HelpCenter,
)
from ingest.intercom.audiences import Audience
from ingest.intercom.bulk_actions import (
    MAX_BULK_ITEMS,
    BulkAvailability,
    BulkTags,
    ContentBulkAction,
    ContentBulkActionRequest,
    ContentItem,
)
from ingest.intercom.client import IntercomClient
from ingest.intercom.models import ContentImportSource, ExternalPage, ExternalPageRequest, encode_json
from ingest.intercom.ratelimit import RateLimiter, RateLimitInfo
from ingest.intercom.transport import IntercomTransport

__all__ = [
    "ARTICLE_LOCALES",
    "DEFAULT_API_VERSION",
    "MAX_BULK_ITEMS",
    "REGION_URLS",
    "Admin",
    "Article",
    "ArticleContent",
    "ArticleCreateRequest",
    "ArticleTranslation",
    "ArticleUpdateRequest",
    "Audience",
    "BulkAvailability",
    "BulkTags",
    "Collection",
    "ContentBulkAction",
    "ContentBulkActionRequest",
    "ContentImportSource",
    "ContentItem",
    "ExternalPage",
    "ExternalPageRequest",
    "HelpCenter",
    "IntercomClient",
    "IntercomTransport",
    "RateLimitInfo",
    "RateLimiter",
    "encode_json",
]
