"""The MkDocs dialect: which sources it recognises, how it reads mkdocs.yml, which files are
pages at which URL, with which title and language, and when pages must be read again."""

from __future__ import annotations

import pytest

from ingest.errors import ConnectorError
from ingest.sites import NotAPage, Role, SiteSettings
from ingest.sites.mkdocs import MkDocsDialect
from tests.sites.mkdocs_support import MemoryFiles, folder_files, load, open_site, page

SITE_URL = "https://docs.acme.test/"


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["mkdocs.yml", "docs/index.md"], True),
        (["mkdocs.yaml", "docs/index.md"], True),
        (["docs/mkdocs.yml", "docs/docs/index.md"], True),
        (["docs/en/mkdocs.yml", "docs/hi/mkdocs.yml", "docs/en/docs/index.md"], True),
        (["docs/de/mkdocs.yml", "docs/hi/mkdocs.yml"], False),
        (["hugo.toml", "content/_index.md"], False),
        (["README.md", "docs/index.md"], False),
    ],
)
def test_recognised_by_its_config(paths: list[str], expected: bool) -> None:
    """mkdocs.yml at the root, or one a few folders down (the English one of several languages)."""
    assert MkDocsDialect.recognises(paths) is expected


async def test_the_config_is_read_with_mkdocs_tags_and_nothing_run() -> None:
    """!ENV takes its default, !!python/name is named not imported, keys default as MkDocs does."""
    site = await open_site(folder_files("docs-site"))
    config = site.config
    assert config.docs_dir == "docs"
    assert config.site_url == SITE_URL
    assert config.use_directory_urls is True
    assert config.extra["analytics"]["property"] == "G-TEST"
    assert config.extension("pymdownx.emoji")["emoji_index"].name == "material.extensions.emoji.twemoji"
    assert config.theme_language == "en"


async def test_a_config_that_cannot_be_read_is_one_sentence_naming_the_file() -> None:
    """Broken YAML is a ConnectorError naming mkdocs.yml and the line."""
    files = MemoryFiles({"mkdocs.yml": "site_name: [unclosed\nnav:\n", "docs/index.md": "# Home\n\nText.\n"})
    with pytest.raises(
        ConnectorError, match=r"^mkdocs\.yml: the MkDocs config is not valid YAML at line \d+"
    ):
        await MkDocsDialect.open(files, SiteSettings())


async def test_a_config_that_is_not_a_mapping_is_refused() -> None:
    files = MemoryFiles({"mkdocs.yml": "- just\n- a list\n"})
    with pytest.raises(ConnectorError, match=r"mkdocs\.yml: the MkDocs config must be a mapping"):
        await MkDocsDialect.open(files, SiteSettings())


async def test_inherit_merges_the_parent_config() -> None:
    """INHERIT: the parent's keys apply unless the child sets them; nested mappings merge."""
    files = MemoryFiles(
        {
            "base.yml": "site_url: https://base.test/\ntheme:\n  name: material\n  language: de\n",
            "mkdocs.yml": "INHERIT: base.yml\ndocs_dir: pages\ntheme:\n  language: fr\n",
            "pages/index.md": "# Accueil\n\nText.\n",
        }
    )
    site = await open_site(files)
    assert (site.config.site_url, site.config.docs_dir, site.config.theme_language) == (
        "https://base.test/",
        "pages",
        "fr",
    )
    assert site.config.files == ("mkdocs.yml", "base.yml")


async def test_roles_of_a_material_site() -> None:
    """Markdown in docs_dir is a page (drafts and shadowed READMEs too, prepare says why not);
    excluded files, snippets and auto_append files are partials; the rest is other."""
    site = await open_site(folder_files("docs-site"))
    expected = {
        "docs/index.md": Role.PAGE,
        "docs/guides/troubleshooting.md": Role.PAGE,  # not in nav, published all the same
        "docs/drafts/roadmap.md": Role.PAGE,  # draft_docs: prepare says NotAPage
        "docs/setup/README.md": Role.PAGE,  # beside index.md: prepare says NotAPage
        "docs/blog/posts/hello.md": Role.PAGE,
        "docs/private/notes.md": Role.PARTIAL,  # exclude_docs: may still be included
        "snippets/steps.md": Role.PARTIAL,
        "includes/abbreviations.md": Role.PARTIAL,
        "docs/assets/logo.png": Role.OTHER,
        "mkdocs.yml": Role.OTHER,
    }
    assert {path: site.role(path) for path in expected} == expected


async def test_default_excludes_and_dot_folders() -> None:
    """Dotfiles and /templates/ are never pages; theme overrides and node_modules are no snippets."""
    files = MemoryFiles(
        {
            "mkdocs.yml": "site_name: X\ntheme:\n  name: material\n  custom_dir: overrides\n",
            "docs/.hidden.md": "# Hidden\n\nText.\n",
            "docs/templates/page.md": "# Template\n\nText.\n",
            "docs/_underscore.md": "# Published\n\nText.\n",
            "overrides/main.html": "<html></html>",
            "node_modules/pkg/README.md": "# pkg\n\nText.\n",
            "README.md": "# Project\n\nText.\n",
            "src/app.py": "print()\n",
        }
    )
    site = await open_site(files)
    roles = {path: site.role(path) for path in files.files}
    assert roles == {
        "mkdocs.yml": Role.OTHER,
        "docs/.hidden.md": Role.PARTIAL,
        "docs/templates/page.md": Role.PARTIAL,
        "docs/_underscore.md": Role.PAGE,
        "overrides/main.html": Role.OTHER,
        "node_modules/pkg/README.md": Role.OTHER,
        "README.md": Role.PARTIAL,
        "src/app.py": Role.OTHER,
    }


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("docs/drafts/roadmap.md", "draft (draft_docs)"),
        ("docs/setup/README.md", "setup/index.md beside it is the folder's page"),
        ("docs/blog/posts/unfinished.md", "draft blog post"),
    ],
)
async def test_files_the_site_does_not_publish(path: str, reason: str) -> None:
    """Drafts, a README that loses to index.md and draft posts are not pages, and say why."""
    files = folder_files("docs-site")
    result = await load(await open_site(files), files, path)
    assert isinstance(result, NotAPage)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("docs/index.md", SITE_URL),
        ("docs/getting-started.md", SITE_URL + "getting-started/"),
        ("docs/setup/index.md", SITE_URL + "setup/"),
        ("docs/setup/colors.md", SITE_URL + "setup/colors/"),
        ("docs/guides/troubleshooting.md", SITE_URL + "guides/troubleshooting/"),
        ("docs/blog/index.md", SITE_URL + "blog/"),
        ("docs/blog/posts/hello.md", SITE_URL + "blog/2024/01/31/hello-world/"),
    ],
)
async def test_page_urls_are_mkdocs_urls_under_site_url(path: str, url: str) -> None:
    """Directory URLs; index pages at their folder; blog posts at blog/<date>/<slug>/."""
    files = folder_files("docs-site")
    assert (await page(await open_site(files), files, path)).url == url


async def test_urls_without_directory_urls_and_readme_as_index() -> None:
    files = MemoryFiles(
        {
            "mkdocs.yml": "site_name: X\nsite_url: https://x.test/docs\nuse_directory_urls: false\n",
            "docs/README.md": "# Home\n\nText.\n",
            "docs/a/b.md": "# B\n\nText.\n",
            "docs/a/README.md": "# A\n\nText.\n",
            "docs/with space.md": "# Space\n\nText.\n",
        }
    )
    site = await open_site(files)
    urls = {path: (await page(site, files, path)).url for path in files.files if path.endswith(".md")}
    assert urls == {
        "docs/README.md": "https://x.test/docs/index.html",
        "docs/a/b.md": "https://x.test/docs/a/b.html",
        "docs/a/README.md": "https://x.test/docs/a/",
        "docs/with space.md": "https://x.test/docs/with%20space.html",
    }


async def test_without_a_site_url_pages_have_none() -> None:
    files = MemoryFiles({"mkdocs.yml": "site_name: X\n", "docs/index.md": "# Home\n\nText.\n"})
    assert (await page(await open_site(files), files, "docs/index.md")).url is None


async def test_the_users_site_url_wins_over_the_configs() -> None:
    files = folder_files("docs-site")
    site = await open_site(files, site_url="https://mirror.test/acme/")
    assert (await page(site, files, "docs/setup/colors.md")).url == "https://mirror.test/acme/setup/colors/"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("docs/getting-started.md", "Getting started"),  # nav title first
        ("docs/setup/colors.md", "Colors"),
        ("docs/setup/index.md", "Setup"),  # bare in nav: its heading
        ("docs/guides/troubleshooting.md", "Troubleshooting"),  # not in nav: its heading
        ("docs/blog/posts/hello.md", "Hello, world"),
    ],
)
async def test_titles_as_mkdocs_gives_them(path: str, title: str) -> None:
    """nav title, else front matter title, else the opening # heading, else the file name."""
    files = folder_files("docs-site")
    assert (await page(await open_site(files), files, path)).title == title


async def test_titles_from_front_matter_meta_lines_and_file_names() -> None:
    files = MemoryFiles(
        {
            "mkdocs.yml": "site_name: X\n",
            "docs/index.md": "Some text, no heading.\n",
            "docs/yaml-title.md": "---\ntitle: From YAML\n---\n# Heading\n",
            "docs/meta-lines.md": "Title: From meta lines\nAuthors: Ann\n    Bob\n\n# Heading\n\nBody.\n",
            "docs/release_notes.md": "No heading here.\n",
            "docs/guides/index.md": "Text only.\n",
        }
    )
    site = await open_site(files)
    titles = {path: (await page(site, files, path)).title for path in files.files if path.endswith(".md")}
    assert titles == {
        "docs/index.md": "Home",
        "docs/yaml-title.md": "From YAML",
        "docs/meta-lines.md": "From meta lines",
        "docs/release_notes.md": "Release notes",
        "docs/guides/index.md": "Guides",
    }
    meta = await page(site, files, "docs/meta-lines.md")
    assert meta.body.startswith("# Heading")


async def test_front_matter_worth_keeping_is_metadata() -> None:
    files = folder_files("docs-site")
    prepared = await page(await open_site(files), files, "docs/getting-started.md")
    assert prepared.metadata == {
        "description": "How to install Acme with pip or Docker.",
        "tags": ["install"],
    }
    post = await page(await open_site(files), files, "docs/blog/posts/hello.md")
    assert post.metadata == {"categories": ["News"], "date": "2024-01-31"}


async def test_locale_is_the_themes_language_or_the_users() -> None:
    files = folder_files("docs-site")
    assert (await page(await open_site(files), files, "docs/index.md")).locale == "en"
    plain = MemoryFiles({"mkdocs.yml": "site_name: X\n", "docs/index.md": "# Home\n\nText.\n"})
    assert (await page(await open_site(plain), plain, "docs/index.md")).locale is None
    assert (await page(await open_site(plain, locale="pt_br"), plain, "docs/index.md")).locale == "pt-BR"


I18N_SUFFIX = """
site_name: X
site_url: https://x.test/
plugins:
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          default: true
          name: English
        - locale: fr
          name: Français
        - locale: de
          name: Deutsch
          build: false
"""


async def test_i18n_suffix_pages_get_their_language_and_url() -> None:
    """mkdocs-static-i18n: page.fr.md is French at fr/page/; an unbuilt language is no page."""
    files = MemoryFiles(
        {
            "mkdocs.yml": I18N_SUFFIX,
            "docs/index.md": "# Home\n\nSee [the guide](guide.md).\n",
            "docs/index.fr.md": "# Accueil\n\nVoir [le guide](guide.md).\n",
            "docs/guide.md": "# Guide\n\nText.\n",
            "docs/guide.fr.md": "# Guide (fr)\n\nText.\n",
            "docs/guide.de.md": "# Anleitung\n\nText.\n",
        }
    )
    site = await open_site(files)
    english, french = await page(site, files, "docs/index.md"), await page(site, files, "docs/index.fr.md")
    assert (english.locale, english.url) == ("en", "https://x.test/")
    assert (french.locale, french.url) == ("fr", "https://x.test/fr/")
    guide = await page(site, files, "docs/guide.fr.md")
    assert (guide.locale, guide.url) == ("fr", "https://x.test/fr/guide/")
    german = await load(site, files, "docs/guide.de.md")
    assert isinstance(german, NotAPage) and "does not build" in german.reason
    links = await site.links()
    french_link = links.resolve("guide.md", "docs/index.fr.md")
    assert french_link is not None and french_link.url == "https://x.test/fr/guide/"


async def test_i18n_folder_pages_get_their_language_and_url() -> None:
    config = "site_name: X\nsite_url: https://x.test/\nplugins:\n  - i18n:\n      docs_structure: folder\n"
    config += "      languages:\n        - locale: en\n          default: true\n        - locale: zh_TW\n"
    files = MemoryFiles(
        {
            "mkdocs.yml": config,
            "docs/en/index.md": "# Home\n\nText.\n",
            "docs/zh_TW/index.md": "# 首頁\n\nText.\n",
        }
    )
    site = await open_site(files)
    home, chinese = (
        await page(site, files, "docs/en/index.md"),
        await page(site, files, "docs/zh_TW/index.md"),
    )
    assert (home.locale, home.url) == ("en", "https://x.test/")
    assert (chinese.locale, chinese.url) == ("zh-TW", "https://x.test/zh-TW/")


async def test_an_empty_section_page_lists_its_pages_or_is_left_out() -> None:
    """A section's index with nothing but its title lists the pages below it (not those of a
    section of its own below); with empty_sections = "skip", or with no pages below, it is not a page."""
    files = MemoryFiles(
        {
            "mkdocs.yml": "site_name: X\n",
            "docs/guides/index.md": "# Guides\n",
            "docs/guides/install.md": "# Installing\n\nText.\n",
            "docs/guides/more/index.md": "# More\n\nText.\n",
            "docs/guides/more/deep.md": "# Deep\n\nText.\n",
        }
    )
    listed = await page(await open_site(files), files, "docs/guides/index.md")
    assert listed.body == "# Guides\n\n- [Installing](<install.md>)\n- [More](<more/index.md>)\n"
    files.files["docs/guides/install.md"] = b"---\ndescription: Set it up.\n---\n# Installing\n\nText.\n"
    listed = await page(await open_site(files), files, "docs/guides/index.md")
    assert listed.body == "# Guides\n\n- [Installing](<install.md>): Set it up.\n- [More](<more/index.md>)\n"
    skipped = await load(await open_site(files, empty_sections="skip"), files, "docs/guides/index.md")
    assert isinstance(skipped, NotAPage)
    lone = MemoryFiles({"mkdocs.yml": "site_name: X\n", "docs/empty.md": "# Empty\n\n<!-- nothing yet -->\n"})
    result = await load(await open_site(lone), lone, "docs/empty.md")
    assert isinstance(result, NotAPage) and "no content of its own" in result.reason


async def test_an_index_page_of_any_markdown_suffix_is_its_section_s_page() -> None:
    """``index.markdown`` is its folder's page as ``index.md`` is: it lists the pages below it,
    and the section above lists it, not them (MkDocs names every Markdown suffix's index so)."""
    files = MemoryFiles(
        {
            "mkdocs.yml": "site_name: X\n",
            "docs/guides/index.md": "# Guides\n",
            "docs/guides/more/index.markdown": "# More\n",
            "docs/guides/more/deep.md": "# Deep\n\nText.\n",
        }
    )
    site = await open_site(files)
    listed = await page(site, files, "docs/guides/index.md")
    assert listed.body == "# Guides\n\n- [More](<more/index.markdown>)\n"
    listed = await page(site, files, "docs/guides/more/index.markdown")
    assert listed.body == "# More\n\n- [Deep](<deep.md>)\n"
    assert site.listed_files("docs/guides/more/index.markdown") == ["docs/guides/more/deep.md"]
    assert site.listed_files("docs/guides/index.md") == ["docs/guides/more/index.markdown"]


async def test_a_redirect_page_is_not_a_page() -> None:
    files = MemoryFiles(
        {"mkdocs.yml": "site_name: X\n", "docs/old.md": "---\ntemplate: redirect.html\nlocation: new/\n---\n"}
    )
    result = await load(await open_site(files), files, "docs/old.md")
    assert isinstance(result, NotAPage) and "redirect" in result.reason


class TestStructureDigest:
    """The digest moves when pages come or go, a partial or the config changes; not otherwise."""

    @staticmethod
    def fingerprints() -> dict[str, str]:
        files = folder_files("docs-site")
        return {path: f"v1:{path}" for path in files.files}

    async def digest(self, fingerprints: dict[str, str]) -> str:
        files = folder_files("docs-site")
        return (await open_site(files)).structure_digest(fingerprints)

    async def test_stable_for_the_same_files(self) -> None:
        assert await self.digest(self.fingerprints()) == await self.digest(self.fingerprints())

    async def test_a_page_edited_does_not_move_it(self) -> None:
        changed = self.fingerprints() | {"docs/index.md": "v2"}
        assert await self.digest(changed) == await self.digest(self.fingerprints())

    async def test_an_asset_edited_does_not_move_it(self) -> None:
        changed = self.fingerprints() | {"docs/assets/logo.png": "v2"}
        assert await self.digest(changed) == await self.digest(self.fingerprints())

    async def test_a_page_added_moves_it(self) -> None:
        added = self.fingerprints() | {"docs/new.md": "v1"}
        assert await self.digest(added) != await self.digest(self.fingerprints())

    async def test_a_partial_edited_moves_it(self) -> None:
        changed = self.fingerprints() | {"snippets/install.md": "v2"}
        assert await self.digest(changed) != await self.digest(self.fingerprints())

    async def test_the_config_edited_moves_it(self) -> None:
        changed = self.fingerprints() | {"mkdocs.yml": "v2"}
        assert await self.digest(changed) != await self.digest(self.fingerprints())

    async def test_scanning_reads_nothing_but_the_config(self) -> None:
        files = folder_files("docs-site")
        site = await open_site(files)
        for path in files.files:
            site.role(path)
        site.structure_digest(self.fingerprints())
        assert files.reads == ["mkdocs.yml"]


async def test_docs_dir_elsewhere_and_odd_but_valid_configs() -> None:
    """docs_dir may be any folder; a theme named by a string, plugins and extensions written as
    mappings or with null options, a nav that is not a list: all read without surprise."""
    config = (
        "site_name: X\nsite_url: https://x.test\ndocs_dir: src/pages\ntheme: readthedocs\n"
        "plugins:\n  blog: null\n  search: {}\nmarkdown_extensions:\n  - toc: null\n  - attr_list\n"
        "nav: not-a-list\n"
    )
    files = MemoryFiles(
        {"mkdocs.yml": config, "src/pages/guide.md": "# Guide\n\nText.\n", "docs/old.md": "# Old\n"}
    )
    site = await open_site(files)
    assert site.role("src/pages/guide.md") is Role.PAGE
    assert site.role("docs/old.md") is Role.OTHER  # outside docs_dir, not beside the config
    prepared = await page(site, files, "src/pages/guide.md")
    assert (prepared.url, prepared.title) == ("https://x.test/guide/", "Guide")
