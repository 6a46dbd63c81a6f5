"""The ``confluence`` dialect: Markdown converted from a Confluence export, its chrome removed and
its links resolved."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pytest

from ingest.sites import (
    Dialect,
    NotAPage,
    PreparedPage,
    ResolvedLink,
    Role,
    Site,
    SiteDependencies,
    SiteFiles,
    SiteSettings,
)
from ingest.sites.confluence import ConfluenceDialect, ConfluenceSite, page_id_of

FIXTURE = Path(__file__).parent / "fixtures" / "confluence"
SITE_URL = "https://github.com/example/wiki/blob/main/"


class FolderFiles:
    """The files of a folder, as a Markdown connector gives them to a dialect."""

    def __init__(self, root: Path, extra: dict[str, str] | None = None) -> None:
        self._files = {
            path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
        }
        self._files.update({path: text.encode() for path, text in (extra or {}).items()})

    def paths(self) -> Collection[str]:
        return list(self._files)

    async def read(self, path: str) -> bytes | None:
        return self._files.get(path)


async def open_site(site_url: str | None = SITE_URL, **extra: str) -> ConfluenceSite:
    return await ConfluenceDialect.open(FolderFiles(FIXTURE, extra), SiteSettings(site_url=site_url))


async def prepare(site: ConfluenceSite, path: str, body: str | None = None) -> PreparedPage:
    text = body if body is not None else (FIXTURE / path).read_text(encoding="utf-8")
    page = await site.prepare(path, {}, text)
    assert isinstance(page, PreparedPage), page
    return page


def test_the_dialect_and_its_site_keep_the_contract() -> None:
    """ConfluenceDialect is a Dialect; the site it opens is a Site, with SiteFiles as input."""
    dialect: Dialect = ConfluenceDialect()
    assert dialect.name == "confluence"
    assert isinstance(FolderFiles(FIXTURE), SiteFiles)


async def test_opened_site_is_a_site() -> None:
    """The opened site satisfies the Site protocol."""
    assert isinstance(await open_site(), Site)


def test_recognised_by_a_space_folder_of_exported_page_files() -> None:
    """A folder with an index and export-named pages (Title_123.md, 123.md) is a converted export."""
    paths = FolderFiles(FIXTURE).paths()
    assert ConfluenceDialect.recognises(paths)
    assert ConfluenceDialect.recognises([f"{name}.html.md" for name in ("index", "A_1234", "B_1235", "1236")])


@pytest.mark.parametrize(
    "paths",
    [
        ["docs/index.md", "docs/intro.md", "docs/setup.md", "docs/api.md"],  # plain docs
        ["content/_index.md", "content/post_2021.md", "content/post_2022.md", "content/post_2023.md"],
        ["DOCS/A_1234.md", "DOCS/B_1235.md", "DOCS/C_1236.md"],  # no index: renamed or partial
        ["DOCS/index.md", "DOCS/A_1234.md", "DOCS/B_1235.md"],  # too few pages to tell
        [
            "DOCS/index.md",
            "DOCS/A_1234.md",
            "DOCS/B_1235.md",
            "DOCS/C_1236.md",
            *(f"DOCS/p{n}.md" for n in range(5)),
        ],
    ],
)
def test_not_recognised_when_paths_cannot_tell(paths: list[str]) -> None:
    """Without a space folder of export-named pages the paths cannot tell: nothing is recognised."""
    assert not ConfluenceDialect.recognises(paths)


async def test_roles_pages_indexes_and_attachments() -> None:
    """Pages are pages; each space's index (the export's overview), attachments and icons are not."""
    site = await open_site(
        **{
            "DOCS/images/icons/bullet_blue.md": "x",
            "DOCS/attachments/10002/20003.md": "attached",
            "notes/index.md": "x",
        }
    )
    assert site.role("DOCS/Getting-Started_10002.md") is Role.PAGE
    assert site.role("DOCS/10003.md") is Role.PAGE
    assert site.role("README.md") is Role.PAGE
    assert site.role("notes/index.md") is Role.PAGE  # an index of a folder that holds no export pages
    for path in (
        "DOCS/index.md",
        "OPS/index.md",
        "DOCS/attachments/10002/20001.txt",
        "DOCS/attachments/10002/20003.md",
        "DOCS/images/icons/bullet_blue.md",
        "styles/site.css",
    ):
        assert site.role(path) is Role.OTHER, path
    assert isinstance(await site.prepare("DOCS/index.md", {}, "# Space Details:"), NotAPage)


async def test_chrome_is_removed_and_the_title_is_clean() -> None:
    """Breadcrumbs, the "Space : Title" heading, the metadata line, the own attachment list and the
    footer go; the content stays exactly as written."""
    site = await open_site()
    page = await prepare(site, "DOCS/Getting-Started_10002.md")
    assert page.title == "Getting Started"
    assert page.body == (
        "## Install\n\n"
        "Run `pip install product`, then follow "
        "[Release Notes](Release-Notes_10004.html#ReleaseNotes-Version2).\n\n"
        "![](attachments/10002/20002.png?height=250)\n"
    )
    assert dict(page.metadata) == {
        "page_id": "10002",
        "space": "Product Docs",
        "ancestors": ["Product Docs Home"],
    }


async def test_home_page_heading_with_its_icon() -> None:
    """The home page's title heading carries a home icon before "Space : Title": both go."""
    page = await prepare(await open_site(), "DOCS/Product-Docs-Home_10001.md")
    assert page.title == "Product Docs Home"
    assert page.body.startswith("Welcome to the product documentation.")
    assert "Document generated" not in page.body and "Atlassian" not in page.body
    assert page.body.endswith("[a file](attachments/10002/20001.txt).\n")


async def test_only_the_space_prefix_leaves_the_title() -> None:
    """A title that itself holds " : " keeps it; only the space's name and its colon go."""
    page = await prepare(await open_site(), "DOCS/10003.md")
    assert page.title == "Démarrage : étapes"
    assert page.body == "Les étapes, dans l'ordre.\n"
    assert page.metadata["ancestors"] == ["Product Docs Home", "Getting Started"]


async def test_pandoc_markdown_flavour() -> None:
    """Pandoc's own Markdown: crumbs in spans, a setext title in its title-text span with attributes,
    the metadata line wrapped over two lines, a setext "Attachments:" heading with wrapped entries."""
    site = await open_site()
    page = await prepare(site, "OPS/Restart-the-Service_30002.md")
    assert page.title == "Restart the Service"
    assert page.body == (
        "Restart with `systemctl restart product`; if it fails, see\n"
        "[Escalation](/pages/viewpage.action?pageId=30003).\n"
    )
    escalation = await prepare(site, "OPS/Escalation_30003.md")
    assert escalation.title == "Escalation"
    assert escalation.body == "Call the [incident lead](/display/OPS/Restart+the+Service).\n"
    runbooks = await prepare(site, "OPS/Runbooks_30001.md")
    assert (
        runbooks.body.startswith("Runbooks for the on-call engineer:")
        and "Document generated" not in runbooks.body
    )


async def test_look_alikes_in_the_content_stay() -> None:
    """A "Created by" sentence of the author's, a footer quoted in code and an attachment list naming
    another page's files are content, not chrome."""
    page = await prepare(await open_site(), "DOCS/Release-Notes_10004.md")
    assert page.body.startswith("Created by the platform team, these notes list every change.\n")
    assert "```text\nDocument generated by Confluence on Mar 04, 2023 10:00\n```" in page.body
    assert page.body.endswith(
        "## Attachments:\n\n"
        "![](images/icons/bullet_blue.gif) [notes.txt](attachments/10002/20001.txt) (text/plain)\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        "1. [Install](install.html)\n2. [Configure](configure.html)\n\n# Setup : short\n\nCreated by us.\n",
        "# Setup : the short way\n\nCreated by the team, for everyone.\n",
        "Intro.\n\n1. [Product Docs](index.html)\n\n# Product Docs : Getting Started\n",
    ],
)
async def test_pages_without_the_export_header_keep_their_opening(body: str) -> None:
    """A list of links not opening on the space, or a heading without a known space, or an export
    header below other text, is the author's: nothing at the top is removed."""
    page = await prepare(await open_site(), "notes/Page.md", body)
    assert page.body == body


async def test_title_falls_back_to_front_matter_then_the_file_name() -> None:
    """Without a title heading the front matter's title, else the file name without its page id."""
    site = await open_site()
    page = await site.prepare("DOCS/Getting-Started_10002.md", {"title": "From front matter"}, "Text.\n")
    assert isinstance(page, PreparedPage) and page.title == "From front matter"
    page = await prepare(site, "DOCS/Getting-Started_10002.md", "Text.\n")
    assert page.title == "Getting Started"


async def test_space_name_from_the_index_when_a_page_has_no_breadcrumbs() -> None:
    """A page whose breadcrumbs were lost still loses its space prefix, named by the space's index."""
    page = await prepare(await open_site(), "OPS/Runbooks_30001.md", "# Operations : Runbooks\n\nText.\n")
    assert (page.title, page.body) == ("Runbooks", "Text.\n")


async def test_page_url_is_site_url_and_path() -> None:
    """A page's URL is site_url followed by its path, percent-encoded; none without site_url."""
    site = await open_site("https://docs.example.com/wiki")
    page = await prepare(site, "DOCS/10003.md")
    assert page.url == "https://docs.example.com/wiki/DOCS/10003.md"
    assert site.url("DOCS/Q & A_10009.md") == "https://docs.example.com/wiki/DOCS/Q%20%26%20A_10009.md"
    assert (await prepare(await open_site(None), "DOCS/10003.md")).url is None


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("Getting-Started_10002.html", "DOCS/Getting-Started_10002.md"),
        ("Getting-Started_10002.md", "DOCS/Getting-Started_10002.md"),
        ("10003.html#Demarrage-Etapes", "DOCS/10003.md#Demarrage-Etapes"),
        ("Renamed-Since_10002.html", "DOCS/Getting-Started_10002.md"),  # by its page id
        ("../OPS/Runbooks_30001.html", "OPS/Runbooks_30001.md"),
        ("Runbooks_30001.html", "OPS/Runbooks_30001.md"),  # another space's page, by id
        ("https://wiki.example.com/pages/viewpage.action?pageId=10004", "DOCS/Release-Notes_10004.md"),
        ("/pages/viewpage.action?pageId=30003", "OPS/Escalation_30003.md"),
        (
            "https://example.atlassian.net/wiki/spaces/DOCS/pages/10004/Release+Notes",
            "DOCS/Release-Notes_10004.md",
        ),
        ("/display/DOCS/Getting+Started", "DOCS/Getting-Started_10002.md"),
        ("https://wiki.example.com/display/OPS/Restart+the+Service#x", "OPS/Restart-the-Service_30002.md#x"),
    ],
)
async def test_links_to_pages_of_the_repository_resolve_to_their_urls(href: str, expected: str) -> None:
    """Page links by file name (or the id in it) and wiki links by id or space and title reach the
    repository's page URL, anchors kept."""
    links = await (await open_site()).links()
    assert links.resolve(href, "DOCS/Product-Docs-Home_10001.md") == ResolvedLink(SITE_URL + expected)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://wiki.example.com/display/OPS/Something+Else", None),
        ("https://other.example.org/display/HOME/Getting+Started", None),  # another wiki's space
        ("https://wiki.example.com/pages/viewpage.action?pageId=99999", None),
        ("https://example.com/guide.html", None),
        ("attachments/10002/20001.txt", None),
        ("#Local-Anchor", None),
        ("mailto:team@example.com", None),
        (
            "Archived-Page_19999.html",
            ResolvedLink(None, "Archived-Page_19999.html links to a page the repository does not hold"),
        ),
        ("index.html", ResolvedLink(None, "index.html is the export's space index, which is not a page")),
        (
            "/display/DOCS/Gone+Page",
            ResolvedLink(
                None,
                "/display/DOCS/Gone+Page names 'Gone Page' of space DOCS, which is not in the repository",
            ),
        ),
    ],
)
async def test_links_the_repository_does_not_hold(href: str, expected: ResolvedLink | None) -> None:
    """Absolute links elsewhere keep the converter's rules (None); a relative link to a page the
    repository lacks, or to the space index, is unlinked with a warning naming it."""
    links = await (await open_site()).links()
    assert links.resolve(href, "DOCS/Product-Docs-Home_10001.md") == expected


async def test_without_site_url_page_links_resolve_to_nothing() -> None:
    """Without site_url pages have no URL: links to them are unlinked, without a warning."""
    links = await (await open_site(None)).links()
    assert links.resolve("Getting-Started_10002.html", "DOCS/Product-Docs-Home_10001.md") == ResolvedLink(
        None
    )


async def test_heading_ids_are_github_slugs() -> None:
    """Heading ids follow GitHub's, where these files are read."""
    links = await (await open_site()).links()
    assert links.heading_id("Version 2", set()) == "version-2"
    assert links.heading_id("Version 2", {"version-2"}) == "version-2-1"


async def test_structure_digest_follows_the_set_of_pages_and_the_indexes() -> None:
    """A page added changes the digest (links may resolve anew); an edit to a page does not; an
    edited space index does (space names come from it)."""
    site = await open_site()
    prints = {path: "a" for path in FolderFiles(FIXTURE).paths()}
    digest = site.structure_digest(prints)
    assert site.structure_digest({**prints, "DOCS/10003.md": "b"}) == digest
    assert site.structure_digest({**prints, "DOCS/index.md": "b"}) != digest
    grown = await open_site(**{"DOCS/New_10005.md": "x"})
    assert grown.structure_digest(prints) != digest


def test_page_ids_from_file_names() -> None:
    """The export's two file name forms give the page id; other names give none."""
    assert page_id_of("DOCS/Getting-Started_10002.md") == "10002"
    assert page_id_of("DOCS/10003.md") == "10003"
    assert page_id_of("DOCS/10003.html.md") == "10003"
    assert page_id_of("docs/release_2.md") is None
    assert page_id_of("README.md") is None


async def test_pandoc_attributes_are_kept_and_counted() -> None:
    """Pandoc's attributes are no chrome of the export: they stay, counted as unknown for the report."""
    body = "## Install {#Setup-Install}\n\nSee [it](https://example.com){.external-link}; f(x){return 1}.\n"
    page = await prepare(await open_site(), "DOCS/Getting-Started_10002.md", body)
    assert page.body == body
    assert dict(page.unknown) == {"pandoc:attributes": 2}


async def test_a_page_s_anchored_links_fold_where_they_land() -> None:
    """A page whose links name a Confluence anchor reads the linked page's heading ids: its digest
    changes when the heading is renamed, not when the linked page's text changes otherwise; a
    page without such links has none."""
    notes, started = "DOCS/Release-Notes_10004.md", "DOCS/Getting-Started_10002.md"
    text = (FIXTURE / notes).read_text(encoding="utf-8")

    async def digests(edited: str) -> dict[str, str]:
        site = await open_site(**{notes: edited})
        assert isinstance(site, SiteDependencies)
        return dict((await site.cross_page_reads()).digests)

    found = await digests(text)
    assert started in found and notes not in found
    assert await digests(text.replace("these notes", "the notes")) == found
    assert (await digests(text.replace("## Version 2", "## Second")))[started] != found[started]
