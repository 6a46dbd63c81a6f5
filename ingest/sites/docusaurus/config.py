"""A Docusaurus site's config (``docusaurus.config.{js,ts,mjs,cjs}``), as far as it is literal.

Read: ``url``, ``baseUrl``, ``trailingSlash``, ``markdown.format``, ``i18n`` (``defaultLocale``,
``locales``, ``localeConfigs.<locale>.path``), and the content plugins, from the classic
preset (``docs:``, ``blog:``, ``pages:``) or ``plugins:`` (``@docusaurus/plugin-content-docs``
and its blog and pages siblings, one or more instances each). A value computed when the site
builds falls back to Docusaurus' default; the keys that did are listed in
:attr:`SiteConfig.unread`, for one log line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ingest.errors import ConnectorError
from ingest.sites.docusaurus.jsvalues import UNKNOWN, Module, ValuesTooCostly

_DEFAULT_DOCS_INCLUDE = ("**/*.{md,mdx}",)
_DEFAULT_EXCLUDE = (
    "**/_*.{js,jsx,ts,tsx,md,mdx}",
    "**/_*/**",
    "**/*.test.{js,jsx,ts,tsx}",
    "**/__tests__/**",
)
_LOCALE_FOLDER = re.compile(r"i18n/([^/]+)/")

MarkdownFormat = Literal["mdx", "md", "detect"]


@dataclass(frozen=True, slots=True)
class DocsOptions:
    """One instance of the docs plugin."""

    plugin_id: str = "default"
    path: str = "docs"
    route_base_path: str = "docs"
    include_current_version: bool = True
    last_version: str | None = None
    #: Per version name (``current`` for the docs folder): its ``label`` and ``path`` if set.
    versions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    only_include_versions: tuple[str, ...] | None = None
    disable_versioning: bool = False
    include: tuple[str, ...] = _DEFAULT_DOCS_INCLUDE
    exclude: tuple[str, ...] = _DEFAULT_EXCLUDE


@dataclass(frozen=True, slots=True)
class ContentOptions:
    """One instance of the blog or pages plugin."""

    kind: Literal["blog", "pages"]
    plugin_id: str = "default"
    path: str = "blog"
    route_base_path: str = "blog"
    include: tuple[str, ...] = ("**/*.{md,mdx}",)
    exclude: tuple[str, ...] = _DEFAULT_EXCLUDE


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What the site's config says, defaults filled in."""

    file: str
    url: str | None = None
    base_url: str = "/"
    trailing_slash: bool | None = None
    markdown_format: MarkdownFormat = "mdx"
    default_locale: str = "en"
    locales: tuple[str, ...] = ("en",)
    #: Locale -> its folder under ``i18n/`` (``localeConfigs.<locale>.path``, default the locale).
    locale_folders: Mapping[str, str] = field(default_factory=dict)
    docs: tuple[DocsOptions, ...] = ()
    content: tuple[ContentOptions, ...] = ()
    #: Keys whose value is computed when the site builds: their defaults were used.
    unread: tuple[str, ...] = ()


def read_config(name: str, source: bytes | None, paths: Collection[str]) -> SiteConfig:
    """The config in ``source`` (the bytes of file ``name``); ``paths`` are the site's files
    (locale folders under ``i18n/`` stand in for a computed ``i18n.locales``)."""
    if source is None:
        raise ConnectorError(f"{name}: the Docusaurus config cannot be read")
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConnectorError(f"{name}: not valid UTF-8 at byte {exc.start}") from None
    module = Module(source, typescript=name.endswith(("ts", "mts", "cts")))
    line = module.syntax_error_line()
    if line is not None:
        raise ConnectorError(f"{name}: the Docusaurus config is not valid JavaScript (line {line})")
    try:
        exported = module.exported()
    except ValuesTooCostly as exc:
        raise ConnectorError(
            f"{name}: the Docusaurus config's values are too costly to read: {exc}"
        ) from None
    return _Reader(name, paths).config(exported)


class _Reader:
    def __init__(self, name: str, paths: Collection[str]) -> None:
        self.name = name
        self.paths = paths
        self.unread: list[str] = []

    def get(self, obj: Any, key: str, kind: type | tuple[type, ...], default: Any, where: str) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            return default
        value = obj[key]
        if isinstance(value, kind) and not (isinstance(value, bool) and bool not in _kinds(kind)):
            return value
        if value is not None:
            self.unread.append(where)
        return default

    def folder(self, options: dict[str, Any], default: str, where: str) -> str:
        """A plugin's ``path``: a folder of the source; ConnectorError when it leads outside."""
        written = self.get(options, "path", str, default, where)
        folder = _folder(written)
        if written.startswith(("/", "\\")) or folder == ".." or folder.startswith("../"):
            raise ConnectorError(
                f"{self.name}: {where} {written!r} leads outside the source; it names a folder of the "
                "source, such as docs"
            )
        return folder

    def strings(self, obj: Any, key: str, default: Any, where: str) -> Any:
        value = self.get(obj, key, list, None, where)
        if value is None:
            return default
        if all(isinstance(item, str) for item in value):
            return tuple(value)
        self.unread.append(where)
        return default

    def config(self, exported: Any) -> SiteConfig:
        if not isinstance(exported, dict):
            self.unread.append("the exported config")
            exported = {}
        i18n = self.get(exported, "i18n", dict, {}, "i18n")
        default_locale = self.get(i18n, "defaultLocale", str, "en", "i18n.defaultLocale")
        locales = self.strings(i18n, "locales", None, "i18n.locales")
        if locales is None:
            found = sorted({match[1] for path in self.paths if (match := _LOCALE_FOLDER.match(path))})
            locales = (default_locale, *(locale for locale in found if locale != default_locale))
        locale_configs = self.get(i18n, "localeConfigs", dict, {}, "i18n.localeConfigs")
        folders = {
            locale: self.get(
                locale_configs.get(locale), "path", str, locale, f"i18n.localeConfigs.{locale}.path"
            )
            for locale in locales
        }
        markdown = self.get(exported, "markdown", dict, {}, "markdown")
        fmt = self.get(markdown, "format", str, "mdx", "markdown.format")
        docs, content = self.plugins(exported)
        return SiteConfig(
            file=self.name,
            url=self.get(exported, "url", str, None, "url"),
            base_url=_slashed(self.get(exported, "baseUrl", str, "/", "baseUrl")),
            trailing_slash=self.get(exported, "trailingSlash", bool, None, "trailingSlash"),
            markdown_format=fmt if fmt in ("mdx", "md", "detect") else "mdx",
            default_locale=default_locale,
            locales=tuple(dict.fromkeys(locales)),
            locale_folders=folders,
            docs=docs,
            content=content,
            unread=tuple(dict.fromkeys(self.unread)),
        )

    def plugins(self, exported: dict[str, Any]) -> tuple[tuple[DocsOptions, ...], tuple[ContentOptions, ...]]:
        docs: list[DocsOptions] = []
        content: list[ContentOptions] = []
        presets = self.get(exported, "presets", list, [], "presets")
        if "presets" in exported and exported["presets"] is UNKNOWN:
            presets = [["classic", {}]]  # the usual preset, its defaults
        for preset in presets:
            name, options = _entry(preset)
            if name is None and options is None:
                self.unread.append("presets")
                continue
            if options is None and "classic" not in (name or ""):
                continue
            options = options if isinstance(options, dict) else {}
            for key, make in (("docs", self.docs), ("blog", self.blog), ("pages", self.pages)):
                value = options.get(key, {})
                if value is False:
                    continue
                if not isinstance(value, dict):
                    self.unread.append(f"presets {key}")
                    value = {}
                made = make(value, f"presets {key}")
                (docs if isinstance(made, DocsOptions) else content).append(made)  # type: ignore[arg-type]
        for plugin in self.get(exported, "plugins", list, [], "plugins"):
            name, options = _entry(plugin)
            options = options if isinstance(options, dict) else {}
            if name is None:
                continue
            if name.endswith("content-docs"):
                docs.append(self.docs(options, f"plugin {name}"))
            elif name.endswith("content-blog"):
                content.append(self.blog(options, f"plugin {name}"))
            elif name.endswith("content-pages"):
                content.append(self.pages(options, f"plugin {name}"))
        return tuple(docs), tuple(content)

    def docs(self, options: dict[str, Any], where: str) -> DocsOptions:
        versions = self.get(options, "versions", dict, {}, f"{where}.versions")
        readable = {
            name: {
                key: value
                for key, value in version.items()
                if key in ("label", "path") and isinstance(value, str)
            }
            for name, version in versions.items()
            if isinstance(version, dict)
        }
        return DocsOptions(
            plugin_id=self.get(options, "id", str, "default", f"{where}.id"),
            path=self.folder(options, "docs", f"{where}.path"),
            route_base_path=self.get(options, "routeBasePath", str, "docs", f"{where}.routeBasePath"),
            include_current_version=self.get(
                options, "includeCurrentVersion", bool, True, f"{where}.includeCurrentVersion"
            ),
            last_version=self.get(options, "lastVersion", str, None, f"{where}.lastVersion"),
            versions=readable,
            only_include_versions=self.strings(
                options, "onlyIncludeVersions", None, f"{where}.onlyIncludeVersions"
            ),
            disable_versioning=self.get(
                options, "disableVersioning", bool, False, f"{where}.disableVersioning"
            ),
            include=self.strings(options, "include", _DEFAULT_DOCS_INCLUDE, f"{where}.include"),
            exclude=self.strings(options, "exclude", _DEFAULT_EXCLUDE, f"{where}.exclude"),
        )

    def blog(self, options: dict[str, Any], where: str) -> ContentOptions:
        return self.content("blog", options, where, "blog", "blog")

    def pages(self, options: dict[str, Any], where: str) -> ContentOptions:
        return self.content("pages", options, where, "src/pages", "")

    def content(
        self, kind: Literal["blog", "pages"], options: dict[str, Any], where: str, path: str, route: str
    ) -> ContentOptions:
        return ContentOptions(
            kind=kind,
            plugin_id=self.get(options, "id", str, "default", f"{where}.id"),
            path=self.folder(options, path, f"{where}.path"),
            route_base_path=self.get(options, "routeBasePath", str, route, f"{where}.routeBasePath"),
            include=self.strings(options, "include", ("**/*.{md,mdx}",), f"{where}.include"),
            exclude=self.strings(options, "exclude", _DEFAULT_EXCLUDE, f"{where}.exclude"),
        )


def _entry(entry: Any) -> tuple[str | None, Any]:
    """A preset or plugin entry: ``'name'`` or ``['name', options]``; its name and options."""
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, list) and entry and isinstance(entry[0], str):
        return entry[0], entry[1] if len(entry) > 1 else None
    return None, None


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _folder(path: str) -> str:
    """A site-relative folder as written in the config (``./docs/``) made ``docs``."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return posixpath.normpath("/".join(parts)) if parts else ""


def _slashed(base_url: str) -> str:
    return "/" + "/".join(part for part in base_url.split("/") if part) + ("/" if base_url.strip("/") else "")
