"""The confluence_export connector: pages, identity, metadata, fingerprints, filters, options, real ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from corpora import CORPORA, requires_corpus
from lxml import etree
from pydantic import ValidationError

from connectors.confluence_export import ConfluenceExportConnector, ConfluenceExportOptions
from connectors.confluence_export.dates import parse_date
from connectors.confluence_export.links import PageLinks, SiteLinks
from connectors.confluence_export.listings import Listings
from connectors.confluence_export.macros import MacroMapper
from connectors.confluence_export.options import DEFAULT_ATTACHMENT_URL, DEFAULT_PAGE_URL
from connectors.confluence_export.page import parse_page
from connectors.confluence_export.space import SpaceTree
from ingest.connector import Connector
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.registry import load_connector
from tests.connectors.confluence_builder import (
    Attachment,
    Macros,
    Page,
    Space,
    Style,
    write_folder,
    write_zip,
)

SERVER7 = CORPORA / "confluence-server7-coding"
SERVER5 = CORPORA / "confluence-server5-meridius"
Found = DocumentRef | SkippedDocument | Failure


def make_space(style: Style = "server", render_ids: int = 1) -> Space:
    """Home (with a page tree) > Guides (only its child list) > (Install, Configure), Home > FAQ,
    and Home > Archive, a page with nothing at all.

    ``render_ids`` stands for one export run: it changes the ids Confluence makes up while rendering.
    """
    space = Space(pages=[], style=style, render_ids=render_ids)
    macros = Macros(space)
    home = Page(
        100, "Home", "<p>Welcome to the docs.</p>", author="Alice Admin", editor=None, modified="Jan 05, 2023"
    )
    guides = Page(110, "Guides", "", parent=100)
    install = Page(111, "Install", "", parent=110, attachments=[Attachment(900, "setup.png")])
    configure = Page(112, "Configure", "<p>Set the token.</p>", parent=110)
    faq = Page(120, "FAQ", "", parent=100)
    archive = Page(130, "Archive", "<p><br/></p>", parent=100)
    space.pages += [home, guides, install, configure, faq, archive]
    home.body += f"<h2>Browse</h2>{macros.page_tree(home, root=home)}"
    guides.body = f"<p><br/></p>{macros.children([install, configure])}"
    install.body = (
        f"{macros.toc(['Steps'])}<h2>Steps</h2><p>Run the installer, then see {macros.link(configure)}.</p>"
        f"{macros.code('pip install app', 'bash')}{macros.panel('warning', '<p>Back up first.</p>')}"
        f"<p>{macros.image(install, install.attachments[0])}</p>{macros.expand('More', '<p>Extra.</p>')}"
    )
    faq.body = f"<p>Ask {macros.mention('Jane Doe', 'jdoe')} {macros.emoticon('smile')}.</p>"
    return space


def connector(path: Path, **options: object) -> ConfluenceExportConnector:
    values = {"path": str(path), "base_url": "https://wiki.example.com", **options}
    return ConfluenceExportConnector(ConfluenceExportOptions.model_validate(values))


async def scan(source: ConfluenceExportConnector) -> dict[str, Found]:
    return {item.locator: item async for item in source.scan()}


async def documents(source: ConfluenceExportConnector) -> dict[str, SourceDocument]:
    """Every loadable page, by external id."""
    loaded: dict[str, SourceDocument] = {}
    for item in (await scan(source)).values():
        if isinstance(item, DocumentRef):
            document = await source.load(item)
            assert isinstance(document, SourceDocument), document
            loaded[document.external_id] = document
    return loaded


def fingerprints(found: dict[str, Found]) -> dict[str, str]:
    return {locator: item.fingerprint for locator, item in found.items() if isinstance(item, DocumentRef)}


def test_registered_under_its_entry_point(tmp_path: Path) -> None:
    """The connector is found by name like any plugin and satisfies the Connector protocol."""
    assert load_connector("confluence_export") is ConfluenceExportConnector
    assert isinstance(connector(write_folder(make_space(), tmp_path)), Connector)


@pytest.mark.parametrize("style", ["server", "cloud"])
async def test_one_document_per_page_with_identity_title_url_and_metadata(
    tmp_path: Path, style: Style
) -> None:
    """Each page is one HTML document: id as external_id, title without the space, its viewpage URL,
    ancestors, author and last-modified date as metadata."""
    space = make_space(style)
    loaded = await documents(connector(write_zip(space, tmp_path / "export.zip")))
    assert set(loaded) == {"100", "110", "111", "112", "120"}  # 130 has nothing at all
    install = loaded["111"]
    assert install.title == "Install" and install.format is BodyFormat.HTML
    assert install.url == "https://wiki.example.com/pages/viewpage.action?pageId=111"
    assert install.path == space.file_name(space.page(111))
    assert install.modified == datetime(2023, 3, 3, tzinfo=UTC)
    assert dict(install.metadata) == {
        "page_id": "111",
        "space_key": "DOCS",
        "ancestors": ["Home", "Guides"],
        "ancestor_ids": ["100", "110"],
        "author": "Alice Example",
        "last_modified_by": "Bob Example",
        "last_modified": "2023-03-03",
    }
    home = loaded["100"]
    assert home.metadata["ancestors"] == [] and home.metadata["last_modified_by"] == "Alice Admin"
    assert home.metadata["last_modified"] == "2023-01-05"


async def test_body_is_main_content_only_and_mapped(tmp_path: Path) -> None:
    """The body holds #main-content alone, macros mapped and links absolute: no Confluence chrome."""
    space = make_space()
    space.page(111).comments = ["A reader comment"]
    install = (await documents(connector(write_zip(space, tmp_path / "export.zip"))))["111"]
    body = install.body
    for chrome in (
        "Document generated by Confluence",
        "Created by",
        "Attachments:",
        "A reader comment",
        "Home :",
    ):
        assert chrome not in body
    assert (
        "toc" not in body and "expander" not in body and 'class="' not in body.replace('class="language-', "")
    )
    assert '<pre><code class="language-bash">pip install app</code></pre>' in body
    assert "<blockquote><p><strong>Warning</strong></p><p>Back up first.</p></blockquote>" in body
    assert 'href="https://wiki.example.com/pages/viewpage.action?pageId=112"' in body
    assert 'src="https://wiki.example.com/download/attachments/111/setup.png"' in body
    assert "<p><strong>More</strong></p><p>Extra.</p>" in body


async def test_zip_and_folder_forms_give_the_same_documents(tmp_path: Path) -> None:
    """The zip and the folder it unpacks to give the same locators, fingerprints and bodies."""
    space = make_space()
    zipped = connector(write_zip(space, tmp_path / "export.zip"))
    unpacked = connector(write_folder(space, tmp_path / "unpacked"))
    assert fingerprints(await scan(zipped)) == fingerprints(await scan(unpacked))
    assert await documents(zipped) == await documents(unpacked)


async def test_unchanged_re_export_keeps_every_fingerprint(tmp_path: Path) -> None:
    """A fresh export of unchanged pages (new date, new render-time ids, new files) fingerprints alike."""
    first = fingerprints(await scan(connector(write_zip(make_space(), tmp_path / "one.zip"))))
    space = make_space(render_ids=99)
    space.generated = "Apr 01, 2023 03:00"
    space.page(112).comments = ["New comment"]
    second = fingerprints(await scan(connector(write_zip(space, tmp_path / "two.zip"))))
    assert first == second and len(first) == 5


async def test_fingerprint_follows_the_page_own_content(tmp_path: Path) -> None:
    """An edit, a rename or a move changes that page's fingerprint and those of the pages that
    list it (its old and new parent's lists, the home page's tree), no other's."""
    space = make_space()
    before = fingerprints(await scan(connector(write_zip(space, tmp_path / "one.zip"))))
    space.page(112).body = "<p>Set the token and the region.</p>"
    space.page(120).title = "Questions"
    space.page(111).parent = 100
    space.page(110).body = Macros(space).children([space.page(112)])  # as Confluence renders it now
    after = fingerprints(await scan(connector(write_zip(space, tmp_path / "two.zip"))))
    assert after.pop("Questions_120.html") != before.pop("FAQ_120.html")
    assert set(after) == set(before)
    assert {locator for locator in before if before[locator] != after[locator]} == {
        "Configure_112.html",
        "Install_111.html",
        "Guides_110.html",
        "Home_100.html",
    }


async def test_section_and_home_pages_carry_their_lists(tmp_path: Path) -> None:
    """A section page that only lists its children is a list of links to them; the home page's
    page tree lists the space below it, nested, from the export's own tree."""
    loaded = await documents(connector(write_zip(make_space(), tmp_path / "export.zip")))

    def link(page_id: int, title: str) -> str:
        return f'<a href="https://wiki.example.com/pages/viewpage.action?pageId={page_id}">{title}</a>'

    assert f"<ul><li>{link(111, 'Install')}</li><li>{link(112, 'Configure')}</li></ul>" in loaded["110"].body
    assert (
        f"<h2>Browse</h2><ul><li>{link(110, 'Guides')}<ul><li>{link(111, 'Install')}</li>"
        f"<li>{link(112, 'Configure')}</li></ul></li><li>{link(120, 'FAQ')}</li>"
        f"<li>{link(130, 'Archive')}</li></ul>"
    ) in loaded["100"].body


async def test_without_an_index_the_tree_comes_from_the_breadcrumbs(tmp_path: Path) -> None:
    """An export without index.html still lists a page's children, from the pages' breadcrumbs
    (siblings then sorted by title)."""
    space = make_space("cloud")
    space.page(110).body = Macros(space).children_unrendered()
    root = write_folder(space, tmp_path / "export")
    (root / "DOCS" / "index.html").unlink()
    loaded = await documents(connector(root / "DOCS", space_key="DOCS"))
    assert "<ul><li><a href=" in loaded["110"].body
    assert loaded["110"].body.index(">Configure<") < loaded["110"].body.index(">Install<")
    assert ">Archive<" in loaded["100"].body and ">Install<" in loaded["100"].body


async def test_base_url_change_changes_every_fingerprint(tmp_path: Path) -> None:
    """Options that shape every URL are part of every fingerprint."""
    path = write_zip(make_space(), tmp_path / "export.zip")
    one = fingerprints(await scan(connector(path)))
    two = fingerprints(await scan(connector(path, base_url="https://docs.example.org")))
    assert set(one) == set(two) and all(one[locator] != two[locator] for locator in one)


async def test_renamed_page_keeps_its_external_id(tmp_path: Path) -> None:
    """A page renamed between exports has a new file name and title but the same external id."""
    space = make_space()
    space.page(112).title = "Configuration"
    loaded = await documents(connector(write_zip(space, tmp_path / "export.zip")))
    assert loaded["112"].title == "Configuration" and loaded["112"].path == "Configuration_112.html"


async def test_skip_empty_can_be_turned_off(tmp_path: Path) -> None:
    """A page with nothing at all is skipped with a reason, or loaded when skip_empty is off."""
    path = write_zip(make_space(), tmp_path / "export.zip")
    skipped = (await scan(connector(path)))["Archive_130.html"]
    assert isinstance(skipped, SkippedDocument) and "no content of its own" in skipped.reason
    loaded = await documents(connector(path, skip_empty=False))
    assert (
        loaded["130"].title == "Archive"
        and loaded["130"].body == "<div>\n                    \n                    </div>"
    )


async def test_include_and_exclude_by_title_or_ancestor(tmp_path: Path) -> None:
    """exclude_titles leaves out a page and its subtree; include_titles keeps only matching subtrees."""
    path = write_zip(make_space(), tmp_path / "export.zip")
    found = await scan(connector(path, exclude_titles=["guides"]))
    install = found["Install_111.html"]
    assert isinstance(install, SkippedDocument)
    assert install.reason == "'Install' is excluded by exclude_titles 'guides' (ancestor 'Guides')"
    assert isinstance(found["FAQ_120.html"], DocumentRef)
    found = await scan(connector(path, include_titles=["Guid*"], exclude_titles=["Configure"]))
    taken = sorted(locator for locator, item in found.items() if isinstance(item, DocumentRef))
    assert taken == ["Guides_110.html", "Install_111.html"]
    assert isinstance(found["FAQ_120.html"], SkippedDocument)
    assert "not under include_titles" in found["FAQ_120.html"].reason


async def test_broken_pages_fail_alone_naming_the_file(tmp_path: Path) -> None:
    """A page file without #main-content, or without an id in its name, is a Failure; the rest load."""
    extra = {
        "Broken_130.html": b"<html><body><p>not an export page</p></body></html>",
        "Stray.html": b"<p>x</p>",
    }
    found = await scan(connector(write_zip(make_space(), tmp_path / "export.zip", extra=extra)))
    broken, stray = found["Broken_130.html"], found["Stray.html"]
    assert isinstance(broken, Failure) and broken.message == (
        "Broken_130.html: no #main-content: not a page of a Confluence HTML export"
    )
    assert isinstance(stray, Failure) and "holds no page id" in stray.message
    assert isinstance(found["Home_100.html"], DocumentRef)


async def test_load_gives_the_page_as_scanned(tmp_path: Path) -> None:
    """A page edited between scan and load is loaded as the scan fingerprinted it; asked for with
    another fingerprint, it is read again."""
    root = write_folder(make_space(), tmp_path / "unpacked")
    source = connector(root)
    ref = (await scan(source))["Configure_112.html"]
    assert isinstance(ref, DocumentRef)
    page = root / "DOCS" / "Configure_112.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Set the token.", "Set the region."), "utf-8")
    scanned = await source.load(ref)
    assert isinstance(scanned, SourceDocument) and "Set the token." in scanned.body
    assert scanned.fingerprint == ref.fingerprint
    again = await source.load(DocumentRef(ref.locator, "older"))
    assert isinstance(again, SourceDocument) and "Set the region." in again.body


async def test_load_of_a_page_gone_since_the_scan_is_a_failure(tmp_path: Path) -> None:
    """Loading a locator the export does not hold is a Failure, never an exception."""
    source = connector(write_zip(make_space(), tmp_path / "export.zip"))
    await scan(source)
    failure = await source.load(DocumentRef("Gone_999.html", "x"))
    assert isinstance(failure, Failure) and "Gone_999.html" in failure.message


def open_handles(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path`` (Linux's /proc)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd to see open files")
    count = 0
    for fd in fds.iterdir():
        try:
            count += Path(fd.readlink()) == path
        except OSError:  # closed between listing and reading
            continue
    return count


async def test_close_releases_the_zip_and_a_later_load_opens_it_again(tmp_path: Path) -> None:
    """The zip stays open from scan to load; ``close`` (the engine calls it) releases it."""
    export = write_zip(make_space(), tmp_path / "export.zip")
    source = connector(export)
    ref = (await scan(source))["Configure_112.html"]
    assert isinstance(ref, DocumentRef) and open_handles(export) == 1
    source.close()
    assert open_handles(export) == 0
    page = await source.load(ref)
    assert isinstance(page, SourceDocument) and "Set the token." in page.body
    source.close()
    assert open_handles(export) == 0


async def test_space_key_from_the_option_and_templates_that_need_it(tmp_path: Path) -> None:
    """space_key overrides the export's; a template using {space_key} needs one from somewhere."""
    space = make_space("cloud")
    path = write_zip(space, tmp_path / "export.zip")
    template = "{base_url}/spaces/{space_key}/pages/{page_id}"
    loaded = await documents(connector(path, space_key="HELP", page_url_template=template))
    assert loaded["112"].url == "https://wiki.example.com/spaces/HELP/pages/112"
    assert loaded["112"].metadata["space_key"] == "HELP"
    bare = write_folder(space, tmp_path / "bare")
    (bare / "DOCS" / "index.html").unlink()
    with pytest.raises(ConnectorError, match="set space_key"):
        await scan(connector(bare, page_url_template=template))


def test_options_are_validated_up_front(tmp_path: Path) -> None:
    """Non-zip files, bad URLs and unknown template placeholders are config errors (a missing export
    fails its source when read: tests/e2e/test_missing_sources.py)."""
    good = write_zip(make_space(), tmp_path / "export.zip")
    not_zip = tmp_path / "export.tar"
    not_zip.write_bytes(b"not a zip")
    cases = [
        ({"path": str(not_zip)}, "neither a folder nor a zip file"),
        ({"base_url": "wiki.example.com"}, r"must be an http\(s\) URL"),
        ({"page_url_template": "{base_url}/x/{title}"}, "unknown placeholder {title}"),
        ({"attachment_url_template": "{base_url}/{filename!r}"}, "plain name"),
        ({"unknown_key": 1}, "Extra inputs"),
        ({"max_entries": 0}, "greater than or equal to 1"),
    ]
    for change, message in cases:
        values = {"path": str(good), "base_url": "https://wiki.example.com", **change}
        with pytest.raises(ValidationError, match=message):
            ConfluenceExportOptions.model_validate(values)
    options = ConfluenceExportOptions.model_validate(
        {"path": str(good), "base_url": "https://wiki.example.com/", "max_total_size": "1GiB"}
    )
    assert options.base_url == "https://wiki.example.com" and options.max_total_size == 1024**3


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (
            {"page_url_template": "{base_url}/{page_id"},
            "'{base_url}/{page_id' is malformed: expected '}' before end of string",
        ),
        (
            {"page_url_template": "{base_url}/{page_id.x}"},
            "placeholder {page_id.x} must be a plain name like {page_id}",
        ),
        (
            {"page_url_template": "{base_url}/x/{filename}"},
            "unknown placeholder {filename} (allowed: {base_url}, {page_id}, {space_key})",
        ),
        (
            {"attachment_url_template": "{base_url}/{title}/{filename}"},
            "unknown placeholder {title} (allowed: {base_url}, {filename}, {page_id}, {space_key})",
        ),
    ],
)
def test_template_errors_say_what_is_wrong(tmp_path: Path, change: dict[str, str], sentence: str) -> None:
    """A bad URL template is refused with the option's name and one sentence saying why."""
    values = {
        "path": str(write_zip(make_space(), tmp_path / "export.zip")),
        "base_url": "https://wiki.example.com",
    }
    with pytest.raises(ValidationError) as raised:
        ConfluenceExportOptions.model_validate({**values, **change})
    (error,) = raised.value.errors()
    assert error["loc"] == (next(iter(change)),)
    assert error["msg"] == f"Value error, {sentence}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Mar 03, 2023", "2023-03-03"),
        (", last modified on 七月 25, 2021", "2021-07-25"),
        ("on 十一月 04, 2021", "2021-11-04"),
        ("on 24.02.2015", "2015-02-24"),
        ("on 2023-03-04", "2023-03-04"),
        ("am 5 September 2022", "2022-09-05"),
        ("le 2022年9月5日", "2022-09-05"),
        ("on Foo 31, 2023", None),
        ("on Feb 30, 2023", None),
    ],
)
def test_last_modified_dates_are_read_in_confluence_formats(text: str, expected: str | None) -> None:
    """The metadata line's date is read in the formats and languages Confluence writes."""
    parsed = parse_date(text)
    assert (parsed.isoformat() if parsed else None) == expected


requires_server7 = requires_corpus(SERVER7.name)
requires_server5 = requires_corpus(SERVER5.name)


@pytest.mark.corpus
@requires_server7
async def test_real_server7_zip_with_bare_root_entry(tmp_path: Path) -> None:
    """The untouched Confluence 7 export zip (bare '/' entry, CJK titles) reads like its unpacked copy."""
    zipped = connector(SERVER7 / "Confluence-space-export-231543-81.html.zip")
    found = await scan(zipped)
    unpacked = await scan(connector(SERVER7 / "zip-extracted"))
    assert fingerprints(found) == fingerprints(unpacked)
    assert isinstance(found["65630.html"], SkippedDocument)  # an empty page
    loaded = await documents(zipped)
    assert {key: document.title for key, document in loaded.items()} == {
        "65627": "空间 1 Home",
        "65634": "hello world",
        "65636": "world",
        "65638": "hello",
    }
    hello = loaded["65638"]
    assert hello.metadata["ancestors"] == ["空间 1 Home", "hello world"]
    assert hello.metadata["space_key"] == "space1" and hello.metadata["last_modified"] == "2021-07-25"
    assert "<th>a1</th><th>b1</th><th>c1</th>" in hello.body
    assert 'href="https://wiki.example.com/download/attachments/65638/11.xlsx?' in hello.body
    assert (
        'src="https://wiki.example.com/download/attachments/65634/oxte5rv0f0dmcebm8pre.png"'
        in loaded["65634"].body
    )


@pytest.mark.corpus
@requires_server5
async def test_real_server5_folder_with_code_macro() -> None:
    """The Confluence 5 export: numeric file name for a Czech title, code macro, dotted dates; the
    home page, only a two-level child list, is that list; an empty section page is left out."""
    source = connector(SERVER5 / "page1")
    found = await scan(source)
    assert isinstance(found["Webclient_9568537.html"], SkippedDocument)  # nothing at all
    loaded = await documents(source)
    view = "https://wiki.example.com/pages/viewpage.action?pageId="
    assert " ".join(loaded["9568346"].body.split()) == (
        f'<div> <ul><li><a href="{view}9568537">Webclient</a><ul><li><a href="{view}9273401">JavaScript</a>'
        f'</li><li><a href="{view}9273380">Zprovoznění</a></li></ul></li></ul> </div>'
    )
    setup = loaded["9273380"]
    assert setup.title == "Zprovoznění" and setup.path == "9273380.html"
    assert setup.metadata["ancestors"] == ["My article", "Webclient"]
    assert "<pre><code>webClient.security.interceptUrl.access.timeline=permitAll\n" in setup.body
    javascript = loaded["9273401"]
    assert javascript.metadata["last_modified"] == "2015-02-24"
    assert (javascript.metadata["author"], javascript.metadata["last_modified_by"]) == ("Václav", "Martin")


@pytest.mark.corpus
@requires_server7
async def test_real_server7_space_home_lists_its_children() -> None:
    """The older Confluence 7 export's home page ("Quick navigation" over a children macro, the
    space home template) lists its child pages under its heading and sentence."""
    loaded = await documents(connector(SERVER7 / "space1"))
    view = "https://wiki.example.com/pages/viewpage.action?pageId="
    assert " ".join(loaded["65591"].body.split()) == (
        "<div> <h1><strong>Quick navigation</strong></h1> <p>When you create new pages in this space, "
        f'they\'ll appear here automatically.</p> <ul><li><a href="{view}65615">Attachment Demo</a></li>'
        f'<li><a href="{view}65619">Image Demo</a></li></ul> </div>'
    )


@pytest.mark.corpus
@requires_server7
def test_real_server7_recently_updated_and_contributors() -> None:
    """A real space home page: "Recent space activity" becomes its pages linked by id (none of them
    in this export), without people or dates; "Space contributors" goes with its heading."""
    raw = (SERVER7 / "recent-space-activity-demo.html").read_bytes()
    page = parse_page(raw, "Demo_1.html")
    site = SiteLinks("https://wiki.example.com", DEFAULT_PAGE_URL, DEFAULT_ATTACHMENT_URL, "PDA")
    links = PageLinks(site, page.attachments)
    empty = SpaceTree(())
    main = MacroMapper(links, Listings("1", lambda: empty, site, links)).map(page.main)
    body = " ".join(etree.tostring(main, encoding="unicode", method="html").split())
    view = "https://wiki.example.com/pages/viewpage.action?pageId="
    assert (
        f'<h2>Recent space activity</h2> <ul><li><a href="{view}17338793">校验</a></li>'
        f'<li><a href="{view}17338790">获取</a></li><li><a href="{view}8391329">详情接口</a></li></ul>'
    ) in body
    assert "contributors" not in body and "张三" not in body and "view change" not in body


def nested_body(levels: int) -> str:
    """``levels`` sections nested in one another, a paragraph at each, then one after them all."""
    opening = "".join(f"<div><p>level {level}</p>" for level in range(levels))
    return opening + "</div>" * levels + "<p>after the nest</p>"


def deep_space(levels: int) -> Space:
    """Home, and under it Deep, nested ``levels`` levels deep."""
    deep = Page(101, "Deep", nested_body(levels), parent=100)
    return Space(pages=[Page(100, "Home", "<p>Welcome.</p>"), deep])


async def test_deeply_nested_page_keeps_every_paragraph(tmp_path: Path) -> None:
    """A page nested 260 levels deep (libxml2 stops at 256 unless told otherwise) loads whole:
    every paragraph, and the one after the nest."""
    space = deep_space(260)
    loaded = await documents(connector(write_zip(space, tmp_path / "export.zip")))
    body = loaded["101"].body
    assert all(f"level {level}</p>" in body for level in range(260))
    assert "after the nest" in body


async def test_page_nested_past_what_the_parser_reads_fails_naming_why(tmp_path: Path) -> None:
    """A page nested deeper than libxml2 reads at all is a Failure saying so, never a page cut
    short; the others load."""
    space = deep_space(3000)
    source = connector(write_zip(space, tmp_path / "export.zip"))
    found = await scan(source)
    deep = found["Deep_101.html"]
    if isinstance(deep, DocumentRef):
        deep = await source.load(deep)
    assert isinstance(deep, Failure), "a page cut short was loaded as if whole"
    assert deep.message == (
        "Deep_101.html: nested more than 2048 elements deep, deeper than the export's HTML can be read "
        "whole; nothing of it is sent"
    )
    home = found["Home_100.html"]
    assert isinstance(home, DocumentRef)
    assert isinstance(await source.load(home), SourceDocument)


async def test_page_nested_deeper_than_its_macros_can_be_read_fails_naming_why(tmp_path: Path) -> None:
    """1,500 levels parse, but mapping macros follows the nesting further than Python's stack:
    the page fails saying so (never a traceback, never a page cut short); the others load."""
    space = deep_space(1500)
    source = connector(write_zip(space, tmp_path / "export.zip"))
    found = await scan(source)
    deep = found["Deep_101.html"]
    if isinstance(deep, DocumentRef):
        deep = await source.load(deep)
    assert isinstance(deep, Failure)
    assert deep.message.startswith("Deep_101.html: nested too deeply for its macros to be read")
    assert isinstance(await source.load(found["Home_100.html"]), SourceDocument)  # type: ignore[arg-type]
