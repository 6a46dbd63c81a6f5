"""A docs site's links and heading ids in the converter: LinkBuilder with SiteLinks, every heading an id."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from ingest.convert import LinkBuilder, render_page, to_html
from ingest.convert.headings import custom_id
from ingest.convert.sanitize import sanitize
from ingest.document import BodyFormat, SourceDocument
from ingest.sites import ResolvedLink
from ingest.sites.slugs import toc_slug

TEMPLATE = "https://git.example.com/blob/main/{path}"


class Site:
    """Resolves ``*.md`` to the published site; ``gone.md`` leads nowhere; MkDocs heading ids."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        self.asked.append((href, from_path))
        if href.startswith("gone.md"):
            return ResolvedLink(None, "link to gone.md, which is not a page")
        if href == "javascript-page.md":
            return ResolvedLink("javascript:alert(1)")
        if href.endswith(".md") or ".md#" in href:
            page, _, fragment = href.partition("#")
            return ResolvedLink(
                f"https://docs.example.com/{page.removesuffix('.md')}/" + (f"#{fragment}" * bool(fragment))
            )
        if href.endswith(".png"):
            return ResolvedLink(f"https://docs.example.com/assets/{href}")
        return None

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return toc_slug(text, taken)


def md(body: str, builder: LinkBuilder, warnings: list[str] | None = None) -> str:
    return to_html(
        body, BodyFormat.MARKDOWN, path="guide/page.md", title=None, links=builder, warnings=warnings
    )


def test_a_link_the_site_resolves_is_used_as_it_is() -> None:
    """The site's URL wins over the template, fragment and all."""
    site = Site()
    html = md("[Setup](setup.md#install) and ![logo](logo.png)", LinkBuilder(TEMPLATE, site=site))
    assert '<a href="https://docs.example.com/setup/#install">Setup</a>' in html
    assert 'src="https://docs.example.com/assets/logo.png"' in html
    assert site.asked == [("setup.md#install", "guide/page.md"), ("logo.png", "guide/page.md")]


def test_a_link_to_nothing_is_unlinked_and_its_warning_is_the_pages() -> None:
    """ResolvedLink(None, warning): the text stays, the link goes, the warning is recorded."""
    warnings: list[str] = []
    html = md("See [the old page](gone.md) now.", LinkBuilder(TEMPLATE, site=Site()), warnings)
    assert html == "<p>See the old page now.</p>"
    assert warnings == ["link to gone.md, which is not a page"]


def test_no_opinion_falls_back_to_the_template_and_absolute_links_are_never_asked() -> None:
    """None from the site: today's rules (the template, or unlinked); http(s) and fragments are kept."""
    site = Site()
    html = md("[data](data.csv) [ext](https://x.example.com/) [top](#top)", LinkBuilder(TEMPLATE, site=site))
    assert '<a href="https://git.example.com/blob/main/guide/data.csv">data</a>' in html
    assert '<a href="https://x.example.com/">ext</a>' in html and '<a href="#top">top</a>' in html
    assert site.asked == [("data.csv", "guide/page.md")]
    assert md("[data](data.csv)", LinkBuilder(None, site=site)) == "<p>data</p>"


def test_a_site_url_with_a_dropped_scheme_is_dropped() -> None:
    """Whatever the site answers, only http(s)/mailto URLs survive."""
    assert md("[x](javascript-page.md)", LinkBuilder(TEMPLATE, site=Site())) == "<p>x</p>"


def test_links_in_html_are_resolved_by_the_site_too() -> None:
    """The structural (HTML) path asks the site the same way, and records the same warnings."""
    warnings: list[str] = []
    html = to_html(
        '<p><a href="setup.md">Setup</a> <a href="gone.md">Gone</a></p>',
        BodyFormat.HTML,
        path="guide/page.html",
        title=None,
        links=LinkBuilder(None, site=Site()),
        warnings=warnings,
    )
    assert html == '<p><a href="https://docs.example.com/setup/">Setup</a> Gone</p>'
    assert warnings == ["link to gone.md, which is not a page"]


def test_every_heading_gets_a_github_id_without_a_site() -> None:
    """Without a site, GitHub's ids; a repeat gets -1."""
    html = md("## Install it!\n\n## Install it!\n\n### `pip` usage", LinkBuilder(None))
    assert html == (
        '<h2 id="install-it">Install it!</h2>\n<h2 id="install-it-1">Install it!</h2>\n'
        '<h3 id="pip-usage"><code>pip</code> usage</h3>'
    )


def test_headings_get_the_sites_ids() -> None:
    """With a site, its rule: MkDocs' toc makes repeats _1."""
    html = md("## Usage\n\n## Usage", LinkBuilder(None, site=Site()))
    assert html == '<h2 id="usage">Usage</h2>\n<h2 id="usage_1">Usage</h2>'


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("## Setup {#install}", '<h2 id="install">Setup</h2>'),
        ("## Setup { #install .wide }", '<h2 id="install">Setup</h2>'),
        ("## Setup {: #install data-x=1 }", '<h2 id="install">Setup</h2>'),
        ("## Setup {: .wide }", '<h2 id="setup">Setup</h2>'),
        ("## Use {braces} here", '<h2 id="use-braces-here">Use {braces} here</h2>'),
        ("## *Fast* path {#fast}", '<h2 id="fast"><em>Fast</em> path</h2>'),
        ("## <!-- md:setting --> { #config.enabled }", '<h2 id="config.enabled"></h2>'),
        ("#### `slugify` { #+toc.slugify }", '<h4 id="+toc.slugify"><code>slugify</code></h4>'),
    ],
)
def test_a_custom_id_is_honoured_and_removed(heading: str, expected: str) -> None:
    """``{#id}`` after a heading sets its id and is not shown; braces that are no attribute list stay."""
    assert md(heading, LinkBuilder(None)) == expected


def test_custom_ids_are_made_unique_too() -> None:
    """Two headings asking for one id: the second gets a suffix."""
    html = md("## A {#same}\n\n## B {#same}\n\n## same", LinkBuilder(None))
    assert html == '<h2 id="same">A</h2>\n<h2 id="same-1">B</h2>\n<h2 id="same-2">same</h2>'


def test_custom_id_parsing() -> None:
    """Only a closing attribute list counts."""
    assert custom_id("Title {#t}") == ("Title", "t")
    assert custom_id("Title {.c}") == ("Title", None)
    assert custom_id("Title {not attributes}") is None
    assert custom_id("Title") is None


def test_headings_in_markdown_with_raw_html_get_ids() -> None:
    """The raw-HTML path keeps the Markdown headings' ids and gives raw <h2>s theirs."""
    html = md("## Install {#inst}\n\n<div><h2>Raw</h2></div>\n\n## Install", LinkBuilder(None))
    assert html == '<h2 id="inst">Install</h2>\n<h2 id="raw">Raw</h2>\n<h2 id="install">Install</h2>'


def test_html_headings_keep_their_ids_and_the_others_get_one() -> None:
    """An HTML page's own heading ids stay; the rest get the site's, unique on the page."""
    html = to_html(
        '<h2 id="keep">Kept</h2><h2>Usage</h2><h3>Usage</h3>',
        BodyFormat.HTML,
        path="a.html",
        title=None,
        links=LinkBuilder(None),
    )
    assert html == '<h2 id="keep">Kept</h2><h2 id="usage">Usage</h2><h3 id="usage-1">Usage</h3>'


def test_the_sanitiser_keeps_ids_on_headings_only() -> None:
    """nh3 keeps id on h1-h6 and drops it elsewhere."""
    assert sanitize('<h4 id="x">T</h4><p id="y">p</p>') == '<h4 id="x">T</h4><p>p</p>'


def test_a_page_carries_its_documents_and_its_links_warnings_and_unknown_constructs() -> None:
    """render_page moves metadata warnings and unknown into the Page, adding unresolved links."""
    document = SourceDocument(
        external_id="guide/page.md",
        title="Page",
        body="[gone](gone.md) [again](gone.md)\n",
        format=BodyFormat.MARKDOWN,
        path="guide/page.md",
        fingerprint="f",
        metadata={"warnings": ["include x.md not found"], "unknown": {"shortcode:eturl": 2}, "weight": 1},
    )
    page = render_page(document, LinkBuilder(None, site=Site()))
    assert page.warnings == ("include x.md not found", "link to gone.md, which is not a page")
    assert dict(page.unknown) == {"shortcode:eturl": 2}
    assert dict(page.metadata) == {"weight": 1}
