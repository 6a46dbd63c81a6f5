"""Helpers for the MkDocs dialect's tests: a source's files in memory or in a fixture folder,
and a page loaded as the connector loads it (front matter split off, then ``prepare``)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from ingest.sites import NotAPage, PageProblem, PreparedPage, SiteSettings
from ingest.sites.mkdocs import MkDocsDialect, MkDocsSite

FIXTURES = Path(__file__).parent / "fixtures" / "mkdocs"
_FRONT = re.compile(r"^---\n(.*?\n)---\n", re.DOTALL)


class MemoryFiles:
    """SiteFiles over a dict of path -> text (or bytes)."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self.files = {path: text.encode() if isinstance(text, str) else text for path, text in files.items()}
        self.reads: list[str] = []

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        self.reads.append(path)
        return self.files.get(path)


def folder_files(name: str) -> MemoryFiles:
    """The fixture site ``name`` (under tests/sites/fixtures/mkdocs) as SiteFiles."""
    root = FIXTURES / name
    return MemoryFiles(
        {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    )


async def open_site(files: MemoryFiles, **settings: Any) -> MkDocsSite:
    site = await MkDocsDialect.open(files, SiteSettings(**settings))
    assert isinstance(site, MkDocsSite)
    return site


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT.match(text)
    if match is None:
        return {}, text
    return yaml.safe_load(match[1]) or {}, text[match.end() :]


async def load(site: MkDocsSite, files: MemoryFiles, path: str) -> PreparedPage | NotAPage | PageProblem:
    """``path`` prepared as the connector would: its front matter split off first."""
    raw = files.files[path].decode()
    front, body = split_front_matter(raw)
    return await site.prepare(path, front, body)


async def page(site: MkDocsSite, files: MemoryFiles, path: str) -> PreparedPage:
    result = await load(site, files, path)
    assert isinstance(result, PreparedPage), result
    return result


async def body_of(
    markdown: str, *, config: str = "site_name: Test\n", files: Mapping[str, str] | None = None
) -> PreparedPage:
    """``markdown`` prepared as ``docs/page.md`` of a minimal site holding ``files`` too."""
    source = MemoryFiles({"mkdocs.yml": config, "docs/page.md": markdown, **(files or {})})
    site = await open_site(source)
    return await page(site, source, "docs/page.md")
