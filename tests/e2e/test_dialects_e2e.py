"""Each real dialect end to end: a docs site in a folder, synced over loopback into the emulator.

What Fin receives is what the site's readers see: each page at its published URL, no site
syntax left, links between pages at the linked page's URL (with the site's anchor), included
and embedded text in place, drafts and partials never sent, every request within the API
contract, and a rerun that sends no write.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

from tests.contract import validate_recorded
from tests.e2e.conftest import Harness

SITE_URL = "https://docs.example.com/"
FIXTURES = Path(__file__).parent.parent / "sites" / "fixtures"
#: What a site's syntax looks like when it leaks.
SITE_SYNTAX = ("{{<", "{{%", ":::", "[[", "![[", "import ", "--8<--", "%%")
#: Code, where site syntax is shown as written.
CODE = re.compile(r"<pre>.*?</pre>|<code>.*?</code>", re.DOTALL)


async def synced(harness: Harness, fixture: str, **keys: Any) -> dict[str, dict[str, Any]]:
    """The fixture site copied into the docs folder and synced; the emulator's pages by id."""
    shutil.rmtree(harness.docs)
    shutil.copytree(FIXTURES / fixture, harness.docs)
    harness.settings(site_url=SITE_URL, **{"site": "auto", **keys})
    result = await harness.sync()
    assert result.error is None and result.failures == [], (result.error, result.failures)
    validate_recorded(harness.emulator.requests())
    return harness.remote()


def assert_no_site_syntax(pages: dict[str, dict[str, Any]], *, but: tuple[str, ...] = ()) -> None:
    for external_id, page in pages.items():
        if external_id in but:
            continue
        prose = html.unescape(CODE.sub("", page["html"]))
        leaked = [syntax for syntax in SITE_SYNTAX if syntax in prose]
        assert not leaked, f"{external_id} holds {leaked}"


async def assert_rerun_sends_nothing(harness: Harness) -> None:
    rerun = await harness.sync_fresh()
    assert rerun.ok and rerun.converted == 0 and harness.writes() == []


async def test_hugo(harness: Harness) -> None:
    pages = await synced(harness, "hugo/docs")
    assert_no_site_syntax(pages)
    install = pages["content/en/guide/install.md"]
    assert install["url"] == f"{SITE_URL}guide/install/"
    assert pages["content/en/guide/configure.md"]["url"] == f"{SITE_URL}guide/setup/"
    assert f'<a href="{SITE_URL}guide/setup/#options">Configure</a>' in install["html"]
    assert '<h2 id="prerequisites">' in install["html"]
    assert "tar -xzf acme.tar.gz" in install["html"]  # from _common/unpack.md, an include's include
    assert not {"content/en/guide/draft.md", "content/en/_common/unpack.md", "hugo.toml"} & set(pages)
    await assert_rerun_sends_nothing(harness)


async def test_docusaurus(harness: Harness) -> None:
    pages = await synced(harness, "docusaurus/site")
    assert_no_site_syntax(pages)
    install = pages["versioned_docs/version-2.0/01-getting-started/02-install.mdx"]
    assert install["url"] == f"{SITE_URL}docs/getting-started/install"
    assert pages["versioned_docs/version-2.0/intro.md"]["url"] == f"{SITE_URL}docs/"
    assert (
        f'<a href="{SITE_URL}docs/guides/configuration#environment-variables">configuration guide</a>'
        in install["html"]
    )
    assert '<h2 id="getting-help">' in install["html"]
    assert "Widgets has a community" in install["html"]  # the imported _shared.mdx, with its props
    left_out = {
        "versioned_docs/version-2.0/guides/draft.md",
        "versioned_docs/version-2.0/_partials/_shared.mdx",
        "versioned_docs/version-2.0/guides/_env.mdx",
    }
    assert not left_out & set(pages)
    await assert_rerun_sends_nothing(harness)


async def test_mkdocs(harness: Harness) -> None:
    pages = await synced(harness, "mkdocs/docs-site")
    # snippets.md shows a snippet line escaped with ';', as written.
    assert_no_site_syntax(pages, but=("docs/reference/snippets.md",))
    index = pages["docs/index.md"]
    assert index["url"] == SITE_URL
    assert f'<a href="{SITE_URL}setup/colors/#primary-color">set up colors</a>' in index["html"]
    assert pages["docs/setup/colors.md"]["url"] == f"{SITE_URL}setup/colors/"
    assert '<h2 id="primary-color">' in pages["docs/setup/colors.md"]["html"]
    snippets = pages["docs/reference/snippets.md"]["html"]
    assert snippets.startswith("<p>Run <code>acme init</code> in your project.</p>")  # --8<-- "install.md"
    assert snippets.count("--8&lt;--") == 1  # the escaped line (the one in a code block is expanded there)
    left_out = {"docs/drafts/roadmap.md", "docs/blog/posts/unfinished.md", "snippets/install.md"}
    assert not left_out & set(pages)
    await assert_rerun_sends_nothing(harness)


async def test_obsidian(harness: Harness) -> None:
    pages = await synced(harness, "obsidian/vault")
    assert_no_site_syntax(pages)
    install = pages["Getting started/Install Acme.md"]
    assert install["url"] == f"{SITE_URL}Getting+started/Install+Acme"
    assert pages["Welcome.md"]["url"] == f"{SITE_URL}start"  # its permalink
    troubleshooting = pages["Troubleshooting.md"]["html"]
    assert (
        f'<a href="{SITE_URL}Getting+started/Install+Acme#Requirements">requirements</a>' in troubleshooting
    )
    assert '<h2 id="Requirements">' in install["html"]
    assert "Run the installer as root:" in troubleshooting  # ![[Install Acme#Install on Linux]]
    left_out = {"Reference/Glossary.md", "Templates/Meeting notes.md", ".trash/Old idea.md"}
    assert not left_out & set(pages)
    await assert_rerun_sends_nothing(harness)


async def test_confluence(harness: Harness) -> None:
    pages = await synced(harness, "confluence")  # auto: the export's file names tell
    assert_no_site_syntax(pages)
    started = pages["DOCS/Getting-Started_10002.md"]
    assert started["url"] == f"{SITE_URL}DOCS/Getting-Started_10002.md"
    home = pages["DOCS/Product-Docs-Home_10001.md"]["html"]
    assert f'<a href="{SITE_URL}DOCS/Getting-Started_10002.md">Getting Started</a>' in home
    assert f'<a href="{SITE_URL}DOCS/Release-Notes_10004.md#' in started["html"]
    assert '<h2 id="version-2">' in pages["DOCS/Release-Notes_10004.md"]["html"]
    # The export's chrome is gone: title heading, metadata line, footer.
    notes = pages["DOCS/Release-Notes_10004.md"]["html"]
    assert "Created by the platform team" in notes and "Created by Bob" not in notes
    assert "Product Docs :" not in notes and "<h1" not in notes
    assert not {"DOCS/index.md", "OPS/index.md", "DOCS/attachments/10002/20001.txt"} & set(pages)
    await assert_rerun_sends_nothing(harness)


async def test_confluence_section_links_land_on_their_heading(harness: Harness) -> None:
    """A Confluence anchor (``#ReleaseNotes-Version2``) becomes the id the page's heading gets."""
    pages = await synced(harness, "confluence")
    started = pages["DOCS/Getting-Started_10002.md"]["html"]
    assert f'<a href="{SITE_URL}DOCS/Release-Notes_10004.md#version-2">Release Notes</a>' in started
