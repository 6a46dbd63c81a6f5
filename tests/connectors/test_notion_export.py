"""The notion_export connector: names and ids, pages of both formats, databases, links, tree, identity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.notion_export import NotionExportConnector, NotionExportOptions
from connectors.notion_export.names import dashed, id_in, read_name
from connectors.notion_export.tree import ancestors, catalog
from ingest.connector import Affected, Connector, WatchedFile, WatchedFolder
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.registry import load_connector
from tests.connectors.notion_builder import (
    Format,
    NotionPage,
    Workspace,
    page_id,
    para,
    write_folder,
    write_zip,
)
from tests.connectors.notion_workspace import ABS, HEADING_ID, make_workspace

Found = DocumentRef | SkippedDocument | Failure
FORMATS: list[Format] = ["html", "markdown"]


def connector(path: Path, **options: object) -> NotionExportConnector:
    return NotionExportConnector(NotionExportOptions.model_validate({"path": str(path), **options}))


async def scan(source: NotionExportConnector) -> dict[str, Found]:
    return {item.locator: item async for item in source.scan()}


async def documents(source: NotionExportConnector) -> dict[str, SourceDocument]:
    """Every loadable page, by external id."""
    loaded: dict[str, SourceDocument] = {}
    for item in (await scan(source)).values():
        if isinstance(item, DocumentRef):
            document = await source.load(item)
            assert isinstance(document, SourceDocument), document
            loaded[document.external_id] = document
    return loaded


def url(number: int) -> str:
    return f"https://www.notion.so/{page_id(number)}"


def test_names_carry_the_id_and_the_title() -> None:
    """A page file, a folder, a CSV and its _all twin; a name without an id has none."""
    some = "2f4c8b43e5658142a060f4e3c920e7f4"
    assert read_name(f"Getting started {some}.html") == read_name(f"Getting started {some}.html")
    name = read_name(f"Getting started {some}.html")
    assert (name.title, name.page_id, name.suffix) == ("Getting started", some, ".html")
    assert read_name(f"idea Pantry DB {some}_all.csv").all_rows
    assert read_name(f"Notes {some}").page_id == some and read_name(f"Notes {some}").suffix == ""
    assert read_name("index.html").page_id is None
    assert read_name(f"Export-{dashed(some)}").page_id is None
    assert id_in(f"https://www.notion.so/acme/Getting-started-{some}?pvs=21") == some
    assert dashed(some) == "2f4c8b43-e565-8142-a060-f4e3c920e7f4"


def test_the_tree_follows_folders_with_or_without_ids() -> None:
    """Subpages sit in the folder named as their page; an id-less folder (older exports) is the page of
    that title beside it; two pages of one title keep apart by id."""
    a, b, c, d = (page_id(n) for n in (1, 2, 3, 4))
    entries = catalog(
        [
            f"Guide {a}.html",
            f"Guide {a}/Install {b}.html",
            f"Guide {d}.html",
            f"Old {c}.html",
            f"Old/Child {d[:-1]}9.html",
        ]
    )
    assert entries[b].parent == a and entries[a].parent is None and entries[d].parent is None
    assert entries[d[:-1] + "9"].parent == c
    assert ancestors(b, entries) == [a]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_one_document_per_page_with_id_title_url_and_tree(tmp_path: Path, fmt: Format) -> None:
    """Each page is one document keyed by its Notion id, titled without the id, at its notion.so URL,
    with its ancestors; index.html is no page; a database row with no body is skipped, reported."""
    source = connector(write_zip(make_workspace(), tmp_path / "export.zip", fmt))
    found = await scan(source)
    skipped = [item for item in found.values() if isinstance(item, SkippedDocument)]
    assert [item.reason for item in skipped] == [
        "'Buy chairs' is a row of its database with no body (rows_without_body_as_pages)"
    ]
    loaded = await documents(source)
    assert set(loaded) == {page_id(n) for n in (1, 2, 3, 4, 5, 10, 11)}
    assert sorted(document.title for document in loaded.values()) == [
        "Café ☕", "FAQ", "FAQ", "Handbook", "Order coffee", "Setup", "Tasks",
    ]  # fmt: skip
    row = loaded[page_id(11)]
    assert row.url == url(11)
    assert row.metadata["ancestors"] == ["Handbook", "Tasks"]
    assert row.metadata["ancestor_ids"] == [page_id(1), page_id(10)]
    assert row.metadata["database"] == "Tasks"
    assert row.body.startswith(
        "<table><tbody><tr><th>Status</th><td>Done</td></tr>"
        "<tr><th>Tags</th><td>home office, coffee</td></tr>"
        "</tbody></table>"
    )
    assert "Call the roaster on Mondays." in row.body


def handbook_html(fmt: Format) -> str:
    anchor = f'<h2 id="{HEADING_ID}">Overview</h2>' if fmt == "html" else "<h2>Overview</h2>"
    see = f'<a href="#{HEADING_ID}">Overview</a>' if fmt == "html" else "Overview"
    return "".join(
        [
            anchor,
            f'<p>Read <a href="{url(2)}">the setup guide</a> first; see {see}.</p>',
            r"<p>The norm is <code>\sqrt{a^2+b^2}</code> here.</p>",
            '<pre><code class="language-latex">'
            + ABS.replace("&", "&amp;").replace("<", "&lt;")
            + "</code></pre>",
            "<blockquote><p>\U0001f4a1 Back up first.</p></blockquote>",
        ]
    )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_block_kind_is_mapped(tmp_path: Path, fmt: Format) -> None:
    """Body only; headings keep Notion's anchors (HTML); equations as their TeX; callout as a quote;
    toggle opened; to-dos with their state; code with its language; tables; columns in reading order;
    subpages as links; the image dropped (no attachment_url_template) and reported."""
    loaded = await documents(connector(write_zip(make_workspace(), tmp_path / "export.zip", fmt)))
    handbook = loaded[page_id(1)]
    body = "".join(line.strip() for line in handbook.body.splitlines())
    assert body.startswith(handbook_html(fmt))
    for expected in [
        "Offline install</",
        "<p>Use the bundle.</p>",
        "\u2611 Write docs",
        "\u2610 Ship it",
        "<pre><code class=\"language-python\">print('hi')",
        "<th>Plan</th>",
        "<td>10</td>",
        "<p>Left column.</p><p>Right column.</p>",
        "<li>One</li><li>Two</li>",
        f'<p><a href="{url(2)}">Setup</a></p><p><a href="{url(10)}">Tasks</a></p>',
    ]:
        assert expected in body, expected
    for chrome in ("page-title", "Export-", "<style", "katex", "\U0001f4d8", "svg", "diagram.png"):
        assert chrome not in body
    assert handbook.metadata["warnings"] == [
        f"Handbook {page_id(1)}/diagram.png is not sent: "
        "set attachment_url_template to link the export's files"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_attachments_and_page_urls_follow_their_templates(tmp_path: Path, fmt: Format) -> None:
    """An image links under attachment_url_template; page links use page_url_template's placeholders."""
    source = connector(
        write_zip(make_workspace(), tmp_path / "export.zip", fmt),
        page_url_template="https://acme.notion.site/{title_slug}-{page_id_without_dashes}",
        attachment_url_template="https://files.example.com/{path}",
    )
    handbook = (await documents(source))[page_id(1)]
    assert f'<img src="https://files.example.com/Handbook%20{page_id(1)}/diagram.png"' in handbook.body
    assert f'<a href="https://acme.notion.site/Setup-{page_id(2)}">the setup guide</a>' in handbook.body
    assert "warnings" not in handbook.metadata
    assert handbook.url == f"https://acme.notion.site/Handbook-{page_id(1)}"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_database_is_one_table_linking_rows_with_a_body(tmp_path: Path, fmt: Format) -> None:
    """The database's page is the table of its rows (the CSV's BOM gone, _all.csv and .csv not both
    read); only the row with a body is linked; with rows_without_body_as_pages every row is a page."""
    export = write_zip(make_workspace(), tmp_path / "export.zip", fmt)
    tasks = (await documents(connector(export)))[page_id(10)]
    assert tasks.body == (
        "<table><thead><tr><th>Name</th><th>Status</th><th>Tags</th></tr></thead><tbody>"
        f'<tr><td><a href="{url(11)}">Order coffee</a></td><td>Done</td><td>home office, coffee</td></tr>'
        "<tr><td>Buy chairs</td><td>Open</td><td>office</td></tr></tbody></table>"
    )
    every = await documents(connector(export, rows_without_body_as_pages=True))
    assert page_id(12) in every
    assert f'<a href="{url(12)}">Buy chairs</a>' in every[page_id(10)].body


@pytest.mark.parametrize("fmt", FORMATS)
async def test_an_unchanged_re_export_keeps_every_fingerprint(tmp_path: Path, fmt: Format) -> None:
    """Notion's next export (new export uuid, part names and timestamps, every file rewritten) gives the
    same fingerprints, zipped or unpacked; a renamed and moved page keeps its id and changes."""
    first = await scan(connector(write_zip(make_workspace(1), tmp_path / "one.zip", fmt)))
    again = await scan(connector(write_zip(make_workspace(2), tmp_path / "two.zip", fmt, parts=1)))
    unpacked = await scan(connector(write_folder(make_workspace(3), tmp_path / "folder", fmt)))
    assert fingerprints(first) == fingerprints(again) == fingerprints(unpacked)

    moved = make_workspace(4)
    setup = moved.pages[0].children.pop(0)
    setup.title = "Set up"
    moved.pages.append(setup)
    loaded = await documents(connector(write_zip(moved, tmp_path / "moved.zip", fmt)))
    assert loaded[page_id(2)].title == "Set up" and loaded[page_id(2)].metadata["ancestors"] == []


def fingerprints(found: dict[str, Found]) -> dict[str, str]:
    return {locator: item.fingerprint for locator, item in found.items() if isinstance(item, DocumentRef)}


async def test_links_from_notion_urls_and_unknown_files(tmp_path: Path) -> None:
    """A notion.so link to a page becomes its page URL, anchor kept; other sites stay; a link to a file
    that is not in the export is unlinked."""
    page = NotionPage(1, "Links", [para("x")])
    workspace = Workspace([page])
    export = write_folder(workspace, tmp_path / "export", "markdown")
    (export / f"Links {page_id(1)}.md").write_text(
        f"# Links\n\n[a](https://www.notion.so/acme/Other-{page_id(7)}?pvs=21#abc) "
        "[b](https://example.com/x) [c](missing.pdf)\n",
        encoding="utf-8",
    )
    body = (await documents(connector(export)))[page_id(1)].body
    assert f'<a href="{url(7)}#abc">a</a>' in body
    assert '<a href="https://example.com/x">b</a>' in body
    assert "<a" not in body.split("b</a>", 1)[1] and "c" in body


def test_registered_and_watchable(tmp_path: Path) -> None:
    """Found by name like any plugin; the export folder watched whole, a zip as a settling file."""
    assert load_connector("notion_export") is NotionExportConnector
    folder = write_folder(make_workspace(), tmp_path / "export", "html")
    source = connector(folder)
    assert isinstance(source, Connector)
    assert list(source.watched_paths()) == [WatchedFolder(folder, recursive=True)]
    archive = write_zip(make_workspace(), tmp_path / "export.zip", "html")
    assert list(connector(archive).watched_paths()) == [WatchedFile(archive, settles=True)]
    assert source.affected_by(folder / "x.html", folder=False) == Affected(whole=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"page_url_template": "https://x/{id}"}, "unknown placeholder {id} (allowed: {page_id}, "
         "{page_id_without_dashes}, {title_slug})"),
        ({"attachment_url_template": "https://x/{page}"}, "unknown placeholder {page}"),
        ({"page_url_template": "www.notion.so/{page_id}"}, "must start with http:// or https://"),
    ],
)  # fmt: skip
def test_bad_templates_are_refused_in_one_sentence(
    tmp_path: Path, options: dict[str, str], message: str
) -> None:
    """A template naming an unknown placeholder says which ones exist."""
    with pytest.raises(ValidationError, match=re.escape(message)):
        NotionExportOptions.model_validate({"path": str(tmp_path), **options})


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    """The configuration says so before anything runs."""
    (tmp_path / "export.zip").write_text("not a zip", encoding="utf-8")
    with pytest.raises(ValidationError, match="is neither a folder nor a zip file"):
        NotionExportOptions.model_validate({"path": str(tmp_path / "export.zip")})


async def test_rarer_html_blocks_read_as_text(tmp_path: Path) -> None:
    """A toggle heading keeps its level, a bookmark is a link with its description, a file is a link
    to it, a mention and a date read as text; a link to an unknown anchor is unlinked."""
    body = (
        '<ul class="toggle"><li><details open=""><summary style="font-weight:600;font-size:1.5em">'
        "Limits</summary><p>Ten per hour.</p></details></li></ul>"
        '<figure><a href="https://example.com/blog" class="bookmark source"><div class="bookmark-info">'
        '<div class="bookmark-text"><div class="bookmark-title">Our blog</div>'
        '<div class="bookmark-description">News and notes</div></div></div></a></figure>'
        f'<figure><div class="source"><a href="Rare%20{page_id(1)}/terms.pdf">terms.pdf</a></div></figure>'
        '<p>Ask <span class="user"><img src="x.png"/>Jane Doe</span> by <time>@May 1, 2024</time>; '
        '<a href="#nowhere">see</a>.</p>'
    )
    page = (
        '<html><head><style>body{}</style></head><body><article class="page"><header>'
        '<h1 class="page-title">Rare</h1></header>'
        f'<div class="page-body">{body}</div></article></body></html>'
    )
    (tmp_path / "export" / f"Rare {page_id(1)}").mkdir(parents=True)
    (tmp_path / "export" / f"Rare {page_id(1)}.html").write_text(page, encoding="utf-8")
    (tmp_path / "export" / f"Rare {page_id(1)}" / "terms.pdf").write_bytes(b"%PDF")
    source = connector(tmp_path / "export", attachment_url_template="https://files.example.com/{filename}")
    sent = (await documents(source))[page_id(1)].body
    assert sent == (
        '<h2>Limits</h2><p>Ten per hour.</p><p><a href="https://example.com/blog">Our blog</a>: '
        'News and notes</p><p><a href="https://files.example.com/terms.pdf">terms.pdf</a></p>'
        "<p>Ask Jane Doe by May 1, 2024; see.</p>"
    )


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_a_page_nested_deep_is_read_whole_or_fails(suffix: str) -> None:
    """Nesting libxml2 reads whole (1,000 levels: past the 256 it reads without huge_tree) keeps
    every word; past what it reads at all, the page fails by name instead of losing its end."""
    from connectors.notion_export.pages import PageError, parse_html_page, parse_markdown_page

    def parse(levels: int) -> str:
        deep = "<div>" * levels + "deep" + "</div>" * levels
        if suffix == ".md":
            return str(
                parse_markdown_page(f"# Deep\n\n{deep}\n".encode(), f"Deep{suffix}").body.text_content()
            )
        page = (
            f'<html><body><article class="page"><div class="page-body">{deep}</div></article></body></html>'
        )
        return str(parse_html_page(page.encode(), f"Deep{suffix}").body.text_content())

    assert parse(1000).strip() == "deep"
    with pytest.raises(PageError, match=rf"^Deep\{suffix}: nested more than 2048 elements deep"):
        parse(3000)


def test_folders_that_nest_in_a_loop_give_no_page_itself_as_ancestor() -> None:
    """A hostile export whose folders make two pages each other's parent: each page's ancestors
    end before the page itself (its collections never hold it)."""
    a, b = page_id(1), page_id(2)
    entries = catalog([f"B {b}/A {a}.html", f"A {a}/B {b}.html"])
    assert ancestors(a, entries) == [b] and ancestors(b, entries) == [a]


async def test_a_database_page_whose_table_cannot_be_read_fails(tmp_path: Path) -> None:
    """A Markdown database with a page of its own (``Tasks <id>.md`` beside its CSV) whose CSV is
    not UTF-8 fails by name, with its id; it is not sent without its rows."""
    folder = f"Handbook {page_id(1)}"
    bad = b"\xff\xfeName,Status\n"
    extra = {
        f"{folder}/Tasks {page_id(10)}.md": b"# Tasks\n\nEvery task of the team.\n",
        f"{folder}/Tasks {page_id(10)}.csv": bad,
        f"{folder}/Tasks {page_id(10)}_all.csv": bad,
    }
    found = await scan(connector(write_folder(make_workspace(), tmp_path / "export", "markdown", extra)))
    failure = found[f"{folder}/Tasks {page_id(10)}.md"]
    assert isinstance(failure, Failure) and failure.external_id == page_id(10)
    assert failure.message.startswith(f"{folder}/Tasks {page_id(10)}_all.csv is not UTF-8 text")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_control_characters_in_a_page_or_a_cell_read_as_spaces(tmp_path: Path, fmt: Format) -> None:
    """A vertical tab (text pasted from Word), other C0 controls and U+FFFF, which HTML cannot hold,
    in a database's cell or a page's title, description or body read as a space: they failed the
    whole scan (lxml refuses them)."""
    page = (
        b"# T\x0bitle\n\nbody\x01text \xef\xbf\xbf end\n"
        if fmt == "markdown"
        else b'<html><body><article class="page"><header><h1 class="page-title">T\x0bitle</h1>'
        b'<p class="page-description">de\x01scribed</p></header>'
        b'<div class="page-body">body\x01text \xef\xbf\xbf end</div></article></body></html>'
    )
    extra = {
        f"Ctl {page_id(93)}.csv": "\ufeffName,Notes\nRow\x0bone,va\x01lue\n".encode(),
        f"Pg {page_id(94)}.{'md' if fmt == 'markdown' else 'html'}": page,
    }
    loaded = await documents(connector(write_folder(make_workspace(), tmp_path / "export", fmt, extra)))
    assert "<td>Row one</td><td>va lue</td>" in loaded[page_id(93)].body
    assert "body text" in loaded[page_id(94)].body and "\x01" not in loaded[page_id(94)].body
