"""A Docusaurus site opened on a source's files: roles, digest, prepared pages, links.

What "current" means: :attr:`SiteSettings.versions` ``("current",)`` takes the version the
site publishes as its default, without a version segment in its URLs: ``lastVersion``, by
default the newest release in ``versions.json`` (or the ``docs/`` folder of a site without
releases). The ``docs/`` folder of a site that has releases is published under ``/next/``: it
is taken by naming it ``"next"``. Other versions are taken by their name (``"2.0"``); their
page titles say the version (``Install (2.0)``), so that Fin never holds two pages titled
alike that answer one question differently. For the same reason the pages of a docs plugin
other than the default one say its id (``Installation (pnpr)``).
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections.abc import Mapping
from functools import partial
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
    SiteSettings,
)
from ingest.sites.digest import structure_digest
from ingest.sites.docusaurus.config import SiteConfig
from ingest.sites.docusaurus.dependencies import CategoryPages, link_digest, shown_by_text
from ingest.sites.docusaurus.layout import Layout, Place, doc_id, is_markdown, is_section
from ingest.sites.docusaurus.links import Entry, SiteLinks, entry_for, number_prefix
from ingest.sites.docusaurus.mdxrender import (
    DEFAULT_ADMONITIONS,
    Context,
    IncludeProblem,
    render_page,
    split_front_matter,
)
from ingest.sites.listing import with_shown_below
from ingest.sites.shown import listed_markdown

_log = logging.getLogger(__name__)
_METADATA_KEYS = ("description", "keywords", "tags", "authors", "date")
# An unclosed comment runs to the end, so that no later one looks to the end again (quadratic).
_ESM_OR_COMMENT = re.compile(
    r"(?:import|export)\b[^\n]*(?:\n[^\n]+)*|\{/\*(?:.*?\*/\}|.*)|<!--(?:.*?-->|.*)", re.DOTALL
)
_COMMENT = re.compile(r"<!--(?:.*?-->|.*)", re.DOTALL)
_ATX_TITLE = re.compile(r"#[ \t]+(?P<title>[^\n]*?)(?:[ \t]+#+)?[ \t]*(?:\n|$)")
_SETEXT_TITLE = re.compile(r"(?P<title>[^\n]+)\n=+[ \t]*(?:\n|$)")
_HEADING_ID = re.compile(r"[ \t]*\{#[^}\s]+\}[ \t]*$")
_FRONT = re.compile(r"---[ \t]*\n(?P<yaml>.*?)\n?(?:---|\.\.\.)[ \t]*(?:\n|$)", re.DOTALL)

#: Folded into every page's fingerprint: bump it, saying why, when the text pages read as changes
#: (the reason makes two parallel bumps conflict in git rather than merge into one).
_VERSION = "docusaurus-2: code-block titles, :emoji: codes, titles of a second docs plugin"


class DocusaurusSite:
    """Implements :class:`ingest.sites.contract.Site` for one Docusaurus site."""

    dialect = "docusaurus"

    def __init__(
        self,
        files: SiteFiles,
        settings: SiteSettings,
        config: SiteConfig,
        layout: Layout,
        config_files: list[str],
        *,
        text_expressions: bool = True,
    ) -> None:
        self.files = files
        self.settings = settings
        self.config = config
        self.layout = layout
        self.config_files = config_files
        self.text_expressions = text_expressions
        self.paths = frozenset(files.paths())
        self.root = site_root(settings.site_url, config.base_url)
        self._roles: dict[str, Role] = {}
        self._links: SiteLinks | None = None
        self._categories: CategoryPages | None = None
        self._texts: dict[str, str | None] = {}

    def role(self, path: str) -> Role:
        role = self._roles.get(path)
        if role is None:
            role = self._roles[path] = self._role(path)
        return role

    def _role(self, path: str) -> Role:
        place = self.layout.place(path)
        if place is None:
            # MDX shared from src/ (src/partials/_x.mdx, src/components/Y.mdx) shapes the pages importing it.
            return Role.PARTIAL if is_markdown(path) and path.startswith("src/") else Role.OTHER
        if self.layout.is_partial(place):
            return Role.PARTIAL
        if self.layout.is_published(place):
            return Role.PAGE if place.content.taken else Role.OTHER
        return Role.OTHER

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        return structure_digest(_VERSION, self.settings, self.config_files, fingerprints, self.role)

    def listed_files(self, path: str) -> list[str]:
        """A category index page's cards: the pages of its folder and its subfolders' index pages."""
        place = self.layout.place(path)
        return self._cards(place) if place is not None and is_section(place) else []

    async def cross_page_reads(self) -> CrossPageReads:
        links = await self.links()
        shows = {}
        for path, entry in links.by_path.items():
            if self.role(path) is Role.PAGE:
                shown = await shown_by_text(path, self.read_text, partial(self._cards, entry.place))
                if shown:
                    shows[path] = shown
        return CrossPageReads(links=link_digest(links.by_path.values()), shows=shows)

    def _cards(self, place: Place) -> list[str]:
        if self._categories is None:
            pages = [path for path in sorted(self.paths) if self.role(path) is Role.PAGE]
            self._categories = CategoryPages(self.layout, pages)
        return self._categories.of(place)

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        place = self.layout.place(path)
        role = self.role(path)
        if place is None or role is not Role.PAGE:
            return NotAPage(_why_not(role, place))
        if front.get("draft") is True:
            return NotAPage("a draft (front matter draft: true): the site does not publish it")
        if front.get("unlisted") is True:
            return NotAPage("unlisted (front matter unlisted: true): the site keeps it out of search")
        written_as = front.get("format")

        def is_mdx(file: str) -> bool:
            return written_as == "mdx" if file == path and written_as in ("md", "mdx") else self.is_mdx(file)

        context = Context(
            read=self.read_text,
            is_mdx=is_mdx,
            card_list=self.card_list,
            admonitions=DEFAULT_ADMONITIONS,
            text_expressions=self.text_expressions,
        )
        try:
            markdown = await render_page(path, body, context)
        except (IncludeProblem, IncludesTooLarge) as exc:
            return PageProblem(str(exc))
        except RecursionError:
            return PageProblem("MDX nested too deeply to read")
        title = self.title(place, front, body)
        if _is_empty(markdown, title):
            if not is_section(place) or self.settings.empty_sections == "skip":
                return NotAPage("no content of its own" + (" (a section page)" if is_section(place) else ""))
            listing = await self.card_list(path)
            if not listing.strip():
                return NotAPage("a section page with no content and no pages under it")
            markdown = f"{markdown.rstrip()}\n\n{listing}\n"
        links = await self.links()
        return PreparedPage(
            body=markdown,
            title=title,
            url=links.url(self.layout.route(place, front), place.locale),
            locale=place.locale or self.settings.locale or self.config.default_locale,
            unknown=dict(context.unknown),
            metadata=_metadata(front, place),
        )

    def title(self, place: Place, front: Mapping[str, Any], body: str) -> str:
        """The page's title: front matter ``title`` (what Docusaurus names the page with) and the
        heading the body opens with (what the reader sees atop it), both when they differ and
        neither holds the other; else whichever there is, else ``sidebar_label``, else the doc's
        id. The id of a docs plugin other than the default one and a version's label follow.
        (Pages often share a front matter title and differ by their heading, or the other way
        round: together they tell the pages apart.)"""
        named, heading = _text(front.get("title")), content_title(body)
        title: str | None
        if named and heading:
            if named.casefold() in heading.casefold():
                title = heading
            elif heading.casefold() in named.casefold():
                title = named
            else:
                title = f"{named}: {heading}"
        else:
            title = heading or named or _text(front.get("sidebar_label"))
        if not title:
            stem = posixpath.splitext(place.relative)[0]
            title = doc_id(place.relative, front).rsplit("/", 1)[-1] if place.content.kind == "docs" else stem
        content = place.content
        plugin = content.plugin_id if content.kind == "docs" and content.plugin_id != "default" else None
        labels = [label for label in (plugin, content.version_label) if label]
        return f"{title} ({', '.join(labels)})" if labels else title

    def is_mdx(self, path: str) -> bool:
        if path.lower().endswith(".mdx"):
            return self.config.markdown_format != "md"
        return self.config.markdown_format == "mdx"

    async def read_text(self, path: str) -> str | None:
        if path not in self._texts:
            raw = await self.files.read(path)
            self._texts[path] = (
                None
                if raw is None
                else raw.decode("utf-8", "replace").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
            )
        return self._texts[path]

    async def links(self) -> SiteLinks:
        if self._links is None:
            entries: list[Entry] = []
            for path in sorted(self.paths):
                place = self.layout.place(path)
                if place is None or not self.layout.is_published(place) or self.layout.is_partial(place):
                    continue
                text = await self.read_text(path)
                if text is None:
                    continue
                front = read_front(text)
                body = split_front_matter(text)
                position = front.get("sidebar_position")
                if not isinstance(position, int | float) or isinstance(position, bool):
                    position = number_prefix(posixpath.basename(place.relative))
                entry = entry_for(self.layout, path, front, body, self.title, position)
                if entry is not None:
                    entries.append(entry)
            self._links = SiteLinks(self.layout, entries, self.paths, self.root)
        return self._links

    async def card_list(self, path: str) -> str:
        """A Markdown list linking the pages of the category the page at ``path`` is in."""
        links = await self.links()
        place = self.layout.place(path)
        if place is None:
            return ""
        folder = posixpath.dirname(place.relative)
        children: list[Entry] = []
        for entry in links.by_path.values():
            other = entry.place
            if other.content != place.content or other.locale is not None or entry.path == place.original:
                continue
            parent = posixpath.dirname(other.relative)
            if parent == folder or (posixpath.dirname(parent) == folder and is_section(other) and parent):
                children.append(entry)
        children.sort(key=lambda entry: (entry.position is None, entry.position or 0, entry.place.relative))
        lines = []
        for child in children:
            if place.locale is not None:
                child = links.by_path.get(self.layout.localized(child.path, place.locale) or "", child)
            target = posixpath.relpath(child.place.relative, folder or ".")
            title = child.title.replace("[", "\\[").replace("]", "\\]")
            described = f": {child.description}" if child.description else ""
            front = read_front(await self.read_text(child.path) or "")
            shown = listed_markdown(front, self.settings.shown_front_matter)
            lines.append(with_shown_below(f"- [{title}](<./{target}>){described}", shown))
        return "\n".join(lines)


def site_root(site_url: str | None, base_url: str) -> str | None:
    """The URL of the site's root (``baseUrl`` included) from the user's ``site_url``."""
    if not site_url:
        return None
    root = site_url.split("#", 1)[0].split("?", 1)[0]
    scheme_end = root.find("//")
    path_start = root.find("/", scheme_end + 2) if scheme_end >= 0 else -1
    if path_start < 0 or root[path_start:] in ("", "/"):
        return root.rstrip("/") + base_url  # the bare host: the site lives under its baseUrl
    return root if root.endswith("/") else root + "/"


def content_title(body: str) -> str | None:
    """The heading a body opens with (after its imports), as Docusaurus' ``contentTitle``."""
    position = 0
    while True:
        blank = re.compile(r"[ \t\n]*").match(body, position)
        position = blank.end() if blank else position
        skipped = _ESM_OR_COMMENT.match(body, position)
        if skipped is None or skipped.end() == position:
            break
        position = skipped.end()
    heading = _ATX_TITLE.match(body, position) or _SETEXT_TITLE.match(body, position)
    if heading is None:
        return None
    title = _HEADING_ID.sub("", heading["title"])
    if "{" in title or "<" in title:
        return None  # JSX in the heading: the front matter title says it better
    return " ".join(re.sub(r"[*_`]+", "", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)).split()) or None


def read_front(text: str) -> dict[str, Any]:
    """A file's YAML front matter, or an empty mapping when it has none (or none readable)."""
    match = _FRONT.match(text)
    if match is None:
        return {}
    try:
        loaded = safeyaml.load(match["yaml"])
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def _is_empty(markdown: str, title: str) -> bool:
    stripped = _COMMENT.sub("", markdown).strip()
    heading = _ATX_TITLE.fullmatch(stripped + "\n") if stripped.startswith("#") else None
    return not stripped or heading is not None


def _metadata(front: Mapping[str, Any], place: Place) -> dict[str, Any]:
    kept: dict[str, Any] = {key: front[key] for key in _METADATA_KEYS if key in front}
    if place.content.version is not None:
        kept["version"] = place.content.version
    jsonable: dict[str, Any] = json.loads(json.dumps(kept, default=str))
    return jsonable


def _why_not(role: Role, place: Place | None) -> str:
    if role is Role.PARTIAL:
        return "a partial: its text is part of the pages that include it"
    if place is not None and place.content.version is not None and not place.content.taken:
        return f"version {place.content.version} of the docs, which the versions setting does not take"
    return "not a page the site publishes"
