"""A Notion export synced into the emulator over loopback through ``ingest run``: both formats, the
external_pages and articles targets, an unchanged re-export, and bad exports said in one sentence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.connectors.notion_builder import Format, page_id, write_zip
from tests.connectors.notion_workspace import ABS, make_workspace
from tests.e2e.conftest import SOURCE_READ, SOURCE_URL, TOKEN, endpoints

FORMATS: list[Format] = ["html", "markdown"]


def url(number: int) -> str:
    return f"https://www.notion.so/{page_id(number)}"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


class Project:
    """An export, a config naming it, the emulator; ``run`` is ``ingest run --all --report``."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, *, articles: bool = False) -> None:
        self.tmp_path, self.emulator = tmp_path, emulator
        self.export = tmp_path / "Export-notion.zip"
        self.config = tmp_path / "ingest.toml"
        lines = [
            "[intercom]",
            f'base_url = "{emulator.base_url}"',
            "",
            "[sources.notion]",
            'connector = "notion_export"',
            f'url = "{SOURCE_URL}"',
            'path = "Export-notion.zip"',
        ]
        if articles:
            lines += [
                'targets = ["articles"]',
                "",
                "[sources.notion.articles]",
                "author_id = 1",
                'collection = "Notion"',
            ]
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(self) -> tuple[int, dict[str, Any]]:
        report = self.tmp_path / "report.json"
        code = main(["run", "--all", "--config", str(self.config), "--report", str(report)])
        (source,) = json.loads(report.read_text(encoding="utf-8"))["sources"]
        return code, source

    def remote(self) -> dict[str, dict[str, Any]]:
        return {page["external_id"]: page for page in self.emulator.pages()}


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_syncs_then_an_unchanged_re_export_sends_nothing(
    tmp_path: Path, emulator: RunningEmulator, fmt: Format
) -> None:
    """First run: one External Page per page with a body (index.html, body-less rows: none), bodies
    without chrome, TeX kept, links at notion.so page URLs, a row's properties on top. The next night's
    export (new names, timestamps, every file rewritten) converts nothing and writes nothing."""
    project = Project(tmp_path, emulator)
    write_zip(make_workspace(1), project.export, fmt)
    code, first = project.run()
    assert code == 0 and (first["created"], first["failed"]) == (7, 0)
    assert [skipped["reason"] for skipped in first["skipped_documents"]] == [
        "'Buy chairs' is a row of its database with no body (rows_without_body_as_pages)"
    ]
    remote = project.remote()
    assert set(remote) == {page_id(n) for n in (1, 2, 3, 4, 5, 10, 11)}
    handbook = remote[page_id(1)]
    assert (handbook["title"], handbook["url"]) == ("Handbook", url(1))
    html = handbook["html"]
    for chrome in ("Export-", "page-title", "katex", "<style", "\U0001f4d8", ".html", ".md"):
        assert chrome not in html
    assert ABS.replace("&", "&amp;").replace("<", "&lt;") in html
    assert r"<code>\sqrt{a^2+b^2}</code>" in html
    assert f'<a href="{url(2)}">the setup guide</a>' in html
    assert remote[page_id(11)]["html"].startswith(
        "<table><tbody><tr><th>Status</th><td>Done</td></tr>"
        "<tr><th>Tags</th><td>home office, coffee</td></tr>"
    )
    assert f'<a href="{url(11)}">Order coffee</a>' in remote[page_id(10)]["html"]
    assert [warning["message"] for warning in first["warnings"]] == [
        f"Handbook {page_id(1)}/diagram.png is not sent: "
        "set attachment_url_template to link the export's files"
    ]
    validate_recorded(emulator.requests())

    emulator.clear_requests()
    write_zip(make_workspace(2), project.export, fmt, parts=3)
    code, again = project.run()
    assert code == 0 and (again["unchanged"], again["converted"], again["created"], again["updated"]) == (
        7,
        0,
        0,
        0,
    )
    assert endpoints(emulator) == SOURCE_READ


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_page_tree_becomes_nested_collections(
    tmp_path: Path, emulator: RunningEmulator, fmt: Format
) -> None:
    """As articles: each page in the collections of the pages above it, as Confluence ancestors are."""
    project = Project(tmp_path, emulator, articles=True)
    write_zip(make_workspace(), project.export, fmt)
    code, result = project.run()
    assert code == 0 and result["failed"] == 0
    by_id = {str(collection["id"]): collection for collection in emulator.collections()}

    def place(article: dict[str, Any]) -> tuple[str, ...]:
        names: list[str] = []
        parent = article.get("parent_id")
        while parent is not None:
            collection = by_id[str(parent)]
            names.insert(0, collection["name"])
            parent = collection.get("parent_id")
        return tuple(names)

    articles = {article["title"]: article for article in emulator.articles()}
    assert place(articles["Order coffee"]) == ("Notion", "Handbook", "Tasks")
    assert place(articles["Setup"]) == ("Notion", "Handbook")
    assert place(articles["Handbook"]) == ("Notion",)


def test_bad_exports_are_one_sentence(
    tmp_path: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing export and a zip bomb each fail the source in one line naming the export; a file that
    is no zip is refused by the configuration, naming the key."""
    project = Project(tmp_path, emulator)
    code, missing = project.run()
    assert code == 1 and missing["error"] == f"export {project.export} does not exist"

    write_zip(make_workspace(), project.export, "html", parts=1, extra={"bomb.md": b"\0" * (64 * 1024**2)})
    code, refused = project.run()
    assert (
        code == 1
        and "'Export-" in refused["error"]
        and "a zip bomb? the export is refused" in refused["error"]
    )
    assert emulator.pages() == []

    project.export.write_text("not a zip", encoding="utf-8")
    capsys.readouterr()
    assert main(["run", "--all", "--config", str(project.config)]) == 2
    err = capsys.readouterr().err
    assert "is neither a folder nor a zip file" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_renamed_page_that_fails_to_read_is_not_deleted(
    tmp_path: Path, emulator: RunningEmulator, fmt: Format
) -> None:
    """A page renamed (so at a new path) whose file cannot be read in the new export is a failure
    that keeps its External Page, as one at its old path is: its id is in its file name."""
    project = Project(tmp_path, emulator)
    write_zip(make_workspace(1), project.export, fmt)
    code, _ = project.run()
    assert code == 0 and page_id(2) in project.remote()

    renamed = make_workspace(2)
    (setup,) = [page for page in renamed.walk() if page.number == 2]
    setup.title = "Setup guide"
    path = renamed.paths(fmt)[2]
    broken = b"<html><body><p>no article</p></body></html>" if fmt == "html" else b"# Setup\n\xff\xfe"
    write_zip(renamed, project.export, fmt, extra={path: broken})
    code, again = project.run()
    assert [failure["document"] for failure in again["failures"]] == [path]
    assert again["deleted"] == 0
    assert page_id(2) in project.remote()


HOSTILE_BODY = (
    '<script>alert(1)</script><style>p{}</style><p onclick="alert(2)" style="color:red">Safe text.</p>'
    '<p><a href="javascript:alert(3)">js</a> <a href=" JaVa\tScRiPt:alert(4)">spaced</a>'
    ' <a href="data:text/html,&lt;script&gt;alert(5)&lt;/script&gt;">data</a></p>'
    '<figure class="image"><a href="data:image/svg+xml,x">'
    '<img src="data:image/svg+xml,&lt;svg onload=alert(6)&gt;"></a></figure>'
    '<figure class="bookmark"><a class="bookmark" href="javascript:alert(7)">'
    '<div class="bookmark-title">bm</div></a></figure>'
    '<iframe src="https://evil.example.com"></iframe><svg><script>alert(8)</script></svg>'
    '<form action="https://evil.example.com"><input name="x"><button onclick="alert(9)">b</button></form>'
    '<div class="math">x</div><img src="we%22ird%20%3Cname%3E%3F%23.png" alt="a&quot;&gt;&lt;b">'
)
HOSTILE_MARKDOWN = (
    '# Hostile\n\n<script>alert(11)</script>\n\n<img src=x onerror="alert(12)">\n\n'
    "[click](javascript:alert(13)) [data](data:text/html,x)\n\n"
    "![pic](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)\n\n"
    '<div style="background:url(javascript:alert(14))" onclick="alert(15)">Safe text.</div>\n\n'
    '![weird](we%22ird%20%3Cname%3E%3F%23.png "t\\" onerror=x")\n'
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_executable_in_a_page_reaches_intercom(
    tmp_path: Path, emulator: RunningEmulator, fmt: Format
) -> None:
    """A page holding scripts, event handlers, styles, javascript: and data: links, images and
    bookmarks reaches the API inert, its text kept; a file whose name holds quotes, brackets, ?
    and # is linked under attachment_url_template with each URL-encoded."""
    from tests.e2e.test_no_script_reaches_intercom import DANGEROUS

    project = Project(tmp_path, emulator)
    with project.config.open("a", encoding="utf-8") as config:
        config.write('attachment_url_template = "https://files.example.com/{path}"\n')
    name = f"Hostile {page_id(90)}"
    if fmt == "html":
        page = (
            f'<html><head><script>alert(0)</script></head><body><article class="page">'
            f'<header><h1 class="page-title">Hostile</h1></header><div class="page-body">{HOSTILE_BODY}</div>'
            "</article></body></html>"
        ).encode()
    else:
        page = HOSTILE_MARKDOWN.encode()
    extra = {f"{name}.{'html' if fmt == 'html' else 'md'}": page, 'we"ird <name>?#.png': b"\x89PNG"}
    write_zip(make_workspace(1), project.export, fmt, extra=extra)
    code, result = project.run()
    assert code == 0 and result["failed"] == 0
    sent = [
        str(request.body["html"])
        for request in emulator.requests()
        if isinstance(request.body, dict) and "html" in request.body
    ]
    assert sent
    for html in sent:
        assert DANGEROUS.search(html) is None, html
    hostile = project.remote()[page_id(90)]["html"]
    assert "Safe text." in hostile
    assert "https://files.example.com/we%22ird%20%3Cname%3E%3F%23.png" in hostile


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_page_past_the_document_limits_fails_alone(
    tmp_path: Path, emulator: RunningEmulator, fmt: Format
) -> None:
    """A database whose table is larger than max_document_bytes, and a page nested far deeper than
    HTML is read, each fail alone naming the limit; the other pages sync."""
    project = Project(tmp_path, emulator)
    with project.config.open("a", encoding="utf-8") as config:
        config.write("max_document_bytes = 200000\n")
    big = f"Big {page_id(91)}.csv"
    rows = "".join(f"Row {n},{'x' * 100}\n" for n in range(4000))
    deep = "<div>" * 5000 + "deep" + "</div>" * 5000
    if fmt == "html":
        nested = (
            f'<html><body><article class="page"><header><h1 class="page-title">Deep</h1></header>'
            f'<div class="page-body">{deep}</div></article></body></html>'
        ).encode()
    else:
        nested = f"# Deep\n\n{deep}\n".encode()
    extra = {
        big: ("\ufeffName,Notes\n" + rows).encode(),
        f"Deep {page_id(92)}.{'html' if fmt == 'html' else 'md'}": nested,
    }
    write_zip(make_workspace(1), project.export, fmt, extra=extra)
    code, result = project.run()
    failures = {failure["document"]: failure["message"] for failure in result["failures"]}
    assert code == 1 and result["created"] == 7, failures
    assert set(failures) == {big, f"Deep {page_id(92)}.{'html' if fmt == 'html' else 'md'}"}
    assert "max_document_bytes" in failures[big]
    for message in failures.values():
        assert "\n" not in message and "Traceback" not in message
