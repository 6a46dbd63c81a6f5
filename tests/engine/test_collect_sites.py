"""Collecting a docs site's source: its links asked once when needed, its warnings and unknown
constructs collected, and languages detected only for what is converted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping

import pytest

from ingest import conversion as conversion_module
from ingest.collect import Collected, PathFilter, TargetRecords, collect
from ingest.document import BodyFormat, DocumentRef, DocumentWarning, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.sites import ResolvedLink
from ingest.state import DocumentRecord

# Chinese punctuation (full-width commas) written as escapes, which ruff reads plainly.
CHINESE = (
    "这是一个关于如何配置账户的说明文档。请先登录管理后台\uff0c然后在设置页面中选择团队成员\uff0c"
    "为每个成员分配合适的角色和权限。完成以后\uff0c系统会自动发送邀请邮件给新成员\uff0c他们可以通过邮件中的链接加入工作区。"
)


class Links:
    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        return ResolvedLink(None, f"link to {href}, which is not a page") if href == "gone.md" else None

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return "site-" + text.lower()


class SiteSource:
    """A connector over a docs site: pages by path, site links counted."""

    def __init__(self, bodies: Mapping[str, str], metadata: Mapping[str, object] | None = None) -> None:
        self.bodies = dict(bodies)
        self.metadata = dict(metadata or {})
        self.links_asked = 0

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        for path in sorted(self.bodies):
            yield DocumentRef(path, f"fp-{path}")

    async def load(self, ref: DocumentRef) -> SourceDocument:
        body = self.bodies[ref.locator]
        path = ref.locator
        return SourceDocument(
            path, path, body, BodyFormat.MARKDOWN, path, ref.fingerprint, metadata=self.metadata
        )

    async def site_links(self) -> Links:
        self.links_asked += 1
        return Links()


async def gather(source: SiteSource, records: Mapping[str, DocumentRecord] | None = None) -> Collected:
    return await collect(
        source,
        targets={"pages": TargetRecords(records=dict(records or {}))},
        settings_digest="d",
        path_filter=PathFilter(["**"], []),
        url_template=None,
    )


async def test_site_links_are_asked_once_and_used_for_links_and_headings() -> None:
    """One call per run, whatever the number of pages; ids and links follow the site."""
    source = SiteSource({"a.md": "## Intro\n\n[x](gone.md)\n", "b.md": "## Intro\n"})
    collected = await gather(source)
    assert source.links_asked == 1
    html = [page.html for page in collected.pages]
    assert html == ['<h2 id="site-intro">Intro</h2>\n<p>x</p>', '<h2 id="site-intro">Intro</h2>']


async def test_an_unchanged_run_asks_for_no_links_and_detects_no_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unchanged run never builds the site's links nor runs the language identifier."""
    detected: list[str] = []
    real = conversion_module.with_detected_locale
    monkeypatch.setattr(
        conversion_module, "with_detected_locale", lambda page: detected.append(page.locator) or real(page)
    )
    source = SiteSource({"a.md": "# A\n"})
    first = await gather(source)
    (page,) = first.pages
    assert detected == ["a.md"]
    record = DocumentRecord("a.md", "a.md", page.fingerprint, "hash", "remote", "a.md", 0.0)
    source.links_asked = 0
    again = await gather(source, {"a.md": record})
    assert again.pages == [] and source.links_asked == 0 and detected == ["a.md"]


async def test_warnings_and_unknown_constructs_are_collected_per_document() -> None:
    """The document's own warnings, then its unresolved links; unknown constructs by document."""
    source = SiteSource(
        {"a.md": "[x](gone.md)\n"},
        {"warnings": ["include partials/x.md not found"], "unknown": {"shortcode:eturl": 3}},
    )
    collected = await gather(source)
    assert collected.warnings == [
        DocumentWarning("a.md", "include partials/x.md not found"),
        DocumentWarning("a.md", "link to gone.md, which is not a page"),
    ]
    assert collected.unknown == {"a.md": {"shortcode:eturl": 3}}
    assert collected.failures == []


async def test_a_page_in_an_undeclared_language_is_detected_when_converted() -> None:
    """Chinese prose with no declared locale gets zh-CN (detected); English and declared pages stay."""
    source = SiteSource({"zh.md": CHINESE, "en.md": "This page explains how to configure your account. " * 5})
    pages = {page.locator: page for page in (await gather(source)).pages}
    assert (
        pages["zh.md"].metadata["locale"] == "zh-CN" and pages["zh.md"].metadata["detected_language"] == "zh"
    )
    assert "locale" not in pages["en.md"].metadata and "detected_language" not in pages["en.md"].metadata
    declared = SiteSource({"zh.md": CHINESE}, {"locale": "ja"})
    (page,) = (await gather(declared)).pages
    assert page.metadata["locale"] == "ja" and "detected_language" not in page.metadata


async def test_site_links_that_cannot_be_built_make_the_source_unreadable() -> None:
    """A dialect failing to build its links is the source's ConnectorError (so nothing is deleted)."""

    class Broken(SiteSource):
        async def site_links(self) -> Links:
            raise KeyError("menu")

    with pytest.raises(ConnectorError, match="the site's links could not be read: KeyError: 'menu'"):
        await gather(Broken({"a.md": "# A\n"}))
