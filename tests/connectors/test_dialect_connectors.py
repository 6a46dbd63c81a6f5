"""The real dialects through the Markdown connectors: what reaches a dialect and what it sees."""

from __future__ import annotations

from pathlib import Path

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.document import DocumentRef, SourceDocument

DOCUSAURUS = {
    "docusaurus.config.js": (
        "module.exports = { title: 'Docs', url: 'https://docs.example.com', baseUrl: '/',\n"
        "  presets: [['classic', { docs: {}, blog: false }]] };\n"
    ),
    "docs/intro.md": "# Intro\n\nSee [install](install.mdx).\n",
    "docs/install.mdx": (
        "---\ntitle: Install\n---\nimport Tabs from '@theme/Tabs';\n\n"
        ":::tip Heads up\n\nRun `widgets`.\n\n:::\n"
    ),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def folder(root: Path, **options: object) -> FilesystemConnector:
    values = {"path": str(root), "site_url": "https://docs.example.com/", **options}
    return FilesystemConnector(FilesystemOptions.model_validate(values))


async def scanned(connector: FilesystemConnector) -> dict[str, object]:
    return {item.locator: item async for item in connector.scan()}


async def test_an_mdx_page_reaches_the_dialect_that_claims_it_and_is_read_as_markdown(tmp_path: Path) -> None:
    connector = folder(write(tmp_path, DOCUSAURUS))
    found = await scanned(connector)
    assert sorted(found) == ["docs/install.mdx", "docs/intro.md"]
    ref = found["docs/install.mdx"]
    assert isinstance(ref, DocumentRef)
    page = await connector.load(ref)
    assert isinstance(page, SourceDocument)
    assert (page.title, page.url) == ("Install", "https://docs.example.com/docs/install")
    assert "import " not in page.body and ":::" not in page.body and "Heads up" in page.body


async def test_a_plain_source_ignores_mdx(tmp_path: Path) -> None:
    """JSX would leak: a plain source takes no .mdx file, whether plain is named or found."""
    files = {"guide.md": "# Guide\n", "widget.mdx": "import X from 'x';\n\n<X />\n"}
    for site in ("plain", "auto"):
        found = await scanned(folder(write(tmp_path / site, files), site=site))
        assert sorted(found) == ["guide.md"]
