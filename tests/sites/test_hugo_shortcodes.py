"""Hugo site syntax becomes standard Markdown: each shortcode, Goldmark attributes, code kept."""

from __future__ import annotations

import asyncio
import time

import pytest
from bounds import STALLED_AFTER_SECONDS
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sites.contract import PageProblem, SiteDependencies
from ingest.sites.hugo.shortcodes import Code, Shortcode, parse, source_of
from tests.sites.hugo_site import MemoryFiles, body_of, docs_files, open_site, page, prepare


def test_shortcode_arguments_are_read_as_hugo_reads_them() -> None:
    """Positional, named, quoted (with escapes), raw-string and multi-line arguments; self-closing."""
    nodes = parse('{{< img\n  src="a b.png"\n  alt=`it\'s "raw"`\n  wide\n  title="say \\"hi\\""\n/>}}')
    assert len(nodes) == 1 and isinstance(nodes[0], Shortcode)
    tag = nodes[0].tag
    assert tag.self_closing and tag.positional == ("wide",)
    assert tag.named == {"src": "a b.png", "alt": 'it\'s "raw"', "title": 'say "hi"'}


def test_paired_shortcodes_nest_and_an_unclosed_one_has_no_inner() -> None:
    """A closing tag closes the nearest open tag of its name; one never closed encloses nothing."""
    nodes = parse("{{< outer >}}a {{< lone >}} b {{% inner %}}c{{% /inner %}}{{< /outer >}}")
    assert len(nodes) == 1
    outer = nodes[0]
    assert isinstance(outer, Shortcode) and outer.inner is not None
    names = [(node.tag.name, node.inner is not None) for node in outer.inner if isinstance(node, Shortcode)]
    assert names == [("lone", False), ("inner", True)]


async def test_comment_form_shows_as_the_literal_shortcode() -> None:
    """{{</* name */>}} reads as {{< name >}}, in text and in code."""
    prepared = await body_of('Write `{{</* param x */>}}`.\n\n```\n{{%/* include "a" */%}}\n```\n')
    assert prepared.body == 'Write `{{< param x >}}`.\n\n```\n{{% include "a" %}}\n```\n'


async def test_shortcode_like_text_in_code_stays_as_written() -> None:
    """Code blocks and inline code are not rendered: a shortcode there is an example."""
    prepared = await body_of('Use `{{< youtube x >}}`.\n\n```go-html-template\n{{< figure src="a" >}}\n```\n')
    assert prepared.body == 'Use `{{< youtube x >}}`.\n\n```go-html-template\n{{< figure src="a" >}}\n```\n'
    assert prepared.unknown == {}


async def test_highlight_is_a_fenced_code_block_in_its_language() -> None:
    """highlight's inner text is code, fenced with the language named."""
    prepared = await body_of('{{< highlight go "linenos=table" >}}\nfunc main() {}\n{{< /highlight >}}\n')
    assert prepared.body == "```go\nfunc main() {}\n```\n"


async def test_figure_and_img_are_images_with_caption() -> None:
    """figure: image, alt, link, and its title/caption as a paragraph below; img: the image."""
    prepared = await body_of(
        '{{< figure src="/images/a.png" alt="A chart" link="/stats/" title="Usage" caption="By month" >}}\n\n'
        '{{< img src="b.jpg" alt="B" >}}\n'
    )
    assert (
        prepared.body == "[![A chart](</images/a.png>)](</stats/>)\n\n*Usage — By month*\n\n![B](<b.jpg>)\n"
    )


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("{{< youtube id=w7Ft2ymGmfc >}}", "[YouTube video](https://www.youtube.com/watch?v=w7Ft2ymGmfc)"),
        ('{{< youtube w7Ft2ymGmfc title="Intro" >}}', "[Intro](https://www.youtube.com/watch?v=w7Ft2ymGmfc)"),
        ("{{< vimeo 55073825 >}}", "[Vimeo video](https://vimeo.com/55073825)"),
        (
            "{{< x user=SanDiegoZoo id=1453110110599868418 >}}",
            "[Post by @SanDiegoZoo on X](https://x.com/SanDiegoZoo/status/1453110110599868418)",
        ),
        ("{{< instagram CxOWiQNP2MO >}}", "[Instagram post](https://www.instagram.com/p/CxOWiQNP2MO/)"),
    ],
)
async def test_embedded_media_are_links(markdown: str, expected: str) -> None:
    """Videos and posts the site embeds become links to them."""
    assert (await body_of(markdown + "\n")).body == expected + "\n"


async def test_param_reads_the_page_then_the_site_params() -> None:
    """param: the page's params, its front matter, then the site's params (dotted names too)."""
    config = (
        'baseURL = "https://example.org/"\n[params]\nproduct = "Acme"\n'
        '[params.support]\nemail = "help@acme.io"\n'
    )
    prepared = await body_of('{{< param product >}} / {{< param "support.email" >}}\n', config=config)
    assert prepared.body == "Acme / help@acme.io\n"


async def test_details_is_a_collapsible_admonition() -> None:
    """details: ??? with the summary as title and the inner text indented."""
    prepared = await body_of(
        '{{< details summary="More" open=true >}}\nHidden **text**.\n\nSecond.\n{{< /details >}}\n'
    )
    assert prepared.body == '???+ note "More"\n\n    Hidden **text**.\n\n    Second.\n'


async def test_tabs_are_content_tabs() -> None:
    """tabs/tab: one === "Label" per tab, labels from the tab or the tabs' items."""
    prepared = await body_of(
        '{{< tabs items="JSON,YAML" >}}\n{{< tab >}}\n`{}`\n{{< /tab >}}\n'
        "{{< tab >}}\n`a: 1`\n{{< /tab >}}\n{{< /tabs >}}\n"
        '{{< tabpane >}}\n{{< tab header="Go" >}}\nfmt.Println()\n{{< /tab >}}\n{{< /tabpane >}}\n'
    )
    assert prepared.body == (
        '=== "JSON"\n\n    `{}`\n\n=== "YAML"\n\n    `a: 1`\n\n=== "Go"\n\n    fmt.Println()\n'
    )


async def test_code_toggle_shows_the_config_in_each_format() -> None:
    """code-toggle: a tab per format (TOML first, the site's default), named after the file."""
    prepared = await body_of(
        '{{< code-toggle file=hugo >}}\ntitle = "Docs"\n[params]\nx = 1\n{{< /code-toggle >}}\n'
    )
    assert prepared.body == (
        '=== "hugo.toml"\n\n    ```toml\n    title = "Docs"\n\n    [params]\n    x = 1\n    ```\n\n'
        '=== "hugo.yaml"\n\n    ```yaml\n    title: Docs\n    params:\n      x: 1\n    ```\n\n'
        '=== "hugo.json"\n\n    ```json\n    {\n      "title": "Docs",\n'
        '      "params": {\n        "x": 1\n      }\n    }\n    ```\n'
    )


async def test_code_toggle_front_matter_and_data_and_sketches() -> None:
    """fm=true fences each format as front matter; config= reads the site's data/docs;
    a sketch that does not parse is one code block as written."""
    front = await body_of("{{< code-toggle file=content/a.md fm=true >}}\ntitle: A\n{{< /code-toggle >}}\n")
    assert (
        '=== "content/a.md (TOML)"\n\n    ```toml\n    +++\n    title = "A"\n    +++\n    ```' in front.body
    )
    assert '=== "content/a.md (YAML)"\n\n    ```yaml\n    ---\n    title: A\n    ---\n    ```' in front.body
    data = await body_of(
        "{{< code-toggle config=build />}}\n",
        **{"data/docs.yaml": "config:\n  build:\n    useResourceCacheWhen: fallback\n"},
    )
    assert (
        '=== "hugo.toml"\n\n    ```toml\n    [build]\n    useResourceCacheWhen = "fallback"\n    ```'
        in data.body
    )
    sketch = await body_of("{{< code-toggle >}}\n[params]\n...\n{{< /code-toggle >}}\n")
    assert sketch.body == "```toml\n[params]\n...\n```\n"


async def test_new_in_and_deprecated_in_are_short_phrases_or_admonitions() -> None:
    """A badge reads "New in v0.123.0"; with inner text it is an admonition titled so."""
    prepared = await body_of(
        "{{< new-in 0.123.0 />}}\n\n"
        "{{< deprecated-in v0.144.0 >}}\nUse `foo` instead.\n{{< /deprecated-in >}}\n"
    )
    assert prepared.body == 'New in v0.123.0\n\n!!! note "Deprecated in v0.144.0"\n\n    Use `foo` instead.\n'


async def test_a_glossary_term_is_its_definition_and_a_glossary_link_its_entry() -> None:
    """glossary-term inlines the term's definition; [term](g) links to the glossary entry;
    the glossary page lists every term as a definition list."""
    files = docs_files()
    site = await open_site(files)
    bundle = await page(site, files, "content/en/guide/bundle/index.md")
    configure = await page(site, files, "content/en/guide/configure.md")
    glossary = await page(site, files, "content/en/glossary/_index.md")
    assert bundle.body.endswith("An _API key_ identifies the caller of the API.\n")
    assert "An [API key](</glossary/#api-key>) is needed." in configure.body
    assert glossary.body == "API key\n:   An _API key_ identifies the caller of the API.\n"


async def test_ref_and_relref_become_link_destinations() -> None:
    """ref/relref inside a link give its destination; alone they make a link to the target."""
    prepared = await body_of(
        '[A]({{< ref "docs/a.md#usage" >}}) and [B]({{< relref path="b" >}}) and {{< ref "c" >}}\n\n'
        '[d]: {{< ref "/d/e f.md" >}}\n'
    )
    assert prepared.body == "[A](docs/a.md#usage) and [B](b) and [c](c)\n\n[d]: </d/e f.md>\n"


async def test_an_unknown_shortcode_keeps_its_inner_text_and_is_counted() -> None:
    """Inner content kept, a self-closing one dropped, each counted as shortcode:<name>."""
    prepared = await body_of(
        '{{< panel kind="tip" >}}\nBack up **first**.\n{{< /panel >}}\n\n'
        "{{< toc />}}\n\nText {{% label %}}beta{{% /label %}}.\n"
    )
    assert prepared.body == "Back up **first**.\n\nText beta.\n"
    assert prepared.unknown == {"shortcode:panel": 1, "shortcode:toc": 1, "shortcode:label": 1}


async def test_shortcodes_in_list_items_keep_the_item_indentation() -> None:
    """A block shortcode inside a list item stays inside it."""
    prepared = await body_of(
        "1. Run:\n\n   {{< highlight sh >}}\n   make\n   {{< /highlight >}}\n\n2. Done.\n"
    )
    assert prepared.body == "1. Run:\n\n   ```sh\n   make\n   ```\n\n2. Done.\n"


async def test_goldmark_attributes_are_settled() -> None:
    """A heading keeps only {#id}; block attribute lines go when the site enables them."""
    config = 'baseURL = "https://example.org/"\n[markup.goldmark.parser.attribute]\nblock = true\n'
    prepared = await body_of(
        '## Setup {#setup .wide}\n\n## Other {.note}\n\n> [!NOTE]\n> Keep it.\n{class="alert"}\n',
        config=config,
    )
    assert prepared.body == "## Setup {#setup}\n\n## Other\n\n> [!NOTE]\n> Keep it.\n"


async def test_html_comments_are_not_read() -> None:
    """A comment (and any shortcode in it) is left out: the reader never sees it."""
    prepared = await body_of("Text.\n\n<!-- {{< todo >}} rewrite -->\n\nMore.\n")
    assert prepared.body == "Text.\n\nMore.\n"
    assert prepared.unknown == {}


async def test_readfile_inlines_a_file_of_the_site() -> None:
    """A readfile-style include takes a path from the site's root; code files are fenced."""
    prepared = await body_of(
        '{{% readfile file="/snippets/intro.md" %}}\n\n{{< readfile file="/examples/main.go" >}}\n',
        **{"snippets/intro.md": "Shared *intro*.\n", "examples/main.go": "package main\n"},
    )
    assert prepared.body == "Shared *intro*.\n\n```go\npackage main\n```\n"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            '{{< callout type="warning" >}}\nBack up first.\n{{< /callout >}}',
            "!!! warning\n\n    Back up first.",
        ),
        ('{{< callout emoji="💡" >}}\nA hint.\n{{< /callout >}}', "!!! note\n\n    A hint."),
        (
            '{{< alert title="Heads up" color="danger" >}}Stop.{{< /alert >}}',
            '!!! danger "Heads up"\n\n    Stop.',
        ),
        ("{{% notice tip %}}\nUse `-v`.\n{{% /notice %}}", "!!! tip\n\n    Use `-v`."),
        ("{{< hint warning >}}\nCareful.\n{{< /hint >}}", "!!! warning\n\n    Careful."),
        ("{{< note >}}\nRemember.\n{{< /note >}}", "!!! note\n\n    Remember."),
    ],
)
async def test_theme_callouts_are_admonitions(markdown: str, expected: str) -> None:
    """Callouts of docs themes (Hextra, Docsy, Relearn, Book, Kubernetes' note) read as admonitions."""
    prepared = await body_of(markdown + "\n")
    assert prepared.body == expected + "\n"
    assert prepared.unknown == {}


async def test_theme_cards_badges_steps_and_file_trees() -> None:
    """Cards are linked list items, a badge its text, steps their content, a file tree a list."""
    prepared = await body_of(
        '{{< cards >}}\n  {{< card link="../callout" title="Callout" icon="warning" >}}\n'
        '  {{< card link="/docs/tabs/" title="Tabs" subtitle="Switch views" >}}\n{{< /cards >}}\n\n'
        '{{< badge "v2" >}} {{< icon "github" >}}ready\n\n'
        "{{% steps %}}\n\n### Install\n\nRun it.\n\n{{% /steps %}}\n\n"
        '{{< filetree/container >}}\n  {{< filetree/folder name="content" >}}\n'
        '    {{< filetree/file name="_index.md" >}}\n  {{< /filetree/folder >}}\n'
        '  {{< filetree/file name="hugo.toml" >}}\n{{< /filetree/container >}}\n'
    )
    assert prepared.body == (
        "- [Callout](../callout)\n- [Tabs](/docs/tabs/) — Switch views\n\n"
        "v2 ready\n\n### Install\n\nRun it.\n\n- content/\n  - _index.md\n- hugo.toml\n"
    )
    assert prepared.unknown == {}


async def test_emoji_codes_read_as_emoji_when_the_site_enables_them() -> None:
    """enableEmoji: :heavy_check_mark: shows as the character, except in code; off, as written."""
    markdown = "| a | b |\n|---|---|\n| :heavy_check_mark: | :x: |\n\nType `:smile:` for :smile:.\n"
    enabled = await body_of(markdown, config='baseURL = "https://example.org/"\nenableEmoji = true\n')
    assert enabled.body == "| a | b |\n|---|---|\n| ✔️ | ❌ |\n\nType `:smile:` for 😄.\n"
    assert (await body_of(markdown)).body == markdown


async def test_code_fence_attributes_go_and_a_file_name_is_shown_above() -> None:
    """```go {file="main.go" copy=true}: the fence keeps its language; the file name (shown by
    the sites that set it) is a line above; other attributes go."""
    prepared = await body_of(
        '```go-html-template {file="layouts/page.html" copy=true}\n{{ .Title }}\n```\n\n'
        "1. Then:\n\n   ```python {linenos=table}\n   print()\n   ```\n"
    )
    assert prepared.body == (
        "`layouts/page.html`\n\n```go-html-template\n{{ .Title }}\n```\n\n"
        "1. Then:\n\n   ```python\n   print()\n   ```\n"
    )


@pytest.mark.parametrize(
    "markdown",
    ["{{% a >}}", "{{< a b=>}}", '{{< a "open', "{{< a `raw", "{{</* a", "{{< /a >}}", "``` x", "<!-- open"],
)
async def test_broken_shortcode_syntax_is_read_as_text_without_failing(markdown: str) -> None:
    """A tag that never closes, mixed delimiters or an open quote: no hang, no exception."""
    prepared = await body_of(f"Before {markdown} after.\n")
    assert prepared.body.startswith("Before")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["{{<", "{{%", ">}}", "%}}", "/", "*", "`", '"', "=", " ", "a", "\n"])).map(
        "".join
    )
)
def test_any_text_parses_and_keeps_every_character_outside_comments(text: str) -> None:
    """The parser ends on any text, and writing its tree back gives the text (comments unescaped)."""
    nodes = parse(text)
    written = source_of(nodes)
    has_comment = "<!--" in text or any(isinstance(node, Code) and not node.text for node in nodes)
    assert has_comment or written.replace("/*", "").replace("*/", "") == text.replace("/*", "").replace(
        "*/", ""
    )


async def test_blockquote_alerts_with_a_title_read_as_labelled_quotes() -> None:
    """Hugo's alerts may carry a title (and a fold marker) after the marker: the five GitHub kinds
    stay a marker alone on its line for the converter, other kinds become a bold label, and the
    title a bold line of its own; the same text in code is left as written."""
    prepared = await body_of(
        "> [!NOTE] Hugo modules are Go modules\n> You need Go.\n\n"
        "> [!danger]- Careful\n> It breaks.\n\n"
        "> [!TIP]\n> Plain alert.\n\n"
        "```\n> [!NOTE] in code\n```\n"
    )
    assert prepared.body == (
        "> [!NOTE]\n>\n> **Hugo modules are Go modules**\n>\n> You need Go.\n\n"
        "> **Danger**\n>\n> **Careful**\n>\n> It breaks.\n\n"
        "> [!TIP]\n> Plain alert.\n\n"
        "```\n> [!NOTE] in code\n```\n"
    )


class SlowFiles(MemoryFiles):
    """Files read as a disk or git is: each read gives other pages their turn."""

    async def read(self, path: str) -> bytes | None:
        await asyncio.sleep(0)
        return await super().read(path)


async def test_pages_prepared_at_once_all_read_the_site_data() -> None:
    """Pages a run prepares concurrently each get the configuration a code-toggle names in the
    site's data, not an empty one because another page was still reading the data file."""
    toggle = "---\ntitle: Page\n---\n{{< code-toggle config=build />}}\n"
    files = SlowFiles(
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n',
            "data/docs.yaml": "config:\n  build:\n    useResourceCacheWhen: fallback\n",
            **{f"content/page{index}.md": toggle for index in range(3)},
        }
    )
    site = await open_site(files, site_url="https://example.org/")
    prepared = await asyncio.gather(*(page(site, files, f"content/page{index}.md") for index in range(3)))
    assert all('useResourceCacheWhen = "fallback"' in each.body and not each.warnings for each in prepared)


async def test_quick_reference_lists_each_subsection_and_its_pages() -> None:
    """The Hugo docs' ``quick-reference``: per subsection of the section named, its title as a
    heading, its description and text, then each page linked (in code when it is a function or
    method) with its description."""
    files = MemoryFiles(
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n',
            # site.GetPage: the section named from the root, not this page of the same name
            "content/reference/functions.md": (
                '---\ntitle: Functions\n---\n{{% quick-reference section="functions" %}}\n'
            ),
            "content/functions/_index.md": "---\ntitle: Functions\n---\n",
            "content/functions/strings/_index.md": (
                "---\ntitle: String functions\nlinkTitle: strings\nweight: 2\n"
                "description: Use these functions with strings.\n---\nAll of them take a string.\n"
            ),
            "content/functions/strings/Trim.md": (
                "---\ntitle: strings.Trim\ndescription: Trims a string.\n"
                "params:\n  isFunctionOrMethod: true\n---\nText.\n"
            ),
            "content/functions/math/_index.md": "---\ntitle: Math\nweight: 1\n---\n",
            "content/functions/math/Abs.md": "---\ntitle: math.Abs\ndescription: The absolute value.\n---\n",
        }
    )
    site = await open_site(files, site_url="https://example.org/")
    prepared = await page(site, files, "content/reference/functions.md")
    assert prepared.body == (
        "## Math\n\n[math.Abs](/functions/math/Abs)\n:   The absolute value.\n\n"
        "## strings\n\nUse these functions with strings.\n\nAll of them take a string.\n\n"
        "[`strings.Trim`](/functions/strings/Trim)\n:   Trims a string.\n"
    )
    assert not prepared.unknown


async def test_datatable_is_a_table_of_the_site_data() -> None:
    """The Hugo docs' ``datatable``: a row per entry of a list in ``data/docs`` (by key, named
    "type"), a column per field named; lists read as Go prints them."""
    prepared = await body_of(
        '{{< datatable "config" "mediaTypes" "_key" "suffixes" "binary" >}}\n',
        **{
            "data/docs.yaml": (
                "config:\n  mediaTypes:\n    text/html:\n      suffixes: [html, htm]\n      binary: false\n"
                "    application/a|b:\n      suffixes: [ab]\n"
            )
        },
    )
    assert prepared.body == (
        "| type | suffixes | binary |\n| --- | --- | --- |\n"
        "| application/a\\|b | [ab] |  |\n| text/html | [html htm] | false |\n"
    )
    assert not prepared.unknown


SECTION = {
    "hugo.toml": 'baseURL = "https://example.org/"\n',
    "data/page_filters.yaml": "image_methods:\n  - /methods/resource/Crop\n",
    "content/methods/resource/_index.md": "---\ntitle: Resource methods\n---\n",
    "content/methods/resource/Crop.md": (
        "---\ntitle: Crop\ndescription: Crops an image.\nparams:\n  isFunctionOrMethod: true\n---\nText.\n"
    ),
    "content/methods/resource/Name.md": "---\ntitle: Name\ndescription: The name.\n---\nText.\n",
}


@pytest.mark.parametrize(
    ("shortcode", "expected"),
    [
        (
            "{{% render-list-of-pages-in-section path=/methods/resource titlePrefix=RESOURCE. %}}",
            "[`RESOURCE.Crop`](/methods/resource/Crop)\n:   Crops an image.\n\n"
            "[RESOURCE.Name](/methods/resource/Name)\n:   The name.\n",
        ),
        (
            "{{% render-table-of-pages-in-section path=/methods/resource filter=image_methods "
            "filterType=include headingColumn1=Method %}}",
            "| Method | Description |\n| :-- | :-- |\n"
            "| [`Crop`](/methods/resource/Crop) | Crops an image. |\n",
        ),
        (
            "{{% render-table-of-pages-in-section path=/methods/resource filter=image_methods "
            "filterType=exclude %}}",
            "| Item | Description |\n| :-- | :-- |\n| [Name](/methods/resource/Name) | The name. |\n",
        ),
    ],
)
async def test_the_pages_of_a_section_as_a_list_or_a_table(shortcode: str, expected: str) -> None:
    """The Hugo docs' page lists: a section's pages by title, linked, each with its description;
    a ``data/page_filters`` list keeps or drops pages."""
    prepared = await body_of(f"{shortcode}\n", **SECTION)
    assert prepared.body == expected and not prepared.unknown


async def test_a_site_shortcode_whose_template_is_plain_text_is_that_text() -> None:
    """A shortcode of the site's own whose template holds no template action (comments aside)
    reads as its text; one whose template computes something stays unknown."""
    prepared = await body_of(
        "Default is `content`. {{% mounts-note %}}\n\n{{< computed >}}\n\n{{< multi >}}\n",
        **{
            "layouts/_shortcodes/mounts-note.html": (
                "{{/* A note. */}}\nFor more, see\n[module mounts](/configuration/module/#mounts).\n"
            ),
            "layouts/shortcodes/multi.md": "First paragraph.\n\nSecond paragraph.\n",
            "layouts/_shortcodes/computed.html": "{{ hugo.Version }}\n",
        },
    )
    assert prepared.body == (
        "Default is `content`. For more, see [module mounts](/configuration/module/#mounts).\n\n"
        "First paragraph.\n\nSecond paragraph.\n"
    )
    assert prepared.unknown == {"shortcode:computed": 1}


async def test_editing_a_shortcode_template_rereads_the_pages() -> None:
    files = docs_files()
    files.files["layouts/_shortcodes/note.html"] = "A note.\n"
    site = await open_site(files)
    before = site.structure_digest({path: "1" for path in files.paths()})
    edited = site.structure_digest(
        {**{path: "1" for path in files.paths()}, "layouts/_shortcodes/note.html": "2"}
    )
    assert before != edited


async def test_shortcodes_nested_too_deeply_fail_the_page_and_not_the_scan() -> None:
    """Thousands of shortcodes each inside the last fail that page in one sentence; the site's
    other pages are listed and read (finding what pages show of each other does not crash)."""
    nested = "{{< note >}}" * 3000 + "Deep." + "{{< /note >}}" * 3000
    files = MemoryFiles(
        {
            "hugo.toml": 'baseURL = "https://example.org/"\n',
            "content/deep.md": f"---\ntitle: Deep\n---\n{nested}\n",
            "content/fine.md": "---\ntitle: Fine\n---\nFine text.\n",
        }
    )
    site = await open_site(files, site_url="https://example.org/")
    assert isinstance(site, SiteDependencies)
    reads = await site.cross_page_reads()
    assert "content/deep.md" not in reads.shows
    result = await prepare(site, files, "content/deep.md")
    assert result == PageProblem("shortcodes are nested more than 64 deep")
    assert (await page(site, files, "content/fine.md")).body.strip() == "Fine text."


async def test_site_data_nested_thousands_deep_shows_nothing() -> None:
    """A data file no one can read (JSON nested 100,000 deep) is data the page cannot show,
    as a broken one is: the page is read, never failed with a RecursionError."""
    prepared = await body_of(
        'Text.\n\n{{< code-toggle config="a" />}}\n',
        **{"data/docs.json": '{"config": ' + "[" * 100_000 + "]" * 100_000 + "}"},
    )
    assert prepared.body.startswith("Text.")


@pytest.mark.parametrize(
    "unit",
    [
        "Use `x` or `` y `` here. ",
        "a ` b ",
        "a `` b ` c ",
        '{{< a " ',
        "{{< a b=",
        "{{< a `",
        "{{</* a ",
        "{{< a\n",
    ],
)
def test_a_long_text_of_code_spans_or_unclosed_tags_parses_in_linear_time(unit: str) -> None:
    """A generated page of a megabyte full of code spans (closed or not) or of tags that never
    close: each backtick looked to its paragraph's end, each tag to the text's end (a minute for
    64 KB of unclosed quotes); a tag that does not close within a few thousand characters is text."""
    text = unit * (1_000_000 // len(unit))
    started = time.monotonic()
    nodes = parse(text)
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert source_of(nodes) == text


@pytest.mark.parametrize(
    ("call", "warning"),
    [
        ("{{< x >}}", "The x shortcode names no post (it needs user and id): left out."),
        (
            '{{< tweet user="gohugoio" >}}',
            "The tweet shortcode names no post (it needs user and id): left out.",
        ),
        ("{{< youtube >}}", "The youtube shortcode names no video or post (it needs id): left out."),
    ],
)
async def test_an_embed_naming_nothing_is_left_out_with_a_warning(call: str, warning: str) -> None:
    """Hugo stops at an embed missing its arguments; a link to https://x.com//status/ helps no reader."""
    prepared = await body_of(f"Before {call} after.\n")
    assert prepared.body.strip() == "Before  after."
    assert prepared.warnings == (warning,)
