"""A Docusaurus site through the dialect contract: detection, roles, URLs, titles, locales, digest."""

from __future__ import annotations

import logging

import pytest

from ingest.errors import ConnectorError
from ingest.sites.contract import Dialect, NotAPage, Role, Site
from ingest.sites.docusaurus import DocusaurusDialect
from tests.sites.docusaurus_kit import fixture_files, mini_site, open_site, page, prepare

V2 = "versioned_docs/version-2.0"
FR = "i18n/fr/docusaurus-plugin-content-docs/version-2.0"


def test_the_dialect_keeps_to_the_contract() -> None:
    """DocusaurusDialect is a Dialect; the site it opens is a Site."""
    dialect: Dialect = DocusaurusDialect()
    assert dialect.name == "docusaurus"


async def test_opened_site_is_a_site() -> None:
    """What open returns satisfies the Site protocol."""
    site = await open_site()
    assert isinstance(site, Site)
    assert site.dialect == "docusaurus"


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["docusaurus.config.js", "docs/intro.md"], True),
        (["docusaurus.config.ts"], True),
        (["docusaurus.config.mjs"], True),
        (["docusaurus.config.cjs"], True),
        (["website/docusaurus.config.js", "docs/a.md"], False),
        (["mkdocs.yml", "docs/index.md"], False),
    ],
)
def test_recognised_by_its_config_at_the_root(paths: list[str], expected: bool) -> None:
    """A docusaurus.config.{js,ts,mjs,cjs} at the root makes a Docusaurus site; elsewhere it does not."""
    assert DocusaurusDialect.recognises(paths) is expected


@pytest.mark.parametrize(
    ("path", "role"),
    [
        (f"{V2}/intro.md", Role.PAGE),
        (f"{V2}/01-getting-started/02-install.mdx", Role.PAGE),
        (f"{V2}/guides/draft.md", Role.PAGE),  # a draft is known from its front matter, in prepare
        (f"{V2}/_partials/_shared.mdx", Role.PARTIAL),
        (f"{V2}/guides/_env.mdx", Role.PARTIAL),
        (f"{V2}/01-getting-started/_category_.json", Role.OTHER),
        ("docs/intro.md", Role.OTHER),  # the next version, published under /next/, not taken
        ("versioned_docs/version-1.0/intro.md", Role.OTHER),  # an older version, not taken
        ("versioned_docs_archived/version-0.9/intro.md", Role.OTHER),  # archived: not built
        (f"{FR}/intro.md", Role.PAGE),
        (f"{FR}/orphan.md", Role.OTHER),  # a translation of nothing is not published
        ("i18n/fr/docusaurus-plugin-content-docs/current.json", Role.OTHER),
        ("community/support.md", Role.PAGE),
        ("blog/2024-03-01-launch.md", Role.PAGE),
        ("blog/2024-05-10-big-release/index.md", Role.PAGE),
        ("blog/authors.yml", Role.OTHER),
        ("src/pages/about.md", Role.PAGE),
        ("src/pages/index.js", Role.OTHER),
        ("README.md", Role.OTHER),
        ("docusaurus.config.js", Role.OTHER),
        ("versions.json", Role.OTHER),
        ("static/img/logo.png", Role.OTHER),
    ],
)
async def test_roles_from_paths(path: str, role: Role) -> None:
    """Pages, partials and the rest, as the site builds them with the default versions setting."""
    site = await open_site()
    assert site.role(path) is role


async def test_versions_setting_takes_versions_by_name() -> None:
    """ "current" is the version published without a segment; "next" the docs folder; others by name."""
    site = await open_site(versions=("next", "1.0"))
    assert site.role("docs/intro.md") is Role.PAGE
    assert site.role("versioned_docs/version-1.0/intro.md") is Role.PAGE
    assert site.role(f"{V2}/intro.md") is Role.OTHER


async def test_an_unknown_version_name_is_said(caplog: pytest.LogCaptureFixture) -> None:
    """A version the site does not have is named in one warning line, with those it has."""
    with caplog.at_level(logging.WARNING):
        await open_site(versions=("current", "9.9"))
    (record,) = [r for r in caplog.records if "9.9" in r.getMessage()]
    assert "2.0" in record.getMessage()


@pytest.mark.parametrize(
    ("path", "url"),
    [
        (f"{V2}/intro.md", "https://widgets.acme.dev/docs/"),  # slug: /
        (f"{V2}/01-getting-started/02-install.mdx", "https://widgets.acme.dev/docs/getting-started/install"),
        (f"{V2}/01-getting-started/03-upgrade.md", "https://widgets.acme.dev/docs/getting-started/upgrade"),
        (f"{V2}/01-getting-started/index.md", "https://widgets.acme.dev/docs/getting-started/"),
        (f"{V2}/guides/configuration.md", "https://widgets.acme.dev/docs/guides/configuration"),
        (f"{FR}/intro.md", "https://widgets.acme.dev/fr/docs/"),
        (f"{FR}/guides/configuration.md", "https://widgets.acme.dev/fr/docs/guides/configuration"),
        ("community/support.md", "https://widgets.acme.dev/community/support"),
        ("blog/2024-03-01-launch.md", "https://widgets.acme.dev/blog/2024/03/01/launch"),
        ("blog/2024-05-10-big-release/index.md", "https://widgets.acme.dev/blog/2024/05/10/big-release"),
        ("src/pages/about.md", "https://widgets.acme.dev/about"),
    ],
)
async def test_page_urls(path: str, url: str) -> None:
    """Each page's URL is the one Docusaurus publishes it at."""
    site = await open_site()
    assert (await page(site, path)).url == url


async def test_versions_are_published_under_their_segment() -> None:
    """The docs folder is under /next/, a version with a path under that path."""
    site = await open_site(versions=("next", "1.0"))
    assert (await page(site, "docs/intro.md")).url == "https://widgets.acme.dev/docs/next/intro"
    assert (
        await page(site, "versioned_docs/version-1.0/intro.md")
    ).url == "https://widgets.acme.dev/docs/legacy/intro"


async def test_without_site_url_pages_have_no_url() -> None:
    """No site_url: the page URL is None (the config's url is not used instead)."""
    site = await open_site(site_url=None)
    assert (await page(site, f"{V2}/intro.md")).url is None


async def test_site_url_with_a_path_is_the_root() -> None:
    """A site_url with a path is where the site's baseUrl lives."""
    site = await open_site(site_url="https://preview.acme.dev/widgets")
    assert (
        await page(site, "community/support.md")
    ).url == "https://preview.acme.dev/widgets/community/support"


async def test_a_bare_host_gets_the_base_url() -> None:
    """A site_url naming only the host is completed with the config's baseUrl."""
    config = "module.exports = {url: 'https://acme.github.io', baseUrl: '/widgets/', presets: ['classic']};"
    site = await open_site(
        mini_site({"docs/a.md": "# A\n\nText."}, config), site_url="https://acme.github.io"
    )
    assert (await page(site, "docs/a.md")).url == "https://acme.github.io/widgets/docs/a"


@pytest.mark.parametrize(
    ("path", "front", "url"),
    [
        ("docs/01-intro.md", "", "/docs/intro"),
        ("docs/2021-05-01-notes.md", "", "/docs/2021-05-01-notes"),  # a date is no number prefix
        ("docs/1.2-migration.md", "", "/docs/1.2-migration"),  # nor a version
        ("docs/10-guides/02-setup.md", "", "/docs/guides/setup"),
        ("docs/guides/guides.md", "", "/docs/guides/"),  # named like its folder
        ("docs/guides/README.md", "", "/docs/guides/"),
        ("docs/guides/a.md", "id: custom\n", "/docs/guides/custom"),
        ("docs/guides/a.md", "slug: /elsewhere\n", "/docs/elsewhere"),
        ("docs/guides/a.md", "slug: ../up\n", "/docs/up"),
        ("docs/guides/a.md", "slug: here/deeper\n", "/docs/guides/here/deeper"),
        ("docs/guides/01-a.md", "parse_number_prefixes: false\n", "/docs/guides/01-a"),
    ],
)
async def test_doc_routes_follow_docusaurus(path: str, front: str, url: str) -> None:
    """Number prefixes, folder index docs, id and slug front matter, as Docusaurus computes routes."""
    site = await open_site(
        mini_site({path: f"---\n{front}---\n\nBody text here.\n"}), site_url="https://x.dev/"
    )
    assert (await page(site, path)).url == "https://x.dev" + url


async def test_docs_only_site_and_trailing_slash() -> None:
    """routeBasePath '/' serves docs at the root; trailingSlash: true adds the slash."""
    config = (
        "export default {url: 'https://x.dev', baseUrl: '/', trailingSlash: true,"
        " presets: [['classic', {docs: {routeBasePath: '/'}, blog: false}]]};"
    )
    files = mini_site({"docs/a.md": "Text.", "blog/2020-01-01-x.md": "Post."}, config)
    site = await open_site(files, site_url="https://x.dev/")
    assert (await page(site, "docs/a.md")).url == "https://x.dev/a/"
    assert site.role("blog/2020-01-01-x.md") is Role.OTHER


async def test_a_missing_last_version_folder_is_read_from_docs() -> None:
    """Without the current version, a last version whose folder the build makes reads docs/ (pnpm.io)."""
    config = (
        "const last = '11.x';\nexport default {url: 'https://x.dev', baseUrl: '/', presets: [['classic',"
        " {docs: {path: './docs', routeBasePath: '/', includeCurrentVersion: false, lastVersion: last}}]]};"
    )
    files = mini_site(
        {
            "versions.json": '["11.x", "10.x"]',
            "docs/a.md": "A.",
            "versioned_docs/version-10.x/a.md": "Old A.",
        },
        config,
    )
    site = await open_site(files, site_url="https://x.dev/", versions=("current", "10.x"))
    assert (await page(site, "docs/a.md")).url == "https://x.dev/a"
    assert (await page(site, "versioned_docs/version-10.x/a.md")).url == "https://x.dev/10.x/a"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (f"{V2}/intro.md", "Welcome to Widgets"),  # the heading it opens with
        (f"{V2}/01-getting-started/02-install.mdx", "Install Widgets"),  # front matter title
        (f"{V2}/guides/configuration.md", "Configuration"),  # title, not sidebar_label
        (f"{V2}/support.md", "Support"),
        ("blog/2024-05-10-big-release/index.md", "The big release"),
        (f"{FR}/intro.md", "Bienvenue dans Widgets"),
    ],
)
async def test_titles(path: str, title: str) -> None:
    """The heading the page opens with (Docusaurus' contentTitle), or the front matter title."""
    site = await open_site()
    assert (await page(site, path)).title == title


@pytest.mark.parametrize(
    ("front", "heading", "title"),
    [
        ("Building a plugin", "Designing the API", "Building a plugin: Designing the API"),
        ("Install", "Install Widgets", "Install Widgets"),
        ("Install Widgets on Linux", "Install widgets", "Install Widgets on Linux"),
        ("Building a plugin", "{frontMatter.title}", "Building a plugin"),  # JSX: not a title
    ],
)
async def test_front_matter_title_and_opening_heading_together(front: str, heading: str, title: str) -> None:
    """Both a front matter title and an opening heading: both, unless one says the other."""
    site = await open_site(mini_site({"docs/a.md": f"---\ntitle: {front}\n---\n\n# {heading}\n\nText."}))
    assert (await page(site, "docs/a.md")).title == title


async def test_title_falls_back_to_sidebar_label_then_id() -> None:
    """No title and no opening heading: sidebar_label, else the doc id without its prefix."""
    files = mini_site(
        {
            "docs/a.md": "---\nsidebar_label: Label A\n---\n\nText.",
            "docs/03-b.md": "Text, then\n\n# Late heading",
        }
    )
    site = await open_site(files)
    assert (await page(site, "docs/a.md")).title == "Label A"
    assert (await page(site, "docs/03-b.md")).title == "b"


async def test_other_versions_say_their_label_in_the_title() -> None:
    """Pages of a version that is not the default one carry the version's label."""
    site = await open_site(versions=("current", "next", "1.0"))
    assert (await page(site, "versioned_docs/version-1.0/intro.md")).title == "Introduction (v1 (legacy))"
    assert (await page(site, "docs/intro.md")).title == "Introduction (Next 🚧)"
    assert (await page(site, f"{V2}/support.md")).title == "Support"


async def test_pages_of_another_docs_plugin_say_it_in_the_title() -> None:
    """A second docs plugin (a product's other manual) holds pages titled like the main docs'
    ("Installation" of the client and of the server): its pages carry the plugin's id, so that
    Fin never holds two pages titled alike that answer different questions; its other versions
    carry their label too."""
    config = (
        "module.exports = {url: 'https://x.dev', baseUrl: '/', presets: [['classic', {docs: "
        "{routeBasePath: '/'}}]], plugins: [['@docusaurus/plugin-content-docs', {id: 'server', "
        "path: 'server-docs', routeBasePath: 'server'}]]};"
    )
    files = mini_site(
        {
            "docs/installation.md": "---\ntitle: Installation\n---\n\nInstall the client.",
            "server-docs/installation.md": "---\ntitle: Installation\n---\n\nInstall the server.",
            "server_versions.json": '["1.0"]',
            "server_versioned_docs/version-1.0/installation.md": "# Installation\n\nOld server.",
        },
        config,
    )
    site = await open_site(files, versions=("current", "next", "1.0"))
    assert (await page(site, "docs/installation.md")).title == "Installation"
    assert (await page(site, "server-docs/installation.md")).title == "Installation (server, Next)"
    assert (await page(site, "server_versioned_docs/version-1.0/installation.md")).title == (
        "Installation (server)"
    )
    fixture = await open_site()
    assert (await page(fixture, "community/support.md")).title == "Getting support (community)"


async def test_locales() -> None:
    """A translation's locale is its i18n folder's; other pages have the default, or the setting."""
    site = await open_site()
    assert (await page(site, f"{FR}/intro.md")).locale == "fr"
    assert (await page(site, f"{V2}/intro.md")).locale == "en"
    site = await open_site(locale="en-GB")
    assert (await page(site, f"{V2}/intro.md")).locale == "en-GB"
    assert (await page(site, f"{FR}/intro.md")).locale == "fr"


async def test_a_draft_is_not_a_page() -> None:
    """draft: true is not published: NotAPage saying so."""
    site = await open_site()
    prepared = await prepare(site, f"{V2}/guides/draft.md")
    assert isinstance(prepared, NotAPage)
    assert "draft" in prepared.reason


async def test_an_unlisted_page_is_not_a_page_but_still_a_link_target() -> None:
    """unlisted: true is kept out of search by the site, so out of Fin; links to it still resolve."""
    files = mini_site(
        {"docs/hidden.md": "---\nunlisted: true\n---\n\nSecret.", "docs/a.md": "[h](./hidden.md)"}
    )
    site = await open_site(files, site_url="https://x.dev/")
    prepared = await prepare(site, "docs/hidden.md")
    assert isinstance(prepared, NotAPage) and "unlisted" in prepared.reason
    resolved = (await site.links()).resolve("./hidden.md", "docs/a.md")
    assert resolved is not None and resolved.url == "https://x.dev/docs/hidden"


async def test_files_that_are_no_pages_are_not_prepared() -> None:
    """prepare on a partial or a version not taken says why it is no page."""
    site = await open_site()
    partial = await prepare(site, f"{V2}/guides/_env.mdx")
    other = await prepare(site, "versioned_docs/version-1.0/intro.md")
    assert isinstance(partial, NotAPage) and "partial" in partial.reason
    assert isinstance(other, NotAPage) and "1.0" in other.reason


async def test_metadata_keeps_description_tags_and_version() -> None:
    """Front matter worth keeping, and the docs version, are metadata."""
    site = await open_site()
    prepared = await page(site, f"{V2}/01-getting-started/02-install.mdx")
    assert prepared.metadata == {
        "description": "How to install Widgets on every platform.",
        "tags": ["install"],
        "version": "2.0",
    }


async def test_an_empty_section_page_lists_its_pages() -> None:
    """A category index holding only <DocCardList /> lists the category's pages, in sidebar order."""
    site = await open_site()
    prepared = await page(site, f"{V2}/01-getting-started/index.md")
    assert prepared.body == (
        "# Getting started\n\n"
        "- [Install Widgets](<./02-install.mdx>): How to install Widgets on every platform.\n"
        "- [Upgrade](<./03-upgrade.md>)\n"
    )


async def test_empty_pages() -> None:
    """A section page with nothing under it, or any page without content, is no page; skip drops sections."""
    files = mini_site(
        {
            "docs/g/index.md": "# G\n",
            "docs/g/a.md": "# A\n\nText.",
            "docs/h/index.md": "",
            "docs/e.md": "# E\n",
        }
    )
    site = await open_site(files)
    assert (await page(site, "docs/g/index.md")).body == "# G\n\n- [A](<./a.md>)\n"
    assert isinstance(await prepare(site, "docs/h/index.md"), NotAPage)
    assert isinstance(await prepare(site, "docs/e.md"), NotAPage)
    skipping = await open_site(files, empty_sections="skip")
    assert isinstance(await prepare(skipping, "docs/g/index.md"), NotAPage)


def _fingerprints(paths: list[str], **changed: str) -> dict[str, str]:
    return {path: changed.get(path, "v1") for path in paths}


async def test_structure_digest_follows_pages_partials_and_config() -> None:
    """Adding a page or editing a partial or the config changes the digest; editing a page does not."""
    files = fixture_files()
    site = await open_site(files)
    paths = sorted(files.files)
    base = site.structure_digest(_fingerprints(paths))
    assert site.structure_digest(_fingerprints(paths)) == base
    page_edit = {f"{V2}/intro.md": "v2"}
    assert site.structure_digest(_fingerprints(paths, **page_edit)) == base
    other_edit = {"README.md": "v2", "versioned_docs/version-1.0/intro.md": "v2"}
    assert site.structure_digest(_fingerprints(paths, **other_edit)) == base
    partial_edit = {f"{V2}/guides/_env.mdx": "v2"}
    assert site.structure_digest(_fingerprints(paths, **partial_edit)) != base
    assert site.structure_digest(_fingerprints(paths, **{"docusaurus.config.js": "v2"})) != base
    assert site.structure_digest(_fingerprints(paths, **{"versions.json": "v2"})) != base
    added = await open_site(fixture_files({f"{V2}/new.md": "# New\n\nText."}))
    assert added.structure_digest(_fingerprints([*paths, f"{V2}/new.md"])) != base


async def test_a_broken_config_is_one_clear_error() -> None:
    """A config that is not JavaScript raises ConnectorError naming the file and the line."""
    files = mini_site({"docs/a.md": "A"}, config="module.exports = {\n  url: 'https://x.dev',,\n")
    with pytest.raises(ConnectorError, match=r"docusaurus\.config\.js: .*not valid JavaScript \(line \d+\)"):
        await open_site(files)


async def test_a_broken_versions_file_is_one_clear_error() -> None:
    """versions.json that is not a list of names raises ConnectorError naming it."""
    with pytest.raises(ConnectorError, match=r"versions\.json"):
        await open_site(fixture_files({"versions.json": '{"2.0": true}'}))


async def test_computed_values_fall_back_to_defaults_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """Values computed at build time are named in one warning line; the defaults are used."""
    config = (
        "const base = process.env.BASE_URL;\nmodule.exports = {url: 'https://x.dev', baseUrl: base,"
        " presets: [['classic', {docs: {routeBasePath: getRoute()}}]]};"
    )
    with caplog.at_level(logging.WARNING):
        site = await open_site(mini_site({"docs/a.md": "A."}, config), site_url="https://x.dev/")
    (record,) = caplog.records
    assert "baseUrl" in record.getMessage() and "routeBasePath" in record.getMessage()
    assert (await page(site, "docs/a.md")).url == "https://x.dev/docs/a"
