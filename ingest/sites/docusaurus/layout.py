"""Where each file of a Docusaurus site sits: which content (docs version, blog, pages), which
locale, and the route the site gives it.

A *content* is one folder the site publishes Markdown from: each built version of each docs
plugin (``docs/`` for the current version, ``versioned_docs/version-<v>/`` for the released
ones), each blog, each pages folder. Its translations sit in
``i18n/<locale>/docusaurus-plugin-content-<kind>[-<id>]/<version folder>/``. Versions follow
Docusaurus: ``versions.json`` lists the released versions, newest first; the last version
(``lastVersion``, by default the newest release) is published without a version segment,
the current one under ``/next/``, the others under their name (or ``versions.<v>.path``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

from wcmatch import glob

from ingest.sites.docusaurus.config import ContentOptions, DocsOptions, SiteConfig

CURRENT = "current"
_GLOB_FLAGS = glob.GLOBSTAR | glob.BRACE
_MARKDOWN_SUFFIXES = (".md", ".mdx")
# Docusaurus' number prefix parser, with its date-like and version-like exceptions.
_IGNORED_PREFIX = re.compile(r"^((\d{2}|\d{4})[-_.]\d{2}([-_.](\d{2}|\d{4}))?)(.*)$|^(\d+[-_.]\d+)(.*)$")
_NUMBER_PREFIX = re.compile(r"^(?P<number>\d+)\s*[-_.]+\s*(?P<suffix>[^-_.\s].*)$")
_BLOG_FILE = re.compile(
    r"^(?P<folder>.*)(?P<date>\d{4}[-/]\d{1,2}[-/]\d{1,2})[-/]?(?P<text>.*?)(?:/index)?\.mdx?$"
)


@dataclass(frozen=True, slots=True)
class Content:
    """One folder the site publishes Markdown from."""

    kind: Literal["docs", "blog", "pages"]
    plugin_id: str
    #: Site-relative folder of the sources (``docs``, ``versioned_docs/version-2.0``, ``blog``).
    folder: str
    #: Its folder under ``i18n/<locale>/`` (``docusaurus-plugin-content-docs/current``).
    i18n_folder: str
    #: The route the content is published under, from the site root (``/docs/next/``).
    route: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    #: The docs version's name (``current`` for the docs folder); None for a blog or pages.
    version: str | None = None
    #: Shown after the titles of a version that is not the site's default one.
    version_label: str | None = None
    #: Whether the user takes this content's pages (versions: settings.versions).
    taken: bool = True


@dataclass(frozen=True, slots=True)
class Place:
    """Where one file sits: its content, its locale (None: the site's default) and its path
    inside the content's folder; ``original`` is the default-locale file it translates."""

    content: Content
    locale: str | None
    relative: str
    original: str


def is_markdown(path: str) -> bool:
    return path.lower().endswith(_MARKDOWN_SUFFIXES)


def versions_file(plugin_id: str) -> str:
    return "versions.json" if plugin_id == "default" else f"{plugin_id}_versions.json"


class Layout:
    """The contents of a site and where its files sit."""

    def __init__(
        self,
        config: SiteConfig,
        paths: Collection[str],
        released: Mapping[str, Sequence[str]],
        taken_versions: Collection[str],
    ) -> None:
        """``released``: per docs plugin id, the versions its versions file lists;
        ``taken_versions``: the user's ``versions`` setting."""
        self.config = config
        self.notes: list[str] = []
        self.version_names: set[str] = set()
        contents: list[Content] = []
        for docs in config.docs:
            contents.extend(self._versions(docs, paths, released.get(docs.plugin_id, ()), taken_versions))
        for options in config.content:
            contents.append(_plain_content(options))
        # Longest folder first, so a blog nested in the docs folder is found as the blog.
        self.contents = tuple(sorted(contents, key=lambda content: -len(content.folder)))
        self._by_i18n = {content.i18n_folder: content for content in self.contents}
        self._locales = {folder: locale for locale, folder in config.locale_folders.items()}
        self._paths = paths
        # One regular expression per list of globs, made once: matching 10,000 files glob by glob
        # (braces expanded) costs a scan seconds.
        self._globs = {
            patterns: re.compile("|".join(glob.translate(list(patterns), flags=_GLOB_FLAGS)[0]))
            for content in self.contents
            for patterns in (content.include, content.exclude)
            if patterns
        }

    def _versions(
        self, docs: DocsOptions, paths: Collection[str], released: Sequence[str], taken: Collection[str]
    ) -> list[Content]:
        released = () if docs.disable_versioning else released
        names = ([CURRENT] if docs.include_current_version else []) + list(released)
        if docs.only_include_versions is not None:
            names = [name for name in names if name in docs.only_include_versions]
        last = docs.last_version or (
            names[0] if len(names) == 1 else next((n for n in names if n != CURRENT), CURRENT)
        )
        prefix = "" if docs.plugin_id == "default" else f"{docs.plugin_id}_"
        i18n_base = "docusaurus-plugin-content-docs" + (
            "" if docs.plugin_id == "default" else f"-{docs.plugin_id}"
        )
        made: list[Content] = []
        for name in names:
            folder = docs.path if name == CURRENT else f"{prefix}versioned_docs/version-{name}"
            if (
                name == last
                and name != CURRENT
                and not docs.include_current_version
                and not _holds(paths, folder)
            ):
                # Sites like pnpm.io copy the docs folder into the last version's when they build.
                self.notes.append(f"{folder} is missing: version {name} is read from {docs.path}")
                folder = docs.path
            options = docs.versions.get(name, {})
            segment = options.get("path", "" if name == last else ("next" if name == CURRENT else name))
            is_taken = (
                ("current" in taken and name == last)
                or (name != CURRENT and name in taken)
                or ("next" in taken and name == CURRENT and name != last)
            )
            self.version_names.update({name, "current", "next"} if name == CURRENT else {name})
            made.append(
                Content(
                    kind="docs",
                    plugin_id=docs.plugin_id,
                    folder=folder,
                    i18n_folder=f"{i18n_base}/{'current' if name == CURRENT else f'version-{name}'}",
                    route=normalize_url(docs.route_base_path, segment, "/"),
                    include=docs.include,
                    exclude=docs.exclude,
                    version=name,
                    version_label=None
                    if name == last
                    else options.get("label", "Next" if name == CURRENT else name),
                    taken=is_taken,
                )
            )
        return made

    def place(self, path: str) -> Place | None:
        """Where ``path`` sits, or None when it is in no content (nor a translation of one)."""
        if path.startswith("i18n/"):
            return self._translated(path)
        for content in self.contents:
            if path.startswith(content.folder + "/"):
                relative = path[len(content.folder) + 1 :]
                return Place(content, None, relative, path)
        return None

    def _translated(self, path: str) -> Place | None:
        parts = path.split("/", 2)
        if len(parts) < 3:
            return None
        locale = self._locales.get(parts[1])
        if locale is None or locale == self.config.default_locale:
            return None
        for content in self.contents:
            if parts[2].startswith(content.i18n_folder + "/"):
                relative = parts[2][len(content.i18n_folder) + 1 :]
                return Place(content, locale, relative, f"{content.folder}/{relative}")
        return None

    def is_published(self, place: Place) -> bool:
        """Whether the site builds a page from the file at ``place`` (taken or not)."""
        content = place.content
        if not is_markdown(place.relative) or not self._matches(place.relative, content.include):
            return False
        if self._matches(place.relative, content.exclude):
            return False
        # A translation is published only in place of a default-locale file.
        return place.locale is None or place.original in self._paths

    def _matches(self, relative: str, patterns: tuple[str, ...]) -> bool:
        return bool(patterns) and bool(self._globs[patterns].match(relative))

    def is_partial(self, place: Place) -> bool:
        return is_markdown(place.relative) and any(part.startswith("_") for part in place.relative.split("/"))

    def localized(self, original: str, locale: str) -> str | None:
        """The path of ``original``'s translation into ``locale``, whether it exists or not."""
        place = self.place(original)
        folder = self.config.locale_folders.get(locale)
        if place is None or folder is None:
            return None
        return f"i18n/{folder}/{place.content.i18n_folder}/{place.relative}"

    def route(self, place: Place, front: Mapping[str, Any]) -> str:
        """The page's route from the site root and its locale's (``/docs/next/intro``)."""
        content = place.content
        if content.kind == "docs":
            slug = doc_slug(place.relative, front)
        elif content.kind == "blog":
            slug = blog_slug(place.relative, front)
        else:
            slug = _page_slug(place.relative)
        return self.with_trailing_slash(normalize_url(content.route, slug))

    def with_trailing_slash(self, route: str) -> str:
        if self.config.trailing_slash is None or route == "/":
            return route
        return route.rstrip("/") + "/" if self.config.trailing_slash else route.rstrip("/")

    def locale_prefix(self, locale: str | None) -> str:
        return "" if locale is None or locale == self.config.default_locale else f"{locale}/"


def _holds(paths: Collection[str], folder: str) -> bool:
    prefix = folder + "/"
    return any(path.startswith(prefix) for path in paths)


def _plain_content(options: ContentOptions) -> Content:
    suffix = "" if options.plugin_id == "default" else f"-{options.plugin_id}"
    return Content(
        kind=options.kind,
        plugin_id=options.plugin_id,
        folder=options.path,
        i18n_folder=f"docusaurus-plugin-content-{options.kind}{suffix}",
        route=normalize_url(options.route_base_path, "/"),
        include=options.include,
        exclude=options.exclude,
    )


def strip_number_prefix(name: str) -> str:
    """``01-intro`` -> ``intro``; dates (``2021-05-03``) and versions (``1.2``) are kept."""
    if _IGNORED_PREFIX.match(name):
        return name
    match = _NUMBER_PREFIX.match(name)
    return match["suffix"] if match else name


def doc_id(relative: str, front: Mapping[str, Any]) -> str:
    """The doc's id within its version: ``guides/intro`` (number prefixes stripped)."""
    directory, stem = posixpath.split(posixpath.splitext(relative)[0])
    base = _base_id(stem, front)
    if not directory:
        return base
    strip = front.get("parse_number_prefixes", True) is not False
    return "/".join([*(strip_number_prefix(p) if strip else p for p in directory.split("/")), base])


def _base_id(stem: str, front: Mapping[str, Any]) -> str:
    if isinstance(front.get("id"), str | int) and not isinstance(front.get("id"), bool):
        return str(front["id"])
    return strip_number_prefix(stem) if front.get("parse_number_prefixes", True) is not False else stem


def doc_slug(relative: str, front: Mapping[str, Any]) -> str:
    """Docusaurus' ``getSlug``: front matter ``slug`` (absolute, or relative to the folder),
    the folder's route for ``index``/``README``/a doc named like its folder, else the id."""
    directory, filename = posixpath.split(relative)
    stem = posixpath.splitext(filename)[0]
    slug = front.get("slug")
    slug = str(slug) if isinstance(slug, str | int) and not isinstance(slug, bool) and str(slug) else None
    if slug is not None and slug.startswith("/"):
        return slug
    strip = front.get("parse_number_prefixes", True) is not False
    stripped = "/".join(strip_number_prefix(part) if strip else part for part in directory.split("/"))
    folder_route = "/" if not directory else f"/{stripped}/"
    parent = directory.rsplit("/", 1)[-1].lower() if directory else None
    if slug is None and stem.lower() in ("index", "readme", parent):
        return folder_route
    return resolve_pathname(slug or _base_id(stem, front), folder_route)


def blog_slug(relative: str, front: Mapping[str, Any]) -> str:
    """``2021-05-03-hello.md`` and ``2021-05-03-hello/index.md`` -> ``/2021/05/03/hello``."""
    slug = front.get("slug")
    if isinstance(slug, str) and slug:
        return slug
    match = _BLOG_FILE.match(relative)
    if match:
        return f"/{match['date'].replace('-', '/')}/{match['folder']}{match['text']}"
    return "/" + re.sub(r"(?:/index)?\.mdx?$", "", relative)


def _page_slug(relative: str) -> str:
    without = posixpath.splitext(relative)[0]
    if without == "index":
        return "/"
    return "/" + (without[: -len("/index")] + "/" if without.endswith("/index") else without)


def resolve_pathname(to: str, base: str) -> str:
    """``to`` resolved against the route ``base``, as a browser resolves a relative URL."""
    return urljoin(f"https://site.invalid{base}", to).removeprefix("https://site.invalid") or "/"


def normalize_url(*parts: str) -> str:
    """Route parts joined with one slash between each (Docusaurus' ``normalizeUrl``)."""
    joined = "/".join(part.strip("/") for part in parts if part.strip("/"))
    trailing = bool(parts) and parts[-1].endswith("/")
    route = "/" + joined
    return route + "/" if trailing and joined else route


def is_section(place: Place) -> bool:
    """Whether the doc is its folder's index (``index``, ``README`` or named like the folder)."""
    if place.content.kind != "docs":
        return False
    folder, name = posixpath.split(place.relative)
    stem = posixpath.splitext(name)[0].lower()
    return stem in ("index", "readme") or (bool(folder) and stem == posixpath.basename(folder).lower())
