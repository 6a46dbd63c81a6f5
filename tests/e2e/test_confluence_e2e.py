"""A Confluence space export synced into the emulator over loopback: first sync, an identical
re-export, a rename and a delete, listing macros and emoji, a hostile zip, and the request
contract throughout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from contract import validate_recorded

from ingest.emulator import RunningEmulator
from tests.connectors.confluence_builder import Attachment, Macros, Page, Space, Style, write_zip
from tests.e2e.conftest import SOURCE_READ, SOURCE_URL, SyncedProject, endpoints

WIKI = "https://wiki.example.com"


def view_url(page_id: int) -> str:
    return f"{WIKI}/pages/viewpage.action?pageId={page_id}"


def make_space(render_ids: int = 1, style: Style = "server") -> Space:
    """Home (the space home template and a page tree) > Guides (empty) > Install, Configure;
    Home > FAQ, Release notes, Reference (only its child list) > API, CLI."""
    space = Space(pages=[], render_ids=render_ids, generated=f"May 0{render_ids}, 2024 02:00", style=style)
    macros = Macros(space)
    home = Page(100, "Home", "")
    guides = Page(110, "Guides", "<p><br/></p>", parent=100)
    install = Page(111, "Install", "", parent=110, attachments=[Attachment(900, "installer.png")])
    configure = Page(112, "Configure", "", parent=110)
    faq = Page(120, "FAQ", "", parent=100)
    notes = Page(130, "Release notes", "<p>Version 2 is out.</p>", parent=100)
    reference = Page(140, "Reference", "", parent=100)
    api = Page(141, "API", "<p>Endpoints.</p>", parent=140)
    cli = Page(142, "CLI", "<p>Commands.</p>", parent=140)
    space.pages += [home, guides, install, configure, faq, notes, reference, api, cli]
    home.body = "<p>Welcome to the product docs.</p>" + macros.columns(
        "<h2>Recent space activity</h2>" + macros.recently_updated([(notes, "Jane Doe", "May 01, 2024")]),
        f"<h2>Space contributors</h2>{macros.contributors(['Jane Doe'])}",
    )
    home.body += f"<h2>All pages</h2>{macros.page_tree(home, root=home)}"
    reference.body = f"<p><br/></p>{macros.children([api, cli])}"
    install.body = (
        f"{macros.toc(['Steps'])}<h2>Steps</h2><p>Run the installer, then read "
        f"{macros.link(configure, 'the configuration page')}.</p>{macros.code('pip install app', 'bash')}"
        f"{macros.panel('warning', '<p>Back up first.</p>')}"
        f"<p>{macros.image(install, install.attachments[0])}</p>"
        f"{macros.expand('Offline install', '<p>Use the bundle.</p>')}"
    )
    configure.body = f"<p>Set the token {macros.status('REQUIRED', 'error')}.</p>"
    faq.body = f"<p>Ask {macros.mention('Jane Doe', 'jdoe')} {macros.emoticon('smile')}</p>"
    return space


def page_link(page_id: int, title: str) -> str:
    return f'<a href="{view_url(page_id)}">{title}</a>'


def home_html(configure: str = "Configure", notes: bool = True) -> str:
    """The HTML Intercom receives for the home page: its lists, without the contributors' heading."""
    listed_notes = f"<li>{page_link(130, 'Release notes')}</li>" if notes else ""
    return (
        "<p>Welcome to the product docs.</p>"
        '<h2 id="recent-space-activity">Recent space activity</h2>'
        f"<ul><li>{page_link(130, 'Release notes')}</li></ul>"
        f'<h2 id="all-pages">All pages</h2><ul><li>{page_link(110, "Guides")}'
        f"<ul><li>{page_link(111, 'Install')}</li>"
        f"<li>{page_link(112, configure)}</li></ul></li><li>{page_link(120, 'FAQ')}</li>{listed_notes}"
        f"<li>{page_link(140, 'Reference')}<ul><li>{page_link(141, 'API')}</li>"
        f"<li>{page_link(142, 'CLI')}</li></ul></li></ul>"
    )


class ExportHarness(SyncedProject):
    """One export zip, one config naming it, one emulator."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        self.export = tmp_path / "export.zip"
        self.config = tmp_path / "ingest.toml"
        keys = {"connector": "confluence_export", "url": SOURCE_URL, "path": "export.zip", "base_url": WIKI}
        lines = ["[intercom]", f'base_url = "{emulator.base_url}"', "", "[sources.wiki]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in keys.items()]
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def harness(tmp_path: Path, emulator: RunningEmulator) -> ExportHarness:
    return ExportHarness(tmp_path, emulator)


async def test_export_sync_then_unchanged_renamed_and_deleted_pages(harness: ExportHarness) -> None:
    """First sync creates one page per Confluence page with something to read (the home and section
    pages as their lists); an identical re-export sends no write; a renamed page is one update of the
    same External Page and of the home page whose tree names it, a deleted one a single DELETE."""
    write_zip(make_space(), harness.export)
    first = await harness.sync()
    assert (first.counts.created, first.counts.failed, first.ok) == (8, 0, True)
    assert [skipped.locator for skipped in first.skipped] == ["Guides_110.html"]
    remote = harness.remote()
    assert set(remote) == {"100", "111", "112", "120", "130", "140", "141", "142"}
    assert remote["100"]["html"] == home_html()
    assert (
        remote["140"]["html"] == f"<ul><li>{page_link(141, 'API')}</li><li>{page_link(142, 'CLI')}</li></ul>"
    )
    install = remote["111"]
    assert (install["title"], install["url"]) == ("Install", view_url(111))
    assert install["html"] == (
        '<h2 id="steps">Steps</h2>'
        f'<p>Run the installer, then read <a href="{view_url(112)}">the configuration page</a>.</p>'
        '<pre><code class="language-bash">pip install app</code></pre>'
        "<blockquote><p><strong>Warning</strong></p><p>Back up first.</p></blockquote>"
        f'<p><img alt="" src="{WIKI}/download/attachments/111/installer.png"></p>'
        "<p><strong>Offline install</strong></p><p>Use the bundle.</p>"
    )
    assert remote["112"]["html"] == "<p>Set the token [REQUIRED].</p>"
    assert remote["120"]["html"] == "<p>Ask Jane Doe \U0001f642</p>"

    # The next night's export: every file rewritten, render-time ids and dates new, no page changed.
    write_zip(make_space(render_ids=2), harness.export)
    again = await harness.sync_fresh()
    assert (again.counts.unchanged, again.converted, again.ok) == (8, 0, True)
    assert endpoints(harness.emulator) == SOURCE_READ

    # Then "Configure" is renamed (new file name, same page id) and "Release notes" deleted.
    space = make_space(render_ids=3)
    space.page(112).title = "Configuration"
    space.pages.remove(space.page(130))
    write_zip(space, harness.export)
    changed = await harness.sync_fresh()
    assert (changed.counts.updated, changed.counts.deleted, changed.counts.created) == (2, 1, 0)
    assert changed.converted == 2
    assert sorted(harness.writes()) == [
        ("DELETE", f"/ai/external_pages/{remote['130']['id']}"),
        ("POST", "/ai/external_pages"),
        ("POST", "/ai/external_pages"),
    ]
    after = harness.remote()
    assert set(after) == {"100", "111", "112", "120", "140", "141", "142"}
    assert after["112"]["title"] == "Configuration" and after["112"]["id"] == remote["112"]["id"]
    assert after["111"]["html"] == install["html"]
    # The page tree follows the export; "Recent space activity" is as Confluence rendered it.
    assert after["100"]["html"] == home_html("Configuration", notes=False)


async def test_cloud_export_lists_children_and_shows_emoji(harness: ExportHarness) -> None:
    """A Cloud export: a children macro Confluence left empty lists the page's children from the
    export's tree; emoji written as escapes or shortnames arrive as the emoji; a heading over a
    table of contents goes with it."""
    space = make_space(style="cloud")
    macros = Macros(space)
    space.page(140).body = macros.children_unrendered()
    calendar = macros.emoji("\U0001f5d3", "calendar_spiral")
    thumbs_up = macros.emoji("\U0001f44d", "thumbsup", fallback="shortname")
    space.page(130).body = (
        f"<h2>Contents</h2>{macros.toc(['Dates'])}<h2>{calendar} Dates</h2>"
        f"<p>Version 2 is out {macros.atlassian_emoji('check_mark', 'tick')} {thumbs_up}</p>"
    )
    write_zip(space, harness.export)
    result = await harness.sync()
    assert result.ok and result.counts.created == 8
    remote = harness.remote()
    assert (
        remote["140"]["html"] == f"<ul><li>{page_link(141, 'API')}</li><li>{page_link(142, 'CLI')}</li></ul>"
    )
    assert (
        remote["130"]["html"]
        == '<h2 id="-dates">\U0001f5d3 Dates</h2><p>Version 2 is out \u2705 \U0001f44d</p>'
    )


async def test_hostile_zip_refuses_the_source_and_deletes_nothing(harness: ExportHarness) -> None:
    """An export replaced by a zip with a '../' entry fails the source by name; no page is touched."""
    write_zip(make_space(), harness.export)
    await harness.sync()
    write_zip(make_space(), harness.export, extra={"../../evil.html": b"<html></html>"})
    result = await harness.sync_fresh()
    assert not result.ok and result.error is not None
    assert "'DOCS/../../evil.html'" in result.error and "zip-slip" in result.error
    assert harness.writes() == [] and len(harness.remote()) == 8


async def test_every_request_of_an_export_lifecycle_keeps_the_contract(harness: ExportHarness) -> None:
    """Every request sent over a first sync, a rename and a delete validates against the API description."""
    write_zip(make_space(), harness.export)
    await harness.sync()
    space = make_space(render_ids=2)
    space.page(120).title = "Questions"
    space.pages.remove(space.page(130))
    write_zip(space, harness.export)
    await harness.sync()
    requests = harness.emulator.requests()
    assert {request.method for request in requests} >= {"POST", "DELETE"}
    validate_recorded(requests)


async def test_a_page_nested_260_levels_deep_is_sent_whole(harness: ExportHarness) -> None:
    """260 nested sections, a paragraph in each (libxml2 used to stop reading at 256 and the run
    sent only the first paragraph, exit 0): every paragraph reaches Intercom, and the text after."""
    levels = 260
    nested = "".join(f"<div><p>level {level}</p>" for level in range(levels)) + "</div>" * levels
    space = Space(
        pages=[Page(100, "Home", "<p>Welcome.</p>"), Page(101, "Deep", nested + "<p>the end</p>", parent=100)]
    )
    write_zip(space, harness.export)
    result = await harness.sync()
    assert (result.counts.failed, result.ok) == (0, True)
    html = harness.remote()["101"]["html"]
    assert [f"level {level}" for level in range(levels)] + ["the end"] == re.findall(r"<p>([^<]*)</p>", html)
