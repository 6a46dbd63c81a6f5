"""One MkDocs source opened as its site: roles, the structure digest, pages prepared, links.

A page is prepared as MkDocs builds it: MultiMarkdown-style meta lines (when there is no
YAML front matter) are read as MkDocs reads them, mkdocs-macros' Jinja is rendered (only
when that plugin is on), includes are inlined (:mod:`.includes`), and the block and inline
syntax of pymdownx and Material is rewritten (:mod:`.blocks`, :mod:`.inline`).

Its title is MkDocs': the title ``nav`` gives it, else front matter ``title``, else a first
``# Heading`` the page opens with, else "Home" for the home page, else its file name.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

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
from ingest.sites.digest import structure_digest
from ingest.sites.listing import description_of, listed_page
from ingest.sites.mkdocs.arithmatex import Arithmatex
from ingest.sites.mkdocs.autorefs import Autorefs
from ingest.sites.mkdocs.blocks import BlockRewriter
from ingest.sites.mkdocs.blog import Blog, post_date
from ingest.sites.mkdocs.bounded import DEFAULT_LIMITS, MacrosLimits, MacrosTooCostly
from ingest.sites.mkdocs.config import MkDocsConfig, PythonTag
from ingest.sites.mkdocs.dependencies import SectionPages, ShownFiles, is_index, link_digest
from ingest.sites.mkdocs.excerpts import excerpt
from ingest.sites.mkdocs.includes import IncludeProblem, Includer, IncludeSettings
from ingest.sites.mkdocs.layout import DocFile, Layout, canonical_locale, is_markdown, nav_titles
from ingest.sites.mkdocs.links import MkDocsLinks, PageAt
from ingest.sites.mkdocs.macros import expand_macros, macros_options
from ingest.sites.mkdocs.pages import (
    decode,
    first_heading,
    front_matter,
    has_content,
    metadata,
    multimarkdown_meta,
)
from ingest.sites.shown import listed_markdown
from ingest.sites.slugs import github_slug, toc_slug, unique

#: Bump when the dialect's output changes for the same input, so pages are read again; with a
#: reason, so that two branches bumping it at once conflict when merged rather than merge into
#: one bump (as mkdocs-2 did: a site synced between the two merges kept the second's pages stale).
_VERSION = "mkdocs-3: an index page of any Markdown suffix bounds its section"
_GITHUB_SLUGIFIERS = ("pymdownx.slugs", "slugify_unicode", "uslugify", "gfm")


class MkDocsSite:
    """:class:`~ingest.sites.contract.Site` for one MkDocs source."""

    dialect = "mkdocs"

    def __init__(
        self,
        files: SiteFiles,
        settings: SiteSettings,
        config: MkDocsConfig,
        *,
        macros_limits: MacrosLimits = DEFAULT_LIMITS,
    ) -> None:
        if settings.site_url:  # the user's word over the config's
            config = replace(config, site_url=settings.site_url)
        self.files = files
        self.settings = settings
        self.config = config
        self.includes = IncludeSettings.of(config)
        self.layout = Layout(config, files.paths(), self.includes.snippet_bases)
        self.blog = Blog.of(config)
        docs_files = {
            rel for path in self.layout.paths if (rel := self.layout.docs_relative(path)) is not None
        }
        self.nav_titles = nav_titles(config.nav, docs_files)
        self._texts: dict[str, str | None] = {}
        self._links: MkDocsLinks | None = None
        self._autorefs_on = config.plugin("autorefs", "mkdocstrings") is not None
        self._refs: Autorefs | None = None
        self._sections: SectionPages | None = None
        self._posts: list[str] = []
        critic = config.extension("pymdownx.critic") or {}
        self._critic_mode = str(critic.get("mode", "view"))
        self._callouts = config.extension("callouts", "markdown_callouts") is not None
        self._macros = macros_options(config)
        self._macros_limits = macros_limits
        arithmatex = config.extension("pymdownx.arithmatex")
        self._math = Arithmatex(arithmatex) if arithmatex is not None else None

    # -- scanning --------------------------------------------------------------------------

    def role(self, path: str) -> Role:
        return self.layout.role(path)

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        return structure_digest(_VERSION, self.settings, self.config.files, fingerprints, self.role)

    def listed_files(self, path: str) -> list[str]:
        """A section's index page: the pages it lists when it has no text of its own."""
        rel = self.layout.docs_relative(path)
        if rel is None or not is_index(rel):
            return []
        if self._sections is None:
            # Every Markdown file of docs_dir, excluded or not: listing one too many costs nothing.
            relatives = {each: self.layout.docs_relative(each) for each in sorted(self.layout.paths)}
            docs = {each: found for each, found in relatives.items() if found and is_markdown(found)}
            self._sections = SectionPages(docs)
            self._posts = [each for each in docs if (doc := self.layout.doc(each)) and self._is_post(doc)]
        listed = self._sections.of(path, rel)
        if self.blog is not None and self.blog.is_index(rel):
            return sorted({*listed, *self._posts})  # the excerpts it shows
        return listed

    async def cross_page_reads(self) -> CrossPageReads:
        links = await self.links()
        assert isinstance(links, MkDocsLinks)
        macros = (self.config, self._macros) if self._macros is not None else None
        refs = await self._autorefs() if self._autorefs_on else None
        shown_by = ShownFiles(self.includes, self._read_text, self._exists, macros, refs)
        shows: dict[str, frozenset[str]] = {}
        digests: dict[str, str] = {}
        for path in sorted(links.pages):
            text, rel = await self._read_text(path), self.layout.docs_relative(path)
            on_blog_index = self.blog is not None and rel is not None and self.blog.is_index(rel)
            # Most pages show nothing: they are told apart without parsing their front matter.
            if text is None or not (on_blog_index or shown_by.may_show(text)):
                continue
            front, body = front_matter(text)
            doc = self.layout.doc(path)
            shown = await shown_by.of(path, front, await self._with_excerpts(doc, body) if doc else body)
            if shown.files:
                shows[path] = shown.files
            if shown.references is not None:
                digests[path] = shown.references
        return CrossPageReads(links=link_digest(links.pages), shows=shows, digests=digests)

    # -- loading ---------------------------------------------------------------------------

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        doc = self.layout.doc(path)
        if doc is None:
            return NotAPage(
                f"{path} is not a page of the MkDocs site (not a Markdown file of {self._docs_dir})"
            )
        if not front:
            front, body = multimarkdown_meta(body)
        reason = self._unpublished(doc, front)
        if reason is not None:
            return NotAPage(reason)
        body = await self._with_excerpts(doc, body)
        unknown: Counter[str] = Counter()
        includer = Includer(self.includes, self._read_text, self._exists, path)
        try:
            if self._macros is not None:
                body = await expand_macros(
                    body, front, self.config, self._macros, self._read_text, unknown, self._macros_limits
                )
            expansion = await includer.expand(body)
        except (IncludeProblem, IncludesTooLarge, MacrosTooCostly) as exc:
            return PageProblem(str(exc))
        rewriter = BlockRewriter(callouts=self._callouts, critic_mode=self._critic_mode, math=self._math)
        text = rewriter.rewrite(expansion.text)
        if self._autorefs_on:
            text = (await self._autorefs()).rewrite(text, doc.rel)
        unknown += expansion.unknown + rewriter.unknown
        title = self._title(doc, front, text)
        if not has_content(text, title):
            listing = await self._section_listing(doc)
            if not listing:
                generated = (
                    " (its content is generated from code by mkdocstrings)" if unknown["mkdocstrings"] else ""
                )
                return NotAPage(f"{path} has no content of its own{generated}")
            text = f"{text.rstrip()}\n\n{listing}\n"
        published = (
            self.blog.published_as(doc.rel, front, title) if self._is_post(doc) and self.blog else None
        )
        return PreparedPage(
            body=text,
            title=title,
            url=self.layout.absolute(self.layout.url_path(doc, published=published)),
            locale=self._locale(doc),
            warnings=tuple(expansion.warnings),
            unknown=dict(sorted(unknown.items())),
            metadata=metadata(front),
        )

    def _unpublished(self, doc: DocFile, front: Mapping[str, Any]) -> str | None:
        if self.layout.is_draft(doc.rel):
            return f"{doc.path} is a draft (draft_docs): MkDocs leaves it out of the site"
        index = self.layout.shadowing_index(doc.rel)
        if index is not None:
            return f"{doc.path} is not published: {index} beside it is the folder's page"
        i18n = self.layout.i18n
        if i18n is not None and doc.locale is not None and not i18n.built.get(doc.locale, True):
            return f"{doc.path} is in {doc.locale}, a language the site does not build"
        if self.blog is not None and self._is_post(doc) and self.blog.is_unpublished_draft(front):
            return f"{doc.path} is a draft blog post (draft: true)"
        template = front.get("template")
        if isinstance(template, str) and "redirect" in template:
            return f"{doc.path} only redirects readers elsewhere (template: {template})"
        return None

    async def _section_listing(self, doc: DocFile) -> str | None:
        """For a section's index page with nothing of its own, a list of its pages (the pages
        below its folder with no other index page between), when ``empty_sections`` is "list"."""
        folder, name = posixpath.split(doc.rel)
        if self.settings.empty_sections != "list" or posixpath.splitext(name)[0] not in ("index", "README"):
            return None
        links = await self.links()
        assert isinstance(links, MkDocsLinks)
        items: list[str] = []
        for path in sorted(links.pages):
            child = self.layout.doc(path)
            if child is None or child.locale != doc.locale or not self.layout.in_section(child.rel, folder):
                continue
            front, title = await self._front_and_title(child)
            shown = listed_markdown(front, self.settings.shown_front_matter)
            target = posixpath.relpath(child.rel, folder or ".")
            items.append(listed_page(title, target, description_of(front), shown))
        return "\n".join(items) or None

    async def _with_excerpts(self, doc: DocFile, body: str) -> str:
        """``body``, and when ``doc`` is the blog's index, the excerpts it shows below it."""
        if self.blog is None or not self.blog.is_index(doc.rel):
            return body
        return body.rstrip("\n") + "\n" + "".join(f"\n{item}" for item in await self._excerpts(doc))

    async def _excerpts(self, index: DocFile) -> list[str]:
        """The excerpts the blog's index shows: one page of published posts, pinned first, newest first."""
        assert self.blog is not None
        posts = []
        for path in sorted(self.layout.paths):
            doc = self.layout.doc(path)
            if doc is None or not self._is_post(doc):
                continue
            front, body = front_matter(await self._read_text(doc.path) or "")
            created = post_date(front.get("date"))
            if created is not None and self._unpublished(doc, front) is None:
                posts.append((front.get("pin") is True, created, doc, front, body))
        posts.sort(key=lambda post: post[:2], reverse=True)
        folder = posixpath.dirname(index.rel)
        return [
            excerpt(
                body,
                title=self._title(doc, front, body),
                link=posixpath.relpath(doc.rel, folder or "."),
                separator=self.blog.excerpt_separator,
                from_dir=posixpath.dirname(doc.rel),
                to_dir=folder,
            )
            for _pin, _created, doc, front, body in posts[: self.blog.per_page]
        ]

    def _is_post(self, doc: DocFile) -> bool:
        return self.blog is not None and self.blog.is_post(doc.base)

    def _title(self, doc: DocFile, front: Mapping[str, Any], text: str) -> str:
        titled = self.nav_titles.get(doc.rel)
        if titled:
            return titled
        declared = front.get("title")
        if isinstance(declared, str | int | float) and str(declared).strip():
            return str(declared).strip()
        heading = first_heading(text)
        if heading:
            return heading
        if doc.base in ("index.md", "README.md"):
            return "Home"
        stem = posixpath.splitext(posixpath.basename(doc.base))[0]
        name = posixpath.basename(posixpath.dirname(doc.base)) if stem in ("index", "README") else stem
        name = name.replace("-", " ").replace("_", " ")
        return name.capitalize() if name.lower() == name else name

    def _locale(self, doc: DocFile) -> str | None:
        if doc.locale is not None:
            return doc.locale
        language = self.settings.locale or self.config.theme_language
        return canonical_locale(language) if language else None

    @property
    def _docs_dir(self) -> str:
        return self.config.docs_dir or "the source's root"

    def _exists(self, path: str) -> bool:
        return path in self.layout.paths

    async def _read_text(self, path: str) -> str | None:
        if path not in self._texts:
            raw = await self.files.read(path)
            self._texts[path] = decode(raw) if raw is not None else None
        return self._texts[path]

    # -- converting ------------------------------------------------------------------------

    async def links(self) -> SiteLinks:
        if self._links is None:
            self._links = MkDocsLinks(
                self.layout, await self._published(), self._redirects(), self._slugger()
            )
        return self._links

    async def _published(self) -> dict[str, PageAt]:
        pages: dict[str, PageAt] = {}
        for path in sorted(self.layout.paths):
            doc = self.layout.doc(path)
            if doc is None or self.layout.is_draft(doc.rel) or self.layout.shadowing_index(doc.rel):
                continue
            published = None
            if self._is_post(doc) and self.blog is not None:
                front, title = await self._front_and_title(doc)
                if self.blog.is_unpublished_draft(front):
                    continue
                published = self.blog.published_as(doc.rel, front, title)
            pages[path] = PageAt(doc.rel, doc.locale, self.layout.url_path(doc, published=published))
        return pages

    async def _front_and_title(self, doc: DocFile) -> tuple[Mapping[str, Any], str]:
        front, body = front_matter(await self._read_text(doc.path) or "")
        return front, self._title(doc, front, body)

    async def _autorefs(self) -> Autorefs:
        if self._refs is None:
            links = await self.links()
            assert isinstance(links, MkDocsLinks)
            texts = [
                (page.rel, await self._read_text(path) or "") for path, page in sorted(links.pages.items())
            ]
            self._refs = Autorefs(texts, self._slugger())
        return self._refs

    def _redirects(self) -> dict[str, str]:
        options = self.config.plugin("redirects") or {}
        maps = options.get("redirect_maps")
        return {str(old): str(new) for old, new in maps.items()} if isinstance(maps, dict) else {}

    def _slugger(self) -> Any:
        toc = self.config.extension("toc", "markdown.extensions.toc") or {}
        slugify = toc.get("slugify")
        name = slugify.name if isinstance(slugify, PythonTag) else str(slugify or "")
        if any(marker in name for marker in _GITHUB_SLUGIFIERS):
            return lambda text, taken: unique(github_slug(text), taken, separator="_")
        return toc_slug
