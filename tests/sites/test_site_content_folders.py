"""A site config naming its pages' folder outside the source (``../..``, ``/etc``), or as no folder
at all, is one sentence naming the file and the key, not a source that silently has no pages."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest

from ingest.errors import ConnectorError
from ingest.sites.contract import SiteSettings
from ingest.sites.registry import load_dialect

PAGES = {
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "docs/index.md": "# Home\n\nWelcome.\n",
}
DOCUSAURUS = (
    "module.exports = {{url: 'https://docs.example.com', baseUrl: '/', presets: [['classic', {options}]]}};\n"
)


class MemoryFiles:
    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = {path: text.encode() for path, text in {**PAGES, **files}.items()}

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        return self.files.get(path)


async def refused(dialect: str, files: Mapping[str, str]) -> str:
    with pytest.raises(ConnectorError) as raised:
        await load_dialect(dialect).open(MemoryFiles(files), SiteSettings())
    return str(raised.value)


@pytest.mark.parametrize("folder", ["../..", "/etc", "docs/../../secrets"])
async def test_an_mkdocs_docs_dir_outside_the_source_is_refused(folder: str) -> None:
    message = await refused("mkdocs", {"mkdocs.yml": f"site_name: Docs\ndocs_dir: {folder}\n"})
    assert message == (
        f"mkdocs.yml: docs_dir {folder!r} leads outside the source; it names the folder of the pages, "
        "such as docs"
    )


async def test_an_mkdocs_docs_dir_that_is_no_folder_of_the_source_is_refused() -> None:
    """MkDocs stops when docs_dir does not exist: so does the source, saying which."""
    message = await refused("mkdocs", {"mkdocs.yml": "site_name: Docs\ndocs_dir: documentation\n"})
    assert (
        message == "mkdocs.yml: docs_dir 'documentation' is no folder of the source (MkDocs would stop too)"
    )


@pytest.mark.parametrize(
    ("config", "key", "value"),
    [
        ("contentDir = '../../../etc'\n", "contentDir", "../../../etc"),
        ("contentDir = '/etc'\n", "contentDir", "/etc"),
        ("[languages.fr]\ncontentDir = '../fr'\n", "languages.fr.contentDir", "../fr"),
    ],
)
async def test_a_hugo_content_dir_outside_the_source_is_refused(config: str, key: str, value: str) -> None:
    message = await refused("hugo", {"hugo.toml": "baseURL = 'https://docs.example.com/'\n" + config})
    assert message == (
        f"The Hugo configuration hugo.toml: {key} {value!r} leads outside the source; "
        "it names a folder of the source, such as content"
    )


async def test_a_hugo_content_dir_that_is_no_folder_name_is_refused() -> None:
    message = await refused(
        "hugo", {"hugo.toml": "baseURL = 'https://docs.example.com/'\ncontentDir = ['docs']\n"}
    )
    assert (
        message
        == "The Hugo configuration hugo.toml: contentDir must be a folder name such as content, not ['docs']"
    )


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ("{docs: {path: '../../etc'}}", "presets docs.path"),
        ("{blog: {path: '/var/blog'}}", "presets blog.path"),
    ],
)
async def test_a_docusaurus_content_path_outside_the_source_is_refused(options: str, key: str) -> None:
    message = await refused("docusaurus", {"docusaurus.config.js": DOCUSAURUS.format(options=options)})
    assert message.startswith(f"docusaurus.config.js: {key} ")
    assert message.endswith("leads outside the source; it names a folder of the source, such as docs")
