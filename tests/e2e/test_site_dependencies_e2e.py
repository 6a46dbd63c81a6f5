"""A page whose text is made from other files is sent again when only those files change.

A section page lists its pages with their descriptions, a shortcode or component lists a
section, a link reads the URL its target's front matter gives it, an embed shows another note:
editing only the other file (a child's description, the target's slug) sends the page showing
it again, with the new text or URL, and a rerun sends nothing.
"""

from __future__ import annotations

import html
from pathlib import Path

from tests.e2e.conftest import Harness

SITE_URL = "https://docs.example.com/"


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


async def synced(harness: Harness, files: dict[str, str]) -> dict[str, str]:
    """The site written and synced; each page's HTML by external id."""
    write(harness.docs, files)
    harness.settings(site_url=SITE_URL)
    result = await harness.sync()
    assert result.error is None and result.failures == [], (result.error, result.failures)
    return {external_id: page["html"] for external_id, page in harness.remote().items()}


async def resynced(harness: Harness, files: dict[str, str]) -> tuple[dict[str, str], set[str], int]:
    """``files`` rewritten and synced again: each page's HTML, the pages sent, how many were read;
    a rerun reads and sends nothing."""
    write(harness.docs, files)
    result = await harness.sync_fresh()
    assert result.error is None and result.failures == [], (result.error, result.failures)
    sent = {
        request.body["external_id"] for request in harness.emulator.requests() if request.method == "POST"
    }
    pages = {external_id: html.unescape(page["html"]) for external_id, page in harness.remote().items()}
    rerun = await harness.sync_fresh()
    assert rerun.ok and rerun.converted == 0 and harness.writes() == []
    return pages, sent, result.converted


HUGO = {
    "hugo.toml": 'baseURL = "https://docs.example.com/"\ntitle = "Docs"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\n",
    "content/guide/install.md": "---\ntitle: Install\ndescription: Get the binary.\n---\nDownload it.\n",
    "content/guide/setup.md": (
        "---\ntitle: Setup\ndescription: Configure it.\n---\nFirst [install](install.md).\n"
    ),
    "content/reference/_index.md": (
        "---\ntitle: Reference\n---\nEvery guide:\n\n{{< render-list-of-pages-in-section path=/guide >}}\n"
    ),
}


async def test_hugo_a_child_description_edited_alone_updates_the_lists_showing_it(harness: Harness) -> None:
    """The guide section's own list and the reference page's page-list shortcode show the new description."""
    before = await synced(harness, HUGO)
    assert "Get the binary." in before["content/guide/_index.md"]
    assert "Get the binary." in before["content/reference/_index.md"]
    edited = HUGO["content/guide/install.md"].replace("Get the binary.", "Get the signed binary.")
    pages, sent, read = await resynced(harness, {"content/guide/install.md": edited})
    assert "Get the signed binary." in pages["content/guide/_index.md"]
    assert "Get the signed binary." in pages["content/reference/_index.md"]
    assert sent == {"content/guide/_index.md", "content/reference/_index.md"}
    assert read == 3  # the edited page (whose text is as it was) and the two lists


async def test_hugo_a_slug_edited_alone_updates_the_links_to_that_page(harness: Harness) -> None:
    """The setup page links to install's new URL."""
    before = await synced(harness, HUGO)
    assert f'href="{SITE_URL}guide/install/"' in before["content/guide/setup.md"]
    edited = HUGO["content/guide/install.md"].replace("title: Install\n", "title: Install\nslug: get-it\n")
    pages, sent, _ = await resynced(harness, {"content/guide/install.md": edited})
    assert f'href="{SITE_URL}guide/get-it/"' in pages["content/guide/setup.md"]
    assert f'href="{SITE_URL}guide/get-it/"' in pages["content/guide/_index.md"]
    assert sent == {
        "content/guide/install.md",
        "content/guide/setup.md",
        "content/guide/_index.md",
        "content/reference/_index.md",
    }


DOCUSAURUS = {
    "docusaurus.config.js": (
        "module.exports = {title: 'Docs', url: 'https://docs.example.com', baseUrl: '/',\n"
        "  presets: [['classic', {docs: {routeBasePath: '/'}}]]};\n"
    ),
    "docs/intro.md": "---\ntitle: Intro\ndescription: Where to start.\n---\nStart here.\n",
    "docs/overview.mdx": (
        "---\ntitle: Overview\n---\nimport DocCardList from '@theme/DocCardList';\n\n"
        "Everything:\n\n<DocCardList />\n"
    ),
    "docs/guide/index.md": "---\ntitle: Guide\n---\n",
    "docs/guide/install.md": "---\ntitle: Install\ndescription: Get the binary.\n---\nDownload it.\n",
    "docs/guide/setup.md": "---\ntitle: Setup\n---\nFirst [install](./install.md).\n",
}


async def test_docusaurus_a_description_edited_alone_updates_the_card_lists_showing_it(
    harness: Harness,
) -> None:
    """The category index lists install's new description; the page with ``<DocCardList />`` intro's."""
    before = await synced(harness, DOCUSAURUS)
    assert "Get the binary." in before["docs/guide/index.md"]
    assert "Where to start." in before["docs/overview.mdx"]
    pages, sent, read = await resynced(
        harness,
        {
            "docs/guide/install.md": DOCUSAURUS["docs/guide/install.md"].replace(
                "the binary", "the signed binary"
            ),
            "docs/intro.md": DOCUSAURUS["docs/intro.md"].replace("Where to start.", "Where to begin."),
        },
    )
    assert "Get the signed binary." in pages["docs/guide/index.md"]
    assert "Where to begin." in pages["docs/overview.mdx"]
    assert sent == {"docs/guide/index.md", "docs/overview.mdx"}
    assert read == 4  # the two edited pages (whose text is as it was) and the two lists


async def test_docusaurus_a_slug_or_id_edited_alone_updates_the_links_to_that_page(harness: Harness) -> None:
    """The setup page links to install's URL as its ``slug``, then its ``id``, says."""
    before = await synced(harness, DOCUSAURUS)
    assert f'href="{SITE_URL}guide/install"' in before["docs/guide/setup.md"]
    slugged = DOCUSAURUS["docs/guide/install.md"].replace(
        "title: Install\n", "title: Install\nslug: /get-it\n"
    )
    pages, sent, _ = await resynced(harness, {"docs/guide/install.md": slugged})
    assert f'href="{SITE_URL}get-it"' in pages["docs/guide/setup.md"]
    assert {"docs/guide/install.md", "docs/guide/setup.md"} <= sent
    renamed = DOCUSAURUS["docs/guide/install.md"].replace(
        "title: Install\n", "title: Install\nid: installing\n"
    )
    pages, sent, _ = await resynced(harness, {"docs/guide/install.md": renamed})
    assert f'href="{SITE_URL}guide/installing"' in pages["docs/guide/setup.md"]
    assert {"docs/guide/install.md", "docs/guide/setup.md"} <= sent


MKDOCS = {
    "mkdocs.yml": "site_name: Docs\nsite_url: https://docs.example.com/\nplugins:\n  - blog\n",
    "docs/index.md": "# Home\n\nRead [the news](blog/posts/hello.md).\n",
    "docs/guide/index.md": "---\ntitle: Guide\n---\n",
    "docs/guide/install.md": "---\ntitle: Install\ndescription: Get the binary.\n---\nDownload it.\n",
    "docs/blog/index.md": "# Blog\n\nNews.\n",
    "docs/blog/posts/hello.md": "---\ndate: 2024-05-01\nslug: hello\n---\n# Hello\n\nWe launched.\n",
}


async def test_mkdocs_a_description_edited_alone_updates_the_section_list(harness: Harness) -> None:
    """The guide's index page, listing its pages, shows install's new description."""
    before = await synced(harness, MKDOCS)
    assert "Get the binary." in before["docs/guide/index.md"]
    edited = MKDOCS["docs/guide/install.md"].replace("the binary", "the signed binary")
    pages, sent, read = await resynced(harness, {"docs/guide/install.md": edited})
    assert "Get the signed binary." in pages["docs/guide/index.md"]
    assert (sent, read) == ({"docs/guide/index.md"}, 2)


async def test_mkdocs_a_post_slug_edited_alone_updates_the_links_to_that_post(harness: Harness) -> None:
    """The home page links to the post's URL as its new ``slug`` says."""
    before = await synced(harness, MKDOCS)
    assert f'href="{SITE_URL}blog/2024/05/01/hello/"' in before["docs/index.md"]
    edited = MKDOCS["docs/blog/posts/hello.md"].replace("slug: hello", "slug: we-launched")
    pages, sent, _ = await resynced(harness, {"docs/blog/posts/hello.md": edited})
    assert f'href="{SITE_URL}blog/2024/05/01/we-launched/"' in pages["docs/index.md"]
    assert {"docs/blog/posts/hello.md", "docs/index.md"} <= sent


OBSIDIAN = {
    ".obsidian/app.json": "{}\n",
    "Welcome.md": "Read this:\n\n![[Note]]\n\nThen [[Other]].\n",
    "Note.md": "The first note.\n",
    "Other.md": "---\npermalink: other\n---\nAnother note.\n",
}


async def test_obsidian_an_embedded_note_or_a_permalink_edited_alone_updates_the_page_showing_it(
    harness: Harness,
) -> None:
    """The welcome note shows the embedded note's new text, then links to the other's new permalink."""
    before = await synced(harness, OBSIDIAN)
    assert "The first note." in before["Welcome.md"] and f'href="{SITE_URL}other"' in before["Welcome.md"]
    pages, sent, read = await resynced(harness, {"Note.md": "The first note, edited.\n"})
    assert "The first note, edited." in pages["Welcome.md"]
    assert (sent, read) == ({"Note.md", "Welcome.md"}, 2)
    pages, sent, _ = await resynced(harness, {"Other.md": OBSIDIAN["Other.md"].replace("other", "elsewhere")})
    assert f'href="{SITE_URL}elsewhere"' in pages["Welcome.md"]
    assert {"Other.md", "Welcome.md"} <= sent
