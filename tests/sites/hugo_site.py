"""Helpers of the Hugo dialect's tests: a site's files in memory, opened and prepared as the
connectors do (they split the front matter, then call ``prepare``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from ingest.sites.contract import NotAPage, PageProblem, PreparedPage, Site, SiteSettings
from ingest.sites.hugo import HugoDialect
from ingest.sites.hugo.frontmatter import decode, split_front_matter

#: A small bilingual docs site written in the shape of a real Hugo docs source.
DOCS = Path(__file__).parent / "fixtures" / "hugo" / "docs"
SITE_URL = "https://docs.example.com/"


class MemoryFiles:
    """``SiteFiles`` over a dict of paths to text (or bytes)."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self.files = dict(files)

    def paths(self) -> Collection[str]:
        return list(self.files)

    async def read(self, path: str) -> bytes | None:
        data = self.files.get(path)
        return data.encode() if isinstance(data, str) else data


def docs_files() -> MemoryFiles:
    """The fixture site, in memory so that a test may add or change a file."""
    return MemoryFiles(
        {str(path.relative_to(DOCS)): path.read_bytes() for path in sorted(DOCS.rglob("*")) if path.is_file()}
    )


async def open_site(files: MemoryFiles, **settings: object) -> Site:
    return await HugoDialect.open(files, SiteSettings(**settings))  # type: ignore[arg-type]


async def prepare(site: Site, files: MemoryFiles, path: str) -> PreparedPage | NotAPage | PageProblem:
    data = await files.read(path)
    assert data is not None, path
    front, body = split_front_matter(decode(data))
    return await site.prepare(path, front, body)


async def page(site: Site, files: MemoryFiles, path: str) -> PreparedPage:
    prepared = await prepare(site, files, path)
    assert isinstance(prepared, PreparedPage), prepared
    return prepared


async def body_of(
    markdown: str, *, config: str = 'baseURL = "https://example.org/"\n', **extra: str
) -> PreparedPage:
    """One page ``content/page.md`` holding ``markdown``, prepared in an otherwise empty site."""
    files = MemoryFiles(
        {"hugo.toml": config, "content/page.md": f"---\ntitle: Page\n---\n{markdown}", **extra}
    )
    site = await open_site(files, site_url="https://example.org/")
    return await page(site, files, "content/page.md")
