"""What an MkDocs page shows of other pages, so that it is read again when they change.

* From paths alone: a section's index page (``index.md``, ``README.md``) with no text of its
  own lists the pages below its folder with no other index page between (titles, descriptions).
* From the pages' text: a link reads its target's URL (a blog post's ``date``, ``slug``,
  ``categories``) and whether it is published; a snippet or include (``--8<--``, ``{!...!}``)
  shows the file it names, a page of the site among them.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Mapping

from ingest.sites.mkdocs.links import PageAt

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
