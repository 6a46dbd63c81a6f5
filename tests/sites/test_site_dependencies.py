"""A page's fingerprint folds what it shows of other files (:mod:`ingest.sites.dependencies`):
the files it lists, the files its text shows, the site's links; what the pages read of each
other is found again only when a file changed since the scan that remembered it."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from ingest.sites.contract import (
    CrossPageReads,
    NotAPage,
    PageProblem,
    PreparedPage,
    Role,
    ShownField,
    SiteDependencies,
    SiteLinks,
)
from ingest.sites.dependencies import FoldedPages, Remembered, folded_page_refs
from ingest.sites.shown import show_front_matter
from ingest.sites.source import fold, page_refs


class ListingSite:
    """A site whose ``index.md`` pages list their folder's pages; ``a.md`` shows ``b.md`` (an
    include), ``all.md`` shows pages it cannot name (a list of a section), and links read
    ``self.urls``."""

    dialect = "listing"

    def __init__(self) -> None:
        self.urls = "a b"
        self.where = "b.md#setup"
        self.asked = 0

    def role(self, path: str) -> Role:
        return Role.PAGE if path.endswith(".md") else Role.OTHER

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        return "pages " + " ".join(path for path in sorted(fingerprints) if path.endswith(".md"))

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        raise NotImplementedError

    async def links(self) -> SiteLinks:
        raise NotImplementedError

    def listed_files(self, path: str) -> list[str]:
        if posixpath.basename(path) != "index.md":
            return []
        folder = posixpath.dirname(path)
        return [page for page in FILES if posixpath.dirname(page) == folder and page.endswith(".md")]

    async def cross_page_reads(self) -> CrossPageReads:
        self.asked += 1
        return CrossPageReads(
            links=self.urls,
            shows={"a.md": frozenset({"b.md"})},
            shows_any=frozenset({"all.md"}),
            digests={"guide/c.md": self.where},
        )


FILES = {
    "index.md": "1",
    "a.md": "1",
    "b.md": "1",
    "all.md": "1",
    "guide/index.md": "1",
    "guide/c.md": "1",
    "logo.png": "1",
}


async def folded(site: ListingSite, files: Mapping[str, str], remembered: str | None = None) -> FoldedPages:
    return await folded_page_refs(site, files, remembered=remembered)


def fingerprints(pages: FoldedPages) -> dict[str, str]:
    return {ref.locator: ref.fingerprint for ref in pages.refs}


def changed(before: FoldedPages, after: FoldedPages) -> set[str]:
    old, new = fingerprints(before), fingerprints(after)
    return {path for path in new if old.get(path) != new[path]}


async def test_a_listed_file_changes_the_pages_listing_it_and_no_other() -> None:
    """``guide/c.md`` edited: itself and ``guide/index.md``, which lists it (and ``all.md``, which
    cannot tell what it shows); ``index.md`` lists the root's pages, not the guide's."""
    site = ListingSite()
    before = await folded(site, FILES)
    assert isinstance(site, SiteDependencies)
    assert [ref.locator for ref in before.refs] == sorted(path for path in FILES if path.endswith(".md"))
    after = await folded(site, {**FILES, "guide/c.md": "2"})
    assert changed(before, after) == {"guide/c.md", "guide/index.md", "all.md"}


async def test_a_shown_file_changes_the_page_showing_it() -> None:
    """``b.md`` edited: ``a.md`` shows it, ``index.md`` lists it, ``all.md`` shows any page."""
    site = ListingSite()
    before = await folded(site, FILES)
    after = await folded(site, {**FILES, "b.md": "2"})
    assert changed(before, after) == {"b.md", "a.md", "index.md", "all.md"}


async def test_any_file_changed_changes_a_page_showing_pages_it_cannot_name() -> None:
    site = ListingSite()
    before = await folded(site, FILES)
    assert changed(before, await folded(site, {**FILES, "logo.png": "2"})) == {"all.md"}


async def test_links_read_otherwise_change_every_page() -> None:
    """A page's URL changed (what links read): every page is read again."""
    site = ListingSite()
    before = await folded(site, FILES)
    site.urls = "a c"
    after = await folded(site, {**FILES, "a.md": "2"})
    assert changed(before, after) == {path for path in FILES if path.endswith(".md")}


async def test_what_a_page_reads_otherwise_changes_that_page_alone() -> None:
    """``guide/c.md``'s reference now links elsewhere (another page gained the heading it names):
    it is read again, and the page that gained the heading; the others are not."""
    site = ListingSite()
    before = await folded(site, FILES)
    site.where = "a.md#setup"
    after = await folded(site, {**FILES, "a.md": "2"})
    assert changed(before, after) == {"a.md", "guide/c.md", "index.md", "all.md"}


async def test_what_was_remembered_is_not_found_again_while_no_file_changed() -> None:
    """Remembered from an unchanged source: the same fingerprints, nothing read; a file changed
    (or something else remembered): the pages are read again."""
    site = ListingSite()
    first = await folded(site, FILES)
    assert site.asked == 1 and first.remembered is not None
    again = await folded(site, FILES, first.remembered)
    assert site.asked == 1 and fingerprints(again) == fingerprints(first)
    assert again.remembered == first.remembered
    await folded(site, {**FILES, "logo.png": "2"}, first.remembered)
    assert site.asked == 2
    for other in (
        None,
        "",
        "commit",
        '{"version": "site-dependencies/0"}',
        first.remembered.replace("1", "2"),
    ):
        await folded(site, FILES, other)
    assert site.asked == 7


def test_what_is_remembered_reads_back_as_it_was() -> None:
    reads = CrossPageReads(
        "links", {"a.md": frozenset({"b.md", "c.md"})}, frozenset({"all.md"}), {"c.md": "digest"}
    )
    remembered = Remembered("files", reads)
    assert Remembered.loads(remembered.dumps()) == remembered
    assert Remembered.loads('{"version": "site-dependencies/1", "files": 1}') is None
    # What the release before digests remembered: found again, so that their pages are read once.
    before_digests = '{"version":"site-dependencies/1","files":"f","links":"l","shows":{},"shows_any":[]}'
    assert Remembered.loads(before_digests) is None
    assert Remembered.loads("[]") is None


async def test_a_site_stating_no_dependencies_folds_its_structure_alone() -> None:
    """The plain fold of :func:`page_refs`, and nothing to remember."""

    class Plain:
        dialect = "plainish"

        def role(self, path: str) -> Role:
            return Role.PAGE if path.endswith(".md") else Role.OTHER

        def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
            return "structure"

        async def prepare(
            self, path: str, front: Mapping[str, Any], body: str
        ) -> PreparedPage | NotAPage | PageProblem:
            raise NotImplementedError

        async def links(self) -> SiteLinks:
            raise NotImplementedError

    site = Plain()
    pages = await folded_page_refs(site, FILES)
    assert pages.remembered is None
    assert pages.refs == page_refs(site, FILES)
    assert pages.refs[0].fingerprint == fold("1", "structure")


async def test_showing_front_matter_keeps_the_site_s_dependencies() -> None:
    """The wrapper ``shown_front_matter`` puts around a site states what the site states."""
    site = ListingSite()
    shown = show_front_matter(site, [ShownField("description")])
    assert isinstance(shown, SiteDependencies)
    assert shown.listed_files("index.md") == site.listed_files("index.md")
    assert await shown.cross_page_reads() == await site.cross_page_reads()


class BrokenReadsSite(ListingSite):
    """A site whose pages cannot all be read for what they show of each other (a dialect's bug,
    a page nested too deeply for it)."""

    async def cross_page_reads(self) -> CrossPageReads:
        self.asked += 1
        raise RecursionError("maximum recursion depth exceeded")


async def test_pages_whose_reads_of_each_other_fail_are_listed_and_read_again_on_any_change() -> None:
    """What the pages read of each other cannot be found: the scan still lists every page (each
    page then fails or not on its own when it is loaded), folded so that a change of any file
    reads every page again."""
    site = BrokenReadsSite()
    first = await folded(site, FILES)
    assert sorted(fingerprints(first)) == [
        "a.md",
        "all.md",
        "b.md",
        "guide/c.md",
        "guide/index.md",
        "index.md",
    ]
    changed = await folded(site, {**FILES, "logo.png": "2"}, remembered=first.remembered)
    before, after = fingerprints(first), fingerprints(changed)
    assert all(before[page] != after[page] for page in before)
    again = await folded(site, FILES, remembered=first.remembered)
    assert fingerprints(again) == before
