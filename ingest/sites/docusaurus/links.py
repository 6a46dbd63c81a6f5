"""Every published page of a Docusaurus site, and where a link found in one of them points.

Links resolve as Docusaurus resolves them: a link to a Markdown file (``./x.md``,
``../y.mdx#a``, ``/guides/z.md``, ``@site/docs/z.md``) by its path, relative to the linking
file, else to the version's folder (translations first) or the site root; any other link
is a URL: a site path (``/docs/x``, with or without ``baseUrl``) or a path relative to the
linking page's URL, matched against the routes of every published page, of every version
and locale (a page not translated is published in each locale all the same). Routes that
are no Markdown page but are published (``static/`` files, React pages, the blog's lists,
``pathname://`` links) resolve to their URL; anything else is a warning naming the target.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ingest.hrefs import settle_href
from ingest.sites.contract import ResolvedLink
from ingest.sites.docusaurus.layout import Layout, Place, is_markdown, resolve_pathname
from ingest.sites.slugs import github_slug

_REACT_PAGE = (".js", ".jsx", ".ts", ".tsx")
_BLOG_LISTS = ("tags", "page", "archive", "authors")
_URL_SAFE = "/:@!$&'()*+,;=-._~%"


@dataclass(frozen=True, slots=True)
class Entry:
    """One published Markdown page."""

    path: str
    place: Place
    #: Its route from the root of its locale (``/docs/next/intro``).
    route: str
    title: str
    description: str | None = None
    #: ``sidebar_position`` or the number prefix: the order of a category's pages.
    position: float | None = None


def route_key(route: str) -> str:
    return route.rstrip("/") or "/"


class SiteLinks:
    """Implements :class:`ingest.sites.contract.SiteLinks` for a Docusaurus site."""

    def __init__(
        self, layout: Layout, entries: Collection[Entry], paths: Collection[str], root: str | None
    ) -> None:
        self.layout = layout
        self.paths = paths
        self.root = root
        self.by_path = {entry.path: entry for entry in entries}
        self.by_route: dict[tuple[str | None, str], Entry] = {}
        for entry in entries:
            self.by_route.setdefault((entry.place.locale, route_key(entry.route)), entry)
        config = layout.config
        self.locales = {locale for locale in config.locales if locale != config.default_locale}
        self.hosts = {urlsplit(url).netloc.lower() for url in (config.url, root) if url}

    def url(self, route: str, locale: str | None, fragment: str = "") -> str | None:
        if self.root is None:
            return None
        address = self.root + self.layout.locale_prefix(locale) + quote(route.lstrip("/"), safe=_URL_SAFE)
        return address + (f"#{fragment}" if fragment else "")

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return github_slug(text, taken)

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        stripped = href.strip()
        if stripped.lower().startswith("pathname://"):
            url = self.url("/" + stripped[len("pathname://") :].lstrip("/"), None)
            return ResolvedLink(url) if url else None
        cleaned, settled = settle_href(stripped)
        if settled:
            return self._own_site(cleaned, from_path)
        path, _, fragment = cleaned.partition("#")
        path = unquote(path.split("?", 1)[0])
        if not path:
            return None
        place = self.layout.place(from_path)
        locale = place.locale if place else None
        if is_markdown(path):
            return self._file(path, fragment, from_path, place, href)
        if path.startswith("/"):
            return self._route(path, fragment, from_path, href)
        beside = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path))
        if beside.startswith("static/") and beside in self.paths:
            url = self.url(beside[len("static") :], None, fragment)  # static files are served as they are
            return ResolvedLink(url) if url else None
        if beside in self.paths:
            return None  # an image or file the site bundles under a hashed name: no opinion
        entry = self.by_path.get(from_path)
        if entry is None:
            return ResolvedLink(None, f"{from_path}: cannot resolve {href}: the linking file is no page")
        route = resolve_pathname(path, self.layout.with_trailing_slash(entry.route))
        return self._route(f"/{locale}{route}" if locale else route, fragment, from_path, href)

    def _own_site(self, url: str, from_path: str) -> ResolvedLink | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in self.hosts or not self.root:
            return None
        found = self._lookup(unquote(parts.path) or "/")
        return self._found(found, parts.fragment) if found is not None else None

    def _file(
        self, path: str, fragment: str, from_path: str, place: Place | None, href: str
    ) -> ResolvedLink | None:
        candidates: list[str] = []
        if path.startswith("@site/"):
            candidates.append(path[len("@site/") :])
        else:
            if not path.startswith(("./", "../")):
                roots = [place.content.folder] if place else []
                if place is not None and place.locale is not None:
                    translated = self.layout.localized(f"{place.content.folder}/x", place.locale)
                    roots.insert(0, posixpath.dirname(translated or ""))
                candidates.extend(f"{root}/{path.lstrip('/')}" for root in [*roots, ""])
            if not path.startswith("/"):
                candidates.append(posixpath.join(posixpath.dirname(from_path), path))
        for candidate in candidates:
            target = posixpath.normpath(candidate).lstrip("/")
            if target.startswith("../"):
                continue
            found = self._page_at(target, place)
            if found is not None:
                return self._found(found, fragment)
        target = posixpath.normpath(candidates[-1]).lstrip("/") if candidates else path
        if target in self.paths:
            return ResolvedLink(
                None, f"{from_path}: links to {href}, which the site does not publish ({target})"
            )
        return ResolvedLink(None, f"{from_path}: links to {href}, which does not exist ({target})")

    def _page_at(self, target: str, place: Place | None) -> tuple[Entry, str | None] | None:
        """The page at file ``target`` as seen from a page at ``place``: a translation falls
        back to the file it translates, a file it translates to its translation."""
        locale = place.locale if place else None
        entry = self.by_path.get(target)
        if entry is None:
            target_place = self.layout.place(target)
            if target_place is None or target_place.locale is None:
                return None
            entry = self.by_path.get(target_place.original)
            if entry is None:
                return None
        if entry.place.locale is None and locale is not None:
            localized = self.layout.localized(entry.path, locale)
            entry = self.by_path.get(localized or "", entry)
        return entry, locale if entry.place.locale is None else entry.place.locale

    def _found(self, found: tuple[Entry, str | None], fragment: str) -> ResolvedLink | None:
        entry, locale = found
        url = self.url(self.layout.with_trailing_slash(entry.route), locale, fragment)
        return ResolvedLink(url) if url else None

    def _route(self, path: str, fragment: str, from_path: str, href: str) -> ResolvedLink | None:
        found = self._lookup(path)
        if found is not None:
            return self._found(found, fragment)
        published = self._published_route(path)
        if published is not None:
            url = self.url(published, None, fragment)
            return ResolvedLink(url) if url else None
        return ResolvedLink(None, f"{from_path}: links to {href}, which is no page of the site")

    def _without_base(self, path: str) -> str:
        base = self.layout.config.base_url
        if base != "/" and (path + "/").startswith(base):
            return "/" + path[len(base) :]
        return path

    def _lookup(self, path: str) -> tuple[Entry, str | None] | None:
        path = self._without_base(path)
        key = route_key(path)
        entry = self.by_route.get((None, key))
        if entry is not None:
            return entry, None
        first, _, rest = key.lstrip("/").partition("/")
        if first in self.locales:
            rest_key = route_key("/" + rest)
            entry = self.by_route.get((first, rest_key)) or self.by_route.get((None, rest_key))
            if entry is not None:
                return entry, first
        return None

    def _published_route(self, path: str) -> str | None:
        """A published route that is no Markdown page: a static file, a React page, a list."""
        path = self._without_base(path)
        relative = path.strip("/")
        if f"static/{relative}" in self.paths:
            return path
        pages = [content for content in self.layout.contents if content.kind == "pages"]
        for content in pages:
            base = content.route.strip("/")
            inside = relative[len(base) :].strip("/") if relative.startswith(base) else None
            if inside is None:
                continue
            stems = [inside or "index", f"{inside}/index"]
            if any(
                f"{content.folder}/{stem}{suffix}" in self.paths for stem in stems for suffix in _REACT_PAGE
            ):
                return path
        for content in self.layout.contents:
            base = content.route.strip("/")
            if content.kind == "blog" and (
                relative == base
                or any(relative.startswith(f"{base}/{name}".lstrip("/")) for name in _BLOG_LISTS)
            ):
                return path
            if content.kind == "docs" and relative.startswith(f"{base}/tags".lstrip("/")):
                return path
        return None


def entry_for(
    layout: Layout,
    path: str,
    front: Mapping[str, Any],
    body: str,
    title: Callable[[Place, Mapping[str, Any], str], str],
    position: float | None,
) -> Entry | None:
    place = layout.place(path)
    if place is None or front.get("draft") is True:
        return None
    description = front.get("description")
    return Entry(
        path=path,
        place=place,
        route=layout.route(place, front),
        title=title(place, front, body),
        description=description if isinstance(description, str) else None,
        position=position,
    )


def number_prefix(name: str) -> float | None:
    match = re.match(r"(\d+)\s*[-_.]+\s*[^-_.\s]", name)
    return float(match.group(1)) if match else None
