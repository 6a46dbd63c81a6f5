"""The Obsidian dialect: a vault (or one vault per language folder) published with Obsidian Publish.

* :mod:`.vault`: where the vaults are, what each file is, where a note is published;
* :mod:`.lines`: code, comments, headings and blocks of Obsidian Markdown, line by line;
* :mod:`.notes`: a vault's files found by link paths, notes as other notes see them;
* :mod:`.render`: Obsidian Markdown (callouts, wikilinks, embeds...) as standard Markdown;
* :mod:`.links`: links and heading anchors as Publish writes them;
* :mod:`.site`: the :class:`~ingest.sites.contract.Site` tying them together.
"""

from __future__ import annotations

from typing import ClassVar

from ingest.sites.contract import Site, SiteFiles, SiteSettings
from ingest.sites.obsidian.site import ObsidianSite
from ingest.sites.obsidian.vault import read_layout
from ingest.sites.recognition import is_obsidian_vault

__all__ = ["ObsidianDialect", "ObsidianSite"]


class ObsidianDialect:
    """Obsidian vaults: ``.obsidian/`` (or Publish's ``publish.css``) at the root or in top-level
    folders."""

    name: ClassVar[str] = "obsidian"

    #: ``.obsidian/`` or ``publish.css`` at the root or in a top-level folder (told without importing this).
    recognises = staticmethod(is_obsidian_vault)

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        return ObsidianSite(files, settings, await read_layout(files, settings))
