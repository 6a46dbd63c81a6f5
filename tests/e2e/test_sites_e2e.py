"""A docs site end to end, over loopback into the emulator: what Fin reads is what the site's readers see.

The site is read by the test dialect ``fake`` (tests/sites/fakesite.py): pages only, partials
included, the site's URLs, links between pages resolved to them, headings with the site's ids,
warnings in the run's result and report, a Chinese page nobody declared left out of External Pages.
"""

from __future__ import annotations

import pytest

from ingest.document import DocumentWarning
from tests.e2e.conftest import Harness
from tests.e2e.site_files import SITE_URL, write_site_files

pytestmark = pytest.mark.usefixtures("fake_site")


def write_site(harness: Harness) -> None:
    write_site_files(harness.docs)
    harness.settings(site_url=SITE_URL)


async def test_a_docs_site_reaches_intercom_as_its_readers_see_it(harness: Harness) -> None:
    """Pages only, with the site's URLs; includes inlined; links to the site; headings with its ids."""
    write_site(harness)
    result = await harness.sync()
    assert result.ok and result.error is None
    remote = harness.remote()
    assert set(remote) == {"index.md", "guide/setup.md"}
    assert {page["url"] for page in remote.values()} == {SITE_URL, f"{SITE_URL}guide/setup/"}
    assert remote["index.md"]["html"] == (
        f'<p>Start with <a href="{SITE_URL}guide/setup/#install-it">the setup</a>, not the old page.</p>\n'
        "<p>Our terms apply.</p>"
    )
    assert remote["guide/setup.md"]["html"] == (
        '<h2 id="install-it">Install it</h2>\n<p>A note from a partial.</p>\n'
        '<h2 id="install-it_1">Install it</h2>'
    )
    skipped = {item.locator: item.reason for item in result.skipped}
    assert skipped == {
        "guide/draft.md": "a draft, not published",
        "zh-guide.md": "External Pages are English-only; this document is in 'zh-CN' (detected)",
    }
    assert result.warnings == [
        DocumentWarning("guide/setup.md", "include partials/missing.md not found"),
        DocumentWarning("index.md", "link to old.md, which is not a page"),
    ]
    assert result.unknown == {"index.md": {"shortcode:eturl": 1}}


async def test_a_partial_edit_rereads_the_pages_and_sends_only_what_changed(harness: Harness) -> None:
    """Every page is read again (the structure changed); only the page including the partial is sent."""
    write_site(harness)
    await harness.sync()
    (harness.docs / "partials/note.md").write_text("An edited note.\n", encoding="utf-8")
    result = await harness.sync_fresh()
    assert result.converted == 3  # the two pages and the Chinese one; the draft is remembered as left out
    assert harness.writes() == [("POST", "/ai/external_pages")]
    assert "An edited note." in harness.remote()["guide/setup.md"]["html"]
    unchanged = await harness.sync_fresh()
    assert (unchanged.converted, harness.writes()) == (0, [])


async def test_a_plain_source_sends_what_it_always_sent(harness: Harness) -> None:
    """No site config: plain Markdown, the template's URL, relative links through the template."""
    (harness.docs / "guide").mkdir()
    (harness.docs / "guide/setup.md").write_text(
        "# Setup\n\nRead [the FAQ](../faq.md) first.\n\n{{< note >}}kept as written{{< /note >}}\n",
        encoding="utf-8",
    )
    result = await harness.sync()
    assert result.ok and result.warnings == [] and result.unknown == {}
    (page,) = harness.remote().values()
    assert (page["title"], page["url"]) == ("Setup", "https://git.example.com/docs/blob/main/guide/setup.md")
    assert page["html"] == (
        '<p>Read <a href="https://git.example.com/docs/blob/main/faq.md">the FAQ</a> first.</p>\n'
        "<p>{{&lt; note &gt;}}kept as written{{&lt; /note &gt;}}</p>"
    )


async def test_a_site_config_that_cannot_be_read_deletes_nothing(harness: Harness) -> None:
    """An unreadable config makes the source unreadable: an error, and every page stays."""
    write_site(harness)
    await harness.sync()
    (harness.docs / "fakesite.toml").write_text("name = ", encoding="utf-8")
    result = await harness.sync_fresh()
    assert result.error is not None and "fakesite.toml: not valid TOML" in result.error
    assert harness.writes() == [] and set(harness.remote()) == {"index.md", "guide/setup.md"}


async def test_showing_front_matter_sends_only_the_pages_it_changes(harness: Harness) -> None:
    """``shown_front_matter`` set after a sync: every page is read again, only a page with that
    front matter is sent, with it above its body; a rerun sends nothing."""
    write_site(harness)
    (harness.docs / "guide/setup.md").write_text(
        "---\ndescription: Get it running.\n---\n# Setup\n\nRun it.\n", encoding="utf-8"
    )
    await harness.sync()
    harness.settings(site_url=SITE_URL, shown_front_matter=["description"])
    result = await harness.sync_fresh()
    assert result.ok and result.converted == 3
    assert harness.writes() == [("POST", "/ai/external_pages")]
    assert harness.remote()["guide/setup.md"]["html"] == "<p>Get it running.</p>\n<p>Run it.</p>"
    rerun = await harness.sync_fresh()
    assert rerun.ok and rerun.converted == 0 and harness.writes() == []
