"""Links of Hugo pages land where the published site's do, and headings get its ids."""

from __future__ import annotations

import pytest

from ingest.sites.contract import ResolvedLink
from ingest.sites.hugo.links import HugoLinks
from tests.sites.hugo_site import SITE_URL, MemoryFiles, docs_files, open_site, page

INSTALL = "content/en/guide/install.md"
CONFIGURE = "content/en/guide/configure.md"
FRENCH_HOME = "content/fr/_index.md"


@pytest.mark.parametrize(
    ("href", "from_path", "expected"),
    [
        ("configure.md#options", INSTALL, "https://docs.example.com/guide/setup/#options"),
        ("../guide/bundle/", CONFIGURE, "https://docs.example.com/guide/bundle/"),
        ("bundle/index.md", "content/en/guide/_index.md", "https://docs.example.com/guide/bundle/"),
        ("/guide/install/#prerequisites", CONFIGURE, "https://docs.example.com/guide/install/#prerequisites"),
        ("/reference/cli", CONFIGURE, "https://docs.example.com/commands/cli/"),
        ("/commands/cli/", INSTALL, "https://docs.example.com/commands/cli/"),
        ("reference/cli.md", "content/en/_index.md", "https://docs.example.com/commands/cli/"),
        ("guide/install", "content/en/_index.md", "https://docs.example.com/guide/install/"),
        ("/blog/2024/version-2/", INSTALL, "https://docs.example.com/blog/2024/version-2/"),
        ("guide/install.md", FRENCH_HOME, "https://docs.example.com/fr/guide/install/"),
        ("/fr/guide/install/", INSTALL, "https://docs.example.com/fr/guide/install/"),
        ("/glossary/#api-key", CONFIGURE, "https://docs.example.com/glossary/#api-key"),
        (
            "screenshot.png",
            "content/en/guide/bundle/index.md",
            "https://docs.example.com/guide/bundle/screenshot.png",
        ),
        ("/images/logo.png", CONFIGURE, "https://docs.example.com/images/logo.png"),
        ("../setup/", INSTALL, "https://docs.example.com/guide/setup/"),
    ],
)
async def test_internal_links_resolve_to_published_urls(href: str, from_path: str, expected: str) -> None:
    """Relative files, content paths (ref targets, with or without extension), site paths,
    permalinks, url front matter, other languages, static files and bundle resources."""
    links = await (await open_site(docs_files(), site_url=SITE_URL)).links()
    assert links.resolve(href, from_path) == ResolvedLink(expected)


@pytest.mark.parametrize(
    ("href", "warning"),
    [
        ("missing.md", "The link to missing.md points to no page of the site."),
        ("/nowhere/#x", "The link to /nowhere/#x points to no page of the site."),
        (
            "draft.md",
            "The link to draft.md points to content/en/guide/draft.md, which is not published (draft).",
        ),
    ],
)
async def test_a_link_to_nothing_published_warns_naming_it(href: str, warning: str) -> None:
    """A missing or unpublished target is ResolvedLink(None, warning naming it)."""
    links = await (await open_site(docs_files(), site_url=SITE_URL)).links()
    assert links.resolve(href, INSTALL) == ResolvedLink(None, warning)


@pytest.mark.parametrize(
    "href", ["https://gohugo.io/", "mailto:help@acme.io", "#options", "//cdn.example.com/a.js"]
)
async def test_absolute_links_get_no_opinion(href: str) -> None:
    """http(s), mailto, fragment-only and protocol-relative links are the converter's."""
    links = await (await open_site(docs_files(), site_url=SITE_URL)).links()
    assert links.resolve(href, INSTALL) is None


async def test_without_a_site_url_existing_targets_have_no_opinion_and_missing_ones_warn() -> None:
    """No site_url, no baseURL: a found page resolves to None, a missing one still warns."""
    files = MemoryFiles({"hugo.toml": "", "content/a.md": "[b](b.md)", "content/b.md": "B"})
    links = await (await open_site(files)).links()
    assert links.resolve("b.md", "content/a.md") is None
    assert links.resolve("c.md", "content/a.md") == ResolvedLink(
        None, "The link to c.md points to no page of the site."
    )


async def test_a_section_without_an_index_file_is_still_published() -> None:
    """Hugo makes a page for a top-level folder without _index.md; links to it resolve."""
    files = MemoryFiles({"hugo.toml": "", "content/tools/a.md": "A", "content/b.md": "[tools](/tools/)"})
    links = await (await open_site(files, site_url="https://example.org/")).links()
    assert links.resolve("/tools/", "content/b.md") == ResolvedLink("https://example.org/tools/")


@pytest.mark.parametrize(
    ("id_type", "text", "taken", "expected"),
    [
        ("github", "Getting Started!", (), "getting-started"),
        ("github", "Usage", ("usage",), "usage-1"),
        ("github-ascii", "Café au lait", (), "cafe-au-lait"),
        ("blackfriday", "What's new?", (), "what-s-new"),
    ],
)
async def test_heading_ids_follow_the_sites_rule(
    id_type: str, text: str, taken: tuple[str, ...], expected: str
) -> None:
    """markup.goldmark.parser.autoHeadingIDType picks the rule; github is the default."""
    config = f'[markup.goldmark.parser]\nautoHeadingIDType = "{id_type}"\n'
    links = await (await open_site(MemoryFiles({"hugo.toml": config, "content/a.md": "A"}))).links()
    assert isinstance(links, HugoLinks)
    assert links.heading_id(text, taken) == expected


async def test_a_ref_with_lang_links_to_the_page_in_that_language() -> None:
    """{{< ref path="..." lang="fr" >}} is the French page's published path."""
    files = docs_files()
    files.files["content/en/guide/lang.md"] = (
        '---\ntitle: Lang\n---\n[French]({{< ref path="/guide/install.md#top" lang="fr" >}})\n'
    )
    site = await open_site(files, site_url=SITE_URL)
    prepared = await page(site, files, "content/en/guide/lang.md")
    assert prepared.body == "[French](/fr/guide/install/#top)\n"
    resolved = (await site.links()).resolve("/fr/guide/install/#top", "content/en/guide/lang.md")
    assert resolved == ResolvedLink("https://docs.example.com/fr/guide/install/#top")
