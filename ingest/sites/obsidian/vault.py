"""Where a source's Obsidian vaults are, what each file is to them, and where a note is published.

A source is one vault (``.obsidian/`` or Obsidian Publish's ``publish.css`` at its root, or
no marker at all), or holds one vault per top-level folder that has such a marker: the
Obsidian Help repository keeps a vault per language (``en/``, ``zh/``, ``pt-br/``...), each
published as a site of its own. Everything here is decided from paths and the vaults'
config files, never from notes, so it is cheap enough to run for every file of a scan.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import langcodes

from ingest.errors import ConnectorError
from ingest.sites.contract import Role, SiteFiles, SiteSettings
from ingest.sites.recognition import (
    OBSIDIAN_CONFIG_FOLDER,
    OBSIDIAN_PUBLISH_CSS,
    is_obsidian_marker,
)

#: Config files (vault-relative) naming the folder of templates, and the key that holds it.
TEMPLATE_CONFIGS = {
    ".obsidian/templates.json": "folder",
    ".obsidian/plugins/templater-obsidian/data.json": "templates_folder",
}
_LANGUAGE_FOLDER = re.compile(r"[A-Za-z]{2}(?:[-_][A-Za-z0-9]{2,8})*")


def language_tag(value: object) -> str | None:
    """``value`` as a standard language tag (``zh``, ``pt-BR``, ``zh-TW``), or None when it is
    not one. Only two-letter languages: three-letter codes collide with folder names (``api``)."""
    if not isinstance(value, str) or _LANGUAGE_FOLDER.fullmatch(value.strip()) is None:
        return None
    tag = value.strip().replace("_", "-")
    if not langcodes.tag_is_valid(tag):
        return None
    return langcodes.standardize_tag(tag)


def encode_path(path: str) -> str:
    """A path as Obsidian Publish writes it in URLs: each segment percent-encoded (as
    JavaScript's ``encodeURIComponent``), spaces as ``+``."""
    return "/".join(quote(segment, safe="!~*'()").replace("%20", "+") for segment in path.split("/"))


def find_vault_roots(paths: Collection[str]) -> tuple[str, ...]:
    """The vaults' folders (``""`` for the source's root, else ``"en/"``...), sorted.

    Publish's stylesheet says most precisely where a published vault's root is (the Obsidian
    Developer Docs keep ``.obsidian/`` at the repository's root and publish ``en/``): the root
    when it has one, else the top-level folders that have one; else ``.obsidian/`` at the root,
    else in top-level folders; else the root.
    """
    for marker in (OBSIDIAN_PUBLISH_CSS, OBSIDIAN_CONFIG_FOLDER):
        if any(is_obsidian_marker(path, marker) for path in paths):
            return ("",)
        nested = {
            top + "/"
            for path in paths
            if (top := path.partition("/")[0]) and not top.startswith(".")
            if is_obsidian_marker(path.partition("/")[2], marker)
        }
        if nested:
            return tuple(sorted(nested))
    return ("",)


@dataclass(frozen=True, slots=True)
class Vault:
    """One vault of the source."""

    #: The vault's folder in the source (``""``, ``"zh/"``).
    root: str
    #: The vault's language: its folder's name when that is a language tag.
    locale: str | None
    #: Where the vault is published (ends with ``/``), or None without ``site_url``.
    base_url: str | None
    #: Folders (vault-relative, ending with ``/``) holding templates, which are not pages.
    templates: tuple[str, ...] = ()

    def relative(self, path: str) -> str:
        """``path`` (source-relative, inside this vault) relative to the vault's folder."""
        return path[len(self.root) :]

    def locale_of(self, relative: str, front: Mapping[str, Any], default: str | None) -> str | None:
        """A note's language: front matter ``lang``/``locale``, else the vault's, else its top
        folder's when that is a language tag (``zh/...``), else ``default``."""
        for key in ("lang", "locale"):
            if tag := language_tag(front.get(key)):
                return tag
        if self.locale is not None:
            return self.locale
        top, _, rest = relative.partition("/")
        return (language_tag(top) if rest else None) or default

    def url_of(self, relative: str, permalink: object) -> str | None:
        """A note's published URL: ``permalink`` front matter under the vault's URL, else its path
        without ``.md`` (Obsidian Publish: ``Folder/My+note``)."""
        if self.base_url is None:
            return None
        if isinstance(permalink, str) and permalink.strip():
            path = permalink.strip().strip("/")
        else:
            path = relative[: -len(".md")] if relative.lower().endswith(".md") else relative
        return self.base_url + encode_path(path) if path else self.base_url

    def role(self, relative: str) -> Role:
        """What a file (vault-relative path) is: notes are pages; Obsidian ignores dot folders
        (``.obsidian/``, ``.trash/``), and templates are not pages."""
        if any(part.startswith(".") for part in relative.split("/")):
            return Role.OTHER
        if not relative.lower().endswith(".md") or relative.startswith(self.templates):
            return Role.OTHER
        return Role.PAGE


@dataclass(frozen=True, slots=True)
class Layout:
    """The vaults of a source and the config files that shape them."""

    vaults: tuple[Vault, ...]
    #: Config files read (source-relative), for the structure digest.
    config_files: tuple[str, ...]

    def vault_of(self, path: str) -> Vault | None:
        """The vault holding ``path``, or None when the file is outside every vault."""
        for vault in self.vaults:
            if path.startswith(vault.root):
                return vault
        return None

    def role(self, path: str) -> Role:
        vault = self.vault_of(path)
        return Role.OTHER if vault is None else vault.role(vault.relative(path))


async def read_layout(files: SiteFiles, settings: SiteSettings) -> Layout:
    """The source's vaults, their template folders read from their config; a config file that
    is not a JSON object raises :class:`ConnectorError` naming it."""
    paths = set(files.paths())
    roots = find_vault_roots(paths)
    locales = {root: language_tag(root.rstrip("/")) if root else None for root in roots}
    urls = _base_urls(roots, locales, settings)
    vaults: list[Vault] = []
    config_files: list[str] = []
    for root in roots:
        templates: list[str] = []
        for name, key in TEMPLATE_CONFIGS.items():
            if root + name not in paths:
                continue
            config_files.append(root + name)
            folder = (await _read_json(files, root + name)).get(key)
            if isinstance(folder, str) and (cleaned := posixpath.normpath(folder.strip("/"))) not in (
                ".",
                "",
            ):
                templates.append(cleaned + "/")
        vaults.append(Vault(root, locales[root], urls[root], tuple(templates)))
    # Longest root first, so a file is placed in the innermost vault holding it.
    vaults.sort(key=lambda vault: -len(vault.root))
    return Layout(tuple(vaults), tuple(config_files))


async def _read_json(files: SiteFiles, path: str) -> dict[str, Any]:
    raw = await files.read(path)
    if raw is None:
        raise ConnectorError(f"{path}: cannot be read")
    try:
        loaded = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConnectorError(f"{path}: not valid JSON ({exc})") from None
    except RecursionError:
        raise ConnectorError(f"{path}: not valid JSON (nested too deeply)") from None
    if not isinstance(loaded, dict):
        raise ConnectorError(f"{path}: must be a JSON object, not {type(loaded).__name__}")
    return loaded


def _base_urls(
    roots: tuple[str, ...], locales: Mapping[str, str | None], settings: SiteSettings
) -> dict[str, str | None]:
    """Each vault's URL. One vault is published at ``site_url``. With one vault per folder,
    the vault of the default language (``settings.locale``, else ``en``) is at ``site_url``
    and each other vault has its language (or folder) as the first path segment, as the
    Obsidian Help sites do (``obsidian.md/help/`` and ``obsidian.md/zh/help/``)."""
    if settings.site_url is None:
        return dict.fromkeys(roots)
    site = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
    if roots == ("",):
        return {"": site}
    default = language_tag(settings.locale) or "en"
    parts = urlsplit(site)
    urls: dict[str, str | None] = {}
    for root in roots:
        if locales[root] == default:
            urls[root] = site
            continue
        segment = locales[root] or encode_path(root.rstrip("/"))
        urls[root] = urlunsplit(parts._replace(path=f"/{segment}/{parts.path.lstrip('/')}"))
    return urls
