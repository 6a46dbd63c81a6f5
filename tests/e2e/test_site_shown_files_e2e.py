"""Every construct whose text comes from another file: editing only that file sends the page
showing it again, with the new text, and an unrelated edit does not read that page.

One test per construct and dialect: Material's blog index (its posts' excerpts), autorefs links
(another page's heading), mkdocs-macros (``include_yaml`` data files), snippets appended to every
page, FastAPI's ``{* file *}`` variants, section lists showing ``shown_front_matter`` fields
``in_lists``, Hugo's data shortcodes (``datatable``, ``code-toggle``) and the site's own plain-text
shortcode templates, Docusaurus partials and ``<CodeBlock>`` files read through ``!!raw-loader!``.
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


async def synced(harness: Harness, files: dict[str, str], config: str = "") -> dict[str, str]:
    """The site written and synced (``config``: lines added to the source's table); each page's
    HTML by external id."""
    write(harness.docs, files)
    harness.settings(site_url=SITE_URL)
    if config:
        harness.config.write_text(harness.config.read_text(encoding="utf-8") + config, encoding="utf-8")
    result = await harness.sync()
    assert result.error is None and result.failures == [], (result.error, result.failures)
    return {external_id: html.unescape(page["html"]) for external_id, page in harness.remote().items()}


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


# -- MkDocs -------------------------------------------------------------------------------------

BLOG = {
    "mkdocs.yml": "site_name: Docs\nsite_url: https://docs.example.com/\nplugins:\n  - blog\n",
    "docs/guide.md": "# Guide\n\nSteps.\n",
    "docs/blog/index.md": "# Blog\n",
    "docs/blog/posts/hello.md": (
        "---\ndate: 2024-05-01\n---\n# Hello\n\nWe launched.\n\n<!-- more -->\n\nThe whole story.\n"
    ),
}


async def test_mkdocs_a_post_edited_alone_updates_the_blog_index_showing_its_excerpt(
    harness: Harness,
) -> None:
    """The blog index shows the post's new excerpt; an edit of another page does not read it."""
    before = await synced(harness, BLOG)
    assert "We launched." in before["docs/blog/index.md"]
    _, sent, read = await resynced(harness, {"docs/guide.md": "# Guide\n\nMore steps.\n"})
    assert (sent, read) == ({"docs/guide.md"}, 1)
    edited = BLOG["docs/blog/posts/hello.md"].replace("We launched.", "We launched today.")
    pages, sent, read = await resynced(harness, {"docs/blog/posts/hello.md": edited})
    assert "We launched today." in pages["docs/blog/index.md"]
    assert (sent, read) == ({"docs/blog/posts/hello.md", "docs/blog/index.md"}, 2)


async def test_mkdocs_a_post_outside_the_blog_folder_edited_alone_updates_the_blog_index(
    harness: Harness,
) -> None:
    """With ``post_dir`` outside ``blog_dir``, the blog index still shows the post's new excerpt."""
    files = {
        "mkdocs.yml": BLOG["mkdocs.yml"].replace("  - blog\n", "  - blog:\n      post_dir: news\n"),
        "docs/guide.md": BLOG["docs/guide.md"],
        "docs/blog/index.md": BLOG["docs/blog/index.md"],
        "docs/news/hello.md": BLOG["docs/blog/posts/hello.md"],
    }
    before = await synced(harness, files)
    assert "We launched." in before["docs/blog/index.md"]
    edited = files["docs/news/hello.md"].replace("We launched.", "We launched today.")
    pages, sent, _ = await resynced(harness, {"docs/news/hello.md": edited})
    assert "We launched today." in pages["docs/blog/index.md"]
    assert sent == {"docs/news/hello.md", "docs/blog/index.md"}


AUTOREFS = {
    "mkdocs.yml": "site_name: Docs\nsite_url: https://docs.example.com/\nplugins:\n  - autorefs\n",
    "docs/about.md": "# About\n\nWho we are.\n",
    "docs/setup.md": "# Setup\n\n## Install it\n\nDownload it.\n",
    "docs/usage.md": "# Usage\n\nFirst [install the tool][install-it].\n",
}


async def test_mkdocs_autorefs_read_the_heading_another_page_holds(harness: Harness) -> None:
    """The usage page's ``[...][install-it]`` links to the page holding that heading: unlinked
    when the heading is renamed, linked to another page when that one gains it first; an edit
    leaving every heading as it was does not read the usage page."""
    before = await synced(harness, AUTOREFS)
    assert f'href="{SITE_URL}setup/#install-it"' in before["docs/usage.md"]
    _, sent, read = await resynced(harness, {"docs/setup.md": AUTOREFS["docs/setup.md"] + "\nThen run it.\n"})
    assert (sent, read) == ({"docs/setup.md"}, 1)
    renamed = AUTOREFS["docs/setup.md"].replace("## Install it", "## Get it")
    pages, sent, _ = await resynced(harness, {"docs/setup.md": renamed})
    assert "setup/#install-it" not in pages["docs/usage.md"]
    assert "[install the tool][install-it]" in pages["docs/usage.md"]
    assert sent == {"docs/setup.md", "docs/usage.md"}
    gained = "# About\n\nWho we are.\n\n## Install it\n\nFrom the store.\n"
    pages, sent, _ = await resynced(harness, {"docs/about.md": gained})
    assert f'href="{SITE_URL}about/#install-it"' in pages["docs/usage.md"]
    assert sent == {"docs/about.md", "docs/usage.md"}


MACROS = {
    "mkdocs.yml": (
        "site_name: Docs\nsite_url: https://docs.example.com/\nplugins:\n"
        "  - macros:\n      include_yaml:\n        - data/release.yml\n"
    ),
    "data/release.yml": "version: 1.2.0\n",
    "data/limits.yml": "max_users: 50\n",
    "docs/about.md": "# About\n\nWho we are.\n",
    "docs/install.md": "# Install\n\nGet version {{ version }}.\n",
    "docs/limits.md": (
        "---\ninclude_yaml:\n  limits: data/limits.yml\n---\n"
        "# Limits\n\nUp to {{ limits.max_users }} users.\n"
    ),
}


async def test_mkdocs_macros_read_the_data_files_include_yaml_names(harness: Harness) -> None:
    """A page rendering a variable of the plugin's (or its front matter's) ``include_yaml`` file
    shows the file's new value; an edit of another page reads neither."""
    before = await synced(harness, MACROS)
    assert "Get version 1.2.0." in before["docs/install.md"]
    assert "Up to 50 users." in before["docs/limits.md"]
    _, sent, read = await resynced(harness, {"docs/about.md": "# About\n\nWho we are, again.\n"})
    assert (sent, read) == ({"docs/about.md"}, 1)
    pages, sent, _ = await resynced(harness, {"data/release.yml": "version: 1.3.0\n"})
    assert "Get version 1.3.0." in pages["docs/install.md"]
    assert "docs/install.md" in sent
    pages, sent, _ = await resynced(harness, {"data/limits.yml": "max_users: 500\n"})
    assert "Up to 500 users." in pages["docs/limits.md"]
    assert sent == {"docs/limits.md"}


async def test_mkdocs_a_snippet_appended_to_every_page_edited_alone_updates_the_pages(
    harness: Harness,
) -> None:
    """``auto_append`` ends every page with a file: its new text reaches every page."""
    files = {
        "mkdocs.yml": (
            "site_name: Docs\nsite_url: https://docs.example.com/\nmarkdown_extensions:\n"
            "  - pymdownx.snippets:\n      auto_append:\n        - notes/support.md\n"
        ),
        "notes/support.md": "Questions? Write to help@example.com.\n",
        "docs/install.md": "# Install\n\nDownload it.\n",
        "docs/setup.md": "# Setup\n\nConfigure it.\n",
    }
    before = await synced(harness, files)
    assert "help@example.com" in before["docs/install.md"]
    support = "Questions? Write to support@example.com.\n"
    pages, sent, _ = await resynced(harness, {"notes/support.md": support})
    assert "support@example.com" in pages["docs/install.md"]
    assert "support@example.com" in pages["docs/setup.md"]
    assert sent == {"docs/install.md", "docs/setup.md"}


VARIANTS = {
    "mkdocs.yml": (
        "site_name: Docs\nsite_url: https://docs.example.com/\nmarkdown_extensions:\n"
        "  - markdown_include_variants\n  - pymdownx.blocks.tab\n  - pymdownx.blocks.details\n"
    ),
    "code/first/tutorial001_an_py310.py": "print('annotated, 3.10')\n",
    "code/first/tutorial001_an.py": "print('annotated, 3.8')\n",
    "docs/about.md": "# About\n\nWho we are.\n",
    "docs/tutorial.md": "# Tutorial\n\n{* code/first/tutorial001_an_py310.py *}\n",
}


async def test_mkdocs_code_variants_read_every_variant_of_the_file_named(harness: Harness) -> None:
    """``{* file *}`` shows the file's other variants too: one edited, or a new one, is shown."""
    before = await synced(harness, VARIANTS)
    assert "annotated, 3.8" in before["docs/tutorial.md"]
    _, sent, read = await resynced(harness, {"docs/about.md": "# About\n\nWho we are, again.\n"})
    assert (sent, read) == ({"docs/about.md"}, 1)
    pages, sent, _ = await resynced(harness, {"code/first/tutorial001_an.py": "print('annotated, 3.9')\n"})
    assert "annotated, 3.9" in pages["docs/tutorial.md"]
    assert sent == {"docs/tutorial.md"}
    pages, sent, _ = await resynced(harness, {"code/first/tutorial001_py310.py": "print('plain, 3.10')\n"})
    assert "plain, 3.10" in pages["docs/tutorial.md"]
    assert sent == {"docs/tutorial.md"}


SIGNATURE_IN_LISTS = 'shown_front_matter = [{ field = "signature", style = "code", in_lists = "first" }]\n'


async def test_mkdocs_a_field_shown_in_lists_edited_alone_updates_the_section_list(harness: Harness) -> None:
    """The section's index page shows the child's new signature under its link."""
    files = {
        "mkdocs.yml": "site_name: Docs\nsite_url: https://docs.example.com/\n",
        "docs/functions/index.md": "---\ntitle: Functions\n---\n",
        "docs/functions/split.md": "---\ntitle: split\nsignature: split(text)\n---\nSplits text.\n",
    }
    before = await synced(harness, files, SIGNATURE_IN_LISTS)
    assert "split(text)" in before["docs/functions/index.md"]
    edited = files["docs/functions/split.md"].replace("split(text)", "split(text, sep)")
    pages, sent, _ = await resynced(harness, {"docs/functions/split.md": edited})
    assert "split(text, sep)" in pages["docs/functions/index.md"]
    assert sent == {"docs/functions/split.md", "docs/functions/index.md"}


# -- Hugo ---------------------------------------------------------------------------------------

HUGO = {
    "hugo.toml": 'baseURL = "https://docs.example.com/"\ntitle = "Docs"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
    "content/media.md": (
        "---\ntitle: Media types\n---\n"
        '{{< datatable "config" "mediaTypes" "_key" "suffixes" >}}\n\n'
        "{{< code-toggle config=build />}}\n\n"
        "{{< support >}}\n"
    ),
    "data/docs.yaml": (
        "config:\n  mediaTypes:\n    text/csv:\n      suffixes: [csv]\n"
        "  build:\n    useResourceCacheWhen: fallback\n"
    ),
    "layouts/shortcodes/support.html": "Write to help@example.com.\n",
}


async def test_hugo_data_shortcodes_and_plain_templates_read_their_files(harness: Harness) -> None:
    """The page shows the data file's new table row and configuration, and the shortcode
    template's new text; an edit of another page does not read it."""
    before = await synced(harness, HUGO)
    assert "text/csv" in before["content/media.md"] and "fallback" in before["content/media.md"]
    assert "help@example.com" in before["content/media.md"]
    about = "---\ntitle: About\n---\nWho we are, again.\n"
    _, sent, read = await resynced(harness, {"content/about.md": about})
    assert (sent, read) == ({"content/about.md"}, 2)  # and the home page, which may list it
    data = HUGO["data/docs.yaml"].replace("csv]", "csv, tsv]").replace("fallback", "always")
    pages, sent, _ = await resynced(harness, {"data/docs.yaml": data})
    assert "[csv tsv]" in pages["content/media.md"] and "always" in pages["content/media.md"]
    assert sent == {"content/media.md"}
    template = "Write to support@example.com.\n"
    pages, sent, _ = await resynced(harness, {"layouts/shortcodes/support.html": template})
    assert "support@example.com" in pages["content/media.md"]
    assert sent == {"content/media.md"}


async def test_hugo_a_field_shown_in_lists_edited_alone_updates_the_section_list(harness: Harness) -> None:
    """The section page shows the child's new signature under its link."""
    files = {
        "hugo.toml": HUGO["hugo.toml"],
        "content/_index.md": HUGO["content/_index.md"],
        "content/functions/_index.md": "---\ntitle: Functions\n---\n",
        "content/functions/split.md": "---\ntitle: split\nsignature: split(text)\n---\nSplits text.\n",
    }
    before = await synced(harness, files, SIGNATURE_IN_LISTS)
    assert "split(text)" in before["content/functions/_index.md"]
    edited = files["content/functions/split.md"].replace("split(text)", "split(text, sep)")
    pages, sent, _ = await resynced(harness, {"content/functions/split.md": edited})
    assert "split(text, sep)" in pages["content/functions/_index.md"]
    assert sent == {"content/functions/split.md", "content/functions/_index.md"}


# -- Docusaurus ---------------------------------------------------------------------------------

DOCUSAURUS = {
    "docusaurus.config.js": (
        "module.exports = {title: 'Docs', url: 'https://docs.example.com', baseUrl: '/',\n"
        "  presets: [['classic', {docs: {routeBasePath: '/'}}]]};\n"
    ),
    "docs/about.md": "---\ntitle: About\n---\nWho we are.\n",
    "docs/_support.mdx": "Write to help@example.com.\n",
    "docs/install.mdx": (
        "---\ntitle: Install\n---\nimport Support from './_support.mdx';\n"
        "import CodeBlock from '@theme/CodeBlock';\nimport Example from '!!raw-loader!./example.js';\n\n"
        'Download it.\n\n<CodeBlock language="js" title="example.js">{Example}</CodeBlock>\n\n<Support />\n'
    ),
    "docs/example.js": "console.log('first');\n",
}


async def test_docusaurus_partials_and_raw_code_files_edited_alone_update_the_page(harness: Harness) -> None:
    """The page shows the partial's and the code file's new text; an edit of another page does
    not read it."""
    before = await synced(harness, DOCUSAURUS)
    assert "help@example.com" in before["docs/install.mdx"] and "first" in before["docs/install.mdx"]
    _, sent, read = await resynced(harness, {"docs/about.md": "---\ntitle: About\n---\nWho we are, again.\n"})
    assert (sent, read) == ({"docs/about.md"}, 1)
    pages, sent, _ = await resynced(harness, {"docs/_support.mdx": "Write to support@example.com.\n"})
    assert "support@example.com" in pages["docs/install.mdx"]
    assert sent == {"docs/install.mdx"}
    pages, sent, read = await resynced(harness, {"docs/example.js": "console.log('second');\n"})
    assert "second" in pages["docs/install.mdx"]
    assert (sent, read) == ({"docs/install.mdx"}, 1)


async def test_docusaurus_a_field_shown_in_lists_edited_alone_updates_the_category_cards(
    harness: Harness,
) -> None:
    """The category index shows the child's new signature under its card."""
    files = {
        "docusaurus.config.js": DOCUSAURUS["docusaurus.config.js"],
        "docs/functions/index.md": "---\ntitle: Functions\n---\n",
        "docs/functions/split.md": "---\ntitle: split\nsignature: split(text)\n---\nSplits text.\n",
    }
    before = await synced(harness, files, SIGNATURE_IN_LISTS)
    assert "split(text)" in before["docs/functions/index.md"]
    edited = files["docs/functions/split.md"].replace("split(text)", "split(text, sep)")
    pages, sent, _ = await resynced(harness, {"docs/functions/split.md": edited})
    assert "split(text, sep)" in pages["docs/functions/index.md"]
    assert sent == {"docs/functions/split.md", "docs/functions/index.md"}


async def test_mkdocs_a_snippet_in_a_post_s_excerpt_edited_alone_updates_the_blog_index(
    harness: Harness,
) -> None:
    """The blog index shows the excerpt as the post's text writes it, its snippet included: the
    snippet's new text reaches the index too."""
    post = '---\ndate: 2024-05-01\n---\n# Hello\n\n--8<-- "notes/launch.md"\n\n<!-- more -->\n\nMore.\n'
    files = {
        "mkdocs.yml": BLOG["mkdocs.yml"] + "markdown_extensions:\n  - pymdownx.snippets\n",
        "notes/launch.md": "We launched.\n",
        "docs/blog/index.md": BLOG["docs/blog/index.md"],
        "docs/blog/posts/hello.md": post,
    }
    before = await synced(harness, files)
    assert "We launched." in before["docs/blog/index.md"]
    pages, sent, _ = await resynced(harness, {"notes/launch.md": "We launched today.\n"})
    assert "We launched today." in pages["docs/blog/index.md"]
    assert sent == {"docs/blog/posts/hello.md", "docs/blog/index.md"}


async def test_mkdocs_a_section_index_of_another_markdown_suffix_updates_its_list(harness: Harness) -> None:
    """``index.markdown`` is its folder's index page as ``index.md`` is: its list shows the
    child's new description."""
    files = {
        "mkdocs.yml": "site_name: Docs\nsite_url: https://docs.example.com/\n",
        "docs/guide/index.markdown": "---\ntitle: Guide\n---\n",
        "docs/guide/install.md": "---\ntitle: Install\ndescription: Get the binary.\n---\nDownload it.\n",
    }
    before = await synced(harness, files)
    assert "Get the binary." in before["docs/guide/index.markdown"]
    edited = files["docs/guide/install.md"].replace("the binary", "the signed binary")
    pages, sent, _ = await resynced(harness, {"docs/guide/install.md": edited})
    assert "Get the signed binary." in pages["docs/guide/index.markdown"]
    assert sent == {"docs/guide/index.markdown"}


# -- Confluence ---------------------------------------------------------------------------------

CONFLUENCE = {
    "DOCS/index.md": "Space Details:\n\nKey DOCS Name Product Docs Description Docs\n",
    "DOCS/Home_10001.md": "# Product Docs : Home\n\nWelcome.\n",
    "DOCS/Getting-Started_10002.md": (
        "# Product Docs : Getting Started\n\n"
        "Read [the news](Release-Notes_10004.html#ReleaseNotes-Version2).\n"
    ),
    "DOCS/Release-Notes_10004.md": "# Product Docs : Release Notes\n\n## Version 2\n\nFaster.\n",
}


async def test_confluence_a_heading_renamed_alone_updates_the_anchors_naming_it(harness: Harness) -> None:
    """A link's Confluence anchor lands on the id the linked page's heading gets: the heading
    renamed, the link keeps the anchor as written; the linked page's text edited otherwise, the
    page linking to it is not read."""
    before = await synced(harness, CONFLUENCE)
    notes = f"{SITE_URL}DOCS/Release-Notes_10004.md"
    assert f'href="{notes}#version-2"' in before["DOCS/Getting-Started_10002.md"]
    edited = CONFLUENCE["DOCS/Release-Notes_10004.md"].replace("Faster.", "Much faster.")
    _, sent, read = await resynced(harness, {"DOCS/Release-Notes_10004.md": edited})
    assert (sent, read) == ({"DOCS/Release-Notes_10004.md"}, 1)
    renamed = edited.replace("## Version 2", "## Second version")
    pages, sent, _ = await resynced(harness, {"DOCS/Release-Notes_10004.md": renamed})
    assert f'href="{notes}#ReleaseNotes-Version2"' in pages["DOCS/Getting-Started_10002.md"]
    assert sent == {"DOCS/Release-Notes_10004.md", "DOCS/Getting-Started_10002.md"}
