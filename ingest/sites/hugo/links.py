"""Where a link of a Hugo page lands: the index of published pages, and ``SiteLinks``.

Links are found the way the Hugo docs' link render hook (and Hugo's embedded one) finds them:
as a content path (``../b.md``, ``/functions/lang/translate``, ``ref`` targets, with or without
extension, relative to the page's folder first, then to the content root), else as a published
path (``/functions/lang/translate/``, ``/fr/about/``, relative ones against the page's URL),
else as a file the site publishes (``static/``, a bundle's resources).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ingest.hrefs import settle_href
from ingest.sites.contract import ResolvedLink
from ingest.sites.hugo.config import HugoConfig
from ingest.sites.hugo.content import CONTENT_SUFFIXES, ContentFile
from ingest.sites.hugo.page import auto_title
from ingest.sites.hugo.text import anchor
from ingest.sites.hugo.urls import absolute, language_prefix, make_path


@dataclass(frozen=True, slots=True)
class Entry:
    """A page of the site as links see it."""

    item: ContentFile
    #: Its published path (``/a/b/``), or an absolute URL (``url`` front matter).
    path: str
    title: str
    link_title: str
    weight: int
    #: Why the site does not publish it (``draft``...), or None.
    hidden: str | None


def key_of(target: str) -> str:
    """A GetPage path as a content key: no extension, no ``index``/``_index``, no end slash."""
    path = target.strip().rstrip("/")
    for suffix in CONTENT_SUFFIXES:
        if path.lower().endswith(suffix):
            path = path[: -len(suffix)]
            break
    for name in ("_index", "index"):
        if path == name or path.endswith("/" + name):
            path = path[: -len(name)].rstrip("/")
    return path.lower()


def join(folder: str, relative: str) -> str:
    """``relative`` from ``folder`` (content-tree or source paths), ``..`` applied, no leading ``/``."""
    return posixpath.normpath(posixpath.join("/" + folder, relative)).lstrip("/")


class ContentKeys:
    """GetPage over the content tree: every content file by language and key."""

    def __init__(self, files: Iterable[ContentFile], config: HugoConfig) -> None:
        self.config = config
        self._by_key: dict[tuple[str, str], ContentFile] = {}
        for item in sorted(files, key=lambda item: (item.kind == "page", item.path)):
            self._by_key.setdefault((item.language, item.key.lower()), item)

    def find(self, target: str, from_item: ContentFile | None, language: str) -> ContentFile | None:
        """The content file ``target`` names, seen from ``from_item``'s folder, else from the root."""
        key = key_of(target)
        candidates = []
        if not target.startswith("/") and from_item is not None:
            candidates.append(key_of(join(from_item.directory, target)))
        candidates.append(key.lstrip("/"))
        languages = [language, self.config.default_language, *(item.key for item in self.config.languages)]
        for candidate in candidates:
            for each in languages:
                if (found := self._by_key.get((each, candidate))) is not None:
                    return found
        return None


class PageIndex:
    """Every content page of the site with its published path."""

    def __init__(
        self,
        config: HugoConfig,
        entries: Iterable[Entry],
        keys: ContentKeys,
        paths: Collection[str],
        content: Mapping[str, ContentFile],
    ) -> None:
        self.config = config
        self.keys = keys
        self._by_parent: dict[str | None, list[Entry]] | None = None
        self.paths = frozenset(paths)
        self.content = content
        self.by_path = {entry.item.path: entry for entry in entries}
        self.by_url: dict[str, Entry] = {}
        for entry in sorted(self.by_path.values(), key=lambda entry: entry.hidden is not None):
            self.by_url.setdefault(entry.path, entry)
            self.by_url.setdefault(entry.path.lower(), entry)
        self.sections = {
            language_prefix(item.language, config) + "/" + make_path(top, lower=config.lower_paths) + "/"
            for item in content.values()
            if "/" in item.key and (top := item.key.split("/")[0])
        }

    def entry(self, item: ContentFile | None) -> Entry | None:
        return None if item is None else self.by_path.get(item.path)

    def children(self, section: ContentFile) -> list[Entry]:
        """The pages a section lists: its pages and subsections, in Hugo's default order."""
        if self._by_parent is None:
            # Grouped once: finding each section's pages among all pages made listing every
            # section cost the number of sections times the number of pages.
            self._by_parent = {}
            for entry in self.by_path.values():
                if not entry.hidden:
                    self._by_parent.setdefault(parent_section(entry.item, self.keys), []).append(entry)
        found = [
            entry
            for entry in self._by_parent.get(section.key, [])
            if entry.item.language == section.language and entry.item.path != section.path
        ]
        return sorted(found, key=lambda entry: (entry.weight <= 0, entry.weight, entry.link_title.lower()))


def parent_section(item: ContentFile, keys: ContentKeys) -> str | None:
    """The key of the section a page belongs to: the nearest folder with an ``_index`` (a
    top-level folder is a section even without one); None for the home page."""
    if item.kind == "home":
        return None
    folder = item.key.rpartition("/")[0]
    while "/" in folder:
        found = keys.find("/" + folder, None, item.language)
        if found is not None and found.kind == "section":
            break
        folder = folder.rpartition("/")[0]
    return folder


class HugoLinks:
    """``SiteLinks`` of a Hugo site."""

    def __init__(self, index: PageIndex, site_url: str | None) -> None:
        self.index = index
        self.site_url = site_url

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return anchor(text, self.index.config, taken)

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        cleaned, settled = settle_href(href)
        if settled:
            return None
        location, _, fragment = cleaned.partition("#")
        location = unquote(location.partition("?")[0])
        if not location:
            return None
        from_item = self.index.content.get(from_path)
        entry = self._page(location, from_path, from_item)
        if entry is None:
            published = self._file(location, from_path, from_item)
            if published is None:
                return ResolvedLink(None, f"The link to {href} points to no page of the site.")
            return ResolvedLink(absolute(published, self.site_url)) if self.site_url else None
        if entry.hidden:
            return ResolvedLink(
                None,
                f"The link to {href} points to {entry.item.path}, which is not published ({entry.hidden}).",
            )
        if self.site_url is None:
            return None
        return ResolvedLink(absolute(entry.path, self.site_url) + (f"#{fragment}" if fragment else ""))

    def _page(self, location: str, from_path: str, from_item: ContentFile | None) -> Entry | None:
        index = self.index
        language = from_item.language if from_item else index.config.default_language
        if location.lower().endswith(CONTENT_SUFFIXES) and not location.startswith("/"):
            source = join(from_path.rpartition("/")[0], location)
            if (item := index.content.get(source)) is not None:
                return index.entry(item)
        if (item := index.keys.find(location, from_item, language)) is not None and (
            entry := index.entry(item)
        ) is not None:
            return entry
        base = index.entry(from_item)
        url = location if location.startswith("/") else None
        if url is None and base is not None and "://" not in base.path:
            url = "/" + join(base.path if base.path.endswith("/") else base.path.rpartition("/")[0], location)
        if url is None:
            return None
        for candidate in (url, url + "/", url.lower(), url.lower() + "/"):
            if candidate in index.by_url:
                return index.by_url[candidate]
        return None

    def _file(self, location: str, from_path: str, from_item: ContentFile | None) -> str | None:
        """The published path of a file the site publishes as it is (``static/``, ``assets/``, a
        page's resources), or of a section Hugo makes without a file of its own."""
        index = self.index
        if location.startswith("/"):
            for folder in ("static", "assets"):
                if f"{folder}{location}".rstrip("/") in index.paths:
                    return location
            if location.rstrip("/") + "/" in index.sections or location.lower() in index.sections:
                return location if location.endswith("/") else location + "/"
            return None
        source = join(from_path.rpartition("/")[0], location)
        if source not in index.paths or from_item is None:
            # A global resource (``assets/``) is published at its path, whoever names it.
            return "/" + location if f"assets/{location}" in index.paths else None
        base = index.entry(from_item)
        if base is None or "://" in base.path:
            return None
        folder = (
            base.path if from_item.leaf_bundle or from_item.kind != "page" else base.path.rsplit("/", 2)[0]
        )
        return "/" + join(folder, location)


def entries(
    content: Mapping[str, ContentFile],
    fronts: Mapping[str, Mapping[str, Any]],
    hidden: Mapping[str, str],
    paths_of: Mapping[str, str],
) -> list[Entry]:
    """An :class:`Entry` per content page, from its front matter and published path."""
    found = []
    for path, item in content.items():
        front = fronts.get(path, {})
        title = str(front.get("title") or auto_title(item))
        weight = front.get("weight")
        found.append(
            Entry(
                item=item,
                path=paths_of[path],
                title=title,
                link_title=str(front.get("linktitle") or title),
                weight=weight if isinstance(weight, int) else 0,
                hidden=hidden.get(path),
            )
        )
    return found
