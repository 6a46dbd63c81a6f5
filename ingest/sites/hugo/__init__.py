"""The Hugo dialect: a site with ``hugo.toml`` (or ``config.*``, ``config/_default/``) and ``content/``.

:class:`HugoDialect` recognises and opens such a source; the modules beside it hold one job
each: :mod:`.config` (the site's settings), :mod:`.content` (which files are pages, in which
language), :mod:`.urls` (where Hugo publishes a page), :mod:`.shortcodes` and :mod:`.render`
(site syntax made standard Markdown), :mod:`.links` (where links land), :mod:`.site` (the
``Site`` the connectors consult).
"""

from __future__ import annotations

from typing import ClassVar

from ingest.sites.contract import Site, SiteFiles, SiteSettings
from ingest.sites.hugo.config import read_config
from ingest.sites.hugo.site import HugoSite
from ingest.sites.recognition import is_hugo_site

__all__ = ["HugoDialect", "HugoSite"]


class HugoDialect:
    """``Dialect`` of Hugo sites."""

    name: ClassVar[str] = "hugo"

    #: A Hugo configuration at the root and a ``content/`` folder (told without importing this).
    recognises = staticmethod(is_hugo_site)

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        """The site, its configuration and bundle pages read."""
        site = HugoSite(files, settings, await read_config(files))
        await site.load_bundles()
        return site
