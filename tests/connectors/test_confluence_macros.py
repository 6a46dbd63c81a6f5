"""Confluence macros and links, Server and Cloud flavours, as they reach Intercom (after the converter)."""

from __future__ import annotations

import pytest
from lxml import etree

from connectors.confluence_export.links import PageLinks, SiteLinks
from connectors.confluence_export.listings import Listings
from connectors.confluence_export.macros import MacroMapper, has_content
from connectors.confluence_export.options import DEFAULT_ATTACHMENT_URL, DEFAULT_PAGE_URL
from connectors.confluence_export.page import ParsedPage, parse_document, parse_page
from connectors.confluence_export.space import SpaceTree
from ingest.convert import LinkBuilder, to_html
from ingest.document import BodyFormat
from tests.connectors.confluence_builder import (
    Attachment,
    Macros,
    Page,
    Space,
    Style,
    render_index,
    render_page,
)

BASE = "https://wiki.example.com"
SITE = SiteLinks(BASE, DEFAULT_PAGE_URL, DEFAULT_ATTACHMENT_URL, "DOCS")
STYLES: list[Style] = ["server", "cloud"]


def space_of(style: Style) -> tuple[Space, Page, Page, Macros]:
    space = Space(pages=[], style=style)
    home = Page(100, "Home", "<p>Welcome</p>")
    guide = Page(
        200,
        "Setup guide",
        "",
        parent=100,
        attachments=[Attachment(901, "diagram one.png"), Attachment(902, "notes.pdf", "application/pdf")],
    )
    space.pages += [home, guide]
    return space, home, guide, Macros(space)


def mapper(space: Space, parsed: ParsedPage, site: SiteLinks = SITE) -> MacroMapper:
    """The mapper the connector uses for ``parsed``, the space's tree read from its ``index.html``."""
    links = PageLinks(site, parsed.attachments)
    tree = SpaceTree.from_index(parse_document(render_index(space).encode(), "index.html"))
    return MacroMapper(links, Listings(parsed.page_id, lambda: tree, site, links))


def convert(space: Space, page: Page, body: str, site: SiteLinks = SITE) -> str:
    """The HTML Intercom receives for ``page`` with ``body`` as its main content."""
    page.body = body
    parsed = parse_page(render_page(space, page).encode(), space.file_name(page), space_name=space.name)
    main = mapper(space, parsed, site).map(parsed.main)
    mapped = etree.tostring(main, encoding="unicode", method="html")
    return to_html(
        mapped, BodyFormat.HTML, path=space.file_name(page), title=parsed.title, links=LinkBuilder(None)
    )


@pytest.mark.parametrize("style", STYLES)
def test_code_block_keeps_language_title_and_text(style: Style) -> None:
    """A code macro becomes <pre><code class="language-x"> with its exact text; its title a bold line."""
    space, _, guide, macros = space_of(style)
    html = convert(space, guide, macros.code("if a < b:\n    print('<hi>')", "py", title="example.py"))
    assert html == (
        '<p><strong>example.py</strong></p><pre><code class="language-python">if a &lt; b:\n'
        "    print('&lt;hi&gt;')</code></pre>"
    )


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    ("title", "expected_title"), [(None, ""), ("Main.java", "<p><strong>Main.java</strong></p>")]
)
def test_collapsible_code_block_has_only_its_own_title(
    style: Style, title: str | None, expected_title: str
) -> None:
    """A collapsed code block's "Expand source" control is not taken for its title."""
    space, _, guide, macros = space_of(style)
    html = convert(space, guide, macros.code("int x;", "java", title=title, collapse=True))
    assert html == f'{expected_title}<pre><code class="language-java">int x;</code></pre>'


@pytest.mark.parametrize(
    "block",
    [
        '<div class="preformatted panel"><div class="preformattedContent panelContent">'
        "<pre>first<br/>second<br>third</pre></div></div>",
        '<div class="code panel pdl"><div class="codeContent panelContent pdl">'
        '<pre class="syntaxhighlighter-pre" data-syntaxhighlighter-params="brush: text">'
        "first<br/>second<br>third</pre></div></div>",
    ],
)
def test_line_breaks_in_code_are_kept(block: str) -> None:
    """Code whose lines are separated by <br> keeps them as lines, not run together."""
    space, _, guide, _ = space_of("server")
    assert convert(space, guide, block) == "<pre><code>first\nsecond\nthird</code></pre>"


@pytest.mark.parametrize(("brush", "expected"), [("java", "language-java"), ("js", "language-javascript")])
def test_code_brush_names_map_to_languages(brush: str, expected: str) -> None:
    """Confluence brush names become the usual language names."""
    space, _, guide, macros = space_of("server")
    assert f'<code class="{expected}">x()</code>' in convert(space, guide, macros.code("x()", brush))


def test_plain_text_code_and_noformat_have_no_language() -> None:
    """A 'text' brush and a noformat block give <pre><code> without a class."""
    space, _, guide, macros = space_of("server")
    html = convert(space, guide, macros.code("plain", "text") + macros.noformat("raw  spacing"))
    assert html == "<pre><code>plain</code></pre><pre><code>raw  spacing</code></pre>"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    ("kind", "title", "label"),
    [
        ("info", "Heads up", "Info: Heads up"),
        ("note", None, "Note"),
        ("warning", None, "Warning"),
        ("tip", "Tip", "Tip"),
    ],
)
def test_panels_become_labelled_quotes(style: Style, kind: str, title: str | None, label: str) -> None:
    """Info/note/warning/tip panels become a blockquote that opens with the panel type in bold."""
    space, _, guide, macros = space_of(style)
    html = convert(space, guide, macros.panel(kind, "<p>Body <strong>here</strong>.</p>", title))
    assert (
        html == f"<blockquote><p><strong>{label}</strong></p><p>Body <strong>here</strong>.</p></blockquote>"
    )


def test_titled_panel_and_nested_macros() -> None:
    """A plain panel keeps its header as the label; a code block inside a panel is mapped too."""
    space, _, guide, macros = space_of("server")
    html = convert(space, guide, macros.titled_panel("Before you start", macros.code("make", "bash")))
    assert html == (
        "<blockquote><p><strong>Before you start</strong></p>"
        '<pre><code class="language-bash">make</code></pre></blockquote>'
    )


@pytest.mark.parametrize("style", STYLES)
def test_expand_becomes_its_content_under_its_label(style: Style) -> None:
    """An expand section becomes its content; a real label is kept in bold, the default one dropped."""
    space, _, guide, macros = space_of(style)
    body = macros.expand("Show the limits", "<p>Ten per second.</p>") + macros.expand(
        "Click here to expand...", "<p>More.</p>", 2
    )
    assert (
        convert(space, guide, body)
        == "<p><strong>Show the limits</strong></p><p>Ten per second.</p><p>More.</p>"
    )


@pytest.mark.parametrize("style", STYLES)
def test_navigation_macros_are_dropped(style: Style) -> None:
    """Table of contents and contributors macros leave nothing behind."""
    space, _, guide, macros = space_of(style)
    body = macros.toc(["One"]) + "<h2>One</h2><p>Text.</p>" + macros.contributors(["Jane Doe"])
    assert convert(space, guide, body) == '<h2 id="one">One</h2><p>Text.</p>'


@pytest.mark.parametrize("style", STYLES)
def test_inline_macros_become_text(style: Style) -> None:
    """Status lozenges become [TEXT], mentions the plain name, emoticons Unicode text or nothing."""
    space, _, guide, macros = space_of(style)
    body = (
        f"<p>{macros.status('IN PROGRESS', 'current')} owned by {macros.mention('Jane Doe', 'jdoe')}"
        f" {macros.emoticon('tick')} {macros.emoticon('unknown-face')}done</p>"
    )
    assert convert(space, guide, body) == "<p>[IN PROGRESS] owned by Jane Doe \u2705 done</p>"


@pytest.mark.parametrize("style", STYLES)
def test_task_lists_show_their_state_as_text(style: Style) -> None:
    """Inline task lists keep each item, done or not, with a visible box like Markdown task lists."""
    space, _, guide, macros = space_of(style)
    html = convert(space, guide, macros.tasks([("Back up", True), ("Upgrade", False)]))
    assert html == "<ul><li>\u2611 Back up</li><li>\u2610 Upgrade</li></ul>"


def test_cloud_emoji_use_their_fallback_character() -> None:
    """A Cloud emoji whose fallback is a character is replaced by that character."""
    space, _, guide, macros = space_of("cloud")
    grinning = macros.emoticon("grinning", "\U0001f600")
    assert convert(space, guide, f"<p>Nice {grinning}</p>") == "<p>Nice \U0001f600</p>"


@pytest.mark.parametrize(
    ("character", "shortname"),
    [("\U0001f5d3", "calendar_spiral"), ("\U0001f3a8", "art"), ("\U0001f44d\U0001f3fd", "thumbsup_tone3")],
)
def test_cloud_emoji_escaped_fallbacks_become_the_emoji(character: str, shortname: str) -> None:
    """A fallback written as UTF-16 escapes (``\\uD83D\\uDDD3``) becomes the emoji itself, not the
    escapes as text nor the ``blue-star`` placeholder Cloud gives every emoji."""
    space, _, guide, macros = space_of("cloud")
    html = convert(space, guide, f"<p>{macros.emoji(character, shortname)} Planning</p>")
    assert html == f"<p>{character} Planning</p>"


@pytest.mark.parametrize(
    ("character", "shortname"), [("\U0001f5d3", "calendar_spiral"), ("\U0001f642", "slight_smile")]
)
def test_cloud_emoji_with_a_shortname_fallback_use_their_code_points(character: str, shortname: str) -> None:
    """A fallback that is only the ``:shortname:`` gives way to the emoji's code points."""
    space, _, guide, macros = space_of("cloud")
    html = convert(space, guide, f"<h2>{macros.emoji(character, shortname, fallback='shortname')} Dates</h2>")
    assert html == f'<h2 id="-dates">{character} Dates</h2>'


@pytest.mark.parametrize(
    ("name", "legacy", "expected"),
    [
        ("check_mark", "tick", "\u2705"),
        ("cross_mark", "cross", "\u274c"),
        ("info", "information", "\u2139\ufe0f"),
    ],
)
def test_atlassian_emoji_become_the_matching_emoji(name: str, legacy: str, expected: str) -> None:
    """Atlassian's own emoji (no code point, fallback ``:check_mark:``) become the nearest Unicode emoji."""
    space, _, guide, macros = space_of("cloud")
    assert (
        convert(space, guide, f"<p>{macros.atlassian_emoji(name, legacy)} Done</p>")
        == f"<p>{expected} Done</p>"
    )


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('data-emoji-shortname=":calendar_spiral:" data-emoji-fallback=":calendar_spiral:"', "\U0001f5d3"),
        ('data-emoji-shortname=":thinking:" data-emoji-fallback=":thinking:"', "\U0001f914"),
        ('data-emoji-shortname=":notepad_spiral:"', "\U0001f5d2"),
        ('alt="\\uD83D\\uDDD3"', "\U0001f5d3"),
        ('data-emoji-fallback="\\u{1F5D3}"', "\U0001f5d3"),
        ('data-emoji-fallback="\\uD83D" data-emoji-shortname=":no_such_emoji:"', ""),
    ],
)
def test_emoji_shortnames_and_escaped_alt_text_become_the_emoji(attributes: str, expected: str) -> None:
    """Without code points, the shortname (EmojiOne's, as Atlassian writes it) or escaped alt text
    gives the emoji; what names none gives nothing rather than escapes or a placeholder."""
    space, _, guide, _ = space_of("cloud")
    image = f'<img class="emoticon emoticon-blue-star" data-emoticon-name="blue-star" {attributes}>'
    assert convert(space, guide, f"<p>Due {image}</p>") == f"<p>Due {expected}</p>"


def test_jira_issue_and_table() -> None:
    """A Jira issue becomes its link, summary and [status]; a Jira table stays a table with headers."""
    space, _, guide, macros = space_of("server")
    html = convert(space, guide, f"<p>See {macros.jira_issue('OPS-1', 'Crash', 'Done')}</p>")
    assert html == '<p>See <a href="https://jira.example.com/browse/OPS-1">OPS-1</a> - Crash [Done]</p>'
    html = convert(space, guide, macros.jira_table([("OPS-2", "Slow", "Open")]))
    assert html == (
        "<table><thead><tr><th>Key</th><th>Summary</th><th>Status</th></tr></thead><tbody><tr>"
        '<td><a href="https://jira.example.com/browse/OPS-2">OPS-2</a></td><td>Slow</td><td>[Open]</td>'
        "</tr></tbody></table>"
    )


def test_tables_keep_header_cells_and_spans() -> None:
    """confluenceTable keeps its <th> cells and colspans; classes and <colgroup> go."""
    space, _, guide, macros = space_of("server")
    table = macros.table(["Plan", "Seats"], [["Pro", "10"]]).replace(
        '<td class="confluenceTd">Pro</td>', '<td class="confluenceTd" colspan="2" style="x">Pro</td>'
    )
    assert convert(space, guide, table) == (
        '<table><tbody><tr><th>Plan</th><th>Seats</th></tr><tr><td colspan="2">Pro</td><td>10</td></tr>'
        "</tbody></table>"
    )


@pytest.mark.parametrize("style", STYLES)
def test_links_between_pages_point_to_public_urls(style: Style) -> None:
    """A link to another page of the export becomes its viewpage URL, keeping its anchor."""
    space, home, guide, macros = space_of(style)
    html = convert(
        space, guide, f"<p>{macros.link(home)} and {macros.link(home, 'its intro', 'Home-Intro')}</p>"
    )
    assert html == (
        f'<p><a href="{BASE}/pages/viewpage.action?pageId=100">Home</a> and '
        f'<a href="{BASE}/pages/viewpage.action?pageId=100#Home-Intro">its intro</a></p>'
    )


def test_configured_page_url_template_shapes_links() -> None:
    """page_url_template decides where links to pages point (here Cloud's /spaces/ form)."""
    space, home, guide, macros = space_of("cloud")
    site = SiteLinks(
        "https://example.atlassian.net/wiki",
        "{base_url}/spaces/{space_key}/pages/{page_id}",
        DEFAULT_ATTACHMENT_URL,
        "DOCS",
    )
    html = convert(space, guide, f"<p>{macros.link(home)}</p>", site)
    assert html == '<p><a href="https://example.atlassian.net/wiki/spaces/DOCS/pages/100">Home</a></p>'


def test_doubled_braces_in_a_template_are_literal() -> None:
    """A template's "{{" and "}}" stand for one brace in the URL, as in str.format."""
    site = SiteLinks(BASE, "{base_url}/p/{page_id}?x={{y}}", "{base_url}/a/{page_id}/{filename}?{{z}}", None)
    assert site.page_url("7") == f"{BASE}/p/7?x={{y}}"
    assert site.attachment_url("7", "a.png") == f"{BASE}/a/7/a.png?{{z}}"


def test_site_links_repr_is_what_the_connector_digest_always_read() -> None:
    """The connector's settings digest is taken from this repr: the parsed templates stay out of
    it, so a new version does not reread every Confluence page."""
    assert repr(SITE) == (
        "SiteLinks(base_url='https://wiki.example.com', "
        "page_url_template='{base_url}/pages/viewpage.action?pageId={page_id}', "
        "attachment_url_template='{base_url}/download/attachments/{page_id}/{filename}', space_key='DOCS')"
    )


def test_space_key_is_percent_encoded_in_urls() -> None:
    """A personal space's key ("~" and a user name) is encoded where it goes into a URL."""
    space, home, guide, macros = space_of("server")
    site = SiteLinks(
        BASE,
        "{base_url}/spaces/{space_key}/pages/{page_id}",
        "{base_url}/spaces/{space_key}/files/{page_id}/{filename}",
        "~jane doe/x?y#z",
    )
    html = convert(
        space,
        guide,
        f"<p>{macros.link(home)} {macros.attachment_link(guide, guide.attachments[1])}</p>",
        site,
    )
    assert html == (
        f'<p><a href="{BASE}/spaces/~jane%20doe%2Fx%3Fy%23z/pages/100">Home</a> '
        f'<a href="{BASE}/spaces/~jane%20doe%2Fx%3Fy%23z/files/200/notes.pdf">notes.pdf</a></p>'
    )


@pytest.mark.parametrize("style", STYLES)
def test_attachments_and_images_become_absolute_by_their_real_names(style: Style) -> None:
    """Export attachment paths become download URLs under base_url, by the file's real name."""
    space, _, guide, macros = space_of(style)
    diagram, notes = guide.attachments
    body = (
        f"<p>{macros.image(guide, diagram)}</p><p>{macros.attachment_link(guide, notes, 'the notes')}"
        f" {macros.embedded_file(guide, notes)}after</p>"
    )
    download = f"{BASE}/download/attachments/200"
    assert convert(space, guide, body) == (
        f'<p><img alt="" src="{download}/diagram%20one.png"></p>'
        f'<p><a href="{download}/notes.pdf">the notes</a> '
        f'<a href="{download}/notes.pdf?version=1&amp;api=v2">notes.pdf</a> after</p>'
    )


def test_export_only_files_and_unknown_attachments_are_unlinked() -> None:
    """index.html, styles/, icons and attachments of unknown name are unlinked or dropped; wiki paths kept."""
    space, _, guide, _ = space_of("server")
    body = (
        '<p><a href="index.html">space</a> <a href="styles/site.css">css</a> '
        '<a href="attachments/300/5.pdf">lost</a> <img src="images/icons/x.png"> '
        '<img src="attachments/300/6.png" alt="a chart"> <a href="/display/OPS/Runbook">runbook</a> '
        '<a href="javascript:alert(1)">js</a> <a href="#Setupguide-One">below</a></p>'
    )
    assert convert(space, guide, body) == (
        '<p>space css lost  a chart <a href="https://wiki.example.com/display/OPS/Runbook">runbook</a> '
        'js <a href="#Setupguide-One">below</a></p>'
    )


def test_wiki_links_keep_the_context_path_once() -> None:
    """With base_url under a context path, wiki-root links are not given it twice."""
    links = PageLinks(
        SiteLinks("https://example.atlassian.net/wiki", DEFAULT_PAGE_URL, DEFAULT_ATTACHMENT_URL, None), {}
    )
    assert links.href("/wiki/spaces/OPS/pages/5") == "https://example.atlassian.net/wiki/spaces/OPS/pages/5"
    assert (
        links.href("/download/attachments/5/a.png")
        == "https://example.atlassian.net/wiki/download/attachments/5/a.png"
    )
    assert (
        links.href("download/attachments/5/a.png")
        == "https://example.atlassian.net/wiki/download/attachments/5/a.png"
    )
    assert links.href("../OTHER/Page_5.html") is None
    assert links.src("mailto:a@example.com") is None


def test_spacer_paragraphs_and_render_ids_are_gone() -> None:
    """Empty <p><br/></p> spacers and every id or class attribute are dropped from the mapped body."""
    space, _, guide, macros = space_of("server")
    page = guide
    page.body = '<p><br/></p><h2 id="Setupguide-One" class="x">One</h2>' + macros.expand(
        "Label", "<p>x</p>", 7
    )
    parsed = parse_page(render_page(space, page).encode(), space.file_name(page))
    main = mapper(space, parsed).map(parsed.main)
    mapped = etree.tostring(main, encoding="unicode", method="html")
    assert "id=" not in mapped and "class=" not in mapped and "<br>" not in mapped
    assert has_content(main)


def test_navigation_only_page_has_no_content() -> None:
    """A body that is only a table of contents, a contributors list and spacers has nothing to read."""
    space, home, _, macros = space_of("server")
    home.body = f"<p><br/></p>{macros.toc(['One'])}<h2>Team</h2><p>{macros.contributors(['Jane Doe'])}</p>"
    parsed = parse_page(render_page(space, home).encode(), space.file_name(home))
    assert not has_content(mapper(space, parsed).map(parsed.main))


def test_child_list_page_has_content() -> None:
    """A body that is only a list of child pages has something to read: the list."""
    space, home, guide, macros = space_of("server")
    home.body = f"<p><br/></p><p>{macros.children([guide])}</p>"
    parsed = parse_page(render_page(space, home).encode(), space.file_name(home))
    assert has_content(mapper(space, parsed).map(parsed.main))
