"""External Pages: a source's documents become Fin content under one Content Import Source."""

from __future__ import annotations

from ingest.targets.external_pages.planning import NAME, ExternalPagesPlanner, requires_url
from ingest.targets.external_pages.sending import ExternalPagesSender

__all__ = ["NAME", "ExternalPagesPlanner", "ExternalPagesSender", "requires_url"]
