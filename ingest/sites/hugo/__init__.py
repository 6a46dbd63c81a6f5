"""The Hugo dialect: a site with ``hugo.toml`` (or ``config.*``, ``config/_default/``) and ``content/``.

:class:`HugoDialect` recognises and opens such a source; the modules beside it hold one job
each: :mod:`.config` (the site's settings), :mod:`.content` (which files are pages, in which
language), :mod:`.urls` (where Hugo publishes a page), :mod:`.shortcodes` and :mod:`.render`
(site syntax made standard Markdown), :mod:`.links` (where links land), :mod:`.site` (the
``Site`` the connectors consult).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from ingest.sites.contract import Site, SiteFiles, SiteSettings
from ingest.sites.hugo.config import has_config, read_config
from ingest.sites.hugo.site import HugoSite

__all__ = ["HugoDialect", "HugoSite"]


class HugoDialect:
    """``Dialect`` of Hugo sites."""

    name: ClassVar[str] = "hugo"

    @staticmethod
    def recognises(paths: Collection[str]) -> bool:
        """A Hugo configuration at the root and a ``content/`` folder; a bare ``config.toml``
        counts only without the ``templates/`` folder of a Zola site."""
        listed = set(paths)
        has_content = any(path.startswith("content/") for path in listed)
        if not has_content or not has_config(listed):
            return False
        if any(name in listed for name in ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")):
            return True
        if any(path.startswith("config/_default/") for path in listed):
            return True
        hugo_folders = ("layouts/", "archetypes/", "themes/", "assets/", "static/")
        zola = any(path.startswith("templates/") for path in listed)
        return not zola or any(path.startswith(hugo_folders) for path in listed)

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        """The site, its configuration and bundle pages read."""
        site = HugoSite(files, settings, await read_config(files))
        await site.load_bundles()
        return site
