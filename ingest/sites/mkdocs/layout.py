"""Which files of an MkDocs source are pages, at which URL and in which language.

MkDocs publishes every Markdown file of ``docs_dir`` (``.md``, ``.markdown``...) except those
``exclude_docs`` matches (and, always, dotfiles and ``/templates/``); ``draft_docs`` are
left out of a build; ``not_in_nav`` only silences a warning, so pages missing from ``nav``
are published all the same. A ``README.md`` beside an ``index.md`` loses to it.

``a/b.md`` is published at ``a/b/`` (``use_directory_urls``, the default) or ``a/b.html``;
``index.md`` and ``README.md`` at their folder's URL. With mkdocs-static-i18n a page's
language is its suffix (``page.fr.md``) or first folder (``fr/page.md``), and pages of
other languages than the default are published under ``<locale>/``. Material's blog plugin
publishes the posts of ``blog/posts/`` at ``blog/<yyyy>/<MM>/<dd>/<slug>/``
(:mod:`.blog`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pathspec

from ingest.sites.contract import Role
from ingest.sites.mkdocs.config import MkDocsConfig, normalise

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkdn", ".mkd"})
#: Files a snippet or include may pull in (text); images, archives and fonts never are.
TEXT_SUFFIXES = MARKDOWN_SUFFIXES | {
    ".txt", ".html", ".htm", ".py", ".pyi", ".js", ".mjs", ".ts", ".tsx", ".jsx", ".json", ".yml",
    ".yaml", ".toml", ".ini", ".cfg", ".sh", ".bash", ".ps1", ".bat", ".sql", ".go", ".rs", ".java",
    ".kt", ".c", ".h", ".cpp", ".cs", ".rb", ".php", ".swift", ".css", ".scss", ".xml", ".csv",
    ".env", ".conf", ".dockerfile", ".graphql", ".proto", ".tf", ".r", ".lua",
}  # fmt: skip
#: Folders outside ``docs_dir`` that by convention hold what pages include.
INCLUDE_FOLDERS = frozenset({"includes", "_includes", "snippets", "_snippets", "docs_src", "examples"})
_ALWAYS_EXCLUDED = (".*", "/templates/")
_NEVER_SNIPPETS = frozenset({"node_modules", "site-packages", "__pycache__"})


@dataclass(frozen=True, slots=True)
class I18n:
    """mkdocs-static-i18n: how languages are told apart, the default, which are built."""

    structure: str
    default: str
    built: Mapping[str, bool]


@dataclass(frozen=True, slots=True)
class DocFile:
    """A Markdown file of ``docs_dir`` as the site sees it."""

    #: The source-relative path.
    path: str
    #: The path relative to ``docs_dir``.
    rel: str
    #: The path without its language (``guide.fr.md`` -> ``guide.md``, ``fr/guide.md`` -> ``guide.md``).
    base: str
    #: Its language as mkdocs-static-i18n says, or None.
    locale: str | None


def canonical_locale(value: str) -> str:
    """``fr``, ``pt-BR``, ``zh-Hant`` from however a config spells them (``pt_br``, ``ZH-hant``)."""
    parts = value.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part.lower())
    return "-".join(out)


def read_i18n(config: MkDocsConfig) -> I18n | None:
    """The i18n plugin's languages (1.x ``languages:`` list, or 0.x ``default_language`` and a mapping)."""
    options = config.plugin("i18n")
    if options is None:
        return None
    structure = str(options.get("docs_structure", "suffix"))
    languages = options.get("languages")
    default = options.get("default_language")
    built: dict[str, bool] = {}
    if isinstance(languages, list):
        for entry in languages:
            if isinstance(entry, dict) and isinstance(entry.get("locale"), str):
                locale = canonical_locale(entry["locale"])
                built[locale] = entry.get("build", True) is not False
                if entry.get("default") is True:
                    default = locale
    elif isinstance(languages, dict):
        for locale, entry in languages.items():
            build = entry.get("build", True) if isinstance(entry, dict) else True
            built[canonical_locale(str(locale))] = build is not False
    if not built:
        return None
    default_locale = canonical_locale(str(default)) if default else next(iter(built))
    built.setdefault(default_locale, True)
    return I18n(structure=structure, default=default_locale, built=built)


class Layout:
    """The files of one MkDocs source, sorted into pages, partials and the rest."""

    def __init__(self, config: MkDocsConfig, paths: Collection[str], snippet_bases: tuple[str, ...]) -> None:
        self.config = config
        self.paths = frozenset(paths)
        self.i18n = read_i18n(config)
        self._excluded = pathspec.GitIgnoreSpec.from_lines(
            [*_ALWAYS_EXCLUDED, *config.exclude_docs.splitlines()]
        )
        self._drafts = pathspec.GitIgnoreSpec.from_lines(config.draft_docs.splitlines())
        root = config.root
        self._dedicated_bases = tuple(base for base in snippet_bases if base != root)
        self._root_is_base = root in snippet_bases
        self._machinery = (*config.machinery, config.site_dir, *config.files)

    # -- files of docs_dir ------------------------------------------------------------------

    def docs_relative(self, path: str) -> str | None:
        """``path`` relative to ``docs_dir``, or None when it lies outside."""
        docs = self.config.docs_dir
        if not docs:
            return path
        return path[len(docs) + 1 :] if path.startswith(docs + "/") else None

    def source_path(self, rel: str) -> str:
        """The source-relative path of ``rel`` (relative to ``docs_dir``)."""
        return normalise(posixpath.join(self.config.docs_dir, rel))

    def is_excluded(self, rel: str) -> bool:
        return self._excluded.match_file(rel)

    def is_draft(self, rel: str) -> bool:
        return self._drafts.match_file(rel)

    def shadowing_index(self, rel: str) -> str | None:
        """For ``README.md``, the ``index.md`` beside it that MkDocs publishes instead."""
        folder, name = posixpath.split(rel)
        if posixpath.splitext(name)[0] != "README":
            return None
        for suffix in sorted(MARKDOWN_SUFFIXES):
            index = posixpath.join(folder, "index" + suffix)
            if self.source_path(index) in self.paths and not self.is_excluded(index):
                return index
        return None

    def in_section(self, rel: str, folder: str) -> bool:
        """Whether the page ``rel`` belongs to the section of ``folder``: below it, with no other
        section's index page between (a child section's own index page belongs to it)."""
        if rel == folder or not (folder == "" or rel.startswith(folder + "/")):
            return False
        parent = posixpath.dirname(rel)
        if posixpath.splitext(posixpath.basename(rel))[0] in ("index", "README"):
            if parent == folder:
                return False  # the section page itself
            parent = posixpath.dirname(parent)
        while parent != folder:
            if any(
                self.source_path(posixpath.join(parent, name + suffix)) in self.paths
                for name in ("index", "README")
                for suffix in MARKDOWN_SUFFIXES
            ):
                return False
            parent = posixpath.dirname(parent)
        return True

    def doc(self, path: str) -> DocFile | None:
        """The page ``path`` would be, when it is a Markdown file of ``docs_dir`` not excluded."""
        rel = self.docs_relative(path)
        if rel is None or not is_markdown(rel) or self.is_excluded(rel):
            return None
        locale, base = self._language_of(rel)
        return DocFile(path=path, rel=rel, base=base, locale=locale)

    def _language_of(self, rel: str) -> tuple[str | None, str]:
        i18n = self.i18n
        if i18n is None:
            return None, rel
        if i18n.structure == "folder":
            first, _, rest = rel.partition("/")
            locale = canonical_locale(first)
            if rest and locale in i18n.built:
                return locale, rest
            return i18n.default, rel
        stem, suffix = posixpath.splitext(rel)
        inner, dot, language = stem.rpartition(".")
        if dot and canonical_locale(language) in i18n.built:
            return canonical_locale(language), inner + suffix
        return i18n.default, rel

    def url_path(self, doc: DocFile, *, published: str | None = None) -> str:
        """The site-relative URL (``guide/``, ``fr/guide/``, ``""`` for the home page) of ``doc``,
        or of ``published`` (a docs-relative ``.md`` path the page is published as, e.g. a post)."""
        url = page_url(published or doc.base, use_directory_urls=self.config.use_directory_urls)
        if self.i18n is not None and doc.locale is not None and doc.locale != self.i18n.default:
            url = f"{doc.locale}/{url}"
        return url

    def absolute(self, url_path: str) -> str | None:
        """``url_path`` under ``site_url``, or None without one."""
        site_url = self.config.site_url
        if site_url is None:
            return None
        return site_url.rstrip("/") + "/" + quote(url_path, safe="/:@!$&'()*+,;=~%")

    # -- roles ----------------------------------------------------------------------------

    def role(self, path: str) -> Role:
        rel = self.docs_relative(path)
        if rel is not None:
            if is_markdown(rel) and not self.is_excluded(rel):
                return Role.PAGE
            return Role.PARTIAL if _suffix(rel) in TEXT_SUFFIXES else Role.OTHER
        return Role.PARTIAL if self._is_snippet_source(path) else Role.OTHER

    def _is_snippet_source(self, path: str) -> bool:
        """Whether a file outside ``docs_dir`` is one a page may include (a snippet, a code sample).

        A file's role depends on its path alone, so this cannot know which files pages include.
        Taken are every text file under a base path set aside for snippets and, when the
        config's folder is a base path (the default), the Markdown and text files beside the
        config or in a folder above it (``README.md``, ``CHANGELOG.md``) and every text file in
        a folder conventionally holding includes (``includes/``, ``snippets/``, ``docs_src/``...).
        Theme overrides, hooks, the built site, dot folders and ``node_modules`` never are.
        """
        suffix = _suffix(path)
        folders = path.split("/")[:-1]
        if suffix not in TEXT_SUFFIXES or any(
            part.startswith(".") or part in _NEVER_SNIPPETS for part in folders
        ):
            return False
        if any(_within(path, item) for item in self._machinery):
            return False
        if any(_within(path, base) for base in self._dedicated_bases):
            return True
        if not self._root_is_base:
            return False
        if any(part in INCLUDE_FOLDERS for part in folders):
            return True
        folder = "/".join(folders)
        beside_config = folder == self.config.root or _within(self.config.root, folder)
        return beside_config and (suffix in MARKDOWN_SUFFIXES or suffix == ".txt")


def _within(path: str, folder: str) -> bool:
    return folder == "" or path == folder or path.startswith(folder + "/")


def is_markdown(path: str) -> bool:
    return _suffix(path) in MARKDOWN_SUFFIXES


def _suffix(path: str) -> str:
    return posixpath.splitext(path)[1].lower()


def page_url(rel: str, *, use_directory_urls: bool) -> str:
    """MkDocs' URL for the docs-relative Markdown file ``rel`` (unquoted, relative to the site)."""
    folder, name = posixpath.split(rel)
    stem = posixpath.splitext(name)[0]
    if stem == "README":
        stem = "index"
    if stem == "index":
        return f"{folder}/" if folder else ("" if use_directory_urls else "index.html")
    if use_directory_urls:
        return posixpath.join(folder, stem) + "/"
    return posixpath.join(folder, stem + ".html")


def nav_titles(nav: Any, docs_dir_paths: Collection[str]) -> dict[str, str]:
    """Docs-relative path -> the title ``nav`` gives it (``- Installation: getting-started.md``)."""
    titles: dict[str, str] = {}

    def walk(items: Any) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if not isinstance(item, dict):
                continue
            for title, target in item.items():
                if isinstance(target, list):
                    walk(target)
                elif isinstance(target, str) and isinstance(title, str) and title:
                    rel = normalise(target.lstrip("/"))
                    if rel in docs_dir_paths:
                        titles.setdefault(rel, title)

    walk(nav)
    return titles
