"""The Docusaurus dialect: a source with ``docusaurus.config.{js,ts,mjs,cjs}`` at its root.

Modules, one job each: :mod:`.jsvalues` reads literal values of JavaScript/TypeScript with
tree-sitter; :mod:`.config` reads the site's config from them; :mod:`.layout` says where
each file sits (docs version, blog, pages; locale) and the route Docusaurus gives it;
:mod:`.jsx`, :mod:`.mdxparse`, :mod:`.mdxblocks` and :mod:`.mdxrender` turn MDX into the
Markdown the converter reads;
:mod:`.links` resolves links as the site does; :mod:`.site` puts them together as a
:class:`~ingest.sites.contract.Site`.
"""

from __future__ import annotations

import json
import logging
import re
from typing import ClassVar

from ingest.errors import ConnectorError
from ingest.sites.contract import Site, SiteFiles, SiteSettings
from ingest.sites.docusaurus.config import read_config
from ingest.sites.docusaurus.layout import Layout, versions_file
from ingest.sites.docusaurus.site import DocusaurusSite
from ingest.sites.recognition import docusaurus_config, is_docusaurus_site

__all__ = ["DocusaurusDialect", "DocusaurusSite"]

_log = logging.getLogger(__name__)


class DocusaurusDialect:
    """Implements :class:`ingest.sites.contract.Dialect` for Docusaurus sites."""

    name: ClassVar[str] = "docusaurus"

    #: ``docusaurus.config.*`` at the root (told without importing this).
    recognises = staticmethod(is_docusaurus_site)

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        paths = frozenset(files.paths())
        name = docusaurus_config(paths)
        if name is None:
            raise ConnectorError("no docusaurus.config.js, .ts, .mjs or .cjs at the root of the source")
        config = read_config(name, await files.read(name), paths)
        if config.unread:
            _log.warning(
                "%s: %s computed when the site builds; Docusaurus' defaults are used for them",
                name,
                ", ".join(config.unread),
            )
        config_files = [name]
        released: dict[str, list[str]] = {}
        for docs in config.docs:
            listed = versions_file(docs.plugin_id)
            if listed in paths and not docs.disable_versioning:
                released[docs.plugin_id] = _versions(listed, await files.read(listed))
                config_files.append(listed)
        layout = Layout(config, paths, released, settings.versions)
        major = _docusaurus_major(await files.read("package.json")) if "package.json" in paths else None
        for note in layout.notes:
            _log.info("%s", note)
        missing = [name for name in settings.versions if name not in layout.version_names]
        if missing and config.docs:
            _log.warning(
                "versions %s: no such version of the docs (the site has %s)",
                ", ".join(missing),
                ", ".join(sorted(layout.version_names)),
            )
        # Docusaurus 2 compiles with MDX 1, which reads braces in text as text.
        return DocusaurusSite(files, settings, config, layout, config_files, text_expressions=major != 2)


def _docusaurus_major(raw: bytes | None) -> int | None:
    """The major version of Docusaurus a site's package.json asks for (``^2.4.3`` -> 2)."""
    try:
        manifest = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(manifest, dict):
        return None
    for section in ("dependencies", "devDependencies"):
        wanted = manifest.get(section)
        for package in ("@docusaurus/core", "@docusaurus/preset-classic"):
            spec = wanted.get(package) if isinstance(wanted, dict) else None
            found = re.search(r"\d+", spec) if isinstance(spec, str) else None
            if found:
                return int(found.group(0))
    return None


def _versions(name: str, raw: bytes | None) -> list[str]:
    try:
        listed = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConnectorError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        raise ConnectorError(f"{name}: must be a JSON list of version names")
    return listed
