"""Docusaurus sites for tests: the fixture site on disk, or a few files in memory."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ingest.sites.contract import NotAPage, PageProblem, PreparedPage, SiteSettings
from ingest.sites.docusaurus import DocusaurusDialect, DocusaurusSite
from ingest.sites.docusaurus.mdxrender import split_front_matter
from ingest.sites.docusaurus.site import read_front

FIXTURE = Path(__file__).parent / "fixtures" / "docusaurus" / "site"
SITE_URL = "https://widgets.acme.dev/"


class MemoryFiles:
    """A ``SiteFiles`` holding ``files`` (path -> text or bytes); counts reads."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self.files = {path: text.encode() if isinstance(text, str) else text for path, text in files.items()}
        self.reads: list[str] = []

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        self.reads.append(path)
        return self.files.get(path)


def fixture_files(changes: Mapping[str, str | bytes | None] | None = None) -> MemoryFiles:
    """The fixture site's files, with ``changes`` (a path's new text, or None to remove it)."""
    files: dict[str, str | bytes] = {
        path.relative_to(FIXTURE).as_posix(): path.read_bytes()
        for path in FIXTURE.rglob("*")
        if path.is_file()
    }
    for path, text in (changes or {}).items():
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return MemoryFiles(files)


async def open_site(
    files: MemoryFiles | Mapping[str, str | bytes] | None = None, **settings: Any
) -> DocusaurusSite:
    if files is None:
        files = fixture_files()
    elif not isinstance(files, MemoryFiles):
        files = MemoryFiles(files)
    settings.setdefault("site_url", SITE_URL)
    site = await DocusaurusDialect.open(files, SiteSettings(**settings))
    assert isinstance(site, DocusaurusSite)
    return site


async def prepare(site: DocusaurusSite, path: str) -> PreparedPage | NotAPage | PageProblem:
    """Prepares ``path`` as the connector would: front matter split off, then ``prepare``."""
    raw = await site.files.read(path)
    assert raw is not None, path
    text = raw.decode()
    return await site.prepare(path, read_front(text), split_front_matter(text))


async def page(site: DocusaurusSite, path: str) -> PreparedPage:
    prepared = await prepare(site, path)
    assert isinstance(prepared, PreparedPage), prepared
    return prepared


MINI_CONFIG = "module.exports = {url: 'https://x.dev', baseUrl: '/', presets: [['classic', {}]]};"


def mini_site(files: Mapping[str, str], config: str = MINI_CONFIG) -> MemoryFiles:
    """A site of ``docusaurus.config.js`` (``config``) and ``files``."""
    return MemoryFiles({"docusaurus.config.js": config, **files})
