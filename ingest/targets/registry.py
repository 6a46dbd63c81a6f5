"""Every target fin-ingest can sync into, declared once: name, settings table, and its two halves.

``ingest.settings`` checks a source's ``targets`` and target tables against this registry;
``ingest.runner`` builds targets from it (:func:`target_halves`). Adding a target is a
package of its own under ``ingest/targets/`` and one entry in :data:`TARGETS`.

Reading the configuration loads only each target's ``settings`` module; a target's halves
(which bring in the HTTP client) are imported when a target is first built.

Targets are built in, not found by entry point as connectors are: a target must keep the
state guarantees (every success recorded, creates that cannot be retried preceded by an
intent) and be served by the emulator the tests run against, and its contract is still
growing. Opening this to third parties later is one entry-point group read here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from ingest.targets.articles import settings as articles
from ingest.targets.external_pages import settings as external_pages
from ingest.targets.internal_articles import settings as internal_articles

if TYPE_CHECKING:
    from ingest.api_versions import ApiFeatures
    from ingest.intercom import IntercomClient
    from ingest.state import TargetStore
    from ingest.targets.base import TargetPlanner, TargetSender
    from ingest.targets.source_keys import SourceKeys

PlannerT = TypeVar("PlannerT", bound="TargetPlanner")
TableT = TypeVar("TableT")


def _nothing_to_check(settings: SourceKeys) -> str | None:
    return None


def _nothing_to_check_for_version(settings: SourceKeys, table: Any, features: ApiFeatures) -> str | None:
    return None


@dataclass(frozen=True)
class TargetHalves(Generic[PlannerT, TableT]):
    """How a target's two halves are built."""

    #: The pure half, from the source's settings, the validated table (None without a model) and
    #: what the configured API version lets a request say.
    planner: Callable[[SourceKeys, TableT, ApiFeatures], PlannerT]
    #: The sending half, from the planning half, the client and the target's own state.
    sender: Callable[[PlannerT, IntercomClient, TargetStore], TargetSender]


@dataclass(frozen=True)
class TargetSpec:
    """One target: what it is called, what configures it, and how its halves are loaded."""

    name: str
    #: The model of its ``[sources.<name>.<target>]`` table, required when the target is listed;
    #: None when the target has no table (its keys, if any, are the source's own).
    settings_model: type[BaseModel] | None
    #: Imports and returns the halves (called once, when the target is first built).
    halves: Callable[[], TargetHalves[Any, Any]]
    #: Why the source's own keys cannot feed this target ("url: required for ..."), or None.
    check: Callable[[SourceKeys], str | None] = _nothing_to_check
    #: Why the source's keys and the target's validated table ask what the configured API version
    #: cannot do ("ai_copilot: Intercom API 2.15 cannot ..."), or None.
    check_version: Callable[[SourceKeys, Any, ApiFeatures], str | None] = _nothing_to_check_for_version


def _external_pages() -> TargetHalves[Any, Any]:
    from ingest.targets.external_pages.planning import ExternalPagesPlanner
    from ingest.targets.external_pages.sending import ExternalPagesSender

    return TargetHalves(ExternalPagesPlanner.from_settings, ExternalPagesSender)


def _articles() -> TargetHalves[Any, Any]:
    from ingest.targets.articles.planning import ArticlesPlanner
    from ingest.targets.articles.sending import ArticlesSender

    return TargetHalves(ArticlesPlanner.from_settings, ArticlesSender)


def _internal_articles() -> TargetHalves[Any, Any]:
    from ingest.targets.internal_articles.planning import InternalArticlesPlanner
    from ingest.targets.internal_articles.sending import InternalArticlesSender

    return TargetHalves(InternalArticlesPlanner.from_settings, InternalArticlesSender)


TARGETS: tuple[TargetSpec, ...] = (
    TargetSpec(
        name=external_pages.NAME,
        settings_model=None,
        halves=_external_pages,
        check=external_pages.requires_url,
    ),
    TargetSpec(name=articles.NAME, settings_model=articles.ArticlesSettings, halves=_articles),
    TargetSpec(
        name=internal_articles.NAME,
        settings_model=internal_articles.InternalArticlesSettings,
        halves=_internal_articles,
        check_version=internal_articles.check_version,
    ),
)

_BY_NAME: Mapping[str, TargetSpec] = {spec.name: spec for spec in TARGETS}


def target_names() -> tuple[str, ...]:
    """The names a source's ``targets`` may list, in the order they are declared."""
    return tuple(_BY_NAME)


def target_spec(name: str) -> TargetSpec:
    """The declaration of the target ``name`` (a name the settings have checked)."""
    return _BY_NAME[name]


@cache
def target_halves(name: str) -> TargetHalves[Any, Any]:
    """How the target ``name``'s halves are built, its modules imported on the first call."""
    return target_spec(name).halves()
