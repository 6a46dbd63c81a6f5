"""Site syntax of MkDocs, pymdownx and Material comes out of ``prepare`` as Markdown the
converter reads: admonitions, tabs, plain text; nothing of the site's syntax is left."""

from __future__ import annotations

import re
import time

import pytest
from bounds import STALLED_AFTER_SECONDS

from ingest.sites import PreparedPage
from tests.sites.mkdocs_support import MemoryFiles, body_of, folder_files, open_site, page


async def load_page(files: MemoryFiles, path: str) -> PreparedPage:
    return await page(await open_site(files), files, path)


async def rewritten(markdown: str, **options: object) -> str:
    return (await body_of(markdown, **options)).body  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Press ++ctrl+alt+del++ now.", "Press Ctrl+Alt+Del now."),
        ('Hit ++cmd+"My Key"++.', "Hit Cmd+My Key."),
        ("Use ++enter++ or ++arrow-up++.", "Use Enter or Up."),
        ("Text ==marked== here.", "Text marked here."),
        ("Text ^^inserted^^ here.", "Text inserted here."),
        ("Water is H~2~O, 2^10^ is 1024.", "Water is H<sub>2</sub>O, 2<sup>10</sup> is 1024."),
        ("Keep ~~strike~~ and a footnote[^1].", "Keep ~~strike~~ and a footnote[^1]."),
        ("Done :material-check: and :octicons-mark-github-16: ok", "Done and ok"),
        ("Happy :smile: :thumbsup:", "Happy 😄 👍"),
        ("Param :param: stays.", "Param :param: stays."),
        ("At 10:30:45 sharp.", "At 10:30:45 sharp."),
        ("[Go](https://x.test/a~b~c){ .md-button }", "[Go](https://x.test/a~b~c)"),
        ("![Logo](logo.png){ width=300 loading=lazy }", "![Logo](logo.png)"),
        ('[Hover](https://x.test "Tip"){ data-preview }', '[Hover](https://x.test "Tip")'),
        ("Inline `#!python print(1)` code.", "Inline `print(1)` code."),
        ("Code `==no mark== ++ctrl++` kept.", "Code `==no mark== ++ctrl++` kept."),
        ('Progress [=75% "75%"] done.', "Progress 75% done."),
        (
            "{++added++} {--deleted--} {~~old~>new~~} {==high==} {>>note<<}",
            "added ~~deleted~~ ~~old~~new high (note)",
        ),
    ],
)
async def test_inline_syntax_reads_as_the_site_shows_it(source: str, expected: str) -> None:
    assert (await rewritten(source + "\n")).strip() == expected


async def test_critic_markup_follows_the_configured_mode() -> None:
    config = "site_name: X\nmarkdown_extensions:\n  - pymdownx.critic:\n      mode: accept\n"
    assert (
        await rewritten("{++added++}{--deleted--} {~~old~>new~~}\n", config=config)
    ).strip() == "added new"


async def test_headings_keep_their_id_and_lose_their_classes() -> None:
    body = await rewritten("## Colors { #colors .big }\n\n### Accent {: .accent }\n\n#### Plain ##\n")
    assert body.split("\n")[0:5] == ["## Colors {#colors}", "", "### Accent", "", "#### Plain ##"]


async def test_attribute_lists_on_their_own_line_or_ending_a_block_go() -> None:
    source = "Some text.\n{ .annotate }\n\n- item one { .special }\n- item two\n"
    assert await rewritten(source) == "Some text.\n\n- item one\n- item two\n"


async def test_abbreviations_and_toc_markers_go() -> None:
    source = "[TOC]\n\nThe HTML spec.\n\n*[HTML]: Hyper Text Markup Language\n"
    assert (await rewritten(source)).strip() == "The HTML spec."


async def test_md_in_html_elements_are_unwrapped() -> None:
    source = (
        '<div class="grid cards" markdown>\n\n-   :material-clock:{ .lg } __Fast__\n\n'
        "    Set up in minutes.\n\n</div>\n\n"
        '<figure markdown="span">\n  ![Shot](shot.png)\n'
        "  <figcaption markdown>A *caption*</figcaption>\n</figure>\n"
    )
    body = await rewritten(source)
    assert "markdown" not in body
    assert "-   __Fast__\n\n    Set up in minutes." in body
    assert "![Shot](shot.png)" in body and "A *caption*" in body


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/// note | Mind this\nBody text.\n///\n", '!!! note "Mind this"\n    Body text.\n'),
        ("/// warning\nCareful.\n///\n", "!!! warning\n    Careful.\n"),
        ("/// admonition | Custom\n    type: tip\n\nText.\n///\n", '!!! tip "Custom"\n\n    Text.\n'),
        ("/// details | More\n    open: true\nHidden.\n///\n", '???+ note "More"\n    Hidden.\n'),
        ("/// tab | Python\nprint()\n///\n", '=== "Python"\n    print()\n'),
        ("/// html | div.wrapper\nInside.\n///\n", "\nInside.\n"),
        ("/// caption\nA caption.\n///\n", "\nA caption.\n"),
    ],
)
async def test_pymdownx_blocks_become_admonitions_tabs_and_text(source: str, expected: str) -> None:
    assert (await rewritten(source)).strip("\n") == expected.strip("\n")


async def test_nested_blocks_and_code_inside_them_are_indented_together() -> None:
    source = "//// tab | Python 3.10+\n\n/// tip\nPrefer this.\n///\n\n```python\nx = 1\n```\n\n////\n"
    body = await rewritten(source)
    assert body.strip("\n") == (
        '=== "Python 3.10+"\n\n    !!! tip\n        Prefer this.\n\n\n    ```python\n    x = 1\n    ```'
    )


async def test_unknown_blocks_keep_their_content_and_are_counted() -> None:
    prepared = await body_of("/// mystery | Title\nKept text.\n///\n")
    assert "Kept text." in prepared.body and "///" not in prepared.body
    assert prepared.unknown == {"block:mystery": 1}


async def test_nothing_is_rewritten_inside_code_fences() -> None:
    source = "```md\n/// note\n==x== :smile: { .y }\n*[A]: b\n```\n\n````\n```\n++ctrl++\n    ```\n````\n"
    assert await rewritten(source) == source


async def test_material_badges_read_as_their_text() -> None:
    source = (
        "#### <!-- md:setting theme.palette.primary -->\n\n"
        "<!-- md:version 9.2.0 -->\n<!-- md:default `true` -->\n<!-- md:flag experimental -->\n\nText.\n"
    )
    body = await rewritten(source)
    assert body.startswith("#### `primary` {#theme.palette.primary}\n")
    assert "Version: 9.2.0  \nDefault: `true`  \nExperimental" in body
    assert "md:" not in body


async def test_material_option_and_setting_badges_get_the_ids_and_references_its_hook_gives() -> None:
    """``md:option a.b`` is the heading ``b`` with the id ``+a.b``; ``md:setting config.x`` the heading
    ``x`` with the id ``config.x`` and a link reference of that name, so ``[text][config.x]`` links."""
    source = (
        "# Plugin\n\nSee [the folder][config.blog_dir] and [slugify](#+toc.slugify).\n\n"
        "#### <!-- md:setting config.blog_dir -->\n\nText.\n\n#### <!-- md:option toc.slugify -->\n\nMore.\n"
    )
    body = await rewritten(source)
    assert "#### `blog_dir` {#config.blog_dir}\n" in body
    assert "#### `slugify` {#+toc.slugify}\n" in body
    assert body.rstrip().endswith("\n[config.blog_dir]: #config.blog_dir")


async def test_unknown_badges_are_dropped_and_counted() -> None:
    prepared = await body_of("Text <!-- md:sparkle wow --> here.\n")
    assert prepared.body.strip() == "Text  here."
    assert prepared.unknown == {"md:sparkle": 1}


async def test_unknown_icon_sets_are_dropped_and_counted() -> None:
    prepared = await body_of("An :bootstrap-envelope-paper: icon.\n")
    assert prepared.body.strip() == "An icon."
    assert prepared.unknown == {"icon:bootstrap": 1}


async def test_code_block_titles_are_shown_above_the_code() -> None:
    body = await rewritten('- Item\n\n    ``` yaml title="mkdocs.yml"\n    theme: x\n    ```\n')
    assert "    mkdocs.yml\n\n    ``` yaml" in body


async def test_a_footnote_opened_on_an_empty_line_keeps_its_text() -> None:
    body = await rewritten("Claim.[^1]\n\n  [^1]:\n    The proof is long.\n    It goes on.\n")
    assert "  [^1]: The proof is long.\n    It goes on." in body


async def test_autodoc_directives_cannot_be_rendered_and_are_counted() -> None:
    prepared = await body_of(
        "# API\n\nIntro.\n\n::: acme.client.Client\n    options:\n      show_source: false\n\nAfter.\n"
    )
    assert "acme.client" not in prepared.body and "After." in prepared.body
    assert prepared.unknown == {"mkdocstrings": 1}


async def test_an_autodoc_directive_in_a_heading_keeps_the_heading_the_site_shows() -> None:
    """``#### ::: acme.errors.Failure`` (mkdocstrings' heading form, in a quote too) renders a
    heading naming the object, with the object as its id, above the content that is not rendered."""
    prepared = await body_of(
        "# API\n\n#### ::: acme.errors.Bad_Input\n\n> Quoted.\n>\n> ### ::: acme.Event\n\nAfter.\n"
    )
    assert "#### acme.errors.Bad\\_Input {#acme.errors.Bad_Input}\n" in prepared.body
    assert "> ### acme.Event {#acme.Event}\n" in prepared.body
    assert ":::" not in prepared.body
    assert prepared.unknown == {"mkdocstrings": 2}


async def test_callouts_become_admonitions_when_that_extension_is_on() -> None:
    config = "site_name: X\nmarkdown_extensions:\n  - callouts\n"
    body = await rewritten("Intro.\n\nNOTE: Mind the gap\nbetween trains.\n\nAfter.\n", config=config)
    assert "!!! note\n    Mind the gap\n    between trains.\n\nAfter." in body
    assert "NOTE: plain" in await rewritten("Intro.\n\nNOTE: plain\n")


async def test_macros_are_rendered_when_the_plugin_is_on() -> None:
    """mkdocs-macros renders the page as Jinja: variables from ``extra`` and the config; macros
    from the project's Python modules (never run here) and unknown variables render as nothing
    and are counted."""
    config = "site_name: Acme\nplugins:\n  - macros\nextra:\n  version: 2.1\n"
    source = (
        "Version {{ version }} of {{ config.site_name }}. {{ render_table() }}\n"
        "{% if beta %}Beta only.{% endif %}{# hidden #}{% raw %}{{ kept }}{% endraw %}\n"
    )
    prepared = await body_of(source, config=config)
    assert prepared.body.strip() == "Version 2.1 of Acme. \n{{ kept }}"
    assert prepared.unknown == {"macro:beta": 1, "macro:render_table": 1}


async def test_macros_read_the_yaml_data_a_page_includes() -> None:
    """``include_yaml`` (in the page's front matter or the plugin's options; paths from the
    config's folder) makes a YAML file's data variables; loops over it render as the site shows."""
    config = "site_name: Acme\nmarkdown_extensions:\n  - zensical.extensions.macros\n"
    page = (
        "---\ninclude_yaml:\n  people: data/people.yml\n---\n\n# People\n\n"
        "{% for person in people.experts %}"
        "- [{{ person.login }}]({{ person.url }}): {{ person.count }} answers\n"
        "{% endfor %}"
    )
    people = (
        "experts:\n  - login: ada\n    url: https://x.test/ada\n    count: 3\n"
        "  - login: bob\n    url: https://x.test/bob\n    count: 1\n"
    )
    source = MemoryFiles({"mkdocs.yml": config, "docs/people.md": page, "data/people.yml": people})
    prepared = await load_page(source, "docs/people.md")
    assert prepared.body.strip() == (
        "# People\n\n- [ada](https://x.test/ada): 3 answers\n- [bob](https://x.test/bob): 1 answers"
    )


async def test_macros_that_do_not_render_are_reduced() -> None:
    """Jinja the template engine refuses (a syntax error) is reduced as text: tags go, their text stays."""
    config = "site_name: Acme\nplugins:\n  - macros\n"
    prepared = await body_of("{% if x %}Shown{% endif %} {{ a: b }}\n", config=config)
    assert prepared.body.strip() == "Shown"


async def test_a_page_can_turn_macros_off() -> None:
    config = "site_name: Acme\nplugins:\n  - macros\n"
    prepared = await body_of("---\nrender_macros: false\n---\n\nWrite {{ x }}.\n", config=config)
    assert prepared.body.strip() == "Write {{ x }}."


async def test_jinja_is_text_without_the_macros_plugin() -> None:
    assert (
        await rewritten("Write {{ page.title }} in templates.\n")
    ).strip() == "Write {{ page.title }} in templates."


async def test_the_fixture_site_has_no_site_syntax_left() -> None:
    files = folder_files("docs-site")
    site = await open_site(files)
    formatting = await page(site, files, "docs/reference/formatting.md")
    assert re.sub(r"\n{3,}", "\n\n", formatting.body) == (
        "# Formatting\n\n"
        "Text can be marked, inserted, H<sub>2</sub>O and 2<sup>10</sup> are supported,\n"
        "added and ~~deleted~~ are tracked, and 😄 shows an emoji.\n\n"
        "-   __Fast__\n\n    Acme starts in a second.\n\n"
        '!!! note "Blocks work too"\n    Content of the block.\n\n'
        '???+ note "Click to open"\n\n    Hidden content.\n\n'
        "Some `code with ==no mark==` stays.\n\n"
        'Literal\n\n``` md title="Literal"\n==not marked== ++ctrl++ :smile:\n```\n\n'
    )
    assert formatting.unknown == {}


ARITHMATEX = "site_name: X\nmarkdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"


async def test_arithmatex_math_is_kept_as_its_tex_in_code() -> None:
    """With arithmatex, ``$$...$$``, ``\\[...\\]`` and ``\\begin{...}`` blocks become ``latex``
    code blocks and ``$...$``/``\\(...\\)`` code spans: the TeX readers see rendered, untouched
    by the rewriting of ``^sup^``, ``~sub~``, attribute lists and Markdown emphasis."""
    source = (
        "# Math\n\nEuler:\n\n$$\n\\cos x=\\sum_{k=0}^{\\infty}\\frac{(-1)^k}{(2k)!}x^{2k}\n$$\n\n"
        "    \\[\n    a^2 + b^2 = c^2\n    \\]\n\n"
        "\\begin{align}\nx &= y_1\n\\end{align}\n\n"
        "The set $e_G$, so $\\exists a,b\\in G$ and \\(f(a)=f(b)\\); it costs $5 and $10 though.\n\n"
        "```\n$$ not math in code $$\n```\n"
    )
    assert await rewritten(source, config=ARITHMATEX) == (
        "# Math\n\nEuler:\n\n```latex\n\\cos x=\\sum_{k=0}^{\\infty}\\frac{(-1)^k}{(2k)!}x^{2k}\n```\n\n"
        "    ```latex\n    a^2 + b^2 = c^2\n    ```\n\n"
        "```latex\n\\begin{align}\nx &= y_1\n\\end{align}\n```\n\n"
        "The set `e_G`, so `\\exists a,b\\in G` and `f(a)=f(b)`; it costs $5 and $10 though.\n\n"
        "```\n$$ not math in code $$\n```\n"
    )


async def test_without_arithmatex_dollars_are_text() -> None:
    assert (await rewritten("Costs $x_1$ here.\n")).strip() == "Costs $x_1$ here."


async def test_a_link_reference_to_a_script_is_a_reference_to_nothing() -> None:
    """Python-Markdown takes ``[Demo]: javascript:...`` as a definition (the site shows a button);
    the converter refuses script URLs in definitions and would show it, and every ``[x][Demo]``,
    as text. An empty destination keeps it a definition, so the links read as their text."""
    body = await rewritten(
        '# Buttons\n\n[Subscribe][Demo]{ .md-button }\n\n  [Demo]: javascript:alert$.next("Demo")\n'
    )
    assert body.strip().endswith("[Subscribe][Demo]\n\n  [Demo]: <>")


@pytest.mark.parametrize("unit", ["<!-- a ", "<script a ", "<a b ", "    ", "\t{ "])
async def test_a_long_page_of_unclosed_comments_or_spaces_is_read_in_linear_time(unit: str) -> None:
    """Each unclosed ``<!--`` looked to the page's end for its ``-->``, each space of a long run
    for a ``{`` after the run: 100 KB of either took seconds, a megabyte minutes."""
    started = time.monotonic()
    await body_of("Intro.\n\n" + unit * (400_000 // len(unit)) + "\n")
    assert time.monotonic() - started < STALLED_AFTER_SECONDS


@pytest.mark.parametrize("unit", ["==a ", "^^a ", "`` a ` ", "{++a ", "{~~a~>b ", "{==a ", "{>>a "])
async def test_a_long_line_of_unclosed_inline_syntax_is_read_in_linear_time(unit: str) -> None:
    """Marks, inserts, code spans and CriticMarkup that never close: each opener looked to the end
    of the line for its closer, so 80 KB on one line took 14 s, 400 KB minutes."""
    started = time.monotonic()
    prepared = await body_of("Intro.\n\n" + unit * (400_000 // len(unit)) + "\n")
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert prepared.body.startswith("Intro.")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a ==b== c ==d==e== f", "a b c d==e f"),
        ("`` a ` b `` and `c`", "`` a ` b `` and `c`"),
        ("{++x++} {~~a~>b~~} {~~c~>d {==e==}", "x ~~a~~b {~~c~>d e"),
        ("==a==b and ==c==", "a==b and ==c"),
    ],
)
async def test_inline_syntax_reads_as_before_when_it_closes(source: str, expected: str) -> None:
    assert (await rewritten(source + "\n")).strip() == expected
