"""A small docs-site dialect for tests: what the real ones (Hugo, MkDocs...) do, in a few rules.

A source is a fake site when it holds ``fakesite.toml`` (TOML; ``broken = true`` or invalid TOML
makes it unreadable). Pages are the ``.md`` files outside ``partials/``; ``partials/*`` are
partials; everything else is other. In a page:

* ``{{< include "partials/x.md" >}}`` is replaced by the partial's text (a missing one: a warning);
* ``{{< name >}}...{{< /name >}}`` of any other name is unknown: its inner text is kept, counted
  as ``shortcode:name``;
* front matter ``draft: true`` is not a page, ``broken: true`` a page problem, ``title`` its
  title (else its first H1), ``lang`` its locale (else ``zh-CN`` under ``zh/``);
* its URL is ``site_url`` + its path without ``.md`` (``index.md``: its folder) + ``/``.

Links to ``.md`` pages resolve to their URL (a missing page: unlinked with a warning); other
links are left to the converter. Headings get Python-Markdown's ids (``toc_slug``).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import tomllib
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from ingest.errors import ConnectorError
from ingest.sites import (
    NotAPage,
    PageProblem,
    PreparedPage,
    ResolvedLink,
    Role,
    Site,
    SiteFiles,
    SiteSettings,
)
from ingest.sites.slugs import toc_slug

CONFIG = "fakesite.toml"
_INCLUDE = re.compile(r'\{\{<\s*include\s+"(?P<path>[^"]+)"\s*>\}\}')
_SHORTCODE = re.compile(
    r"\{\{<\s*(?P<name>[\w-]+)\s*>\}\}(?P<inner>.*?)\{\{<\s*/(?P=name)\s*>\}\}", re.DOTALL
)
_H1 = re.compile(r"^# (?P<title>.+)$", re.MULTILINE)


class FakeDialect:
    name: ClassVar[str] = "fake"

    @staticmethod
    def recognises(paths: Collection[str]) -> bool:
        return CONFIG in paths

    @staticmethod
    async def open(files: SiteFiles, settings: SiteSettings) -> Site:
        raw = await files.read(CONFIG)
        try:
            config = tomllib.loads((raw or b"").decode())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConnectorError(f"{CONFIG}: not valid TOML: {exc}") from None
        if config.get("broken"):
            raise ConnectorError(f"{CONFIG}: the site says it is broken")
        return FakeSite(files, settings)


class FakeLinks:
    def __init__(self, pages: Collection[str], site: FakeSite) -> None:
        self._pages = pages
        self._site = site

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        path, _, fragment = href.partition("#")
        if not path.endswith(".md"):
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path))
        if target not in self._pages:
            return ResolvedLink(None, f"link to {target}, which is not a page")
        url = self._site.url_of(target)
        if url is None:
            return None
        return ResolvedLink(url + (f"#{fragment}" if fragment else ""))

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return toc_slug(text, taken)


class FakeSite:
    dialect = "fake"

    def __init__(self, files: SiteFiles, settings: SiteSettings) -> None:
        self._files = files
        self._settings = settings
        self.prepared: list[str] = []

    def role(self, path: str) -> Role:
        if path.startswith("partials/"):
            return Role.PARTIAL
        return Role.PAGE if path.endswith(".md") else Role.OTHER

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        shaping = sorted(
            (path, fingerprint if self.role(path) is not Role.PAGE else "")
            for path, fingerprint in fingerprints.items()
            if self.role(path) is not Role.OTHER or path == CONFIG
        )
        return hashlib.sha256(repr(shaping).encode()).hexdigest()

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        self.prepared.append(path)
        if front.get("draft"):
            return NotAPage("a draft, not published")
        if front.get("broken"):
            return PageProblem("the page says it is broken")
        warnings: list[str] = []
        for match in list(_INCLUDE.finditer(body)):
            raw = await self._files.read(match["path"])
            if raw is None:
                warnings.append(f"include {match['path']} not found")
            body = body.replace(match[0], (raw or b"").decode())
        unknown: dict[str, int] = {}
        for match in _SHORTCODE.finditer(body):
            unknown[f"shortcode:{match['name']}"] = unknown.get(f"shortcode:{match['name']}", 0) + 1
        body = _SHORTCODE.sub(lambda match: match["inner"], body)
        heading = _H1.search(body)
        title = str(front.get("title") or (heading["title"] if heading else path))
        locale = front.get("lang") or ("zh-CN" if path.startswith("zh/") else None)
        return PreparedPage(
            body=body,
            title=title,
            url=self.url_of(path),
            locale=locale,
            warnings=tuple(warnings),
            unknown=unknown,
            metadata={"weight": front.get("weight", 0)},
        )

    async def links(self) -> FakeLinks:
        pages = [path for path in self._files.paths() if self.role(path) is Role.PAGE]
        return FakeLinks(pages, self)

    def url_of(self, path: str) -> str | None:
        if self._settings.site_url is None:
            return None
        stem = path.removesuffix(".md")
        stem = stem.removesuffix("index").rstrip("/") if stem.endswith("index") else stem
        return self._settings.site_url + (f"{stem}/" if stem else "")
