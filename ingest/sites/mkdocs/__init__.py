"""The MkDocs dialect: sites built by MkDocs (and Material for MkDocs) from ``mkdocs.yml``.

:mod:`.config` reads the config, :mod:`.layout` sorts files into pages and partials and
gives URLs and languages, :mod:`.blog` places Material's blog posts and :mod:`.excerpts`
shows them on the blog's index, :mod:`.pages` reads a
page's front matter, title and whether it says anything, :mod:`.includes` inlines snippets,
:mod:`.macros` reduces mkdocs-macros' Jinja, :mod:`.blocks`, :mod:`.html` and :mod:`.inline`
rewrite pymdownx and Material syntax (:mod:`.lines` knows code fences), :mod:`.links`
resolves links, and :mod:`.site` puts them together as a :class:`~ingest.sites.contract.Site`.
"""

from __future__ import annotations

from typing import ClassVar

from ingest.errors import ConnectorError
from ingest.sites.contract import Site, SiteFiles, SiteSettings
from ingest.sites.mkdocs.config import read_config
from ingest.sites.mkdocs.site import MkDocsSite
from ingest.sites.recognition import is_mkdocs_site, mkdocs_config

__all__ = ["MkDocsDialect", "MkDocsSite"]


class MkDocsDialect:
    """:class:`~ingest.sites.contract.Dialect` of MkDocs sites."""

    name: ClassVar[str] = "mkdocs"

    #: ``mkdocs.yml`` (or ``.yaml``) at the root, or one config a few folders down
    #: (``docs/mkdocs.yml``; with one per language, ``docs/en/mkdocs.yml``); told without importing this.
    recognises = staticmethod(is_mkdocs_site)

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        path = mkdocs_config(frozenset(files.paths()))
        if path is None:
            raise ConnectorError("no mkdocs.yml found: not an MkDocs site")
        config = await read_config(files, path)
        inside = config.docs_dir + "/" if config.docs_dir else ""
        if not any(each.startswith(inside) for each in files.paths()):
            raise ConnectorError(
                f"{path}: docs_dir {config.raw.get('docs_dir', 'docs')!r} is no folder of the source "
                "(MkDocs would stop too)"
            )
        return MkDocsSite(files, settings, config)
