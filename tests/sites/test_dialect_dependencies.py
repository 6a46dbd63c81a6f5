"""What each dialect says its pages show of other files (``SiteDependencies``): the pages a
section lists, from paths alone; the files a page's text shows; what links read of their targets."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.sites.contract import CrossPageReads, Site, SiteDependencies, SiteSettings
from ingest.sites.docusaurus import DocusaurusDialect
from ingest.sites.hugo import HugoDialect
from ingest.sites.mkdocs import MkDocsDialect
from ingest.sites.obsidian import ObsidianDialect
from tests.sites.hugo_site import MemoryFiles

SITE_URL = "https://docs.example.com/"


async def dependent(dialect: type, files: Mapping[str, str]) -> SiteDependencies:
    site: Site = await dialect.open(MemoryFiles(files), SiteSettings(site_url=SITE_URL))
    assert isinstance(site, SiteDependencies)
    return site


async def reads(dialect: type, files: Mapping[str, str]) -> CrossPageReads:
    return await (await dependent(dialect, files)).cross_page_reads()


HUGO = {
    "hugo.toml": 'baseURL = "https://docs.example.com/"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/about.md": "---\ntitle: About\n---\nUs.\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\n",
    "content/guide/install.md": "---\ntitle: Install\ndescription: Get it.\n---\nDownload.\n",
    "content/guide/deep/nested.md": "---\ntitle: Nested\n---\nNo _index above it but the guide's.\n",
    "content/guide/more/_index.md": "---\ntitle: More\n---\n",
    "content/guide/more/extra.md": "---\ntitle: Extra\n---\nListed by More.\n",
    "content/_common/_index.md": "---\ncascade:\n  build:\n    render: never\n    list: never\n---\n",
    "content/_common/steps.md": '1. Unpack.\n\n{{% include "/_common/notes.md" %}}\n',
    "content/_common/notes.md": "A note.\n",
    "content/_common/listing.md": "{{< get-page-desc path=/guide/install >}}\n",
    "content/how.md": '---\ntitle: How\n---\n{{% include "/_common/steps.md" %}}\n',
    "content/all.md": '---\ntitle: All\n---\n{{% include "/_common/listing.md" %}}\n',
    "content/reference.md": "---\ntitle: Ref\n---\n{{< render-list-of-pages-in-section path=/guide >}}\n",
}


async def test_hugo_sections_list_their_pages_and_subsections() -> None:
    """The home page lists the top-level pages and sections; a section its pages, those of
    folders without an ``_index.md`` and its subsections (not their pages); a page nothing."""
    site = await dependent(HugoDialect, HUGO)
    home = site.listed_files("content/_index.md")
    assert {"content/about.md", "content/guide/_index.md", "content/how.md"} <= set(home)
    assert "content/guide/install.md" not in home
    assert sorted(site.listed_files("content/guide/_index.md")) == [
        "content/guide/deep/nested.md",
        "content/guide/install.md",
        "content/guide/more/_index.md",
    ]
    assert site.listed_files("content/guide/more/_index.md") == ["content/guide/more/extra.md"]
    assert site.listed_files("content/guide/install.md") == []


async def test_hugo_pages_show_what_they_include_and_the_pages_their_shortcodes_list() -> None:
    """An include shows the file (and what it includes); a page-list or description shortcode,
    on the page or in a file it includes, shows pages only its arguments name."""
    found = await reads(HugoDialect, HUGO)
    assert found.shows == {
        "content/how.md": {"content/_common/steps.md", "content/_common/notes.md"},
        "content/all.md": {"content/_common/listing.md"},
    }
    assert found.shows_any == {"content/all.md", "content/reference.md"}


async def test_hugo_links_read_a_page_s_url_not_its_description() -> None:
    links = (await reads(HugoDialect, HUGO)).links
    install = HUGO["content/guide/install.md"]
    described = {**HUGO, "content/guide/install.md": install.replace("Get it.", "Get it now.")}
    assert (await reads(HugoDialect, described)).links == links
    for front in ("slug: get", "url: /get/", "draft: true"):
        moved = {**HUGO, "content/guide/install.md": install.replace("---\n", f"---\n{front}\n", 1)}
        assert (await reads(HugoDialect, moved)).links != links, front


DOCUSAURUS = {
    "docusaurus.config.js": "module.exports = {url: 'https://x.dev', presets: [['classic', {}]]};",
    "docs/intro.md": "---\ntitle: Intro\n---\nStart.\n",
    "docs/guide/index.md": "---\ntitle: Guide\n---\n",
    "docs/guide/install.md": "---\ntitle: Install\ndescription: Get it.\n---\nDownload.\n",
    "docs/guide/more/more.md": "---\ntitle: More\n---\nA category named as its folder.\n",
    "docs/guide/more/extra.md": "---\ntitle: Extra\n---\nListed by More.\n",
    "docs/guide/_shared.mdx": "import Code from '!!raw-loader!../../snippets/run.sh';\n\n<Code />\n",
    "docs/overview.mdx": "import DocCardList from '@theme/DocCardList';\n\n<DocCardList />\n",
    "docs/setup.mdx": (
        "import Shared from './guide/_shared.mdx';\nimport Tabs from '@theme/Tabs';\n\n<Shared />\n"
    ),
    "snippets/run.sh": "acme run\n",
}


async def test_docusaurus_category_index_pages_list_their_cards() -> None:
    """A category's index page lists its folder's pages and its subcategories' index pages."""
    site = await dependent(DocusaurusDialect, DOCUSAURUS)
    assert sorted(site.listed_files("docs/guide/index.md")) == [
        "docs/guide/install.md",
        "docs/guide/more/more.md",
    ]
    assert site.listed_files("docs/guide/more/more.md") == ["docs/guide/more/extra.md"]
    assert site.listed_files("docs/guide/install.md") == []


async def test_docusaurus_pages_show_their_imports_and_the_cards_they_list() -> None:
    found = await reads(DocusaurusDialect, DOCUSAURUS)
    assert found.shows == {
        "docs/overview.mdx": {"docs/intro.md", "docs/guide/index.md", "docs/setup.mdx"},
        "docs/setup.mdx": {"docs/guide/_shared.mdx", "snippets/run.sh"},
    }
    assert found.shows_any == set()


async def test_docusaurus_links_read_a_page_s_route_not_its_description() -> None:
    links = (await reads(DocusaurusDialect, DOCUSAURUS)).links
    install = DOCUSAURUS["docs/guide/install.md"]
    described = {**DOCUSAURUS, "docs/guide/install.md": install.replace("Get it.", "Get it now.")}
    assert (await reads(DocusaurusDialect, described)).links == links
    for front in ("slug: /get", "id: installing"):
        moved = {**DOCUSAURUS, "docs/guide/install.md": install.replace("---\n", f"---\n{front}\n", 1)}
        assert (await reads(DocusaurusDialect, moved)).links != links, front


MKDOCS = {
    "mkdocs.yml": "site_name: Docs\nplugins:\n  - blog\n",
    "docs/index.md": "# Home\n",
    "docs/about.md": "# About\n",
    "docs/guide/index.md": "---\ntitle: Guide\n---\n",
    "docs/guide/install.md": "---\ndescription: Get it.\n---\n# Install\n",
    "docs/guide/deep/nested.md": "# Nested\n",
    "docs/guide/more/README.md": "# More\n",
    "docs/guide/more/extra.md": "# Extra\n",
    "docs/setup.md": '# Setup\n\n--8<-- "docs/guide/install.md"\n\n--8<-- "includes/note.md"\n',
    "includes/note.md": "A note.\n",
    "docs/blog/index.md": "# Blog\n",
    "docs/blog/posts/hello.md": "---\ndate: 2024-05-01\n---\n# Hello\n\nWe launched.\n",
}


async def test_mkdocs_index_pages_list_the_pages_below_them() -> None:
    """An index page lists the pages below its folder with no other index page between."""
    site = await dependent(MkDocsDialect, MKDOCS)
    assert sorted(site.listed_files("docs/guide/index.md")) == [
        "docs/guide/deep/nested.md",
        "docs/guide/install.md",
        "docs/guide/more/README.md",
    ]
    assert site.listed_files("docs/guide/more/README.md") == ["docs/guide/more/extra.md"]
    assert "docs/about.md" in site.listed_files("docs/index.md")
    assert site.listed_files("docs/guide/install.md") == []


async def test_mkdocs_pages_show_the_files_they_include_and_links_read_post_urls() -> None:
    found = await reads(MkDocsDialect, MKDOCS)
    assert found.shows == {"docs/setup.md": {"docs/guide/install.md", "includes/note.md"}}
    post = MKDOCS["docs/blog/posts/hello.md"]
    retitled = {**MKDOCS, "docs/blog/posts/hello.md": post.replace("# Hello", "# Hello again")}
    assert (await reads(MkDocsDialect, retitled)).links != found.links  # its URL is made of its title
    reworded = {**MKDOCS, "docs/blog/posts/hello.md": post.replace("launched", "shipped")}
    assert (await reads(MkDocsDialect, reworded)).links == found.links


async def test_mkdocs_the_blog_index_lists_every_post_wherever_post_dir_puts_them() -> None:
    """The posts' excerpts are on the blog index, also when ``post_dir`` is outside ``blog_dir``
    or a folder between holds an index page of its own."""
    site = await dependent(MkDocsDialect, {**MKDOCS, "docs/blog/posts/index.md": "# All posts\n"})
    assert "docs/blog/posts/hello.md" in site.listed_files("docs/blog/index.md")
    outside = {
        **{path: text for path, text in MKDOCS.items() if "/posts/" not in path},
        "mkdocs.yml": "site_name: Docs\nplugins:\n  - blog:\n      post_dir: news\n",
        "docs/news/hello.md": MKDOCS["docs/blog/posts/hello.md"],
    }
    site = await dependent(MkDocsDialect, outside)
    assert "docs/news/hello.md" in site.listed_files("docs/blog/index.md")
    assert "docs/news/hello.md" not in site.listed_files("docs/guide/index.md")


async def test_mkdocs_the_blog_index_shows_what_its_excerpts_include() -> None:
    post = '---\ndate: 2024-05-01\n---\n# Hello\n\n--8<-- "notes/launch.md"\n'
    files = {
        **MKDOCS,
        "mkdocs.yml": MKDOCS["mkdocs.yml"] + "markdown_extensions:\n  - pymdownx.snippets\n",
        "notes/launch.md": "We launched.\n",
        "docs/blog/posts/hello.md": post,
    }
    found = await reads(MkDocsDialect, files)
    assert found.shows["docs/blog/index.md"] == {"notes/launch.md"}
    assert found.shows["docs/blog/posts/hello.md"] == {"notes/launch.md"}


async def test_mkdocs_pages_show_the_data_files_their_macros_read_and_the_snippets_appended() -> None:
    """A page rendering macros shows the plugin's and its own ``include_yaml`` files (a page
    without Jinja, or with ``render_macros: false``, none); ``auto_append`` files end every page."""
    files = {
        "mkdocs.yml": (
            "site_name: Docs\nplugins:\n  - macros:\n      include_yaml:\n        - data/release.yml\n"
            "markdown_extensions:\n  - pymdownx.snippets:\n      auto_append:\n        - notes/support.md\n"
        ),
        "data/release.yml": "version: 1\n",
        "data/limits.yml": "users: 5\n",
        "notes/support.md": "Write to us.\n",
        "docs/install.md": "# Install\n\nVersion {{ version }}.\n",
        "docs/limits.md": "---\ninclude_yaml:\n  - data/limits.yml\n---\n{{ users }} users.\n",
        "docs/raw.md": "---\nrender_macros: false\n---\n{{ version }} as written.\n",
        "docs/plain.md": "# Plain\n",
    }
    found = await reads(MkDocsDialect, files)
    assert found.shows == {
        "docs/install.md": {"data/release.yml", "notes/support.md"},
        "docs/limits.md": {"data/release.yml", "data/limits.yml", "notes/support.md"},
        "docs/raw.md": {"notes/support.md"},
        "docs/plain.md": {"notes/support.md"},
    }


AUTOREFS = {
    "mkdocs.yml": "site_name: Docs\nplugins:\n  - autorefs\n",
    "docs/about.md": "# About\n",
    "docs/api.md": "# API\n\n::: app.Client\n",
    "docs/setup.md": "# Setup\n\n## Install it\n\nDownload it.\n",
    "docs/usage.md": "# Usage\n\n[Install][install-it] a [client][app.Client.get].\n\n[own]: https://example.com\n",
}


async def test_mkdocs_autorefs_read_where_the_references_link_not_the_pages_text() -> None:
    """A page's digest changes when a heading it names is renamed or an earlier page gains it,
    not when the page holding it changes otherwise; pages making no reference have none."""
    found = await reads(MkDocsDialect, AUTOREFS)
    assert set(found.digests) == {"docs/usage.md"} and found.shows == {}
    setup = AUTOREFS["docs/setup.md"]
    for unchanged in (
        {"docs/setup.md": setup.replace("Download it.", "Download it now.")},
        {"docs/api.md": "# API\n\nThe client.\n\n::: app.Client\n"},
        {"docs/about.md": "# About\n\n## Install\n"},
    ):
        assert (await reads(MkDocsDialect, {**AUTOREFS, **unchanged})).digests == found.digests
    for moved in (
        {"docs/setup.md": setup.replace("Install it", "Get it")},
        {"docs/about.md": "# About\n\n## Install it\n"},
        {"docs/about.md": "# About\n\n::: app.Client.get\n"},
    ):
        assert (await reads(MkDocsDialect, {**AUTOREFS, **moved})).digests != found.digests


OBSIDIAN = {
    ".obsidian/app.json": "{}",
    "Welcome.md": "![[Guide]]\n\nSee [[Other#Setup]].\n",
    "Guide.md": "# Guide\n\n![[Steps#Linux]]\n",
    "Steps.md": "## Linux\n\nRun it.\n",
    "Other.md": "---\naliases: [Elsewhere]\n---\n## Setup\n\nText.\n",
}


async def test_obsidian_notes_show_what_they_embed_directly_or_not() -> None:
    found = await reads(ObsidianDialect, OBSIDIAN)
    assert found.shows == {"Welcome.md": {"Guide.md", "Steps.md"}, "Guide.md": {"Steps.md"}}
    assert (await dependent(ObsidianDialect, OBSIDIAN)).listed_files("Welcome.md") == []


async def test_obsidian_links_read_permalinks_aliases_and_headings_not_text() -> None:
    links = (await reads(ObsidianDialect, OBSIDIAN)).links
    other = OBSIDIAN["Other.md"]
    assert (await reads(ObsidianDialect, {**OBSIDIAN, "Other.md": other + "More text.\n"})).links == links
    for changed in (
        other.replace("aliases: [Elsewhere]", "aliases: [Away]"),
        other.replace("## Setup", "## Install"),
        other.replace("---\n", "---\npermalink: other\n", 1),
        other.replace("---\n", "---\npublish: false\n", 1),
    ):
        assert (await reads(ObsidianDialect, {**OBSIDIAN, "Other.md": changed})).links != links, changed
