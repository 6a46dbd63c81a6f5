"""MDX and Docusaurus Markdown become the Markdown the converter reads, with no site syntax left."""

from __future__ import annotations

import textwrap
import time

import pytest
from bounds import STALLED_AFTER_SECONDS

from ingest.convert.markdown import parse_tokens
from ingest.sites.contract import PageProblem, PreparedPage
from tests.sites.docusaurus_kit import mini_site, open_site, page, prepare

V3_PACKAGE = '{"dependencies": {"@docusaurus/core": "^3.6.0"}}'


async def render(body: str, **files: str) -> PreparedPage:
    """``body`` prepared as the page docs/page.mdx of a small site holding ``files`` too."""
    site = await open_site(
        mini_site({"docs/page.mdx": textwrap.dedent(body), "package.json": V3_PACKAGE, **files})
    )
    return await page(site, "docs/page.mdx")


async def test_imports_and_exports_are_dropped() -> None:
    """ESM lines are no text; an import in a code block stays."""
    prepared = await render(
        """\
        import Tabs from '@theme/Tabs';
        import {
          Foo,
          Bar as Baz,
        } from '@site/src/components';
        export const meta = {draft: false};

        Text.

        ```js
        import x from 'y';
        export default x;
        ```
        """
    )
    assert prepared.body == "Text.\n\n```js\nimport x from 'y';\nexport default x;\n```\n"


async def test_import_words_in_prose_stay() -> None:
    """A paragraph line starting with "import" is prose, not ESM."""
    prepared = await render("You can\nimport the module with require.\n\nimport the file first.\n")
    assert "import the module" in prepared.body
    assert "import the file first." in prepared.body


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (":::note\n\nSome text.\n\n:::\n", "!!! note\n    Some text.\n"),
        (":::tip Pro tip\nUse it.\n:::\n", '!!! tip "Pro tip"\n    Use it.\n'),
        (":::warning[Careful **now**]\nHot.\n:::\n", '!!! warning "Careful now"\n    Hot.\n'),
        (":::danger{#id}\nNo.\n:::\n", "!!! danger\n    No.\n"),
        (":::secondary\nAside.\n:::\n", "!!! note\n    Aside.\n"),
    ],
)
async def test_admonition_fences(source: str, expected: str) -> None:
    """:::type Title and :::type[Title] fences become !!! admonitions with their content indented."""
    assert (await render(source)).body == expected


async def test_nested_admonitions_with_more_colons() -> None:
    """An outer fence with more colons holds an inner one; each closes at its own fence."""
    prepared = await render(
        """\
        ::::info Outer
        Outer text.
        :::danger Inner
        Inner text.
        :::
        After inner.
        ::::

        Out.
        """
    )
    assert prepared.body == (
        '!!! info "Outer"\n'
        "    Outer text.\n\n"
        '    !!! danger "Inner"\n'
        "        Inner text.\n\n"
        "    After inner.\n\n"
        "Out.\n"
    )
    tokens = [token.type for token in parse_tokens(prepared.body)]
    assert tokens.count("admonition_open") == 2


async def test_admonition_in_a_list_keeps_its_indentation() -> None:
    """A fence inside a list item stays inside it."""
    prepared = await render("1. Step one\n\n   :::tip\n   Hint.\n   :::\n\n2. Step two\n")
    assert prepared.body == "1. Step one\n\n   !!! tip\n       Hint.\n\n2. Step two\n"


async def test_unknown_directive_keeps_its_text_and_is_counted() -> None:
    """A fence kind Docusaurus does not know keeps its content and is counted."""
    prepared = await render(":::custom Heads up\nBody.\n:::\n")
    assert prepared.body == "**Heads up**\n\nBody.\n"
    assert prepared.unknown == {"directive:custom": 1}


async def test_code_blocks_stay_as_written_their_title_above() -> None:
    """Code keeps its text; metadata leaves the info string; magic comments go; the title the
    site shows above the block (often a file name) is a line of its own before it."""
    prepared = await render(
        """\
        ```js title="src/app_main.js" showLineNumbers {2}
        const a = {b: 1};
        // highlight-next-line
        <Tabs>{a}</Tabs>
        ```

        ```sh title='Run *it*'
        pnpm i
        ```

        ```text
        plain
        ```
        """
    )
    assert prepared.body == (
        "src/app\\_main.js\n```js\nconst a = {b: 1};\n<Tabs>{a}</Tabs>\n```\n\n"
        "Run \\*it\\*\n```sh\npnpm i\n```\n\n"
        "```text\nplain\n```\n"
    )
    tokens = parse_tokens(prepared.body)
    assert [token.type for token in tokens if token.type in ("fence", "inline")] == [
        "inline",
        "fence",
        "inline",
        "fence",
        "fence",
    ]


@pytest.mark.parametrize(
    "title", ["# not a heading", "1. not a list", "- not an item", "a_b *c* [d] <e> | f"]
)
async def test_code_block_titles_read_as_written(title: str) -> None:
    """A title is the paragraph the site shows, never a heading, list, link or emphasis."""
    prepared = await render(f'```sh title="{title}"\nx\n```\n')
    tokens = parse_tokens(prepared.body)
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close", "fence"]
    assert [child.content for child in tokens[1].children or [] if child.type == "text"] == [title]


async def test_code_block_titles_stay_inside_lists_and_quotes() -> None:
    """A titled block in a list item or a quote keeps its title there, at the block's margin."""
    prepared = await render(
        """\
        1. Add it:

           ```yaml title="pnpm-workspace.yaml"
           packages: []
           ```

        > ```json title="package.json"
        > {}
        > ```
        """
    )
    assert prepared.body == (
        "1. Add it:\n\n   pnpm-workspace.yaml\n   ```yaml\n   packages: []\n   ```\n\n"
        "> package.json\n> ```json\n> {}\n> ```\n"
    )


async def test_tabs_become_content_tabs() -> None:
    """<Tabs>/<TabItem value label> become === "Label" tabs; code inside keeps its lines."""
    prepared = await render(
        """\
        import Tabs from '@theme/Tabs';
        import TabItem from '@theme/TabItem';

        <Tabs groupId="os">
          <TabItem value="mac" label="macOS" default>

            Use **brew**:

            ```bash
            brew install widgets
            ```

          </TabItem>
          <TabItem value="win">
            Use winget.
          </TabItem>
        </Tabs>
        """
    )
    assert prepared.body == (
        '=== "macOS"\n\n'
        "    Use **brew**:\n\n"
        "    ```bash\n"
        "    brew install widgets\n"
        "    ```\n\n"
        '=== "win"\n\n'
        "    Use winget.\n"
    )
    tokens = [token.type for token in parse_tokens(prepared.body)]
    assert tokens.count("content_tab_title_open") == 2
    assert "fence" in tokens


async def test_tab_labels_from_the_tabs_values() -> None:
    """Labels given in <Tabs values={[...]}> name the items."""
    prepared = await render(
        """\
        <Tabs defaultValue="npm" values={[{label: 'npm', value: 'npm'}, {label: 'Yarn', value: 'yarn'}]}>
        <TabItem value="npm">

        npm i

        </TabItem>
        <TabItem value="yarn">

        yarn add

        </TabItem>
        </Tabs>
        """
    )
    assert prepared.body == '=== "npm"\n\n    npm i\n\n=== "Yarn"\n\n    yarn add\n'


async def test_admonition_component() -> None:
    """<Admonition type title> becomes an admonition."""
    prepared = await render(
        """\
        import Admonition from '@theme/Admonition';

        <Admonition type="caution" title="Heads up">
          Mind the gap.
        </Admonition>
        """
    )
    assert prepared.body == '!!! caution "Heads up"\n    Mind the gap.\n'


async def test_details_stay_html_with_markdown_inside() -> None:
    """<details><summary> is kept as HTML, its content as Markdown blocks."""
    prepared = await render("<details>\n<summary>More</summary>\nSome **bold** text.\n</details>\n")
    assert prepared.body == "<details>\n\n<summary>More</summary>\nSome **bold** text.\n\n</details>\n"


async def test_jsx_comments_and_truncate_markers_are_dropped() -> None:
    """{/* */} comments and <!-- truncate --> leave nothing behind."""
    prepared = await render(
        "Intro {/* inline note */} text.\n\n{/* a whole line */}\n\n<!-- truncate -->\n\nMore.\n"
    )
    assert prepared.body == "Intro  text.\n\nMore.\n"
    assert prepared.unknown == {}


async def test_expressions_reduce_to_literal_text() -> None:
    """{'{'}, strings, numbers and exported constants become their text; others are dropped, counted."""
    prepared = await render(
        """\
        export const version = '2.1';

        Use {'{'}name{'}'} in v{version}, {"<b>"} and {40 + 2} or {useThing()}.
        """
    )
    assert prepared.body == "Use {name} in v2.1, \\<b\\> and  or .\n"
    assert prepared.unknown == {"expression": 2}


async def test_heading_ids_stay_as_written() -> None:
    """{#custom-id} on a heading is left for the converter."""
    prepared = await render("## Set up {#setup}\n\nText.\n")
    assert prepared.body == "## Set up {#setup}\n\nText.\n"


async def test_unknown_components_keep_their_text_and_are_counted() -> None:
    """A component the dialect does not know is reduced to its children, counted by name."""
    prepared = await render(
        """\
        import Highlight from '@site/src/components/Highlight';

        This is <Highlight color="#25c2a0">very</Highlight> green.

        <Banner>
          A block of **text**.
        </Banner>

        <Chart data={points} />
        """
    )
    assert prepared.body == "This is very green.\n\nA block of **text**.\n"
    assert prepared.unknown == {"component:Highlight": 1, "component:Banner": 1, "component:Chart": 1}


async def test_html_elements_get_html_attributes() -> None:
    """Lowercase JSX elements stay HTML: className is class, literal expressions become values."""
    prepared = await render(
        """\
        <img src={require('./img/shot.png').default} alt="Shot" style={{width: 300}} />

        Press <kbd className="key">Ctrl</kbd>.
        """
    )
    assert prepared.body == '<img src="./img/shot.png" alt="Shot" />\n\nPress <kbd class="key">Ctrl</kbd>.\n'


async def test_link_and_translate_components() -> None:
    """<Link to> is a Markdown link; <Translate> its text."""
    prepared = await render(
        """\
        import Link from '@docusaurus/Link';
        import Translate from '@docusaurus/Translate';

        See <Link to="/docs/page">the page</Link> and <Translate id="x">hello</Translate>.
        """
    )
    assert prepared.body == "See [the page](</docs/page>) and hello.\n"


async def test_code_block_component() -> None:
    """<CodeBlock language title> is a fenced block under its title; a raw-loader import is read."""
    prepared = await render(
        """\
        import CodeBlock from '@theme/CodeBlock';
        import Source from '!!raw-loader!./example.py';

        <CodeBlock language="py" title="x.py">{Source}</CodeBlock>

        <CodeBlock language="bash">
        {`echo "hi"`}
        </CodeBlock>
        """,
        **{"docs/example.py": "print('hi')\n"},
    )
    assert prepared.body == "x.py\n```py\nprint('hi')\n```\n\n```bash\necho \"hi\"\n```\n"


async def test_partials_are_inlined_with_props() -> None:
    """import X from './_x.mdx' then <X /> inlines the partial; {props.name} reads the props given."""
    prepared = await render(
        """\
        import Intro from './_intro.mdx';

        # Title

        <Intro product="Widgets" />

        End.
        """,
        **{"docs/_intro.mdx": "---\ntitle: ignored\n---\n\n{props.product} are **great**.\n"},
    )
    assert prepared.body == "# Title\n\nWidgets are **great**.\n\nEnd.\n"


async def test_nested_partials_and_rebased_links() -> None:
    """A partial may include another; its relative file links are made relative to the page."""
    prepared = await render(
        """\
        import Shared from '@site/docs/shared/_outer.md';

        <Shared />
        """,
        **{
            "docs/shared/_outer.md": "import Inner from './_inner.mdx';\n\nSee [a](./a.md).\n\n<Inner />\n",
            "docs/shared/_inner.mdx": "Inner [b](../b.md#x), ![img](./pic.png) and [web](https://x.dev).\n",
            "docs/shared/a.md": "A",
            "docs/b.md": "B",
        },
    )
    assert (
        prepared.body
        == "See [a](./shared/a.md).\n\nInner [b](./b.md#x), ![img](./shared/pic.png) and [web](https://x.dev).\n"
    )


async def test_a_missing_partial_is_a_page_problem() -> None:
    """An include of a file that is not there is a PageProblem naming it."""
    site = await open_site(mini_site({"docs/page.mdx": "import X from './_gone.mdx';\n\n<X />\n"}))
    prepared = await prepare(site, "docs/page.mdx")
    assert isinstance(prepared, PageProblem)
    assert "./_gone.mdx" in prepared.message and "docs/_gone.mdx" in prepared.message


async def test_an_include_cycle_is_a_page_problem() -> None:
    """Partials including each other are a PageProblem naming the circle."""
    files = {
        "docs/page.mdx": "import A from './_a.mdx';\n\n<A />\n",
        "docs/_a.mdx": "import B from './_b.mdx';\n\n<B />\n",
        "docs/_b.mdx": "import A from './_a.mdx';\n\n<A />\n",
    }
    site = await open_site(mini_site(files))
    prepared = await prepare(site, "docs/page.mdx")
    assert isinstance(prepared, PageProblem)
    assert "docs/_a.mdx -> docs/_b.mdx -> docs/_a.mdx" in prepared.message


async def test_docusaurus_2_reads_braces_in_text_as_text() -> None:
    """On Docusaurus 2 (MDX 1) {name} in prose is literal text."""
    files = mini_site(
        {
            "docs/a.md": "Call http://{host}/api.\n",
            "package.json": '{"dependencies": {"@docusaurus/core": "2.4.3"}}',
        }
    )
    site = await open_site(files)
    assert (await page(site, "docs/a.md")).body == "Call http://{host}/api.\n"


async def test_markdown_format_detect_reads_md_as_commonmark() -> None:
    """markdown.format 'detect': .md files are CommonMark (no ESM, no JSX); admonitions still work."""
    config = "module.exports = {url: 'https://x.dev', markdown: {format: 'detect'}, presets: ['classic']};"
    body = "import x from 'y'\n\nA <Thing> and {braces}.\n\n:::note\nN.\n:::\n"
    site = await open_site(mini_site({"docs/a.md": body}, config))
    assert (
        await page(site, "docs/a.md")
    ).body == "import x from 'y'\n\nA <Thing> and {braces}.\n\n!!! note\n    N.\n"


async def test_front_matter_format_md_reads_the_page_as_commonmark() -> None:
    """format: md in front matter makes that page CommonMark even where the site reads MDX."""
    prepared = await render("---\nformat: md\n---\n\nA <Thing> and {braces}.\n")
    assert prepared.body == "A <Thing> and {braces}.\n"


async def test_inline_code_is_never_read_as_mdx() -> None:
    """`<Tabs>` and `{x}` in inline code stay."""
    prepared = await render("Write `<Tabs>` and ``{x}`` here.\n")
    assert prepared.body == "Write `<Tabs>` and ``{x}`` here.\n"


async def test_emoji_shortcodes_read_as_the_emoji() -> None:
    """:white_check_mark: is the emoji the site shows (remark-emoji), in prose and tables; in
    code, in HTML comments and when no emoji has that name it stays as written."""
    prepared = await render(
        """\
        | Feature | pnpm | npm |
        |---|:---:|:---:|
        | Workspaces |:white_check_mark:|:x:|

        Done :tada: at 12:30:45, see `:smile:` and :not_an_emoji_name:.
        <!-- :smile: -->

        ```text
        :smile:
        ```
        """
    )
    assert prepared.body == (
        "| Feature | pnpm | npm |\n|---|:---:|:---:|\n| Workspaces |\u2705|\u274c|\n\n"
        "Done \U0001f389 at 12:30:45, see `:smile:` and :not_an_emoji_name:.\n<!-- :smile: -->\n\n"
        "```text\n:smile:\n```\n"
    )


async def test_emoji_shortcodes_in_commonmark_pages_too() -> None:
    """remark-emoji reads .md pages read as CommonMark as well."""
    prepared = await render("---\nformat: md\n---\n\nShip it :rocket:\n")
    assert prepared.body == "Ship it \U0001f680\n"


async def test_a_whole_page_of_the_fixture_site() -> None:
    """The fixture's install page: tabs, an admonition with escaped braces, a partial with props."""
    site = await open_site()
    prepared = await page(site, "versioned_docs/version-2.0/01-getting-started/02-install.mdx")
    assert prepared.body == (
        "Install the CLI with the package manager you use.\n\n"
        '=== "npm"\n\n'
        "    ```bash\n    npm install --global widgets\n    ```\n\n"
        '=== "Yarn"\n\n'
        "    ```bash\n    yarn global add widgets\n    ```\n\n"
        '!!! tip "Check the version"\n'
        "    Run `widgets --version`: it prints {major}.{minor}.\n\n"
        "## Getting help\n\n"
        "Widgets has a community: ask in [the support page](../support.md) or read\n"
        "the [configuration guide](../guides/configuration.md#environment-variables).\n"
    )
    assert prepared.unknown == {}


async def test_cards_written_out_are_links_with_their_text() -> None:
    """A <DocCardList> holding <DocCard header href> cards lists them as links with their text."""
    prepared = await render(
        """\
        import DocCard from '@theme/DocCard';
        import DocCardList from '@theme/DocCardList';

        <DocCardList>
          <DocCard header="Official plugins" href="/apis">
            Maintained by the team.
          </DocCard>
        </DocCardList>
        """
    )
    assert prepared.body == "**[Official plugins](</apis>)**\n\nMaintained by the team.\n"
    assert prepared.unknown == {}


@pytest.mark.parametrize("unit", ["{{ x ", "<A b={ ", "a { b } { ", "{'a' ", "{/* a "])
async def test_a_long_page_of_braces_never_closed_is_read_in_linear_time(unit: str) -> None:
    """Each ``{`` (an expression, or an attribute's) looked to the page's end for its ``}``: a
    page of 100 KB of them took minutes. Now each brace is looked for once."""
    started = time.monotonic()
    prepared = await render("Intro.\n\n" + unit * (100_000 // len(unit)) + "\n")
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert prepared.body.startswith("Intro.")


async def test_template_literals_nested_thousands_deep_fail_the_page_quickly() -> None:
    started = time.monotonic()
    problem = await prepare(
        await open_site(mini_site({"docs/page.mdx": "Intro.\n\n" + "<A b={`${ " * 20_000 + "\n"})),
        "docs/page.mdx",
    )
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert problem == PageProblem("MDX nested too deeply to read")


@pytest.mark.parametrize("unit", ["<!-- a ", "{/* a ", "{` a ", "<A b={`${ `"])
async def test_a_long_page_of_unclosed_comments_is_read_in_linear_time(unit: str) -> None:
    started = time.monotonic()
    prepared = await render("Intro.\n\n" + unit * (400_000 // len(unit)) + "\n")
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert prepared.body.startswith("Intro.")
