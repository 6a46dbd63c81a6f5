"""External Pages, as configuration knows them: the name, and what the source's own keys must hold.

The target has no table of its own: ``url`` (its Content Import Source), ``ai_agent`` and
``ai_copilot`` are keys of ``[sources.<name>]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ingest.targets.source_keys import SourceKeys

NAME: Final = "external_pages"


def requires_url(settings: SourceKeys) -> str | None:
    """Why a source's table cannot feed this target, naming the key; None when it can."""
    if settings.url is None:
        return "url: required for the external_pages target (it names the Content Import Source)"
    return None
