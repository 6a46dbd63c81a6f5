"""The Intercom API versions fin-ingest speaks, and what each lets a request say.

One table, so that configuration checks, planners, the client and the emulator ask the
same question ("can this version set Fin for sales on a page?") and get the same answer.
It imports nothing of fin-ingest, like :mod:`ingest.api_defaults`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

#: A version fin-ingest speaks, as sent in the ``Intercom-Version`` header.
ApiVersion = Literal["2.15", "2.16", "Preview"]
SUPPORTED_API_VERSIONS: tuple[ApiVersion, ...] = get_args(ApiVersion)


@dataclass(frozen=True, slots=True)
class ApiFeatures:
    """What requests and responses of one API version can carry (API-NOTES.md, the descriptions)."""

    version: ApiVersion
    #: ``ai_sales_agent_availability`` in ``POST /ai/external_pages`` (Preview, 2.17 docs).
    sales_agent_on_external_pages: bool
    #: ``POST /content/bulk_actions`` (``set_availability``, ``update_tags``; up to 1,000 items).
    bulk_actions: bool
    #: ``GET /ai/external_pages?source_id=..&external_id=..`` finds one page (Preview).
    external_page_lookup: bool
    #: Availability flags and ``audience_ids`` on articles and internal articles (2.16).
    article_availability: bool
    #: Article responses name their parents in ``parent_ids`` only (2.16), without 2.15's
    #: ``parent_id`` and ``parent_type``.
    article_parent_ids: bool
    #: The three availability flags in ``PUT /ai/external_pages/{id}`` (Preview, 2.17 docs); before,
    #: that update knows only the deprecated ``fin_availability``.
    availability_on_external_page_put: bool
    #: ``update_tags`` in ``POST /content/bulk_actions`` puts existing tags on External Pages
    #: (``external_content``), articles (``article``) and internal articles (2.16); no request of
    #: 2.15 tags content.
    content_tags: bool = False
    #: Internal article answers carry their ``tags`` (Preview); article answers carry them in every
    #: version, External Page answers in none.
    internal_article_tags: bool = False
    #: ``/audiences``: list, create, retrieve and update audiences, so that they can be named in
    #: configuration and found by name (Preview; neither the 2.15 nor the 2.16 description has it).
    #: A Content Import Source's ``audience_ids`` are in every version.
    audiences: bool = False

    @property
    def fin_for_sales(self) -> bool:
        """Whether some request of this version can make content available to Fin for sales."""
        return self.sales_agent_on_external_pages or self.bulk_actions or self.article_availability


API_FEATURES: Mapping[ApiVersion, ApiFeatures] = MappingProxyType(
    {
        "2.15": ApiFeatures(
            "2.15",
            sales_agent_on_external_pages=False,
            bulk_actions=False,
            external_page_lookup=False,
            article_availability=False,
            article_parent_ids=False,
            availability_on_external_page_put=False,
            content_tags=False,
            internal_article_tags=False,
            audiences=False,
        ),
        "2.16": ApiFeatures(
            "2.16",
            sales_agent_on_external_pages=False,
            bulk_actions=True,
            external_page_lookup=False,
            article_availability=True,
            article_parent_ids=True,
            availability_on_external_page_put=False,
            content_tags=True,
            internal_article_tags=False,
            audiences=False,
        ),
        "Preview": ApiFeatures(
            "Preview",
            sales_agent_on_external_pages=True,
            bulk_actions=True,
            external_page_lookup=True,
            article_availability=True,
            article_parent_ids=True,
            availability_on_external_page_put=True,
            content_tags=True,
            internal_article_tags=True,
            audiences=True,
        ),
    }
)


def features_of(version: str) -> ApiFeatures:
    """The features of ``version``; a version fin-ingest does not speak raises ValueError."""
    if version not in API_FEATURES:
        supported = ", ".join(SUPPORTED_API_VERSIONS)
        raise ValueError(f"api_version must be one of {supported}, got {version!r}")
    return API_FEATURES[version]  # type: ignore[index]
