"""Includes are inlined as the site inlines them: pymdownx.snippets (lines, blocks, line
ranges, sections, base paths, auto_append), ``{!file!}`` includes; cycles and missing files."""

from __future__ import annotations

import re

from ingest.sites import PageProblem, PreparedPage
from tests.sites.mkdocs_support import MemoryFiles, body_of, folder_files, load, open_site, page


def squeezed(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


async def test_snippets_of_the_fixture_site() -> None:
    """Line form, a section, a block with a line range, indentation kept, the escape, auto_append."""
    files = folder_files("docs-site")
    prepared = await page(await open_site(files), files, "docs/reference/snippets.md")
    assert squeezed(prepared.body) == (
        "# Snippets\n\n"
        "Run `acme init` in your project.\n\n"
        "Second step.\n\n"
        "line two\nline three\n\n"
        "    Run `acme init` in your project.\n\n"
        '--8<-- "install.md"'
    )
    assert prepared.warnings == ()


async def test_nested_snippets_are_inlined() -> None:
    prepared = await body_of(
        'Top.\n\n--8<-- "a.md"\n',
        files={"a.md": 'A says hi.\n\n--8<-- "b.md"\n', "b.md": "B says hi.\n"},
    )
    assert squeezed(prepared.body) == "Top.\n\nA says hi.\n\nB says hi."


async def test_a_snippet_cycle_is_a_problem_naming_the_files() -> None:
    files = MemoryFiles(
        {
            "mkdocs.yml": "site_name: X\n",
            "docs/page.md": 'Top.\n\n--8<-- "a.md"\n',
            "a.md": '--8<-- "b.md"\n',
            "b.md": '--8<-- "a.md"\n',
        }
    )
    result = await load(await open_site(files), files, "docs/page.md")
    assert isinstance(result, PageProblem)
    assert (
        result.message
        == "docs/page.md: snippets include each other in a cycle: docs/page.md -> a.md -> b.md -> a.md"
    )


async def test_a_missing_snippet_is_a_warning_as_the_site_shows_the_page_without_it() -> None:
    prepared = await body_of('Before.\n\n--8<-- "gone.md"\n\nAfter.\n')
    assert squeezed(prepared.body) == "Before.\n\nAfter."
    assert prepared.warnings == (
        'docs/page.md: the snippet "gone.md" cannot be found; the site shows the page without it',
    )


async def test_a_missing_snippet_with_check_paths_is_a_problem() -> None:
    config = "site_name: X\nmarkdown_extensions:\n  - pymdownx.snippets:\n      check_paths: true\n"
    files = MemoryFiles({"mkdocs.yml": config, "docs/page.md": '--8<-- "gone.md"\n'})
    result = await load(await open_site(files), files, "docs/page.md")
    assert isinstance(result, PageProblem)
    assert result.message == 'docs/page.md: the snippet "gone.md" cannot be found (check_paths is on)'


async def test_a_missing_section_is_a_warning() -> None:
    prepared = await body_of('Text.\n\n--8<-- "a.md:nope"\n', files={"a.md": "text\n"})
    assert prepared.warnings == (
        'docs/page.md: the section "nope" of the snippet "a.md" cannot be found;'
        " the site shows the page without it",
    )


async def test_snippets_stay_under_their_base_path() -> None:
    """restrict_base_path (the default): ../ cannot leave a base path; base paths are tried in order."""
    config = (
        "site_name: X\nmarkdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snippets, shared]\n"
    )
    prepared = await body_of(
        '--8<-- "../secret.md"\n\n--8<-- "note.md"\n',
        config=config,
        files={"secret.md": "Secret.\n", "shared/note.md": "Shared note.\n"},
    )
    assert squeezed(prepared.body) == "Shared note."
    assert len(prepared.warnings) == 1 and '"../secret.md"' in prepared.warnings[0]


async def test_line_ranges_in_every_form() -> None:
    lines = "".join(f"l{number}\n" for number in range(1, 8))
    source = '--8<-- "n.md:2:3"\n\n--8<-- "n.md:6"\n\n--8<-- "n.md::1"\n\n--8<-- "n.md:1:1,4:4"\n'
    prepared = await body_of(source, files={"n.md": lines})
    assert squeezed(prepared.body) == "l2\nl3\n\nl6\nl7\n\nl1\n\nl1\nl4"


async def test_snippets_are_expanded_inside_code_fences_too() -> None:
    prepared = await body_of('```py\n--8<-- "app.py"\n```\n', files={"app.py": "print('hi')\n"})
    assert prepared.body.strip() == "```py\nprint('hi')\n```"


async def test_section_markers_never_show() -> None:
    prepared = await body_of(
        '--8<-- "c.py"\n', files={"c.py": "# --8<-- [start:x]\nx = 1\n# --8<-- [end:x]\n"}
    )
    assert prepared.body.strip() == "x = 1"


async def test_remote_snippets_are_not_fetched() -> None:
    prepared = await body_of('Text.\n\n--8<-- "https://example.com/x.md"\n')
    assert prepared.unknown == {"snippet:url": 1}
    assert prepared.warnings == ("docs/page.md: the remote snippet https://example.com/x.md is not fetched",)


async def test_markdown_include_files_are_inlined_where_they_stand() -> None:
    config = "site_name: X\nmarkdown_extensions:\n  - mdx_include:\n      base_path: docs\n"
    prepared = await body_of(
        "Intro.\n\n```python\n{!> ../src/app.py!}\n```\n\nText {! parts/inline.md !} end.\n",
        config=config,
        files={"src/app.py": "print('app')\n", "docs/parts/inline.md": "inlined"},
    )
    assert prepared.body.strip() == "Intro.\n\n```python\nprint('app')\n```\n\nText inlined end."


async def test_an_include_cycle_is_a_problem() -> None:
    files = MemoryFiles(
        {"mkdocs.yml": "site_name: X\n", "docs/page.md": "{!a.md!}\n", "a.md": "{!b.md!}", "b.md": "{!a.md!}"}
    )
    result = await load(await open_site(files), files, "docs/page.md")
    assert (
        isinstance(result, PageProblem)
        and "cycle" in result.message
        and "a.md -> b.md -> a.md" in result.message
    )


async def test_fastapi_code_variants_become_code_blocks() -> None:
    """markdown_include_variants (FastAPI): {* file ln[..] hl[..] *} shows the file, or those lines."""
    config = "site_name: X\nmarkdown_extensions:\n  - markdown_include_variants\n"
    code = "".join(f"line{number} = {number}\n" for number in range(1, 6))
    prepared = await body_of(
        "{* src/t.py hl[1] *}\n\n{* src/t.py ln[1:2,4:4] *}\n", config=config, files={"src/t.py": code}
    )
    assert isinstance(prepared, PreparedPage)
    assert squeezed(prepared.body) == (
        "```python\n" + code + "```\n\n```python\nline1 = 1\nline2 = 2\n...\nline4 = 4\n```"
    )
