"""What a page includes or embeds is bounded in every dialect: a page including files that include
each other many times over (no cycle: a "billion laughs" of includes) or a huge file fails quickly,
naming the file, and the source's other pages are read as usual."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping

import pytest
from bounds import STALLED_AFTER_SECONDS

from ingest.document import Failure, SourceDocument
from ingest.sites.contract import SiteSettings
from ingest.sites.registry import load_dialect
from ingest.sites.source import load_page

#: Nine levels of files each including the level below ten times: 10**9 copies of the last, inlined.
LEVELS = 9


class MemoryFiles:
    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = {path: text.encode() for path, text in files.items()}

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        return self.files.get(path)


def hugo(
    include: Callable[[str], str], big: str | None = None, levels: int = LEVELS
) -> tuple[dict[str, str], str]:
    files = {
        "hugo.toml": "baseURL = 'https://docs.example.com/'\n",
        "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
        "content/other.md": "---\ntitle: Other\n---\nAnother page.\n",
    }
    if big is not None:
        files["data/big.log"] = big
        files["content/page.md"] = '---\ntitle: Page\n---\nText.\n\n{{< readfile file="/data/big.log" >}}\n'
        return files, "content/page.md"
    files["snippets/level0.md"] = "Laugh.\n"
    for level in range(1, levels + 1):
        files[f"snippets/level{level}.md"] = include(
            f'{{{{% readfile file="/snippets/level{level - 1}.md" %}}}}\n'
        )
    files["content/page.md"] = (
        f'---\ntitle: Page\n---\nText.\n\n{{{{% readfile file="/snippets/level{levels}.md" %}}}}\n'
    )
    return files, "content/page.md"


def docusaurus(
    include: Callable[[str], str], big: str | None = None, levels: int = LEVELS
) -> tuple[dict[str, str], str]:
    files = {
        "docusaurus.config.js": "module.exports = {url: 'https://docs.example.com', baseUrl: '/', "
        "presets: [['classic', {docs: {}}]]};\n",
        "docs/other.md": "# Other\n\nAnother page.\n",
    }
    if big is not None:
        files["docs/_big.mdx"] = big
        files["docs/page.mdx"] = "# Page\n\nimport Big from './_big.mdx';\n\nText.\n\n<Big />\n"
        return files, "docs/page.mdx"
    files["docs/_level0.mdx"] = "Laugh.\n"
    for level in range(1, levels + 1):
        files[f"docs/_level{level}.mdx"] = f"import Below from './_level{level - 1}.mdx';\n\n" + include(
            "<Below />\n\n"
        )
    files["docs/page.mdx"] = f"# Page\n\nimport Top from './_level{levels}.mdx';\n\nText.\n\n<Top />\n"
    return files, "docs/page.mdx"


def mkdocs(
    include: Callable[[str], str], big: str | None = None, levels: int = LEVELS
) -> tuple[dict[str, str], str]:
    files = {
        "mkdocs.yml": "site_name: Docs\nmarkdown_extensions:\n  - pymdownx.snippets\n",
        "docs/other.md": "# Other\n\nAnother page.\n",
    }
    if big is not None:
        files["big.log"] = big
        files["docs/page.md"] = '# Page\n\nText.\n\n--8<-- "big.log"\n'
        return files, "docs/page.md"
    files["snippets/level0.md"] = "Laugh.\n"
    for level in range(1, levels + 1):
        files[f"snippets/level{level}.md"] = include(f'--8<-- "snippets/level{level - 1}.md"\n')
    files["docs/page.md"] = f'# Page\n\nText.\n\n--8<-- "snippets/level{levels}.md"\n'
    return files, "docs/page.md"


def mkdocs_includes(
    include: Callable[[str], str], big: str | None = None, levels: int = LEVELS
) -> tuple[dict[str, str], str]:
    files = {
        "mkdocs.yml": "site_name: Docs\nmarkdown_extensions:\n  - markdown_include.include\n",
        "docs/other.md": "# Other\n\nAnother page.\n",
    }
    if big is not None:
        files["big.log"] = big
        files["docs/page.md"] = "# Page\n\nText.\n\n{!big.log!}\n"
        return files, "docs/page.md"
    files["snippets/level0.md"] = "Laugh.\n"
    for level in range(1, levels + 1):
        files[f"snippets/level{level}.md"] = include(f"{{!snippets/level{level - 1}.md!}}\n")
    files["docs/page.md"] = f"# Page\n\nText.\n\n{{!snippets/level{levels}.md!}}\n"
    return files, "docs/page.md"


def obsidian(
    include: Callable[[str], str], big: str | None = None, levels: int = LEVELS
) -> tuple[dict[str, str], str]:
    files = {".obsidian/app.json": "{}", "Other.md": "Another page.\n"}
    if big is not None:
        files["Big.md"] = big
        files["Page.md"] = "Text.\n\n![[Big]]\n"
        return files, "Page.md"
    files["Level0.md"] = "Laugh.\n"
    for level in range(1, levels + 1):
        files[f"Level{level}.md"] = include(f"![[Level{level - 1}]]\n")
    files["Page.md"] = f"Text.\n\n![[Level{levels}]]\n"
    return files, "Page.md"


SITES = {
    "hugo": hugo,
    "docusaurus": docusaurus,
    "mkdocs": mkdocs,
    "mkdocs-include": mkdocs_includes,
    "obsidian": obsidian,
}


async def loaded(dialect: str, files: Mapping[str, str], path: str) -> SourceDocument | Failure:
    source = MemoryFiles(files)
    site = await load_dialect(dialect.partition("-")[0]).open(
        source, SiteSettings("https://docs.example.com/")
    )
    raw = source.files[path]
    result = await load_page(site, raw, path=path, fingerprint="1", modified=None)
    assert isinstance(result, SourceDocument | Failure), result
    return result


@pytest.mark.parametrize("dialect", sorted(SITES))
async def test_includes_many_times_over_fail_the_page_quickly(dialect: str) -> None:
    files, path = SITES[dialect](lambda line: line * 10)
    started = time.monotonic()
    result = await loaded(dialect, files, path)
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert isinstance(result, Failure), result
    assert "it includes or embeds more than 1,000 files, counting each time one is included" in result.message
    assert result.message.startswith(f"{path}: ")


@pytest.mark.parametrize("dialect", sorted(SITES))
async def test_a_huge_included_file_fails_the_page(dialect: str) -> None:
    files, path = SITES[dialect](lambda line: line, big="A log line.\n" * 500_000)
    result = await loaded(dialect, files, path)
    assert isinstance(result, Failure), result
    assert "what it includes or embeds adds up to more than 5,000,000 characters" in result.message


@pytest.mark.parametrize("dialect", sorted(SITES))
async def test_a_page_including_a_few_files_is_read(dialect: str) -> None:
    files, path = SITES[dialect](lambda line: line * 2, levels=6)
    result = await loaded(dialect, files, path)
    assert isinstance(result, SourceDocument), result
    assert result.body.count("Laugh.") == 2**6


CYCLES = {
    "hugo": (
        {
            "hugo.toml": "baseURL = 'https://docs.example.com/'\n",
            "content/page.md": '---\ntitle: Page\n---\nText.\n\n{{% readfile file="/snippets/a.md" %}}\n',
            "snippets/a.md": '{{% readfile file="/snippets/b.md" %}}\n',
            "snippets/b.md": '{{% readfile file="/snippets/a.md" %}}\n',
        },
        "content/page.md",
    ),
    "docusaurus": (
        {
            "docusaurus.config.js": "module.exports = {url: 'https://docs.example.com', baseUrl: '/', "
            "presets: [['classic', {docs: {}}]]};\n",
            "docs/page.mdx": "# Page\n\nimport A from './_a.mdx';\n\nText.\n\n<A />\n",
            "docs/_a.mdx": "import B from './_b.mdx';\n\n<B />\n",
            "docs/_b.mdx": "import A from './_a.mdx';\n\n<A />\n",
        },
        "docs/page.mdx",
    ),
    "mkdocs": (
        {
            "mkdocs.yml": "site_name: Docs\nmarkdown_extensions:\n  - pymdownx.snippets\n",
            "docs/page.md": '# Page\n\nText.\n\n--8<-- "snippets/a.md"\n',
            "snippets/a.md": '--8<-- "snippets/b.md"\n',
            "snippets/b.md": '--8<-- "snippets/a.md"\n',
        },
        "docs/page.md",
    ),
    "obsidian": (
        {".obsidian/app.json": "{}", "Page.md": "Text.\n\n![[A]]\n", "A.md": "![[B]]\n", "B.md": "![[A]]\n"},
        "Page.md",
    ),
}


@pytest.mark.parametrize("dialect", sorted(CYCLES))
async def test_a_page_that_cannot_be_prepared_is_named_once(dialect: str) -> None:
    """The run's failure names the page, then says why (here: an include cycle), not the page twice."""
    files, path = CYCLES[dialect]
    result = await loaded(dialect, files, path)
    assert isinstance(result, Failure), result
    assert result.message.startswith(f"{path}: ")
    assert not result.message.startswith(f"{path}: {path}"), result.message
    assert "cycle" in result.message or "circle" in result.message
