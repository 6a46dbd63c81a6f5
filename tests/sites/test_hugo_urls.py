"""Published URLs as Hugo computes them: pretty and ugly, slug, url, permalinks, languages."""

from __future__ import annotations

import pytest

from tests.sites.hugo_site import MemoryFiles, open_site, page

ROOT = "https://example.org/"


async def url_of(
    path: str, front: str = "", *, config: str = "", extra: dict[str, str] | None = None
) -> str | None:
    files = MemoryFiles({"hugo.toml": config, path: f"---\ntitle: T\n{front}---\nText.\n", **(extra or {})})
    prepared = await page(await open_site(files, site_url=ROOT), files, path)
    return prepared.url


@pytest.mark.parametrize(
    ("path", "front", "expected"),
    [
        ("content/a/b.md", "", "https://example.org/a/b/"),
        ("content/a/_index.md", "", "https://example.org/a/"),
        ("content/_index.md", "", "https://example.org/"),
        ("content/a/b/index.md", "", "https://example.org/a/b/"),
        ("content/a/My Page.md", "", "https://example.org/a/my-page/"),
        ("content/A/Filter.md", "", "https://example.org/a/filter/"),
        ("content/a/b.md", "slug: Other Name\n", "https://example.org/a/other-name/"),
        ("content/a/b/index.md", "slug: c\n", "https://example.org/a/c/"),
        ("content/a/b.md", "url: /commands/hugo/\n", "https://example.org/commands/hugo/"),
        ("content/a/b.md", "url: /about\n", "https://example.org/about/"),
        ("content/a/b.md", "url: about\n", "https://example.org/about/"),
        ("content/a/b.md", "url: /feed.xml\n", "https://example.org/feed.xml"),
        ("content/a/b.md", "url: https://other.example.com/x/\n", "https://other.example.com/x/"),
    ],
)
async def test_pretty_urls_slug_and_url(path: str, front: str, expected: str) -> None:
    """Pretty URLs, sections, leaf bundles, lower-cased and sanitised paths, slug, url front matter."""
    assert await url_of(path, front) == expected


async def test_ugly_urls_site_wide_and_per_section() -> None:
    """uglyURLs = true gives /a/b.html; a table turns it on per section; sections stay pretty."""
    assert await url_of("content/a/b.md", config="uglyURLs = true\n") == "https://example.org/a/b.html"
    assert await url_of("content/a/_index.md", config="uglyURLs = true\n") == "https://example.org/a/"
    per_section = "[uglyURLs]\nbooks = true\n"
    assert await url_of("content/books/b.md", config=per_section) == "https://example.org/books/b.html"
    assert await url_of("content/films/b.md", config=per_section) == "https://example.org/films/b/"


async def test_disable_path_to_lower_keeps_the_case() -> None:
    """disablePathToLower keeps the file's case in its URL."""
    assert (
        await url_of("content/A/Filter.md", config="disablePathToLower = true\n")
        == "https://example.org/A/Filter/"
    )


@pytest.mark.parametrize(
    ("pattern", "front", "expected"),
    [
        ("/:year/:month/:slug/", "date: 2024-03-09\nslug: hello\n", "https://example.org/2024/03/hello/"),
        ("/:section/:title/", "date: 2024-03-09\n", "https://example.org/posts/t/"),
        ("/:sections[last]/:contentbasename/", "", "https://example.org/deep/my-post/"),
        ("/:06/:1/:2/:filename/", "date: 2024-03-09T10:00:00Z\n", "https://example.org/24/3/9/my-post/"),
    ],
)
async def test_permalinks_per_section(pattern: str, front: str, expected: str) -> None:
    """permalinks patterns (map form) with date, section, title, slug and file name tokens."""
    config = f'[permalinks]\nposts = "{pattern}"\n'
    path = "content/posts/deep/my-post.md" if "sections" in pattern else "content/posts/my-post.md"
    assert await url_of(path, front, config=config) == expected


async def test_permalinks_by_kind_and_array_form() -> None:
    """[permalinks.section] applies to the section page; the array form matches a path glob."""
    by_kind = '[permalinks.page]\nposts = "/blog/:slug/"\n[permalinks.section]\nposts = "/blog/"\n'
    assert await url_of("content/posts/_index.md", config=by_kind) == "https://example.org/blog/"
    assert await url_of("content/posts/p.md", "slug: s\n", config=by_kind) == "https://example.org/blog/s/"
    array = (
        '[[permalinks]]\npattern = "/docs/:contentbasename/"\n[permalinks.target]\npath = "{/guides/**}"\n'
    )
    assert await url_of("content/guides/x/y.md", config=array) == "https://example.org/docs/y/"
    assert await url_of("content/other/y.md", config=array) == "https://example.org/other/y/"


MULTILINGUAL = 'defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n'


@pytest.mark.parametrize(
    ("path", "front", "config", "expected", "locale"),
    [
        ("content/a.fr.md", "", MULTILINGUAL, "https://example.org/fr/a/", "fr"),
        ("content/a.md", "", MULTILINGUAL, "https://example.org/a/", "en"),
        (
            "content/a.md",
            "",
            "defaultContentLanguageInSubdir = true\n" + MULTILINGUAL,
            "https://example.org/en/a/",
            "en",
        ),
        ("content/a.fr.md", "url: about\n", MULTILINGUAL, "https://example.org/fr/about/", "fr"),
        ("content/a.fr.md", "url: /about/\n", MULTILINGUAL, "https://example.org/about/", "fr"),
        ("content/_index.fr.md", "", MULTILINGUAL, "https://example.org/fr/", "fr"),
        ("content/a.de.md", "", MULTILINGUAL, "https://example.org/a.de/", "en"),  # de is no language here
    ],
)
async def test_languages_prefix_and_locale(
    path: str, front: str, config: str, expected: str, locale: str
) -> None:
    """A non-default language gets /<lang>; url front matter without a slash is language-relative."""
    files = MemoryFiles({"hugo.toml": config, path: f"---\ntitle: T\n{front}---\nText.\n"})
    prepared = await page(await open_site(files, site_url=ROOT), files, path)
    assert (prepared.url, prepared.locale) == (expected, locale)


async def test_module_mounts_place_content_and_its_language() -> None:
    """A module mount of content/de onto content (sites.matrix) makes German pages of it; the
    default content folder is no longer content."""
    config = (
        'defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n[languages.de]\nweight = 2\n'
        "[[module.mounts]]\nsource = 'content/en'\ntarget = 'content'\n"
        "[[module.mounts]]\nsource = 'content/de'\ntarget = 'content'\n"
        "[module.mounts.sites.matrix]\nlanguages = ['de']\n"
    )
    files = MemoryFiles(
        {
            "hugo.toml": config,
            "content/en/a.md": "---\ntitle: A\n---\nA.",
            "content/de/a.md": "---\ntitle: A\n---\nA.",
            "content/LICENSE.md": "License.",
        }
    )
    site = await open_site(files, site_url=ROOT)
    assert (await page(site, files, "content/de/a.md")).url == "https://example.org/de/a/"
    assert (await page(site, files, "content/en/a.md")).url == "https://example.org/a/"
    assert site.role("content/LICENSE.md").value == "other"


async def test_a_top_level_folder_named_after_a_language_holds_its_pages() -> None:
    """content/fr/ of a site with a French language (no contentDir): French pages at /fr/."""
    files = MemoryFiles(
        {
            "hugo.toml": MULTILINGUAL,
            "content/guide.md": "---\ntitle: Guide\n---\nText.",
            "content/fr/guide.md": "---\ntitle: Guide\n---\nTexte.",
        }
    )
    site = await open_site(files, site_url=ROOT)
    french = await page(site, files, "content/fr/guide.md")
    assert (french.url, french.locale) == ("https://example.org/fr/guide/", "fr")
