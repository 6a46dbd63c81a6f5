"""Listing macros become lists of links to the pages they show; headings left heading nothing go."""

from __future__ import annotations

import pytest
from lxml import etree

from connectors.confluence_export.links import PageLinks, SiteLinks
from connectors.confluence_export.listings import Listings
from connectors.confluence_export.macros import MacroMapper
from connectors.confluence_export.options import DEFAULT_ATTACHMENT_URL, DEFAULT_PAGE_URL
from connectors.confluence_export.page import parse_document, parse_page
from connectors.confluence_export.space import SpaceTree
from ingest.convert import LinkBuilder, to_html
from ingest.document import BodyFormat
from tests.connectors.confluence_builder import Macros, Page, Space, Style, render_index, render_page

BASE = "https://wiki.example.com"
SITE = SiteLinks(BASE, DEFAULT_PAGE_URL, DEFAULT_ATTACHMENT_URL, "DOCS")
STYLES: list[Style] = ["server", "cloud"]


def url(page_id: int) -> str:
    return f"{BASE}/pages/viewpage.action?pageId={page_id}"


def link(page_id: int, title: str) -> str:
    return f'<a href="{url(page_id)}">{title}</a>'


def make_space(style: Style = "server") -> tuple[Space, Macros]:
    """Home > (Guides > (Install > Offline), Configure), FAQ; Archive at the top beside Home.

    Pages are listed in the space's own order, which is not alphabetical: Guides before FAQ.
    """
    space = Space(pages=[], style=style)
    space.pages += [
        Page(100, "Home", ""),
        Page(110, "Guides", "", parent=100),
        Page(111, "Install", "<p>Run it.</p>", parent=110),
        Page(113, "Offline", "<p>Use the bundle.</p>", parent=111),
        Page(112, "Configure", "<p>Set it.</p>", parent=110),
        Page(120, "FAQ", "<p>Ask.</p>", parent=100),
        Page(200, "Archive", "<p>Old.</p>"),
    ]
    return space, Macros(space)


def convert(space: Space, page: Page, body: str, tree: SpaceTree | None = None) -> str:
    """The HTML Intercom receives for ``page`` with ``body``, the tree read from the export's index."""
    page.body = body
    parsed = parse_page(render_page(space, page).encode(), space.file_name(page), space_name=space.name)
    links = PageLinks(SITE, parsed.attachments)
    if tree is None:
        tree = SpaceTree.from_index(parse_document(render_index(space).encode(), "index.html"))
    listings = Listings(parsed.page_id, lambda: tree, SITE, links)
    mapped = etree.tostring(MacroMapper(links, listings).map(parsed.main), encoding="unicode", method="html")
    return to_html(mapped, BodyFormat.HTML, path=parsed.locator, title=parsed.title, links=LinkBuilder(None))


@pytest.mark.parametrize("style", STYLES)
def test_children_macro_lists_the_rendered_pages_with_their_urls(style: Style) -> None:
    """A section page's children macro becomes the list Confluence rendered: titles linked to page URLs."""
    space, macros = make_space(style)
    guides = space.page(110)
    html = convert(space, guides, f"<p><br/></p>{macros.children(space.children(guides))}")
    assert html == f"<ul><li>{link(111, 'Install')}</li><li>{link(112, 'Configure')}</li></ul>"


def test_children_macro_keeps_the_depth_confluence_rendered() -> None:
    """A children macro rendered two levels deep (nested lists, as Server 5 writes them) stays nested."""
    space, macros = make_space()
    home = space.page(100)
    html = convert(space, home, f"<p>{macros.children(space.children(home), depth=2)}</p>")
    assert html == (
        f"<ul><li>{link(110, 'Guides')}<ul><li>{link(111, 'Install')}</li><li>{link(112, 'Configure')}</li>"
        f"</ul></li><li>{link(120, 'FAQ')}</li></ul>"
    )


def test_children_macro_left_empty_lists_the_page_children_from_the_export_tree() -> None:
    """A children macro Confluence left empty lists the page's children as the export's tree orders them."""
    space, macros = make_space("cloud")
    html = convert(space, space.page(100), f"<h2>In this space</h2>{macros.children_unrendered()}")
    assert (
        html == '<h2 id="in-this-space">In this space</h2>'
        f"<ul><li>{link(110, 'Guides')}</li><li>{link(120, 'FAQ')}</li></ul>"
    )


def test_page_urls_follow_the_page_url_template() -> None:
    """Listed pages link to the URL page_url_template gives them, as every page link does."""
    space, macros = make_space("cloud")
    site = SiteLinks(BASE, "{base_url}/spaces/{space_key}/pages/{page_id}", DEFAULT_ATTACHMENT_URL, "DOCS")
    guides = space.page(110)
    guides.body = macros.children(space.children(guides))
    parsed = parse_page(render_page(space, guides).encode(), space.file_name(guides))
    links = PageLinks(site, {})
    tree = SpaceTree.from_index(parse_document(render_index(space).encode(), "index.html"))
    main = MacroMapper(links, Listings("110", lambda: tree, site, links)).map(parsed.main)
    hrefs = [anchor.get("href") for anchor in main.iter("a")]
    assert hrefs == [f"{BASE}/spaces/DOCS/pages/111", f"{BASE}/spaces/DOCS/pages/112"]


@pytest.mark.parametrize("style", STYLES)
def test_page_tree_lists_the_whole_subtree_of_its_root(style: Style) -> None:
    """A page tree (empty in every export: it loads by JavaScript) lists every page under its root,
    nested, from the export's tree; the root itself is not listed."""
    space, macros = make_space(style)
    home = space.page(100)
    html = convert(space, home, macros.page_tree(home, root=home))
    assert html == (
        f"<ul><li>{link(110, 'Guides')}<ul><li>{link(111, 'Install')}<ul><li>{link(113, 'Offline')}</li>"
        f"</ul></li><li>{link(112, 'Configure')}</li></ul></li><li>{link(120, 'FAQ')}</li></ul>"
    )


def test_page_tree_without_root_lists_the_whole_space() -> None:
    """A page tree of the whole space (no root page) lists the top-level pages and everything below."""
    space, macros = make_space()
    html = convert(space, space.page(120), macros.page_tree(space.page(120), no_root=True))
    assert html.startswith(f"<ul><li>{link(100, 'Home')}<ul><li>{link(110, 'Guides')}")
    assert html.endswith(f"<li>{link(120, 'FAQ')}</li></ul></li><li>{link(200, 'Archive')}</li></ul>")


def test_page_tree_of_a_page_without_children_or_outside_the_export_lists_nothing() -> None:
    """A page tree whose root has no children, or is not in the export, leaves nothing, nor its heading."""
    space, macros = make_space()
    faq = space.page(120)
    html = convert(space, faq, f"<p>Ask.</p><h2>Pages</h2>{macros.page_tree(faq, root=faq)}")
    assert html == "<p>Ask.</p>"
    elsewhere = Page(999, "Elsewhere", "")
    html = convert(space, faq, f"<p>Ask.</p>{macros.page_tree(faq, root=elsewhere)}")
    assert html == "<p>Ask.</p>"


@pytest.mark.parametrize("style", STYLES)
def test_recently_updated_lists_the_pages_without_authors_dates_or_diffs(style: Style) -> None:
    """Recently updated becomes the pages Confluence listed, once each, in its order; who changed
    them, when and the "view change" and "Show More" links are left out."""
    space, macros = make_space(style)
    updates = [
        (space.page(112), "Jane Doe", "Mar 03, 2023"),
        (space.page(111), "Bob Roe", "Mar 02, 2023"),
        (space.page(112), "Bob Roe", "Mar 01, 2023"),
    ]
    html = convert(
        space, space.page(100), f"<h2>Recent space activity</h2>{macros.recently_updated(updates)}"
    )
    listed = f"<ul><li>{link(112, 'Configure')}</li><li>{link(111, 'Install')}</li></ul>"
    assert html == f'<h2 id="recent-space-activity">Recent space activity</h2>{listed}'


@pytest.mark.parametrize("style", STYLES)
def test_content_by_label_lists_its_pages(style: Style) -> None:
    """Content by label becomes its pages (Cloud links them by wiki path and resource id)."""
    space, macros = make_space(style)
    html = convert(space, space.page(120), macros.content_by_label([space.page(111), space.page(200)]))
    assert html == f"<ul><li>{link(111, 'Install')}</li><li>{link(200, 'Archive')}</li></ul>"


def test_listed_pages_take_their_title_from_the_tree_and_pages_outside_it_keep_their_link() -> None:
    """A listed page is named as the export's tree names it; a page the export does not hold keeps
    the link's text and gets its URL from its id; a wiki link without an id becomes absolute."""
    space, _ = make_space()
    rendered = (
        "<ul class='childpages-macro'><li><a href=\"Install_111.html\">Install (old title)</a></li>"
        '<li><a href="Moved_555.html">Moved away</a></li>'
        '<li><a href="/display/OPS/Runbook">Runbook</a></li><li><a href="#top">Top</a></li></ul>'
    )
    html = convert(space, space.page(110), rendered)
    assert html == (
        f"<ul><li>{link(111, 'Install')}</li><li>{link(555, 'Moved away')}</li>"
        f'<li><a href="{BASE}/display/OPS/Runbook">Runbook</a></li></ul>'
    )


def test_tree_from_the_index_keeps_confluence_order_and_nesting() -> None:
    """index.html's "Available Pages" gives each page's parent and the space's sibling order."""
    space, _ = make_space()
    tree = SpaceTree.from_index(parse_document(render_index(space).encode(), "index.html"))
    assert tree.children(None) == ("100", "200")
    assert tree.children("100") == ("110", "120")
    assert tree.children("110") == ("111", "112")
    assert (tree.title("113"), len(tree)) == ("Offline", 7)


def test_tree_from_breadcrumbs_sorts_siblings_by_title() -> None:
    """Without an index the breadcrumbs give each page's parent; siblings are sorted by title."""
    tree = SpaceTree.from_ancestors(
        [
            ("110", "Guides", ("100",)),
            ("100", "Home", ()),
            ("120", "FAQ", ("100",)),
            ("111", "Install", ("100", "110")),
        ]
    )
    assert tree.children(None) == ("100",)
    assert tree.children("100") == ("120", "110")
    assert tree.children("110") == ("111",)


@pytest.mark.parametrize("style", STYLES)
def test_space_home_template_keeps_its_lists_and_drops_the_heading_of_what_is_gone(style: Style) -> None:
    """The space home template: "Recent space activity" keeps its heading over its list, "Space
    contributors" goes with its macro, and so does a heading over a table of contents."""
    space, macros = make_space(style)
    updates = [(space.page(111), "Jane Doe", "Mar 03, 2023")]
    body = (
        f"<h2>Contents</h2><p>{macros.toc(['Welcome'])}</p><h2>Welcome</h2><p>Start here.</p>"
        + macros.columns(
            f"<h2>Recent space activity</h2>{macros.recently_updated(updates)}<p></p>",
            f"<h2>Space contributors</h2><p>\n</p>{macros.contributors(['Jane Doe'])}<p></p>",
        )
    )
    html = convert(space, space.page(100), body)
    assert html == (
        '<h2 id="welcome">Welcome</h2><p>Start here.</p>'
        f'<h2 id="recent-space-activity">Recent space activity</h2><ul><li>{link(111, "Install")}</li></ul>'
    )


def test_headings_emptied_by_a_macro_go_and_an_author_empty_section_stays() -> None:
    """A heading whose only content was an anchor goes; a heading and its subheading over removed macros
    both go; a heading over content, or over nothing the author put there, stays."""
    space, macros = make_space()
    anchor = '<span class="confluence-anchor-link" id="Home-top"></span>'
    body = (
        f"<h2>{anchor}</h2><p>Intro.</p>"
        f"<h2>People</h2><h3>Team</h3>{macros.contributors(['Jane'])}"
        f"<h2>Next</h2>{macros.toc(['x'])}<p>Read on.</p>"
        "<h2>To do</h2><h2>Last</h2><p>End.</p>"
    )
    assert convert(space, space.page(100), body) == (
        '<p>Intro.</p><h2 id="next">Next</h2><p>Read on.</p>'
        '<h2 id="to-do">To do</h2><h2 id="last">Last</h2><p>End.</p>'
    )


def test_section_of_a_heading_ends_at_the_next_heading_of_its_level() -> None:
    """A removed macro under a subheading does not take the heading above it, which heads content;
    a heading over a table of contents and then subsections heads those subsections, and stays."""
    space, macros = make_space()
    body = (
        f"<h2>Guide</h2><p>Text.</p><h3>Contributors</h3>{macros.contributors(['Jane'])}<h2>More</h2><p>x</p>"
    )
    assert (
        convert(space, space.page(100), body)
        == '<h2 id="guide">Guide</h2><p>Text.</p><h2 id="more">More</h2><p>x</p>'
    )
    body = f"<h1>Guide</h1>{macros.toc(['Install'])}<h2>Install</h2><p>Run it.</p>"
    assert (
        convert(space, space.page(100), body)
        == '<h1 id="guide">Guide</h1><h2 id="install">Install</h2><p>Run it.</p>'
    )
