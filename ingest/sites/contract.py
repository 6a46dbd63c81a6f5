"""The contract of a docs-site dialect: what a Hugo, Docusaurus, MkDocs or Obsidian source means.

The sources of a docs site are not plain CommonMark: they carry site syntax (shortcodes, MDX,
callouts, wikilinks), pull text in from other files, publish each page at a URL the site
computes, and hold files that are not pages at all. A :class:`Dialect` knows one kind of site;
opened on a source's files it gives a :class:`Site`, which the Markdown connectors (filesystem,
git) consult while scanning and loading:

* while **scanning** (cheap, paths only): :meth:`Site.role` says which files are pages, and
  :meth:`Site.structure_digest` is folded into every page's fingerprint, so a page added,
  removed or renamed, a partial edited, or the site's config changed re-reads the pages
  (their links and includes may resolve differently), while an unchanged site costs nothing;
* while **loading** one page: :meth:`Site.prepare` turns its text into what the reader of the
  site sees (standard Markdown: CommonMark, GFM tables, ``!!! type "title"`` admonitions,
  content tabs, footnotes, raw HTML), resolving includes, and says its published URL, title,
  locale, whether it is a page at all, and what it could not resolve or did not know;
* while **converting** (the converter, through the engine): :meth:`Site.links` resolves each
  link the page holds to the published URL of the page it points to, and gives heading ids.

A dialect never raises for one bad page: :meth:`Site.prepare` returns a :class:`PageProblem`,
which becomes that document's failure. It never reads outside the source (``SiteFiles`` is
all it gets) and knows nothing of Intercom.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable


@runtime_checkable
class SiteFiles(Protocol):
    """**Protocol**: the files of one source, as the connector that reads it provides them.

    Paths are source-relative POSIX paths (``content/en/_index.md``), NFC, never ``..``.
    """

    def paths(self) -> Collection[str]:
        """Every file of the source (documents, config files, partials, data), cheaply listed."""
        ...

    async def read(self, path: str) -> bytes | None:
        """The bytes of ``path``, or None when there is no such file (or it cannot be read)."""
        ...


@dataclass(frozen=True, slots=True)
class ShownField:
    """A front matter field the site's theme shows on every page that has it (a lead
    paragraph, a function's signatures), so that Fin reads it as the site's readers do."""

    #: Its key, or a dotted path to a nested one (``params.functions_and_methods.signatures``).
    field: str
    #: A line of text shown before it (``Syntax``), or None.
    label: str | None = None
    #: ``markdown``: its text is Markdown, shown as paragraphs; ``code``: shown as a code block.
    style: Literal["markdown", "code"] = "markdown"
    #: The label of a list of several items (``Aliases``), when it differs from ``label``.
    plural_label: str | None = None
    #: What a section's list of its pages shows of it under each page that has it: its
    #: ``first`` item, ``all`` of them, or nothing (None). No label: lists show the value bare.
    in_lists: Literal["first", "all"] | None = None


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What the user configured about the site (connector options of Markdown sources)."""

    #: The published site's root (``https://docs.example.com/``); None: pages get no site URL
    #: (``url_template`` or nothing, as for plain Markdown) and links are resolved to nothing.
    site_url: str | None = None
    #: Versioned docs to take: ``("current",)`` (the default) or version names (``"10.x"``).
    versions: tuple[str, ...] = ("current",)
    #: The locale of documents whose path and front matter name none (None: the site's default).
    locale: str | None = None
    #: A section page with no body of its own: a list of its child pages, or left out.
    empty_sections: Literal["list", "skip"] = "list"
    #: Front matter fields the theme shows on a page, in the order it shows them above the body.
    shown_front_matter: tuple[ShownField, ...] = ()


class Role(StrEnum):
    """What a file of the source is to the site."""

    #: A page readers see: becomes a document.
    PAGE = "page"
    #: Text other pages pull in (a partial, a snippet, a headless bundle): not a document,
    #: but its content shapes pages, so its fingerprint is part of the structure digest.
    PARTIAL = "partial"
    #: Anything else (config, data, assets, another version's or language's files when
    #: those are left out): neither a document nor part of the digest.
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """One page as the reader of the site sees it, ready for the converter."""

    #: Standard Markdown (or HTML when the page is HTML): no site syntax left, includes inlined.
    body: str
    title: str
    #: The published URL (absolute), or None when ``site_url`` is not set.
    url: str | None
    #: The page's locale (``en``, ``fr``, ``zh-CN``...), or None when the site does not say.
    locale: str | None = None
    #: Problems the reader would not see but the user should: links to missing pages,
    #: includes that could not be found... one sentence each, naming what was not found.
    warnings: tuple[str, ...] = ()
    #: Site constructs the dialect does not know (kept as their inner text), counted by name:
    #: ``{"shortcode:eturl": 3, "component:Highlight": 1}``; the run report lists them.
    unknown: Mapping[str, int] = field(default_factory=dict)
    #: Other front matter worth keeping (description, aliases...), JSON-representable.
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NotAPage:
    """A file the site does not publish (a draft, a headless bundle, another version), and why."""

    reason: str


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A page that cannot be prepared (an include cycle, a missing include, broken syntax)."""

    message: str


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """Where a link found in a page points on the published site.

    ``url`` None means the link points to nothing that is published: it is unlinked (its
    text kept) and ``warning`` says why, naming the target.
    """

    url: str | None
    warning: str | None = None


@runtime_checkable
class SiteLinks(Protocol):
    """**Protocol**: how links and headings of a site's pages read on the published site."""

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        """Where ``href``, found in the page at ``from_path``, points; None when the dialect
        has no opinion (an absolute ``https://`` link, a ``mailto:``): the converter's own
        rules apply then."""
        ...

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        """The id the site gives a heading reading ``text`` (``taken``: ids already used on
        the page, for the site's own way of making duplicates unique)."""
        ...


@runtime_checkable
class Site(Protocol):
    """**Protocol**: one source, opened as the site of its dialect."""

    dialect: str

    def role(self, path: str) -> Role:
        """What ``path`` is to the site, from its path alone (cheap: called for every file)."""
        ...

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        """A digest of everything beyond a page's own text that shapes it: the set of pages
        (their paths), the partials' fingerprints, the site's config. ``fingerprints`` holds
        every file's connector fingerprint, by path."""
        ...

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        """The page at ``path`` as its reader sees it (``front``: its front matter, parsed;
        ``body``: the text after it)."""
        ...

    async def links(self) -> SiteLinks:
        """How links resolve on this site (built on first call, e.g. from every page's front
        matter; cached)."""
        ...


@dataclass(frozen=True, slots=True)
class CrossPageReads:
    """What a site's pages read of other pages that their paths do not say, found by reading the
    pages (see :class:`SiteDependencies`)."""

    #: A digest of what a link reads of the page it points to: its published URL (front matter
    #: ``slug``, ``url``, ``permalink``, ``id``...) and whether it is published at all. Every
    #: page's fingerprint folds it, so a page whose URL changed re-reads the pages.
    links: str
    #: Page by page, the other files whose text or front matter it shows as only its text says
    #: (a page it includes or embeds): their fingerprints fold into its fingerprint.
    shows: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Pages that show other pages as only their text says and that cannot be told which (a
    #: shortcode listing the section it names, a card list): read again when any file changes.
    shows_any: frozenset[str] = frozenset()
    #: Page by page, a digest of what it reads of other pages that no file's fingerprint says
    #: exactly (which page holds the heading an autorefs reference names): it folds into its
    #: fingerprint, so that the page is read again when that changes, and not on every edit of
    #: the pages it might concern.
    digests: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class SiteDependencies(Protocol):
    """**Protocol** (optional): a site whose pages show what other files say beyond its
    structure digest (a section page lists its pages with their descriptions, a link reads the
    URL its target's front matter gives it, an embed shows another note), so that a page is read
    again when only those files change, and only then. The Markdown connectors fold each page's
    dependencies into its fingerprint (:mod:`ingest.sites.dependencies`); a site without this
    Protocol has its structure digest alone."""

    def listed_files(self, path: str) -> Collection[str]:
        """From paths alone (cheap: asked for every page at every scan): the files whose front
        matter the page at ``path`` may show when it lists them (a section page: its pages)."""
        ...

    async def cross_page_reads(self) -> CrossPageReads:
        """What the pages read of each other beyond :meth:`listed_files`, found by reading them:
        asked only when some file of the source changed since it was last asked."""
        ...


class Dialect(Protocol):
    """**Protocol**: one kind of docs site."""

    name: ClassVar[str]

    @staticmethod
    def recognises(paths: Collection[str]) -> bool:
        """Whether a source holding ``paths`` is a site of this kind (``mkdocs.yml`` at the root...)."""
        ...

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        """The site, its config read. A config that cannot be read is a
        :class:`~ingest.errors.ConnectorError` naming the file and the problem."""
        ...
