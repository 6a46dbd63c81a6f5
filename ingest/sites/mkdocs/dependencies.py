"""What an MkDocs page shows of other pages, so that it is read again when they change.

* From paths alone: a section's index page (``index.md``, ``README.md``) with no text of its
  own lists the pages below its folder with no other index page between (titles, descriptions);
  the blog's index shows its posts' excerpts (and what they include), wherever ``post_dir``
  puts them.
* From the pages' text (:class:`ShownFiles`): a link reads its target's URL (a blog post's
  ``date``, ``slug``, ``categories``) and whether it is published; a snippet or include
  (``--8<--``, ``{!...!}``, ``{* ... *}`` and its variants, the ``auto_append`` files every page
  ends with) shows the file it names, a page of the site among them; mkdocs-macros reads the
  ``include_yaml`` data files; an autorefs reference (``[text][identifier]``) reads which page
  holds that heading id or object.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ingest.sites.budget import IncludesTooLarge
from ingest.sites.mkdocs.autorefs import Autorefs, references
from ingest.sites.mkdocs.config import MkDocsConfig
from ingest.sites.mkdocs.includes import IncludeProblem, Includer, IncludeSettings
from ingest.sites.mkdocs.links import PageAt
from ingest.sites.mkdocs.macros import data_files, has_jinja, renders

#: Text that may include another file (pymdownx.snippets, markdown-include and its variants).
MAY_INCLUDE = re.compile(r"-8<-|\{!|\{\*")
_INDEX_NAMES = ("index", "README")


def is_index(rel: str) -> bool:
    """Whether the Markdown file ``rel`` is its folder's index page."""
    return rel.rpartition("/")[2].rpartition(".")[0] in _INDEX_NAMES


class SectionPages:
    """The pages each section's index page lists, from paths alone: a page belongs to the nearest
    folder above it holding an index page (the root's, when none does)."""

    def __init__(self, docs: Mapping[str, str]) -> None:
        """``docs``: the Markdown files of ``docs_dir``, source path to docs-relative path."""
        has_index = {posixpath.dirname(rel) for rel in docs.values() if is_index(rel)}
        self._pages: dict[str, list[str]] = defaultdict(list)
        for path, rel in docs.items():
            folder = posixpath.dirname(rel)
            if is_index(rel):
                if not folder:
                    continue  # the home page: no section lists it
                folder = posixpath.dirname(folder)
            while folder and folder not in has_index:
                folder = posixpath.dirname(folder)
            self._pages[folder].append(path)

    def of(self, path: str, rel: str) -> list[str]:
        """The pages the index page at ``path`` (``rel`` in ``docs_dir``) may list."""
        return [each for each in self._pages.get(posixpath.dirname(rel), ()) if each != path]


def link_digest(pages: Mapping[str, PageAt]) -> str:
    """A digest of what links read of their targets: each published page's URL."""
    digest = hashlib.sha256(b"mkdocs links 1")
    for path, page in sorted(pages.items()):
        digest.update(f"\n{path}\0{page.locale or ''}\0{page.url}".encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Shown:
    """What one page's text shows of other files."""

    #: The files whose text it shows: their fingerprints fold into its own.
    files: frozenset[str] = frozenset()
    #: A digest of where its autorefs references link, or None when it makes none.
    references: str | None = None


class ShownFiles:
    """What each page's text shows (see the module's docstring)."""

    def __init__(
        self,
        includes: IncludeSettings,
        read: Callable[[str], Awaitable[str | None]],
        exists: Callable[[str], bool],
        macros: tuple[MkDocsConfig, Mapping[str, Any]] | None = None,
        refs: Autorefs | None = None,
    ) -> None:
        """``macros``: the config and the macros plugin's options, when it is on; ``refs``: the
        site's autorefs, when they are on."""
        self._includes = includes
        self._read = read
        self._exists = exists
        self._macros = macros
        self._refs = refs

    def may_show(self, text: str) -> bool:
        """Whether the page whose file holds ``text`` may show another file (cheap: nothing parsed)."""
        return bool(
            self._includes.auto_append
            or MAY_INCLUDE.search(text)
            or (self._macros is not None and has_jinja(text, self._macros[1]))
            or (self._refs is not None and "][" in text)
        )

    async def of(self, path: str, front: Mapping[str, Any], body: str) -> Shown:
        """What the page at ``path`` shows, its front matter ``front`` and its text ``body`` (the
        blog index's with the excerpts it shows)."""
        files: set[str] = set()
        if self._macros is not None and renders(body, front, self._macros[1]):
            files.update(data_files(front, *self._macros))
        if MAY_INCLUDE.search(body) or self._includes.auto_append:
            try:
                expansion = await Includer(self._includes, self._read, self._exists, path).expand(body)
            except (IncludeProblem, IncludesTooLarge):
                return Shown()  # the page fails to prepare, whatever its files hold
            files.update(expansion.included)
            body = expansion.text
        return Shown(frozenset(files - {path}), self._references(body))

    def _references(self, body: str) -> str | None:
        """A digest of the page each reference of ``body`` links to (None: none makes one), not
        the fingerprints of the pages that might hold its anchor: those change with every edit."""
        named = references(body) if self._refs is not None else set()
        if self._refs is None or not named:
            return None
        targets = sorted((identifier, self._refs.page_of(identifier) or "") for identifier in named)
        return hashlib.sha256(json.dumps(targets).encode()).hexdigest()
