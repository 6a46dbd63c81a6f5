"""A Hugo site opened on a source: roles, structure digest, pages prepared, links.

Opening reads the configuration and the front matter of every bundle page (``_index.md``,
``index.md``): their ``cascade`` and ``build`` options decide which folders are headless
(their files are partials: text other pages include) before any page is loaded.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from ingest.sites import safeyaml
from ingest.sites.budget import IncludesTooLarge
from ingest.sites.contract import (
    CrossPageReads,
    NotAPage,
    PageProblem,
    PreparedPage,
    Role,
    SiteFiles,
    SiteLinks,
    SiteSettings,
)
from ingest.sites.hugo.config import HugoConfig
from ingest.sites.hugo.content import (
    Cascade,
    ContentFile,
    bundle_resources,
    cascades,
    content_files,
    unrendered,
)
from ingest.sites.hugo.dependencies import SectionMembers, ShownFiles, link_digest
from ingest.sites.hugo.frontmatter import FrontMatterError, decode, split_front_matter
from ingest.sites.hugo.links import ContentKeys, HugoLinks, PageIndex, entries, join
from ingest.sites.hugo.page import lowered, metadata, title_of, unpublished
from ingest.sites.hugo.render import IncludeProblem, Renderer
from ingest.sites.hugo.shortcodes import NestedTooDeeply, static_output
from ingest.sites.hugo.urls import absolute, page_path, permalink_rules
from ingest.sites.listing import description_of, listed_page
from ingest.sites.shown import listed_markdown, shown_markdown

#: Bumped when the dialect's output changes, so pages prepared by an older one are re-read.
_VERSION = b"hugo-dialect/3"
_DATA_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
#: Where a site keeps its own shortcodes' templates (Hugo 0.146 and later, then earlier).
_SHORTCODE_FOLDERS = ("layouts/_shortcodes/", "layouts/shortcodes/")
#: The data files shortcodes the dialect renders read (code-toggle, page lists, eturl).
_DATA_READ = tuple(
    f"data/{name}{suffix}"
    for name in ("docs", "page_filters", "embedded_template_urls")
    for suffix in _DATA_SUFFIXES
)


class HugoSite:
    """``Site`` of a Hugo source."""

    dialect = "hugo"

    def __init__(self, files: SiteFiles, settings: SiteSettings, config: HugoConfig) -> None:
        self.files = files
        self.settings = settings
        self.config = config
        self.site_url = settings.site_url or (config.base_url if _is_absolute(config.base_url) else None)
        self.paths = frozenset(files.paths())
        self.content = content_files(self.paths, config)
        self.resources = bundle_resources(self.content)
        self.pages = {path: item for path, item in self.content.items() if path not in self.resources}
        self.keys = ContentKeys(self.pages.values(), config)
        self.rules = permalink_rules(config)
        self.cascades: list[Cascade] = cascades("", config.values.get("cascade"))
        self.bundle_fronts: dict[str, Mapping[str, Any]] = {}
        self.shaping: set[str] = set()
        self._hidden: dict[str, str] = {}
        self._texts: dict[str, str | None] = {}
        self._fronts: dict[str, Mapping[str, Any]] = {}
        self._data: dict[str, object] = {}
        self._glossaries: dict[str, tuple[ContentFile, dict[str, ContentFile]] | None] = {}
        self._links: HugoLinks | None = None
        self._members: SectionMembers | None = None
        self._lock = asyncio.Lock()
        self._data_lock = asyncio.Lock()

    async def load_bundles(self) -> None:
        """Read every bundle page's front matter: their cascades and build options."""
        bundles = [item for item in self.pages.values() if item.kind != "page" or item.leaf_bundle]
        for item in sorted(bundles, key=lambda item: item.key.count("/")):
            front = lowered(await self._front(item.path))
            self.bundle_fronts[item.path] = front
            if "cascade" in front:
                self.cascades.extend(cascades(item.key, front["cascade"]))
            if "cascade" in front or unrendered(front):
                self.shaping.add(item.path)
        for path, item in self.pages.items():
            reason = self._build_reason(item, self.bundle_fronts.get(path, {}))
            if reason is not None:
                self._hidden[path] = reason

    def _build_reason(self, item: ContentFile, front: Mapping[str, Any]) -> str | None:
        """Why the page's own front matter or the cascades reaching it keep it unpublished."""
        if "build" in front or "_build" in front or "headless" in front:
            return unrendered(front)
        for cascade in reversed(self.cascades):
            if cascade.applies(item) and ("build" in cascade.values or "_build" in cascade.values):
                return unrendered(cascade.values)
        return None

    # Scanning

    def role(self, path: str) -> Role:
        if path in self.resources or path in self._hidden:
            return Role.PARTIAL
        if path in self.pages:
            return Role.PAGE
        return Role.OTHER

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        digest = hashlib.sha256(_VERSION)
        digest.update(json.dumps(self.config.values, sort_keys=True, default=str).encode())
        digest.update(
            repr((self.settings.site_url, self.settings.locale, self.settings.empty_sections)).encode()
        )
        for path in sorted(self.paths):
            role = self.role(path)
            if role is Role.PAGE:
                shaping = path in self.shaping
                digest.update(f"page\0{path}\0{fingerprints.get(path, '') if shaping else ''}\n".encode())
            elif role is Role.PARTIAL or path in _DATA_READ or path.startswith(_SHORTCODE_FOLDERS):
                digest.update(f"partial\0{path}\0{fingerprints.get(path, '')}\n".encode())
        return digest.hexdigest()

    def listed_files(self, path: str) -> list[str]:
        """A section page's pages and subsections, whose titles and descriptions it may list."""
        item = self.pages.get(path)
        if item is None:
            return []
        if self._members is None:
            self._members = SectionMembers(self.pages.values(), self.keys)
        return self._members.of(item)

    async def cross_page_reads(self) -> CrossPageReads:
        index = (await self._built_links()).index
        pages = {path: item for path, item in self.pages.items() if self.role(path) is Role.PAGE}
        return await ShownFiles(self.find, self.text).reads(link_digest(index), pages)

    # Loading

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        item = self.pages.get(path)
        if item is None:
            return NotAPage("not a content page of the Hugo site")
        lowered_front = lowered(front)
        reason = (
            self._hidden.get(path) or unpublished(lowered_front) or self._build_reason(item, lowered_front)
        )
        if reason is not None:
            return NotAPage(reason)
        renderer = Renderer(self, path, lowered_front, item.language)
        try:
            markdown = await renderer.render(body)
        except (IncludeProblem, IncludesTooLarge, NestedTooDeeply) as exc:
            return PageProblem(str(exc))
        if not markdown.strip() and item.kind != "page":
            listed = await self._section_list(item)
            if listed is None:
                return NotAPage("a section page with no text of its own")
            markdown = listed
        if not markdown.strip() and not shown_markdown(front, self.settings.shown_front_matter):
            return NotAPage("a page with no text of its own (its site's templates make its content)")
        url = (
            absolute(page_path(item, lowered_front, self.config, self.rules), self.site_url)
            if self.site_url
            else None
        )
        return PreparedPage(
            body=markdown,
            title=title_of(lowered_front, markdown, item),
            url=url,
            locale=self._locale(item),
            warnings=tuple(renderer.warnings),
            unknown=dict(renderer.unknown),
            metadata=metadata(lowered_front),
        )

    async def _section_list(self, item: ContentFile) -> str | None:
        if self.settings.empty_sections == "skip":
            return None
        links = await self._built_links()
        children = links.index.children(item)
        if not children:
            return None
        folder = item.path.rpartition("/")[0]
        lines = []
        for child in children:
            # What Hugo's list templates show under a page's link: its description, else its summary.
            front = await self.front(child.item)
            described = description_of(front, "description", "summary")
            shown = listed_markdown(front, self.settings.shown_front_matter)
            lines.append(listed_page(child.link_title, _relative(child.item.path, folder), described, shown))
        return "\n".join(lines) + "\n"

    def _locale(self, item: ContentFile) -> str | None:
        """The page's language: the one its place names, else the user's ``locale``, else the
        site's default when the site names one."""
        if not item.language_named and self.settings.locale:
            return self.settings.locale
        if not item.language_named and not self.config.names_language:
            return None
        language = self.config.language(item.language)
        code = language.code if language else None
        if code and (code.lower() == item.language or not _looks_like_tag(item.language)):
            return code
        return item.language

    # Converting

    async def links(self) -> SiteLinks:
        return await self._built_links()

    async def _built_links(self) -> HugoLinks:
        async with self._lock:
            if self._links is None:
                fronts = {}
                hidden = dict(self._hidden)
                paths_of = {}
                for path, item in self.pages.items():
                    front = self.bundle_fronts.get(path)
                    if front is None:
                        front = lowered(await self._front(path))
                    fronts[path] = front
                    reason = hidden.get(path) or unpublished(front) or self._build_reason(item, front)
                    if reason is not None:
                        hidden[path] = reason
                    paths_of[path] = page_path(item, front, self.config, self.rules)
                index = PageIndex(
                    self.config,
                    entries(self.pages, fronts, hidden, paths_of),
                    self.keys,
                    self.paths,
                    self.pages,
                )
                self._links = HugoLinks(index, self.site_url)
            return self._links

    # What rendering needs (render.Pages)

    def find(self, target: str, from_path: str, language: str) -> ContentFile | None:
        return self.keys.find(target, self.content.get(from_path), language)

    async def text(self, path: str) -> str | None:
        if path not in self._texts:
            data = await self.files.read(path) if path in self.paths else None
            self._texts[path] = None if data is None else decode(data)
        return self._texts[path]

    def site_param(self, name: str) -> object | None:
        value: object = self.config.values.get("params")
        for part in name.lower().split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    async def data(self, name: str) -> object | None:
        # Pages are prepared concurrently: the others wait for the first to read the file.
        async with self._data_lock:
            if name not in self._data:
                self._data[name] = None
                for suffix in _DATA_SUFFIXES:
                    raw = await self.text(f"data/{name}{suffix}")
                    if raw is not None:
                        self._data[name] = _parse_data(suffix, raw)
                        break
            return self._data[name]

    def glossary(self, language: str) -> tuple[ContentFile, dict[str, ContentFile]] | None:
        if language not in self._glossaries:
            self._glossaries[language] = self._glossary(language)
        return self._glossaries[language]

    def _glossary(self, language: str) -> tuple[ContentFile, dict[str, ContentFile]] | None:
        """A section named ``glossary`` (the page's language first) and its pages by file name."""
        sections = [
            item
            for item in self.pages.values()
            if item.kind == "section" and item.key.rpartition("/")[2] == "glossary"
        ]
        section = next((item for item in sections if item.language == language), None) or next(
            iter(sections), None
        )
        if section is None:
            return None
        terms = {
            item.base_name: item
            for item in self.pages.values()
            if item.kind == "page"
            and item.language == section.language
            and item.key.rpartition("/")[0] == section.key
        }
        return section, terms

    async def front(self, item: ContentFile) -> Mapping[str, Any]:
        return self.bundle_fronts.get(item.path) or lowered(await self._front(item.path))

    async def section_pages(self, section: ContentFile) -> list[tuple[ContentFile, str]]:
        return [(item, title) for item, title in await self.section_children(section) if item.kind == "page"]

    async def section_children(self, section: ContentFile) -> list[tuple[ContentFile, str]]:
        index = (await self._built_links()).index
        return [(entry.item, entry.link_title) for entry in index.children(section)]

    async def static_shortcode(self, name: str) -> str | None:
        for template in _shortcode_templates(name):
            written = await self.text(template)
            if written is not None:
                return static_output(written)
        return None

    async def page_path(self, item: ContentFile) -> str:
        entry = (await self._built_links()).index.entry(item)
        return entry.path if entry is not None else "/" + item.key

    async def _front(self, path: str) -> Mapping[str, Any]:
        """The front matter of the file at ``path``, read once: a page's is asked for by its
        build rules, its section's listing and its links (callers copy it, never change it)."""
        if path not in self._fronts:
            raw = await self.text(path)
            try:
                self._fronts[path] = split_front_matter(raw or "")[0]
            except FrontMatterError:
                self._fronts[path] = {}
        return self._fronts[path]


def _shortcode_templates(name: str) -> list[str]:
    """Where the site's own template of a shortcode may be, in the order Hugo looks."""
    return [f"{folder}{name}{suffix}" for folder in _SHORTCODE_FOLDERS for suffix in (".html", ".md")]


def _relative(path: str, folder: str) -> str:
    prefix = folder + "/" if folder else ""
    if path.startswith(prefix):
        return path[len(prefix) :]
    return "/".join([".."] * (folder.count("/") + 1)) + "/" + join("", path)


def _parse_data(suffix: str, raw: str) -> object:
    try:
        if suffix == ".toml":
            return tomllib.loads(raw)
        if suffix == ".json":
            return json.loads(raw)
        return safeyaml.load(raw)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError, RecursionError):
        return None  # data nobody can read (broken, or nested thousands deep) shows nothing


def _is_absolute(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("http://", "https://"))


def _looks_like_tag(value: str) -> bool:
    head, _, rest = value.partition("-")
    return 2 <= len(head) <= 3 and head.isalpha() and all(part.isalnum() for part in rest.split("-") if rest)
