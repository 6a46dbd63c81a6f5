"""Every target fin-ingest can sync into, declared once: name, settings table, and its two halves.

``ingest.settings`` checks a source's ``targets`` and target tables against this registry;
``ingest.runner`` builds targets from it. Adding a target is a package of its own under
``ingest/targets/`` and one entry in :data:`TARGETS`.

Targets are built in, not found by entry point as connectors are: a target must keep the
state guarantees (every success recorded, creates that cannot be retried preceded by an
intent) and be served by the emulator the tests run against, and its contract is still
growing. Opening this to third parties later is one entry-point group read here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from ingest.intercom import IntercomClient
from ingest.state import StateStore, TargetStore
from ingest.targets import articles, external_pages
from ingest.targets.base import BoundTarget, Target, TargetPlanner, TargetSender

if TYPE_CHECKING:
    from ingest.config import Source
    from ingest.settings import SourceSettings

PlannerT = TypeVar("PlannerT", bound=TargetPlanner)
TableT = TypeVar("TableT")


def _nothing_to_check(settings: SourceSettings) -> str | None:
    return None


@dataclass(frozen=True)
class TargetSpec(Generic[PlannerT, TableT]):
    """One target: what it is called, what configures it, and how its halves are built."""

    name: str
    #: The model of its ``[sources.<name>.<target>]`` table, required when the target is listed;
    #: None when the target has no table (its keys, if any, are the source's own).
    settings_model: type[BaseModel] | None
    #: The pure half, from the source's settings and the validated table (None without a model).
    planner: Callable[[SourceSettings, TableT], PlannerT]
    #: The sending half, from the planning half, the client and the target's own state.
    sender: Callable[[PlannerT, IntercomClient, TargetStore], TargetSender]
    #: Why the source's own keys cannot feed this target ("url: required for ..."), or None.
    check: Callable[[SourceSettings], str | None] = _nothing_to_check


TARGETS: tuple[TargetSpec[Any, Any], ...] = (
    TargetSpec(
        name=external_pages.NAME,
        settings_model=None,
        planner=external_pages.ExternalPagesPlanner.from_settings,
        sender=external_pages.ExternalPagesSender,
        check=external_pages.requires_url,
    ),
    TargetSpec(
        name=articles.NAME,
        settings_model=articles.ArticlesSettings,
        planner=articles.ArticlesPlanner.from_settings,
        sender=articles.ArticlesSender,
    ),
)

_BY_NAME: Mapping[str, TargetSpec[Any, Any]] = {spec.name: spec for spec in TARGETS}


def target_names() -> tuple[str, ...]:
    """The names a source's ``targets`` may list, in the order they are declared."""
    return tuple(_BY_NAME)


def target_spec(name: str) -> TargetSpec[Any, Any]:
    """The declaration of the target ``name`` (a name the settings have checked)."""
    return _BY_NAME[name]


def build_target(name: str, source: Source, client: IntercomClient | None, state: StateStore) -> Target:
    """The target ``name`` of ``source``; without a client, one that can only plan."""
    spec = target_spec(name)
    planner = spec.planner(source.settings, source.target_tables.get(name))
    sender = spec.sender(planner, client, state.target(source.name, name)) if client is not None else None
    return BoundTarget(planner, sender)
