"""Which pages of a docs site's folder a changed path affects, for the watch daemon.

The daemon's connector is not the one that scans, so it learns the site itself: when the daemon
starts observing the folder (and after the kernel lost events) it lists every file and opens the
site, then keeps the set of pages up to date as pages come and go. An edit to a page affects that
page; any other change the scan would see (a partial, the config, an asset, a page created,
removed or renamed) affects the whole source, since it may change how every page reads; an
editor's temporary files affect nothing. In a site stating what its pages show of each other
(:class:`~ingest.sites.SiteDependencies`), an edit to a page affects the whole source too: the
scan's fingerprints then tell which pages show it, and the sync reads those and nothing else. A
plain folder, or one not read yet, maps as before.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from connectors.filesystem.files import FolderFiles
from connectors.filesystem.options import FilesystemOptions
from connectors.filesystem.tree import Walker
from connectors.filesystem.watching import ChangeMap
from ingest.connector import Affected
from ingest.document import DocumentRef
from ingest.errors import ConnectorError
from ingest.sites import Role, Site, SiteDependencies
from ingest.sites.source import open_site

_NOTHING = Affected()
_WHOLE = Affected(whole=True)
# What editors write beside a file while saving it: vim's swap files and its 4913 probe, backups
# ending in ~, Emacs' #autosave# and lock files, temporary files.
_EDITOR_LITTER = re.compile(r"(?:\.sw[a-p]x?|~|\.tmp|\.bak)$|^#.*#$|^\.#|^4913$")


class SiteView:
    """The folder's site as the watch mapping knows it: its dialect and its pages; thread-safe."""

    def __init__(self, options: FilesystemOptions, changes: ChangeMap) -> None:
        self._options = options
        self._changes = changes
        self._lock = threading.Lock()
        self._site: Site | None = None
        self._pages: set[str] = set()
        self._unreadable = False

    def know(self, site: Site, pages: set[str]) -> None:
        """What a scan found (the connector that scans knows its site already)."""
        # Plain Markdown never asks which pages there are (see affected_by): no set of every path.
        kept = set(pages) if site.dialect != "plain" else set()
        with self._lock:
            self._site, self._pages, self._unreadable = site, kept, False

    def read(self, root: str) -> None:
        """List every file under ``root`` and open the site, as a scan would."""
        walker = Walker(root, self._options.follow_symlinks, every_file=self._options.site != "plain")
        try:
            files = {
                item.locator: item.fingerprint for item in walker.walk() if isinstance(item, DocumentRef)
            }
            # A loop of its own, on a thread of its own: the daemon calls from its own threads,
            # and a caller may be running a loop of its own.
            with ThreadPoolExecutor(1) as pool:
                site = pool.submit(
                    asyncio.run, open_site(self._options, FolderFiles(root, files, walker.hidden))
                ).result()
        except ConnectorError:
            with self._lock:
                self._site, self._pages, self._unreadable = None, set(), True
            return
        self.know(site, {path for path in files if site.role(path) is Role.PAGE})

    def affected_by(self, path: Path, *, folder: bool) -> Affected:
        """What a change at ``path`` (a real path below the folder) affects; see the module docstring."""
        with self._lock:
            site, unreadable = self._site, self._unreadable
        if (site is None and not unreadable) or (site is not None and site.dialect == "plain"):
            return self._changes.affected_by(path, folder=folder)
        if _EDITOR_LITTER.search(path.name):
            return _NOTHING
        affected = self._changes.affected_by(path, folder=folder, keep=lambda locator: True)
        if site is None or affected.whole or not affected.locators:
            return _WHOLE if site is None and affected.locators else affected
        if isinstance(site, SiteDependencies):
            # Pages show what other pages say (a section's list, a link's URL, an embed): the
            # scan's fingerprints tell which pages that change touches; the sync reads those.
            return _WHOLE
        exists = os.path.isfile(path)
        with self._lock:
            edited = exists and all(locator in self._pages for locator in affected.locators)
            for locator in affected.locators:  # a page made or removed: the next edit is one again
                if site.role(locator) is Role.PAGE:
                    (self._pages.add if exists else self._pages.discard)(locator)
        return affected if edited else _WHOLE
