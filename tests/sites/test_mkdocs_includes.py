"""Includes are inlined as the site inlines them: pymdownx.snippets (lines, blocks, line
ranges, sections, base paths, auto_append), ``{!file!}`` includes; cycles and missing files."""

from __future__ import annotations

import re

from ingest.sites import PageProblem
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
    assert result.message == "snippets include each other in a cycle: docs/page.md -> a.md -> b.md -> a.md"


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
    assert result.message == 'the snippet "gone.md" cannot be found (check_paths is on)'


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


VARIANTS = "site_name: X\nmarkdown_extensions:\n  - markdown_include_variants\n"


def numbered(name: str, count: int) -> str:
    return "".join(f"{name}{number} = {number}\n" for number in range(1, count + 1))


async def test_fastapi_code_variants_show_the_file_and_its_other_versions() -> None:
    """markdown_include_variants (FastAPI): ``{* file *}`` shows the file in a tab named for its
    Python version, and the other variants beside it (``_an`` Annotated, ``_py39``/``_py310``/
    ``_py311``; Annotated ones first, newest first) in an "Other versions and variants" block,
    a non-Annotated one with its tip."""
    files = {
        "src/t001_an_py310.py": numbered("an310_", 2),
        "src/t001_py310.py": numbered("plain310_", 2),
        "src/t001_an_py39.py": numbered("an39_", 2),
    }
    prepared = await body_of("{* src/t001_an_py310.py hl[1] *}\n", config=VARIANTS, files=files)
    assert squeezed(prepared.body) == (
        '=== "Python 3.10+"\n    ```python\n    an310_1 = 1\n    an310_2 = 2\n    ```\n\n'
        '??? note "🤓 Other versions and variants"\n\n'
        '    === "Python 3.9+"\n\n        ```python\n        an39_1 = 1\n        an39_2 = 2\n        ```\n\n'
        '    === "Python 3.10+ - non-Annotated"\n\n'
        "        !!! tip\n\n            Prefer to use the `Annotated` version if possible.\n\n"
        "        ```python\n        plain310_1 = 1\n        plain310_2 = 2\n        ```"
    )


async def test_fastapi_code_variants_with_line_ranges_show_those_lines_and_the_full_file() -> None:
    """``ln[2:3,5:5]``: those lines, with the comments the extension writes where code is left
    out, then the whole file in a "Full file preview" block."""
    files = {"src/t.py": numbered("line", 6)}
    prepared = await body_of("{* src/t.py ln[2:3,5:5] hl[2] *}\n", config=VARIANTS, files=files)
    assert squeezed(prepared.body) == (
        '=== "Python 3.8+"\n    ```python\n    # Code above omitted 👆\n\n'
        "    line2 = 2\n    line3 = 3\n\n    # Code here omitted 👈\n\n    line5 = 5\n\n"
        "    # Code below omitted 👇\n    ```\n\n"
        '??? note "👀 Full file preview"\n\n    === "Python 3.8+"\n\n'
        "        ```python\n" + "".join(f"        line{n} = {n}\n" for n in range(1, 7)) + "        ```"
    )


async def test_fastapi_code_variants_of_a_file_in_a_variant_folder_are_in_the_sibling_folders() -> None:
    files = {"src/app_an_py310/main.py": "annotated = 1\n", "src/app_py310/main.py": "plain = 1\n"}
    prepared = await body_of("{* src/app_an_py310/main.py *}\n", config=VARIANTS, files=files)
    body = squeezed(prepared.body)
    assert body.startswith('=== "Python 3.10+"\n    ```python\n    annotated = 1\n')
    assert '=== "Python 3.10+ - non-Annotated"' in body and "plain = 1" in body
