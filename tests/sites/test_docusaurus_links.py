"""Links resolve to the published URL of the page they point to, as Docusaurus resolves them."""

from __future__ import annotations

import pytest

from ingest.sites.contract import ResolvedLink, SiteLinks
from tests.sites.docusaurus_kit import mini_site, open_site, page

V2 = "versioned_docs/version-2.0"
FR = "i18n/fr/docusaurus-plugin-content-docs/version-2.0"
ROOT = "https://widgets.acme.dev"


@pytest.mark.parametrize(
    ("href", "from_path", "url"),
    [
        # Markdown files: relative to the file, or to the version's folder for a bare path.
        (
            "../01-getting-started/02-install.mdx#check-the-version",
            f"{V2}/guides/configuration.md",
            f"{ROOT}/docs/getting-started/install#check-the-version",
        ),
        ("01-getting-started/02-install.mdx", f"{V2}/intro.md", f"{ROOT}/docs/getting-started/install"),
        ("/guides/configuration.md", f"{V2}/intro.md", f"{ROOT}/docs/guides/configuration"),
        ("@site/versioned_docs/version-2.0/support.md", f"{V2}/intro.md", f"{ROOT}/docs/support"),
        ("./01-getting-started/index.md", f"{V2}/intro.md", f"{ROOT}/docs/getting-started/"),
        ("../version-1.0/intro.md", f"{V2}/intro.md", f"{ROOT}/docs/legacy/intro"),  # another version
        ("./guides/configuration%2Emd", f"{V2}/intro.md", f"{ROOT}/docs/guides/configuration"),
        # Site paths, with or without a trailing slash, of any version and locale.
        (
            "/docs/getting-started/upgrade",
            f"{V2}/guides/configuration.md",
            f"{ROOT}/docs/getting-started/upgrade",
        ),
        ("/docs/getting-started", f"{V2}/intro.md", f"{ROOT}/docs/getting-started/"),
        ("/docs/legacy/intro/", f"{V2}/intro.md", f"{ROOT}/docs/legacy/intro"),
        ("/docs/next/intro", f"{V2}/intro.md", f"{ROOT}/docs/next/intro"),
        ("/fr/docs/support", f"{V2}/intro.md", f"{ROOT}/fr/docs/support"),  # published untranslated
        ("/community/support#forum", f"{V2}/intro.md", f"{ROOT}/community/support#forum"),
        ("/blog/2024/03/01/launch", f"{V2}/intro.md", f"{ROOT}/blog/2024/03/01/launch"),
        ("/about", f"{V2}/intro.md", f"{ROOT}/about"),
        # URLs relative to the linking page's URL.
        ("../support", f"{V2}/guides/configuration.md", f"{ROOT}/docs/support"),
        ("getting-started/upgrade", f"{V2}/intro.md", f"{ROOT}/docs/getting-started/upgrade"),
        # Published routes that are no Markdown page.
        ("/blog", f"{V2}/intro.md", f"{ROOT}/blog"),
        ("/blog/tags/release", f"{V2}/intro.md", f"{ROOT}/blog/tags/release"),
        ("/", f"{V2}/intro.md", f"{ROOT}/"),
        ("/img/logo.png", f"{V2}/intro.md", f"{ROOT}/img/logo.png"),
        ("../../static/img/logo.png", f"{V2}/intro.md", f"{ROOT}/img/logo.png"),
        ("pathname:///files/manual.pdf", f"{V2}/intro.md", f"{ROOT}/files/manual.pdf"),
        # The site's own absolute URLs.
        (f"{ROOT}/docs/support", f"{V2}/intro.md", f"{ROOT}/docs/support"),
    ],
)
async def test_links_resolve_to_published_urls(href: str, from_path: str, url: str) -> None:
    """Each link resolves to the URL the site publishes its target at."""
    links = await (await open_site()).links()
    assert links.resolve(href, from_path) == ResolvedLink(url)


@pytest.mark.parametrize(
    ("href", "from_path", "url"),
    [
        ("./guides/configuration.md", f"{FR}/intro.md", f"{ROOT}/fr/docs/guides/configuration"),
        ("../support.md", f"{FR}/guides/configuration.md", f"{ROOT}/fr/docs/support"),  # not translated
        ("/docs/support", f"{FR}/intro.md", f"{ROOT}/docs/support"),
        ("guides/configuration", f"{FR}/intro.md", f"{ROOT}/fr/docs/guides/configuration"),
    ],
)
async def test_links_from_translations_stay_in_their_locale(href: str, from_path: str, url: str) -> None:
    """A translation's file links point to the page in its locale, translated or not."""
    links = await (await open_site()).links()
    assert links.resolve(href, from_path) == ResolvedLink(url)


@pytest.mark.parametrize(
    "href",
    ["https://example.com/x", "mailto:team@acme.dev", "#local", f"{ROOT}/not/a/page", "//cdn.acme.dev/x.js"],
)
async def test_no_opinion_on_other_absolute_links(href: str) -> None:
    """Absolute links elsewhere, fragments, and own-site URLs that are no page: no opinion."""
    links = await (await open_site()).links()
    assert links.resolve(href, f"{V2}/intro.md") is None


async def test_an_image_beside_the_page_is_left_to_the_converter() -> None:
    """A bundled asset next to the page has a hashed URL on the site: no opinion."""
    site = await open_site(
        mini_site({"docs/a.md": "![x](./shot.png)", "docs/shot.png": b"\x89PNG".decode("latin-1")})
    )
    links = await site.links()
    assert links.resolve("./shot.png", "docs/a.md") is None


@pytest.mark.parametrize(
    ("href", "named"),
    [
        ("./missing.md", "missing.md"),
        ("./_env.mdx", "_env.mdx"),
        ("/docs/nowhere", "/docs/nowhere"),
        ("elsewhere", "elsewhere"),
    ],
)
async def test_missing_targets_are_warnings_naming_them(href: str, named: str) -> None:
    """A link to nothing published resolves to no URL and a warning naming the target."""
    links = await (await open_site()).links()
    resolved = links.resolve(href, f"{V2}/guides/configuration.md")
    assert resolved is not None and resolved.url is None
    assert resolved.warning is not None and named in resolved.warning


async def test_a_partial_is_not_published() -> None:
    """A link to a partial says the site does not publish it."""
    links = await (await open_site()).links()
    resolved = links.resolve("./_env.mdx", f"{V2}/guides/configuration.md")
    assert resolved is not None and resolved.warning is not None and "does not publish" in resolved.warning


async def test_without_site_url_found_links_have_no_opinion() -> None:
    """No site_url: a link to an existing page is None, a missing one still a warning."""
    links = await (await open_site(site_url=None)).links()
    assert links.resolve("../support.md", f"{V2}/guides/configuration.md") is None
    missing = links.resolve("./missing.md", f"{V2}/guides/configuration.md")
    assert missing is not None and missing.url is None and missing.warning


async def test_base_url_is_optional_in_site_paths() -> None:
    """On a site under /widgets/, /widgets/docs/a and /docs/a both reach the page."""
    config = "module.exports = {url: 'https://acme.github.io', baseUrl: '/widgets/', presets: ['classic']};"
    site = await open_site(
        mini_site({"docs/a.md": "A.", "docs/b.md": "B."}, config), site_url="https://acme.github.io"
    )
    links = await site.links()
    expected = ResolvedLink("https://acme.github.io/widgets/docs/a")
    assert links.resolve("/widgets/docs/a", "docs/b.md") == expected
    assert links.resolve("/docs/a", "docs/b.md") == expected


async def test_heading_ids_are_github_slugs() -> None:
    """Heading ids follow github-slugger, repeats numbered."""
    links: SiteLinks = await (await open_site()).links()
    assert links.heading_id("Check the version!", ()) == "check-the-version"
    assert links.heading_id("Usage", {"usage"}) == "usage-1"


async def test_links_in_inlined_partials_resolve_from_the_page() -> None:
    """A partial's relative links, rebased into the page, reach their targets."""
    site = await open_site()
    install = f"{V2}/01-getting-started/02-install.mdx"
    prepared = await page(site, install)
    assert "[the support page](../support.md)" in prepared.body
    links = await site.links()
    assert links.resolve("../support.md", install) == ResolvedLink(f"{ROOT}/docs/support")
    assert links.resolve("../guides/configuration.md#environment-variables", install) == ResolvedLink(
        f"{ROOT}/docs/guides/configuration#environment-variables"
    )
