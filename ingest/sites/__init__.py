"""Docs-site dialects for Markdown sources: Hugo, Docusaurus, MkDocs, Obsidian, plain.

:mod:`.contract` holds the Protocols and plain objects every dialect keeps to; each dialect is
a module of its own (:mod:`.hugo`, :mod:`.docusaurus`, :mod:`.mkdocs`, :mod:`.obsidian`,
:mod:`.plain`), named in :data:`.registry.DIALECTS` and imported only when a source uses it.
"""

from __future__ import annotations

from ingest.sites.contract import (
    Dialect,
    NotAPage,
    PageProblem,
    PreparedPage,
    ResolvedLink,
    Role,
    ShownField,
    Site,
    SiteFiles,
    SiteLinks,
    SiteSettings,
)

__all__ = [
    "Dialect",
    "NotAPage",
    "PageProblem",
    "PreparedPage",
    "ResolvedLink",
    "Role",
    "ShownField",
    "Site",
    "SiteFiles",
    "SiteLinks",
    "SiteSettings",
]
