"""The ``plain`` dialect: Markdown read as it is written, as fin-ingest always has.

Every document (a ``.md``, ``.markdown``, ``.html``, ``.htm`` or ``.txt`` file) is a page; its
body is passed on unchanged; its title is the front matter's, else its first H1, else its file
name. It has no URL of its own (the source's ``url_template`` makes one, as before), unless its
front matter gives one: an absolute ``url``, or a site-relative one (``url: /commands/hugo/``)
taken against ``site_url`` when that is set. Links are left to the converter's own rules and
headings get GitHub's ids. Its structure digest is empty, so fingerprints are the files' own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from ingest.document import BodyFormat, Failure, SkippedDocument
from ingest.markdown_nesting import NestingTooDeep
from ingest.sites.contract import (
    NotAPage,
    PageProblem,
    PreparedPage,
    ResolvedLink,
    Role,
    Site,
    SiteFiles,
    SiteLinks,
    SiteSettings,
)
from ingest.sites.slugs import github_slug
from ingest.textdoc import FrontFields, document_title, format_for, front_fields


class PlainDialect:
    """Satisfies :class:`~ingest.sites.contract.Dialect`: any source can be read as plain Markdown."""

    name: ClassVar[str] = "plain"

    @staticmethod
    def recognises(paths: Collection[str]) -> bool:
        """Always: plain is what a source is when it is nothing else."""
        return True

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        """A plain site reads no config."""
        return PlainSite(settings)


class PlainLinks:
    """No opinion on links; GitHub's heading ids."""

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        return None

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return github_slug(text, taken)


class PlainSite:
    """Satisfies :class:`~ingest.sites.contract.Site` for plain Markdown."""

    dialect = "plain"

    def __init__(self, settings: SiteSettings) -> None:
        self._settings = settings

    def role(self, path: str) -> Role:
        return Role.PAGE if format_for(path) is not None else Role.OTHER

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        # Nothing but a page's own text shapes it.
        return ""

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        fields = front_fields(front, path)
        if isinstance(fields, SkippedDocument):
            return NotAPage(fields.reason)
        if isinstance(fields, Failure):
            return PageProblem(fields.message)
        try:
            title = fields.title or document_title(body, format_for(path) or BodyFormat.MARKDOWN, path)
        except NestingTooDeep as exc:
            return PageProblem(str(exc))
        return PreparedPage(body=body, title=title, url=self._url(fields))

    async def links(self) -> SiteLinks:
        return PlainLinks()

    def _url(self, fields: FrontFields) -> str | None:
        if fields.url is not None:
            return fields.url
        if fields.site_path is not None and self._settings.site_url is not None:
            return self._settings.site_url.rstrip("/") + "/" + fields.site_path.lstrip("/")
        return None
