"""The Hugo dialect end to end on a small bilingual docs site: detection, config, roles,
pages and their URLs, titles and locales, sections, the structure digest."""

from __future__ import annotations

import pytest

from ingest.errors import ConnectorError
from ingest.sites.contract import NotAPage, PageProblem, PreparedPage, Role
from ingest.sites.hugo import HugoDialect
from tests.sites.hugo_site import SITE_URL, MemoryFiles, docs_files, open_site, page, prepare


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["hugo.toml", "content/_index.md"], True),
        (["hugo.yaml", "content/docs/a.md"], True),
        (["config/_default/hugo.toml", "content/a.md"], True),
        (["config.toml", "content/a.md", "layouts/_default/single.html"], True),
        (["config.toml", "content/a.md", "templates/page.html"], False),  # a Zola site
        (["hugo.toml", "docs/a.md"], False),
        (["mkdocs.yml", "docs/index.md"], False),
        (["content/a.md"], False),
    ],
)
def test_a_hugo_site_is_recognised_by_its_config_and_content(paths: list[str], expected: bool) -> None:
    """A root config (hugo.*, config.* or config/_default/) and a content/ folder make a Hugo site."""
    assert HugoDialect.recognises(paths) is expected


async def test_a_config_that_does_not_parse_is_one_sentence_naming_the_file() -> None:
    """A broken hugo.toml stops the source with a ConnectorError naming it."""
    files = MemoryFiles({"hugo.toml": 'baseURL = "https://x.org/\ntitle = 1', "content/a.md": "# A"})
    with pytest.raises(ConnectorError, match=r"^The Hugo configuration hugo\.toml does not parse: .+\.$"):
        await open_site(files)


async def test_config_is_read_from_config_default_and_production() -> None:
    """config/_default/ files hold the key they are named after; production refines them."""
    files = MemoryFiles(
        {
            "config/_default/hugo.yaml": "baseURL: https://staging.example.org/\nuglyURLs: true\n",
            "config/_default/languages.toml": "[en]\nweight = 1\n[de]\nweight = 2\n",
            "config/production/hugo.json": '{"baseURL": "https://example.org/"}',
            "content/a.md": "---\ntitle: A\n---\nText.",
            "content/a.de.md": "---\ntitle: A (de)\n---\nText.",
        }
    )
    site = await open_site(files)
    english = await page(site, files, "content/a.md")
    german = await page(site, files, "content/a.de.md")
    assert (english.url, german.url) == ("https://example.org/a.html", "https://example.org/de/a.html")
    assert (english.locale, german.locale) == ("en", "de")


async def test_roles_of_the_files_of_a_site() -> None:
    """Pages are PAGE; headless bundles, cascaded build: never, and bundle resources are PARTIAL;
    config, data, assets and layouts are OTHER."""
    site = await open_site(docs_files())
    roles = {
        "content/en/guide/install.md": Role.PAGE,
        "content/en/guide/_index.md": Role.PAGE,
        "content/en/guide/bundle/index.md": Role.PAGE,
        "content/en/guide/draft.md": Role.PAGE,  # a draft shows in its front matter, at prepare
        "content/fr/guide/install.md": Role.PAGE,
        "content/en/_common/install-steps.md": Role.PARTIAL,
        "content/en/_common/_index.md": Role.PARTIAL,
        "content/en/snippets/index.md": Role.PARTIAL,
        "content/en/glossary/api-key.md": Role.PARTIAL,
        "content/en/glossary/_index.md": Role.PAGE,  # its own build: render: always wins
        "content/en/guide/bundle/notes.md": Role.PARTIAL,
        "content/en/guide/bundle/screenshot.png": Role.OTHER,
        "hugo.toml": Role.OTHER,
        "data/docs.yaml": Role.OTHER,
        "static/images/logo.png": Role.OTHER,
        "layouts/_shortcodes/callout.html": Role.OTHER,
        "README.md": Role.OTHER,
    }
    assert {path: site.role(path) for path in roles} == roles


async def test_pages_get_the_url_title_and_locale_hugo_gives_them() -> None:
    """Pretty URLs, slug, url front matter, permalinks, language prefix; title from front matter."""
    files = docs_files()
    site = await open_site(files, site_url=SITE_URL)
    expected = {
        "content/en/_index.md": ("https://docs.example.com/", "Acme Cloud documentation", "en"),
        "content/en/guide/_index.md": ("https://docs.example.com/guide/", "Guide", "en"),
        "content/en/guide/install.md": (
            "https://docs.example.com/guide/install/",
            "Install Acme Cloud",
            "en",
        ),
        "content/en/guide/configure.md": (
            "https://docs.example.com/guide/setup/",
            "Configure Acme Cloud",
            "en",
        ),
        "content/en/guide/bundle/index.md": ("https://docs.example.com/guide/bundle/", "A bundle page", "en"),
        "content/en/reference/cli.md": ("https://docs.example.com/commands/cli/", "CLI reference", "en"),
        "content/en/blog/release.md": (
            "https://docs.example.com/blog/2024/version-2/",
            "Version 2 is out",
            "en",
        ),
        "content/fr/_index.md": ("https://docs.example.com/fr/", "Documentation d'Acme Cloud", "fr"),
        "content/fr/guide/install.md": (
            "https://docs.example.com/fr/guide/install/",
            "Installer Acme Cloud",
            "fr",
        ),
    }
    found = {}
    for path in expected:
        prepared = await page(site, files, path)
        found[path] = (prepared.url, prepared.title, prepared.locale)
    assert found == expected


async def test_base_url_is_the_site_url_unless_the_user_names_one() -> None:
    """Without site_url, baseURL gives the URLs; the user's site_url wins over it."""
    files = docs_files()
    own = await page(await open_site(files), files, "content/en/guide/install.md")
    theirs = await page(
        await open_site(files, site_url="https://help.acme.com/docs/"), files, "content/en/guide/install.md"
    )
    assert own.url == "https://docs.example.com/guide/install/"
    assert theirs.url == "https://help.acme.com/docs/guide/install/"


async def test_without_any_site_url_pages_have_no_url() -> None:
    """Neither site_url nor an absolute baseURL: URLs are None."""
    files = MemoryFiles({"hugo.toml": 'title = "x"\n', "content/a.md": "---\ntitle: A\n---\nText."})
    prepared = await page(await open_site(files), files, "content/a.md")
    assert prepared.url is None


async def test_drafts_headless_bundles_and_unrendered_pages_are_not_pages() -> None:
    """draft: true, headless: true, a cascaded build render: never, a future date: NotAPage with why."""
    files = docs_files()
    files.files["content/en/guide/later.md"] = "---\ntitle: Later\npublishDate: 2999-01-01\n---\nSoon."
    files.files["content/en/guide/hidden.md"] = "---\ntitle: Hidden\nbuild:\n  render: never\n---\nText."
    site = await open_site(files)
    reasons = {}
    for path in (
        "content/en/guide/draft.md",
        "content/en/snippets/index.md",
        "content/en/_common/install-steps.md",
        "content/en/guide/later.md",
        "content/en/guide/hidden.md",
    ):
        prepared = await prepare(site, files, path)
        assert isinstance(prepared, NotAPage), path
        reasons[path] = prepared.reason
    assert reasons == {
        "content/en/guide/draft.md": "draft",
        "content/en/snippets/index.md": "headless bundle",
        "content/en/_common/install-steps.md": "build render: never",
        "content/en/guide/later.md": "to be published on 2999-01-01",
        "content/en/guide/hidden.md": "build render: never",
    }


async def test_an_empty_section_lists_its_pages_or_is_left_out() -> None:
    """A section with no text of its own lists its published child pages (by weight, link
    titles, drafts left out), each with its description (else its front matter summary) as the
    site's list template shows it, or is NotAPage with empty_sections = "skip"."""
    files = docs_files()
    bundle = files.files["content/en/guide/bundle/index.md"]
    assert isinstance(bundle, bytes)
    files.files["content/en/guide/bundle/index.md"] = bundle.replace(
        b"title: A bundle page\n", b"title: A [bundle] page\nsummary: |\n  A page with\n  its pictures.\n"
    )
    listed = await page(await open_site(files), files, "content/en/guide/_index.md")
    assert listed.body == (
        "- [Install](<install.md>): Install the CLI.\n- [Configure](<configure.md>)\n"
        "- [A \\[bundle\\] page](<bundle/index.md>): A page with its pictures.\n"
    )
    skipped = await prepare(
        await open_site(files, empty_sections="skip"), files, "content/en/guide/_index.md"
    )
    assert skipped == NotAPage("a section page with no text of its own")


async def test_the_section_list_links_resolve_to_the_child_pages() -> None:
    """The links of a listed section are ordinary relative links the site resolves."""
    files = docs_files()
    site = await open_site(files, site_url=SITE_URL)
    links = await site.links()
    resolved = links.resolve("bundle/index.md", "content/en/guide/_index.md")
    assert resolved is not None and resolved.url == "https://docs.example.com/guide/bundle/"


async def test_front_matter_worth_keeping_is_metadata() -> None:
    """description, linkTitle, date and the like travel as JSON-representable metadata."""
    files = docs_files()
    site = await open_site(files)
    release = await page(site, files, "content/en/blog/release.md")
    install = await page(site, files, "content/en/guide/install.md")
    assert release.metadata == {"date": "2024-05-02"}
    assert install.metadata == {"description": "Install the CLI.", "linktitle": "Install"}


async def test_the_locale_is_none_when_the_site_names_no_language_and_the_user_none() -> None:
    """A site without defaultContentLanguage nor languages does not say; the user's locale applies."""
    files = MemoryFiles({"hugo.toml": 'title = "x"\n', "content/a.md": "---\ntitle: A\n---\nTexte."})
    assert (await page(await open_site(files), files, "content/a.md")).locale is None
    assert (await page(await open_site(files, locale="fr"), files, "content/a.md")).locale == "fr"


async def test_a_page_without_title_takes_its_first_heading_or_its_name() -> None:
    """No title in front matter: the first H1, else the file's name as Hugo titles it."""
    files = MemoryFiles(
        {
            "hugo.toml": "",
            "content/first-steps.md": "Some text.",
            "content/other.md": "# Heading one\n\nText.",
        }
    )
    site = await open_site(files)
    assert (await page(site, files, "content/first-steps.md")).title == "First steps"
    assert (await page(site, files, "content/other.md")).title == "Heading one"


async def test_a_page_with_no_text_of_its_own_is_not_a_page() -> None:
    """A page whose content the site's templates make (only an unknown self-closing shortcode)
    is NotAPage rather than an empty document."""
    files = MemoryFiles({"hugo.toml": "", "content/a.md": "---\ntitle: A\n---\n{{< list-of-pages />}}\n"})
    prepared = await prepare(await open_site(files), files, "content/a.md")
    assert isinstance(prepared, NotAPage)


async def test_the_structure_digest_follows_pages_partials_and_config_only() -> None:
    """Adding a page, editing a partial or the config changes the digest; editing a page does not."""
    files = docs_files()
    fingerprints = {path: f"v1:{path}" for path in files.paths()}

    async def digest(changes: dict[str, str], prints: dict[str, str]) -> str:
        changed = MemoryFiles({**files.files, **changes})
        site = await open_site(changed)
        return site.structure_digest({**fingerprints, **prints})

    base = await digest({}, {})
    assert await digest({}, {}) == base
    assert await digest({}, {"content/en/guide/install.md": "v2"}) == base
    assert await digest({"content/en/guide/new.md": "---\ntitle: New\n---\nText."}, {}) != base
    assert await digest({}, {"content/en/_common/install-steps.md": "v2"}) != base
    assert await digest({}, {"content/en/glossary/api-key.md": "v2"}) != base
    assert await digest({"hugo.toml": files.files["hugo.toml"].decode() + "\nuglyURLs = true\n"}, {}) != base


async def test_an_include_that_is_missing_or_a_cycle_is_a_page_problem() -> None:
    """A missing include names the file; a cycle names the chain."""
    files = MemoryFiles(
        {
            "hugo.toml": "",
            "content/missing.md": '---\ntitle: M\n---\n{{% include "/_common/nowhere.md" %}}\n',
            "content/_common/_index.md": "---\nheadless: true\ncascade:\n  build:\n    render: never\n---\n",
            "content/_common/a.md": '---\n---\nA {{% include "/_common/b.md" %}}\n',
            "content/_common/b.md": '---\n---\nB {{% include "/_common/a.md" %}}\n',
            "content/cycle.md": '---\ntitle: C\n---\n{{% include "/_common/a.md" %}}\n',
        }
    )
    site = await open_site(files)
    missing = await prepare(site, files, "content/missing.md")
    cycle = await prepare(site, files, "content/cycle.md")
    assert missing == PageProblem("The include shortcode includes /_common/nowhere.md, which does not exist.")
    assert isinstance(cycle, PageProblem)
    assert (
        "cycle" in cycle.message
        and "content/_common/a.md -> content/_common/b.md -> content/_common/a.md" in (cycle.message)
    )


async def test_nested_includes_are_inlined_at_their_indentation() -> None:
    """An include inside an included list item keeps the list item's indentation."""
    files = docs_files()
    install = await page(await open_site(files), files, "content/en/guide/install.md")
    assert (
        "1. Download the archive.\n1. Unpack it:\n\n   ```sh\n   tar -xzf acme.tar.gz\n   ```\n"
        in install.body
    )


async def test_a_page_not_of_the_content_is_not_a_page() -> None:
    """prepare on a file outside the content folders says so instead of failing."""
    files = docs_files()
    prepared = await prepare(await open_site(files), files, "README.md")
    assert isinstance(prepared, NotAPage)


async def test_every_page_of_the_fixture_prepares_without_site_syntax() -> None:
    """No shortcode delimiters are left outside code on any page."""
    files = docs_files()
    site = await open_site(files)
    for path in files.paths():
        if site.role(path) is Role.PAGE:
            prepared = await prepare(site, files, path)
            if isinstance(prepared, PreparedPage):
                outside_code = "".join(
                    part for index, part in enumerate(prepared.body.split("`")) if index % 2 == 0
                )
                assert "{{<" not in outside_code and "{{%" not in outside_code, path


async def test_cascades_with_targets_from_front_matter_and_config() -> None:
    """A cascade list with _target (path glob, kind) and the config's [[cascade]] reach only the
    pages they target; JSON and TOML front matter are read at open."""
    files = MemoryFiles(
        {
            "hugo.toml": (
                "[[cascade]]\n[cascade.build]\nrender = 'never'\n[cascade.target]\npath = '{/internal/**}'\n"
            ),
            "content/docs/_index.md": (
                '{"title": "Docs", "cascade": [{"build": {"render": "never"}, '
                '"_target": {"path": "/docs/old/**", "kind": "page"}}]}\n\nDocs.'
            ),
            "content/docs/old/a.md": "---\ntitle: Old\n---\nOld.",
            "content/docs/new.md": "---\ntitle: New\n---\nNew.",
            "content/internal/notes.md": "+++\ntitle = 'Notes'\n+++\nNotes.",
        }
    )
    site = await open_site(files)
    assert site.role("content/docs/old/a.md") is Role.PARTIAL
    assert site.role("content/internal/notes.md") is Role.PARTIAL
    assert site.role("content/docs/new.md") is Role.PAGE
    assert site.role("content/docs/_index.md") is Role.PAGE
