"""What a page shows of other files, folded into its fingerprint: it is read again when they
change, and only then.

A site's structure digest says which pages exist; what a page shows of *other* pages is not in
it: a section page lists its pages' titles and descriptions, a link reads the URL its target's
front matter gives it, an include or embed shows another page's text. A site that says so
(:class:`~ingest.sites.contract.SiteDependencies`) has each page's fingerprint folded with

* the fingerprints of the files it lists, known from paths alone (its section's pages): at
  every scan, at no cost;
* the site's link digest (every page's URL), the fingerprints of the files its text shows, a
  digest of what else it reads (where its autorefs references link), and, for a page showing
  other pages in a way its site cannot tell, a digest of every file: found by reading the
  pages, which is done only when some file changed since the scan the connector remembers
  (:class:`Remembered`, kept as its checkpoint). An unchanged source reads nothing;
  a scan after a change reads what the run reads anyway to convert the changed pages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ingest.document import DocumentRef
from ingest.sites.contract import CrossPageReads, Role, Site, SiteDependencies
from ingest.sites.source import fold

#: Bumped when what is remembered, how pages are folded, or what a dialect says its pages read
#: of each other changes: a checkpoint of an older release is then found again, not trusted.
#: Each bump names why, so that two branches bumping it at once conflict when merged instead of
#: merging into one bump (a user who ran either would then not find the other's reads).
_VERSION = "site-dependencies/2: digests; MkDocs blog posts, include_yaml, auto_append, autorefs"


@dataclass(frozen=True, slots=True)
class Remembered:
    """What the pages read of each other, and of which files (their digest) it was found."""

    files: str
    reads: CrossPageReads

    def dumps(self) -> str:
        return json.dumps(
            {
                "version": _VERSION,
                "files": self.files,
                "links": self.reads.links,
                "shows": {page: sorted(shown) for page, shown in sorted(self.reads.shows.items())},
                "shows_any": sorted(self.reads.shows_any),
                "digests": dict(sorted(self.reads.digests.items())),
            },
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, text: str | None) -> Remembered | None:
        """What :meth:`dumps` wrote, or None for anything else (nothing remembered, another version)."""
        try:
            value = json.loads(text or "")
        except ValueError:
            return None
        if not isinstance(value, dict) or value.get("version") != _VERSION:
            return None
        files, links, shows, shows_any, digests = (
            value.get(key) for key in ("files", "links", "shows", "shows_any", "digests")
        )
        if not (isinstance(files, str) and isinstance(links, str) and isinstance(shows, dict)):
            return None
        if not isinstance(shows_any, list) or not all(isinstance(item, list) for item in shows.values()):
            return None
        if not isinstance(digests, dict):
            return None
        reads = CrossPageReads(
            links=links,
            shows={str(page): frozenset(map(str, shown)) for page, shown in shows.items()},
            shows_any=frozenset(map(str, shows_any)),
            digests={str(page): str(digest) for page, digest in digests.items()},
        )
        return cls(files, reads)


@dataclass(frozen=True, slots=True)
class FoldedPages:
    """The site's pages with their folded fingerprints, and what to remember for the next scan."""

    refs: list[DocumentRef]
    #: For the connector's checkpoint: None when the site states no dependencies.
    remembered: str | None


def every_path(path: str) -> bool:
    """What :func:`folded_page_refs` wants unless told otherwise: every page (not asked per path)."""
    return True


async def folded_page_refs(
    site: Site,
    fingerprints: Mapping[str, str],
    wanted: Callable[[str], bool] = every_path,
    remembered: str | None = None,
) -> FoldedPages:
    """The site's pages among ``fingerprints`` (every file of the source, by path) that are
    ``wanted``, in path order, each fingerprint folded with the structure digest and, when the
    site states them, with its dependencies; ``remembered``: what the last scan remembered."""
    structure = site.structure_digest(fingerprints)
    paths = sorted(fingerprints)
    if wanted is not every_path:
        paths = [path for path in paths if wanted(path)]
    pages = [path for path in paths if site.role(path) is Role.PAGE]
    del paths
    if not isinstance(site, SiteDependencies):
        if not structure:  # plain Markdown: the files' own fingerprints (what fold leaves them)
            return FoldedPages([DocumentRef(path, fingerprints[path]) for path in pages], None)
        return FoldedPages([DocumentRef(path, fold(fingerprints[path], structure)) for path in pages], None)
    files = _files_digest(structure, fingerprints)
    known = Remembered.loads(remembered)
    reads = known.reads if known is not None and known.files == files else await _reads(site, files)
    refs = []
    for path in pages:
        shown = sorted({*site.listed_files(path), *reads.shows.get(path, ())} - {path})
        parts = [structure, reads.links, *(f"{each}\0{fingerprints.get(each, '')}" for each in shown)]
        if path in reads.digests:
            parts.append(f"reads\0{reads.digests[path]}")
        if path in reads.shows_any:
            parts.append(files)
        refs.append(DocumentRef(path, fold(fingerprints[path], "\n".join(parts))))
    return FoldedPages(refs, Remembered(files, reads).dumps())


async def _reads(site: SiteDependencies, files: str) -> CrossPageReads:
    """What the pages read of each other; when a page makes that impossible to find (a dialect's
    bug, a page it cannot read), every page reads every file: each is read again on any change,
    and fails or not on its own when it is loaded. One page never stops the scan."""
    try:
        return await site.cross_page_reads()
    except Exception:  # any one page's problem: the conservative answer instead
        return CrossPageReads(links=files)


def _files_digest(structure: str, fingerprints: Mapping[str, str]) -> str:
    """A digest of the structure and of every file's path and fingerprint: what the pages read of
    each other cannot have changed while it stays the same."""
    digest = hashlib.sha256(f"{_VERSION}\0{structure}".encode())
    for path in sorted(fingerprints):
        digest.update(f"\n{path}\0{fingerprints[path]}".encode())
    return digest.hexdigest()
