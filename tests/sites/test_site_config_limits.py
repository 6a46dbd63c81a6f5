"""A docs site's config that is malformed, huge or hostile is one sentence naming the file, found
quickly: never a traceback, a hang or memory exhausted (YAML aliases nested as a "billion laughs",
an alias holding itself, nesting thousands deep)."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping

import pytest
from bounds import STALLED_AFTER_SECONDS

from ingest.document import SourceDocument
from ingest.errors import ConnectorError
from ingest.sites import safeyaml
from ingest.sites.contract import SiteSettings
from ingest.sites.registry import load_dialect
from ingest.sites.source import load_page

#: Nine levels of nine aliases to the level below: 9**9 values once expanded.
LAUGHS = "a0: &a0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]\n" + "".join(
    f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]\n" for level in range(1, 10)
)
PAGES = {"content/_index.md": "---\ntitle: Home\n---\nWelcome.\n", "docs/index.md": "# Home\n\nWelcome.\n"}


class MemoryFiles:
    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = {path: text.encode() for path, text in {**PAGES, **files}.items()}

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        return self.files.get(path)


async def refused(dialect: str, files: Mapping[str, str]) -> str:
    started = time.monotonic()
    with pytest.raises(ConnectorError) as raised:
        await load_dialect(dialect).open(MemoryFiles(files), SiteSettings())
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    return str(raised.value)


@pytest.mark.parametrize(
    ("dialect", "name", "config"),
    [
        ("hugo", "hugo.yaml", "baseURL: https://docs.example.com/\n" + LAUGHS + "params: *a9\n"),
        ("hugo", "config/_default/params.yaml", LAUGHS),
        ("mkdocs", "mkdocs.yml", "site_name: Docs\n" + LAUGHS + "extra: {laughs: *a9}\n"),
    ],
)
async def test_a_billion_laughs_in_a_config_is_refused_naming_the_file(
    dialect: str, name: str, config: str
) -> None:
    files = {name: config}
    if name.startswith("config/"):
        files["hugo.toml"] = "baseURL = 'https://docs.example.com/'\n"
    message = await refused(dialect, files)
    assert name in message
    assert 'aliases expand to more than 1,000,000 values (a "billion laughs"?)' in message


@pytest.mark.parametrize(
    ("dialect", "name", "config"),
    [
        ("hugo", "hugo.yaml", "baseURL: https://docs.example.com/\nparams: &p {again: *p}\n"),
        ("mkdocs", "mkdocs.yml", "site_name: Docs\nextra: &e {again: *e}\n"),
    ],
)
async def test_an_alias_holding_itself_is_refused_naming_the_file(
    dialect: str, name: str, config: str
) -> None:
    message = await refused(dialect, {name: config})
    assert name in message
    assert "an alias is used inside the value it names" in message


@pytest.mark.parametrize(
    ("dialect", "name", "config"),
    [
        ("hugo", "hugo.json", '{"params": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"),
        ("hugo", "hugo.toml", "params = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("hugo", "hugo.yaml", "params: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("mkdocs", "mkdocs.yml", "site_name: Docs\nextra: " + "[" * 5000 + "]" * 5000 + "\n"),
    ],
)
async def test_a_config_nested_thousands_deep_is_refused_naming_the_file(
    dialect: str, name: str, config: str
) -> None:
    message = await refused(dialect, {name: config})
    assert name in message
    assert "nested" in message
    assert "RecursionError" not in message


async def test_an_inherited_mkdocs_config_merging_into_itself_is_refused() -> None:
    """Two configs whose nested mappings hold themselves are refused before they are merged."""
    message = await refused(
        "mkdocs",
        {"mkdocs.yml": "INHERIT: base.yml\nextra: &e {a: *e}\n", "base.yml": "extra: &f {a: *f}\n"},
    )
    assert message.startswith("mkdocs.yml: the MkDocs config is not valid YAML")


def test_shared_settings_through_aliases_still_read() -> None:
    """Aliases a config uses to share a setting are read as PyYAML reads them."""
    loaded = safeyaml.load("base: &base {theme: dark, lang: en}\nen: *base\nfr: {<<: *base, lang: fr}\n")
    assert loaded == {
        "base": {"theme": "dark", "lang": "en"},
        "en": {"theme": "dark", "lang": "en"},
        "fr": {"theme": "dark", "lang": "fr"},
    }


DOUBLING = "const s0 = 'ha';\n" + "".join(f"const s{n} = s{n - 1} + s{n - 1};\n" for n in range(1, 64))


@pytest.mark.parametrize(
    "config",
    [
        DOUBLING + "module.exports = {title: s63, url: 'https://docs.example.com', baseUrl: '/'};\n",
        "const a = {b: a, c: a, ...a};\nconst t = `${t}${t}`;\n"
        "module.exports = {title: t, url: 'https://docs.example.com', baseUrl: '/', presets: a};\n",
    ],
)
async def test_a_docusaurus_config_whose_values_grow_without_end_is_refused(config: str) -> None:
    """Constants doubling a string 63 times, or used in themselves, are refused in one sentence
    (reading them hung the scan)."""
    message = await refused("docusaurus", {"docusaurus.config.js": config})
    assert message.startswith("docusaurus.config.js: the Docusaurus config's values are too costly to read")


async def test_an_mdx_page_whose_exported_constants_grow_without_end_is_read() -> None:
    """A page's ``export const`` past the bounds is a value the page cannot know, shown as such."""
    files = MemoryFiles(
        {
            "docusaurus.config.js": "module.exports = {url: 'https://docs.example.com', baseUrl: '/', "
            "presets: [['classic', {docs: {}}]]};\n",
            "docs/page.mdx": "# Page\n\n"
            + "".join(f"export {line}\n" for line in DOUBLING.splitlines())
            + "\nText {s63}.\n",
        }
    )
    site = await load_dialect("docusaurus").open(files, SiteSettings("https://docs.example.com/"))
    started = time.monotonic()
    result = await load_page(
        site, files.files["docs/page.mdx"], path="docs/page.mdx", fingerprint="1", modified=None
    )
    assert time.monotonic() - started < STALLED_AFTER_SECONDS
    assert isinstance(result, SourceDocument), result
    assert "Text" in result.body


async def test_an_obsidian_config_nested_thousands_deep_is_refused_naming_the_file() -> None:
    message = await refused(
        "obsidian",
        {".obsidian/templates.json": '{"folder": ' + "[" * 100_000 + "]" * 100_000 + "}", "Note.md": "Hi.\n"},
    )
    assert message == ".obsidian/templates.json: not valid JSON (nested too deeply)"


async def test_a_yaml_config_of_many_megabytes_is_refused_quickly_naming_the_file() -> None:
    """YAML is read by pure Python at a few megabytes a second: a 30 MB config would hold the
    scan for a minute. Past 10 MB it is refused, naming the file."""
    huge = "site_name: Docs\nextra:\n" + "".join(f"  key{n}: value number {n}\n" for n in range(1_200_000))
    message = await refused("mkdocs", {"mkdocs.yml": huge})
    assert message.startswith("mkdocs.yml: the MkDocs config is not valid YAML")
    assert "more than the 10,000,000 a site's YAML may be" in message
