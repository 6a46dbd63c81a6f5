"""Links resolve to the published URLs MkDocs gives them; heading ids are made as its toc does."""

from __future__ import annotations

import pytest

from ingest.sites import ResolvedLink
from tests.sites.mkdocs_support import MemoryFiles, folder_files, open_site

SITE = "https://docs.acme.test/"


@pytest.mark.parametrize(
    ("href", "from_path", "url"),
    [
        ("getting-started.md", "docs/index.md", SITE + "getting-started/"),
        ("setup/colors.md#primary-color", "docs/index.md", SITE + "setup/colors/#primary-color"),
        ("../index.md", "docs/setup/colors.md", SITE),
        (
            "../getting-started.md#installation",
            "docs/setup/colors.md",
            SITE + "getting-started/#installation",
        ),
        ("setup/", "docs/getting-started.md", SITE + "setup/"),  # a folder: its index page
        ("setup", "docs/getting-started.md", SITE + "setup/"),
        ("/setup/colors.md", "docs/blog/posts/hello.md", SITE + "setup/colors/"),  # from docs_dir
        ("../../setup/index.md", "docs/blog/posts/hello.md", SITE + "setup/"),
        ("blog/posts/hello.md", "docs/index.md", SITE + "blog/2024/01/31/hello-world/"),  # a post's URL
        ("assets/logo.png", "docs/index.md", SITE + "assets/logo.png"),  # a file, copied as it is
        ("../old-install.md", "docs/guides/troubleshooting.md", SITE + "getting-started/"),  # redirect_maps
        ("colors.md/#accent-color", "docs/setup/index.md", SITE + "setup/colors/#accent-color"),  # normalised
    ],
)
async def test_links_resolve_to_published_urls(href: str, from_path: str, url: str) -> None:
    links = await (await open_site(folder_files("docs-site"))).links()
    assert links.resolve(href, from_path) == ResolvedLink(url)


async def test_links_written_as_site_urls_are_read_against_the_pages_url() -> None:
    """A page at setup/colors/ linking ../ lands on setup/, as a browser would take it."""
    links = await (await open_site(folder_files("docs-site"))).links()
    assert links.resolve("../", "docs/setup/colors.md") == ResolvedLink(SITE + "setup/")
    assert links.resolve("../../getting-started/#pip", "docs/setup/colors.md") == ResolvedLink(
        SITE + "getting-started/#pip"
    )
    assert links.resolve(SITE + "setup/colors/#accent", "docs/index.md") == ResolvedLink(
        SITE + "setup/colors/#accent"
    )


@pytest.mark.parametrize(
    ("href", "from_path", "named"),
    [
        ("missing.md", "docs/index.md", "missing.md"),
        ("setup/nope.md#x", "docs/index.md", "setup/nope.md#x"),
        ("drafts/roadmap.md", "docs/index.md", "drafts/roadmap.md"),  # a draft is not published
        ("private/notes.md", "docs/index.md", "private/notes.md"),  # excluded
        ("blog/posts/unfinished.md", "docs/index.md", "blog/posts/unfinished.md"),  # a draft post
        ("../../README.md", "docs/setup/index.md", "../../README.md"),  # outside docs_dir
    ],
)
async def test_links_to_nothing_published_are_unlinked_with_a_warning_naming_them(
    href: str, from_path: str, named: str
) -> None:
    links = await (await open_site(folder_files("docs-site"))).links()
    resolved = links.resolve(href, from_path)
    assert resolved is not None and resolved.url is None
    assert resolved.warning == f"{from_path}: the link to {named} points to no page of the site"


@pytest.mark.parametrize("href", ["https://example.com/x", "mailto:a@b.test", "#local", "//cdn.test/x.js"])
async def test_no_opinion_on_absolute_and_fragment_links(href: str) -> None:
    links = await (await open_site(folder_files("docs-site"))).links()
    assert links.resolve(href, "docs/index.md") is None


async def test_without_a_site_url_existing_targets_have_no_opinion_and_missing_ones_warn() -> None:
    files = MemoryFiles({"mkdocs.yml": "site_name: X\n", "docs/index.md": "# Home\n", "docs/a.md": "# A\n"})
    links = await (await open_site(files)).links()
    assert links.resolve("a.md", "docs/index.md") is None
    missing = links.resolve("b.md", "docs/index.md")
    assert missing == ResolvedLink(None, "docs/index.md: the link to b.md points to no page of the site")


async def test_links_without_directory_urls() -> None:
    config = "site_name: X\nsite_url: https://x.test/\nuse_directory_urls: false\n"
    files = MemoryFiles({"mkdocs.yml": config, "docs/index.md": "# H\n", "docs/a/b.md": "# B\n"})
    links = await (await open_site(files)).links()
    assert links.resolve("a/b.md#top", "docs/index.md") == ResolvedLink("https://x.test/a/b.html#top")
    assert links.resolve("a/b.html", "docs/index.md") == ResolvedLink("https://x.test/a/b.html")


async def test_heading_ids_follow_the_toc_extension() -> None:
    """Python-Markdown's toc slugify by default; duplicates get _1, _2."""
    links = await (await open_site(folder_files("docs-site"))).links()
    assert links.heading_id("What's new in v2.0?", ()) == "whats-new-in-v20"
    assert links.heading_id("Émoji and ünïcode", ()) == "emoji-and-unicode"
    assert links.heading_id("Usage", {"usage"}) == "usage_1"


async def test_heading_ids_with_the_pymdownx_unicode_slugify() -> None:
    config = (
        "site_name: X\nmarkdown_extensions:\n  - toc:\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: lower\n"
    )
    files = MemoryFiles({"mkdocs.yml": config, "docs/index.md": "# H\n"})
    links = await (await open_site(files)).links()
    assert links.heading_id("Émoji and ünïcode", ()) == "émoji-and-ünïcode"
    assert links.heading_id("日本語", {"日本語"}) == "日本語_1"


async def test_a_raw_link_to_a_file_read_against_the_pages_url_lands_on_that_file() -> None:
    """``<img src="../../assets/logo.png">`` in setup/colors.md: MkDocs leaves raw HTML as it is and
    the browser reads it against setup/colors/, so it is the site's assets/logo.png."""
    links = await (await open_site(folder_files("docs-site"))).links()
    assert links.resolve("../../assets/logo.png", "docs/setup/colors.md") == ResolvedLink(
        SITE + "assets/logo.png"
    )


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("?q=search+highlight", SITE + "setup/colors/?q=search+highlight"),
        ("?q=", SITE + "setup/colors/?q="),
        ("?q=colors#primary", SITE + "setup/colors/?q=colors#primary"),
    ],
)
async def test_a_link_that_is_only_a_query_is_the_page_itself_with_that_query(href: str, url: str) -> None:
    """``[search](?q=highlight)`` opens the page's search (Material reads ``?q=``) on the page's URL."""
    links = await (await open_site(folder_files("docs-site"))).links()
    assert links.resolve(href, "docs/setup/colors.md") == ResolvedLink(url)
