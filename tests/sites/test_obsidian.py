"""The Obsidian dialect: vaults (one, or one per language folder) published with Obsidian Publish."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.errors import ConnectorError
from ingest.sites.contract import (
    NotAPage,
    PageProblem,
    PreparedPage,
    ResolvedLink,
    Role,
    Site,
    SiteFiles,
    SiteLinks,
    SiteSettings,
)
from ingest.sites.obsidian import ObsidianDialect

FIXTURES = Path(__file__).parent / "fixtures" / "obsidian"
SITE = "https://handbook.acme.example/"
HELP = "https://acme.example/help/"


class MemoryFiles:
    """A source's files, in memory."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self.files = {
            path: content.encode() if isinstance(content, str) else content for path, content in files.items()
        }

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        return self.files.get(path)


def folder(name: str) -> MemoryFiles:
    """A fixture folder as a source."""
    root = FIXTURES / name
    return MemoryFiles(
        {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    )


def split(text: str) -> tuple[dict[str, Any], str]:
    """Front matter and body, as the Markdown connectors split them."""
    if text.startswith("---\n"):
        front, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(front) or {}, body
    return {}, text


async def open_site(files: SiteFiles, **settings: Any) -> Site:
    return await ObsidianDialect.open(files, SiteSettings(**settings))


async def prepare(files: MemoryFiles, path: str, **settings: Any) -> PreparedPage | NotAPage | PageProblem:
    site = await open_site(files, **settings)
    front, body = split(files.files[path].decode())
    return await site.prepare(path, front, body)


async def page(files: MemoryFiles, path: str, **settings: Any) -> PreparedPage:
    prepared = await prepare(files, path, **settings)
    assert isinstance(prepared, PreparedPage), prepared
    return prepared


async def render(body: str, **others: str) -> PreparedPage:
    """``Note.md`` holding ``body``, in a vault with ``others``."""
    return await page(
        MemoryFiles({".obsidian/app.json": "{}", "Note.md": body, **others}), "Note.md", site_url=SITE
    )


async def links_of(files: MemoryFiles, **settings: Any) -> SiteLinks:
    return await (await open_site(files, **settings)).links()


# Detection and config


def test_a_vault_is_recognised_by_its_obsidian_folder_or_publish_stylesheet() -> None:
    """.obsidian/ or publish.css at the root or in top-level folders marks a vault; a plain
    Markdown folder or an MkDocs site is not one."""
    assert ObsidianDialect.recognises(folder("vault").paths())
    assert ObsidianDialect.recognises(folder("help").paths())
    assert ObsidianDialect.recognises(["publish.css", "Home.md"])
    assert not ObsidianDialect.recognises(["README.md", "docs/index.md"])
    assert not ObsidianDialect.recognises(["mkdocs.yml", "docs/index.md", "docs/a/.obsidian/app.json"])


async def test_a_folder_with_the_publish_stylesheet_is_the_published_vault() -> None:
    """.obsidian/ kept at a repository's root while en/ holds publish.css (the Obsidian
    Developer Docs' layout): en/ is the vault, published at site_url, paths without en/."""
    files = MemoryFiles(
        {
            ".obsidian/snippets/wide.css": "",
            "README.md": "# Docs",
            "en/publish.css": "",
            "en/Plugins/Build a plugin.md": "Hi",
        }
    )
    site = await open_site(files, site_url=SITE)
    assert site.role("README.md") is Role.OTHER
    built = await page(files, "en/Plugins/Build a plugin.md", site_url=SITE)
    assert (built.url, built.locale) == ("https://handbook.acme.example/Plugins/Build+a+plugin", "en")


async def test_a_templates_folder_named_in_the_config_holds_no_pages() -> None:
    """.obsidian/templates.json names the templates folder; its notes are not pages."""
    site = await open_site(folder("vault"))
    assert site.role("Templates/Meeting notes.md") is Role.OTHER
    assert site.role("Welcome.md") is Role.PAGE


async def test_a_broken_config_is_one_clear_error_naming_the_file() -> None:
    """A templates.json that is not JSON refuses the site, naming the file."""
    files = MemoryFiles({".obsidian/templates.json": '{"folder": "Templates",', "Note.md": "Hi"})
    with pytest.raises(ConnectorError, match=r"^\.obsidian/templates\.json: not valid JSON"):
        await open_site(files)


async def test_roles_pages_attachments_hidden_folders_and_files_outside_the_vaults() -> None:
    """Notes are pages; attachments, .obsidian/, .trash/ and (with vaults in folders) files outside
    every vault are not."""
    vault = await open_site(folder("vault"))
    assert vault.role("Getting started/Install Acme.md") is Role.PAGE
    assert vault.role("Reference/Glossary.md") is Role.PAGE  # publish: false is seen in prepare
    assert vault.role("Attachments/Network diagram.png") is Role.OTHER
    assert vault.role("Reference/Canvas of services.canvas") is Role.OTHER
    assert vault.role(".obsidian/workspace.json") is Role.OTHER
    assert vault.role(".trash/Old idea.md") is Role.OTHER
    help_site = await open_site(folder("help"))
    assert help_site.role("zh/首页.md") is Role.PAGE
    assert help_site.role("README.md") is Role.OTHER
    assert help_site.role("Release notes/v1.2.md") is Role.OTHER


# Pages: URLs, titles, locales


async def test_urls_are_publish_paths_with_plus_for_spaces_and_permalinks_win() -> None:
    """Obsidian Publish: the path without .md, spaces as +; front matter permalink wins."""
    files = folder("vault")
    install = await page(files, "Getting started/Install Acme.md", site_url=SITE)
    assert install.url == "https://handbook.acme.example/Getting+started/Install+Acme"
    welcome = await page(files, "Welcome.md", site_url=SITE.rstrip("/"))
    assert welcome.url == "https://handbook.acme.example/start"


async def test_without_site_url_pages_have_no_url() -> None:
    """No site_url: no page URL."""
    assert (await page(folder("vault"), "Welcome.md")).url is None


async def test_each_language_vault_has_its_own_site_and_language() -> None:
    """One vault per language folder: the default language's at site_url, the others with their
    language first in the path (acme.example/zh/help/), pages in that language."""
    files = folder("help")
    home = await page(files, "en/Home.md", site_url=HELP)
    assert (home.url, home.locale) == ("https://acme.example/help/", "en")
    sync = await page(files, "zh/Acme Sync/同步笔记.md", site_url=HELP)
    assert (sync.url, sync.locale) == ("https://acme.example/zh/help/sync", "zh")
    brazil = await page(files, "pt-br/Acme Sync/Sincronizar notas.md", site_url=HELP)
    assert (brazil.url, brazil.locale) == ("https://acme.example/pt-BR/help/sync", "pt-BR")
    chinese_default = await page(files, "zh/首页.md", site_url=HELP, locale="zh")
    assert chinese_default.url == "https://acme.example/help/"


async def test_a_language_vault_read_as_a_source_of_its_own_gives_the_same_urls() -> None:
    """Each language vault as its own source, with its Publish site as site_url and its language
    as locale, publishes every note where the source of all vaults does, in that language."""
    whole = folder("help")
    brazil = MemoryFiles(
        {path.removeprefix("pt-br/"): text for path, text in whole.files.items() if path.startswith("pt-br/")}
    )
    alone = await page(
        brazil, "Acme Sync/Sincronizar notas.md", site_url="https://acme.example/pt-BR/help/", locale="pt-BR"
    )
    together = await page(whole, "pt-br/Acme Sync/Sincronizar notas.md", site_url=HELP)
    assert (
        (alone.url, alone.locale)
        == (together.url, together.locale)
        == ("https://acme.example/pt-BR/help/sync", "pt-BR")
    )
    assert alone.body == together.body


async def test_locale_from_settings_language_folder_or_front_matter_else_none() -> None:
    """A single vault's language is the user's locale; a top-level language folder or front
    matter lang/locale says otherwise; nothing said: None."""
    files = MemoryFiles(
        {
            ".obsidian/app.json": "{}",
            "Guide.md": "Hi",
            "zh-TW/指南.md": "你好",
            "Fr.md": "---\nlang: fr\n---\nSalut",
        }
    )
    assert (await page(files, "Guide.md", locale="de")).locale == "de"
    assert (await page(files, "Guide.md")).locale is None
    assert (await page(files, "zh-TW/指南.md", locale="de")).locale == "zh-TW"
    assert (await page(files, "Fr.md", locale="de")).locale == "fr"


async def test_titles_come_from_front_matter_else_the_file_name() -> None:
    """Front matter title, else the file name; a first heading equal to the title is not
    repeated, a different one is kept."""
    files = folder("vault")
    install = await page(files, "Getting started/Install Acme.md")
    assert install.title == "Install the Acme agent"
    welcome = await page(files, "Welcome.md")
    assert welcome.title == "Welcome"
    assert not welcome.body.startswith("# Welcome")
    trouble = await page(files, "Troubleshooting.md")
    assert "# Troubleshooting" not in trouble.body
    home = await page(folder("help"), "en/Home.md")
    assert (home.title, home.body.splitlines()[0]) == ("Home", "# Acme Help")


async def test_unpublished_and_empty_notes_are_not_pages() -> None:
    """publish: false and a note with nothing in it are not pages, and say why."""
    assert await prepare(folder("vault"), "Reference/Glossary.md") == NotAPage(
        "front matter says publish: false"
    )
    files = MemoryFiles({".obsidian/app.json": "{}", "Empty.md": "%% nothing yet %%\n"})
    assert await prepare(files, "Empty.md") == NotAPage("an empty note")


async def test_front_matter_worth_keeping_is_metadata() -> None:
    """description, aliases and tags go with the page."""
    welcome = await page(folder("vault"), "Welcome.md")
    assert welcome.metadata == {
        "description": "Where to begin with the Acme handbook.",
        "aliases": ["Start here"],
        "tags": ["onboarding"],
    }


# Syntax


async def test_callouts_become_admonitions_with_their_titles() -> None:
    """[!type] Title, folded (-) or open (+), nested, custom and untitled callouts."""
    body = (
        "> [!tip] New here?\n> Search first.\n\n"
        "> [!warning]- Upgrading\n> Stop the agent.\n>\n> > [!note] Config\n> > Kept.\n\n"
        "> [!FAQ]+\n> Yes.\n\n"
        "> [!my-custom] Custom\n> Text\n\n"
        "> A plain quote.\n"
    )
    prepared = await render(body)
    assert prepared.body == (
        '!!! tip "New here?"\n    Search first.\n\n'
        '??? warning "Upgrading"\n    Stop the agent.\n\n'
        '    !!! note "Config"\n        Kept.\n\n'
        "???+ faq\n    Yes.\n\n"
        '!!! my-custom "Custom"\n    Text\n\n'
        "> A plain quote.\n"
    )


async def test_comments_block_ids_highlights_and_math() -> None:
    """Comments (inline and over lines) and block ids go; highlights are plain text; math is its
    LaTeX in code; tags stay text."""
    body = (
        "Keep %%not this%% text. ^abc123\n\n%%\nA hidden\nparagraph\n%%\n\n"
        "Port ==8125== every $t = 10$ s, costs $5 or $6.\n\n$$\nr = \\frac{e}{t}\n$$\n\n"
        "#tag and #nested/tag\n\n- item\n\n^list-id\n"
    )
    prepared = await render(body)
    assert prepared.body == (
        "Keep  text.\n\n"
        "Port 8125 every `t = 10` s, costs $5 or $6.\n\n```math\nr = \\frac{e}{t}\n```\n\n"
        "#tag and #nested/tag\n\n- item\n"
    )


async def test_code_is_left_as_written() -> None:
    """Nothing is looked for in fenced code, raw <pre> blocks or code spans."""
    body = (
        "```md\n> [!note] x\n[[Link]] %% c %% ==h==\n```\n\n"
        "<pre><code>```query\n[[x]]</code></pre>\n\nUse `[[Link]]`, <code>[[a&#124;b]]</code> or `%%`.\n"
    )
    prepared = await render(body)
    assert prepared.body == body
    assert prepared.unknown == {}


async def test_dynamic_blocks_and_drawn_embeds_are_dropped_and_counted() -> None:
    """Dataview, search query and Bases blocks, and canvas embeds, are computed by the site from
    other notes: left out and counted by name."""
    body = "Intro\n\n```dataview\nLIST FROM #x\n```\n\n```query\ntag:#y\n```\n\n![[Map.canvas]]\n\nEnd\n"
    prepared = await render(body, **{"Map.canvas": "{}"})
    assert prepared.body == "Intro\n\nEnd\n"
    assert prepared.unknown == {"codeblock:dataview": 1, "codeblock:query": 1, "embed:canvas": 1}


async def test_a_wikilink_never_closed_on_its_line_is_shown_as_written_and_named() -> None:
    """``[[`` with no ``]]`` after it on its line is no link in Obsidian (a translation cut short):
    readers see it as written, so it is escaped for the converter, and a warning names it."""
    prepared = await render(
        "Update to the [[Update Obsidian|latest installer\n\n**![[Sync settings and selective org org org**\n"
        "\nSee [[Other]] and `[[code` too.\n",
        **{"Other.md": "Text\n"},
    )
    assert prepared.body == (
        "Update to the \\[\\[Update Obsidian|latest installer\n\n"
        "**!\\[\\[Sync settings and selective org org org**\n\n"
        "See [Other](<Other.md>) and `[[code` too.\n"
    )
    assert prepared.warnings == (
        "[[Update Obsidian|latest installer is never closed: shown as written",
        "![[Sync settings and selective org… is never closed: shown as written",
    )


async def test_an_unclosed_wikilink_in_an_embedded_note_is_named_with_that_note() -> None:
    """The warning for an unclosed ``[[`` a page embeds says which note holds it."""
    prepared = await render("![[Sync#Setup]]\n", **{"Guides/Sync.md": "## Setup\n\nUnder [[Sync settings\n"})
    assert prepared.body == "## Setup\n\nUnder \\[\\[Sync settings\n"
    assert prepared.warnings == ("[[Sync settings is never closed: shown as written (in Guides/Sync.md)",)


async def test_a_callout_marker_with_an_escaped_character_is_a_quote_shown_as_written() -> None:
    """``> [\\!warning]`` is no callout: the backslash keeps the marker from being read, so readers
    see a quote starting with ``[!warning]``, as the converter will show it."""
    prepared = await render("> [\\!warning] Not with Lockdown mode on.\n")
    assert prepared.body == "> [\\!warning] Not with Lockdown mode on.\n"


async def test_inline_footnotes_become_footnotes() -> None:
    """^[text] becomes a footnote reference and its definition."""
    prepared = await render("Run it.^[It prints the version.]\n")
    assert prepared.body == "Run it.[^obsidian-1]\n\n[^obsidian-1]: It prints the version.\n"


@pytest.mark.parametrize(
    ("wikilink", "markdown"),
    [
        ("[[Other]]", "[Other](<Guides/Other.md>)"),
        ("[[Other|the other note]]", "[the other note](<Guides/Other.md>)"),
        ("[[Other#Setup]]", "[Other > Setup](<Guides/Other.md#Setup>)"),
        ("[[Other#Setup|setup]]", "[setup](<Guides/Other.md#Setup>)"),
        ("[[#Usage]]", "[Usage](<Note.md#Usage>)"),
        ("[[Other#^abc123]]", "[Other](<Guides/Other.md>)"),
        ("[[Guides/Other]]", "[Guides/Other](<Guides/Other.md>)"),
        ("[[Other#Setup#Linux]]", "[Other > Setup > Linux](<Guides/Other.md#Linux>)"),
        ("[[Missing note]]", "[Missing note](<Missing note>)"),
        ("| [[Other\\|alias]] |", "| [alias](<Guides/Other.md>) |"),
    ],
)
async def test_wikilinks_become_markdown_links_to_the_note(wikilink: str, markdown: str) -> None:
    """Each wikilink form: the text Obsidian shows, a path from the page (or the name as written
    when no file has it)."""
    prepared = await render(wikilink + "\n", **{"Guides/Other.md": "## Setup\n\n### Linux\n"})
    assert prepared.body == markdown + "\n"


async def test_attachments_embed_as_images_or_links() -> None:
    """An embedded image is an image (a size is not alt text), a PDF a link to it."""
    prepared = await page(folder("vault"), "Getting started/Install Acme.md")
    assert "![](<../Attachments/Network diagram.png>)" in prepared.body
    assert "[Setup guide.pdf](<../Attachments/Setup guide.pdf>)" in prepared.body


# Embeds


async def test_embeds_inline_a_note_a_section_or_a_block() -> None:
    """![[Note]] is its body (no front matter), ![[Note#Heading]] the section to the next heading
    of its level, ![[Note#^id]] the block; links inside point from the embedding page."""
    prepared = await page(folder("vault"), "Troubleshooting.md")
    assert prepared.body.startswith(
        "Most problems come from the [requirements](<Getting started/Install Acme.md#Requirements>)"
        " not being met:\n\n"
        "- 512 MB of free memory\n\n"
        "## The agent does not start\n\n"
        "## Install on Linux\n\nRun the installer as root:\n\n```bash\n"
    )
    assert "Your `/etc/acme/agent.yml` is kept." in prepared.body
    assert "### Verify the install" in prepared.body  # a deeper heading is part of the section
    assert "Linux (x86-64 or ARM64)" not in prepared.body  # the block is one list item
    assert "[Requirements](<Getting started/Install Acme.md#Requirements>)" in prepared.body
    assert prepared.unknown == {"codeblock:dataview": 1}


async def test_nested_embeds_and_embeds_named_by_alias() -> None:
    """An embedded note's own embeds are inlined too; an embed may name a note's alias."""
    prepared = await render(
        "![[First]]\n",
        **{
            "First.md": "One\n\n![[Second thoughts]]\n",
            "Second.md": "---\naliases: [Second thoughts]\n---\nTwo\n",
        },
    )
    assert prepared.body == "One\n\nTwo\n"


async def test_an_embed_cycle_is_a_page_problem_naming_it() -> None:
    """A embeds B embeds A: the page cannot be prepared, and the problem names the chain."""
    files = MemoryFiles({".obsidian/app.json": "{}", "A.md": "![[B]]\n", "B.md": "![[A]]\n"})
    problem = await prepare(files, "A.md")
    assert problem == PageProblem("embeds form a cycle: ![[A.md]] -> ![[B.md]] -> ![[A.md]]")


async def test_an_embedded_note_that_does_not_exist_is_a_page_problem_naming_it() -> None:
    """![[Gone]] with no such note: the page cannot be prepared."""
    problem = await prepare(MemoryFiles({".obsidian/app.json": "{}", "A.md": "![[Gone]]\n"}), "A.md")
    assert problem == PageProblem("embeds ![[Gone]], which is not a note of the vault")


async def test_a_missing_section_or_unpublished_note_is_left_out_with_a_warning() -> None:
    """An embedded heading the note lacks, or a note that is not published, is left out, said."""
    prepared = await render(
        "![[Other#Nowhere]]\n\n![[Private]]\n\nEnd\n",
        **{"Other.md": "Text\n", "Private.md": "---\npublish: false\n---\nSecret\n"},
    )
    assert prepared.body == "End\n"
    assert prepared.warnings == (
        "embeds ![[Other.md#Nowhere]], which Other.md does not have: left out",
        "embeds Private.md, which is not published: left out",
    )


# Links


async def test_links_resolve_to_published_urls_with_publish_anchors() -> None:
    """Relative paths, names anywhere in the vault (case-insensitive), aliases and Markdown links
    to .md files resolve to page URLs; #Heading is the heading as written, spaces as +."""
    links = await links_of(folder("vault"), site_url=SITE)
    install = "https://handbook.acme.example/Getting+started/Install+Acme"
    assert links.resolve(
        "Getting started/Install Acme.md#Requirements", "Troubleshooting.md"
    ) == ResolvedLink(f"{install}#Requirements")
    assert links.resolve(
        "Getting%20started/Install%20Acme.md#verify-the-install", "Troubleshooting.md"
    ) == ResolvedLink(f"{install}#Verify+the+install")
    assert links.resolve("install acme", "Welcome.md") == ResolvedLink(install)
    assert links.resolve("Start here", "Troubleshooting.md") == ResolvedLink(
        "https://handbook.acme.example/start"
    )
    assert links.resolve("../Welcome.md#^welcome-tip", "Getting started/Install Acme.md") == ResolvedLink(
        "https://handbook.acme.example/start"
    )
    assert links.resolve(
        "Install Acme.md#Install on Linux", "Getting started/Install Acme.md"
    ) == ResolvedLink(f"{install}#Install+on+Linux")


async def test_links_to_missing_or_unpublished_notes_warn_and_others_are_left_alone() -> None:
    """A missing or unpublished target is a warning naming it; web links and attachments are no
    business of the dialect."""
    links = await links_of(folder("vault"), site_url=SITE)
    assert links.resolve("Nowhere", "Welcome.md") == ResolvedLink(
        None, "links to Nowhere, which is not a note or file of the vault"
    )
    assert links.resolve("Reference/Glossary.md", "Welcome.md") == ResolvedLink(
        None, "links to Reference/Glossary.md, which is not published"
    )
    assert links.resolve("https://acme.example/", "Welcome.md") is None
    assert links.resolve("mailto:support@acme.example", "Welcome.md") is None
    assert links.resolve("Attachments/Network%20diagram.png", "Welcome.md") is None


async def test_without_site_url_existing_targets_have_no_opinion_and_missing_ones_warn() -> None:
    """No site_url: a link to an existing note is left to the converter, a missing one warns."""
    links = await links_of(folder("vault"))
    assert links.resolve("Troubleshooting.md", "Welcome.md") is None
    assert links.resolve("Gone.md", "Welcome.md") == ResolvedLink(
        None, "links to Gone.md, which is not a note or file of the vault"
    )


async def test_links_stay_inside_their_own_language_vault() -> None:
    """Each language vault resolves names, aliases and permalinks among its own notes."""
    links = await links_of(folder("help"), site_url=HELP)
    assert links.resolve("Acme Sync/Syncing notes", "en/Acme Sync/Sync settings.md") == ResolvedLink(
        "https://acme.example/help/sync"
    )
    assert links.resolve("Home", "en/Acme Sync/Sync settings.md") == ResolvedLink(
        "https://acme.example/help/"
    )
    assert links.resolve("Home", "zh/Acme Sync/同步笔记.md") == ResolvedLink("https://acme.example/zh/help/")
    assert links.resolve("同步笔记.md#选择性同步", "zh/首页.md") == ResolvedLink(
        "https://acme.example/zh/help/sync#%E9%80%89%E6%8B%A9%E6%80%A7%E5%90%8C%E6%AD%A5"
    )


async def test_heading_ids_are_publish_anchors_and_unique() -> None:
    """A heading's id is its text with spaces as +, as Publish anchors it; a repeat is made unique."""
    links = await links_of(folder("vault"))
    assert links.heading_id("Install on Linux", ()) == "Install+on+Linux"
    assert links.heading_id("Install on Linux", {"Install+on+Linux"}) == "Install+on+Linux-1"


async def test_every_link_the_prepared_pages_hold_resolves() -> None:
    """End to end on the fixture vault: each link prepare writes resolves to a page URL, except
    the example link to a missing note."""
    files = folder("vault")
    site = await open_site(files, site_url=SITE)
    links = await site.links()
    import re

    outcomes: dict[str, str | None] = {}
    for path in ("Welcome.md", "Getting started/Install Acme.md", "Troubleshooting.md"):
        front, body = split(files.files[path].decode())
        prepared = await site.prepare(path, front, body)
        assert isinstance(prepared, PreparedPage)
        for href in re.findall(r"\]\(<([^>]+)>\)", prepared.body):
            resolved = links.resolve(href, path)
            outcomes[href] = None if resolved is None else resolved.url
    assert outcomes == {
        "Getting started/Install Acme.md": "https://handbook.acme.example/Getting+started/Install+Acme",
        "Troubleshooting.md": "https://handbook.acme.example/Troubleshooting",
        "Getting started/Install Acme.md#Requirements": "https://handbook.acme.example/Getting+started/Install+Acme#Requirements",
        "Install Acme.md#Requirements": "https://handbook.acme.example/Getting+started/Install+Acme#Requirements",
        "../Attachments/Network diagram.png": None,
        "../Attachments/Setup guide.pdf": None,
        "Attachments/Network diagram.png": None,
        "Attachments/Setup guide.pdf": None,
    }


# Structure digest


async def test_the_digest_follows_notes_and_config_not_attachments_or_workspace_state() -> None:
    """Adding a page or editing the templates config changes the digest; a note's text (what
    other notes read of it are their dependencies), an attachment's bytes, Obsidian's workspace
    state or files outside the vaults do not."""
    site = await open_site(folder("help"))
    base = {"en/Home.md": "1", "en/Attachments/a.png": "1", "README.md": "1", "en/publish.css": "1"}
    digest = site.structure_digest(base)
    assert site.structure_digest(dict(base)) == digest
    assert site.structure_digest({**base, "en/New.md": "1"}) != digest
    assert site.structure_digest({**base, "en/Home.md": "2"}) == digest
    assert site.structure_digest({**base, "en/Attachments/a.png": "2"}) == digest
    assert site.structure_digest({**base, "README.md": "2"}) == digest
    vault = await open_site(folder("vault"))
    files = {"Welcome.md": "1", ".obsidian/workspace.json": "1", ".obsidian/templates.json": "1"}
    digest = vault.structure_digest(files)
    assert vault.structure_digest({**files, ".obsidian/workspace.json": "2"}) == digest
    assert vault.structure_digest({**files, ".obsidian/templates.json": "2"}) != digest


async def test_callouts_nested_a_thousand_deep_fail_the_note_in_one_sentence() -> None:
    nested = "".join("> " * depth + "[!note]\n" for depth in range(1, 1001)) + "> " * 1000 + "Deep.\n"
    files = MemoryFiles({".obsidian/app.json": "{}", "Deep.md": nested})
    assert await prepare(files, "Deep.md") == PageProblem(
        "block quotes and callouts are nested more than 100 deep"
    )
