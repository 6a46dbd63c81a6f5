"""Links between the pages of an MkDocs site, resolved as MkDocs resolves them.

MkDocs rewrites a link to a Markdown file (``../setup/index.md#colors``) into the URL of the
page it publishes; a link to a folder lands on its ``index.md``/``README.md``; a link starting
with ``/`` is read from ``docs_dir``; a link to any other file of ``docs_dir`` (an image, a
download) is that file, copied as it is. Links written as the published site's URLs
(``../colors/``, ``page.html``) are read as a browser reads them, relative to the page's URL.
Paths the redirects plugin maps (``redirect_maps``) land on their new page; under
mkdocs-static-i18n, a link from a French page lands on the French version when there is one.
Anchors are heading ids as the author wrote them (MkDocs keeps them as they are).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from ingest.hrefs import settle_href
from ingest.sites.contract import ResolvedLink
from ingest.sites.mkdocs.config import normalise
from ingest.sites.mkdocs.layout import MARKDOWN_SUFFIXES, Layout


@dataclass(frozen=True, slots=True)
class PageAt:
    """A published page: its docs-relative path, language and site-relative URL."""

    rel: str
    locale: str | None
    url: str


class MkDocsLinks:
    """:class:`~ingest.sites.contract.SiteLinks` of one MkDocs site."""

    def __init__(
        self,
        layout: Layout,
        pages: Mapping[str, PageAt],
        redirects: Mapping[str, str],
        slug: Callable[[str, Collection[str]], str],
    ) -> None:
        self.layout = layout
        #: Published pages by source path.
        self.pages = dict(pages)
        self._by_rel = {page.rel: page for page in pages.values()}
        self._by_url = {page.url: page for page in pages.values()}
        self._by_base = {
            (doc.base, doc.locale): pages[path] for path in pages if (doc := layout.doc(path)) is not None
        }
        self._redirects = dict(redirects)
        self._slug = slug

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return self._slug(text, taken)

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        cleaned, settled = settle_href(href)
        if settled:
            return self._on_this_site(cleaned)
        target, hash_mark, fragment = cleaned.partition("#")
        target, question_mark, query = target.partition("?")
        target = unquote(target)
        from_page = self.pages.get(from_path)
        if not target:
            if not question_mark or from_page is None:
                return None
            # Only a query (Material opens its search on ``?q=...``): this page, with it.
            url = self.layout.absolute(from_page.url)
            suffix = f"?{query}" + (f"#{fragment}" if hash_mark and fragment else "")
            return ResolvedLink(url + suffix) if url is not None else None
        from_rel = self.layout.docs_relative(from_path) or ""
        found = self._find(target, from_rel, from_page)
        if found is None:
            return ResolvedLink(None, f"{from_path}: the link to {href} points to no page of the site")
        url = self.layout.absolute(found)
        if url is None:
            return None
        return ResolvedLink(url + (f"#{fragment}" if hash_mark and fragment else ""))

    def _on_this_site(self, href: str) -> ResolvedLink | None:
        """An absolute link into this site (``https://docs.example.com/guide/``) made the
        page's URL when it names one; anything else absolute: no opinion."""
        site_url = self.layout.config.site_url
        if not site_url or not href.startswith(site_url.rstrip("/") + "/"):
            return None
        target, hash_mark, fragment = href[len(site_url.rstrip("/")) + 1 :].partition("#")
        found = self._url(unquote(target.split("?", 1)[0]))
        url = self.layout.absolute(found) if found is not None else None
        return ResolvedLink(url + (f"#{fragment}" if hash_mark and fragment else "")) if url else None

    def _find(self, target: str, from_rel: str, from_page: PageAt | None) -> str | None:
        """The site-relative URL ``target`` lands on, or None.

        MkDocs rewrites a link whose path (normalised, so ``page.md/`` too) is a file of the
        site and leaves the rest to the browser, which reads it against the page's URL. A link
        that lands nowhere either way is taken as its author meant it: a folder for its index
        page, a path the redirects plugin maps for its new page.
        """
        if target.startswith("/"):
            rel = as_url = normalise(target.lstrip("/"))
        else:
            rel = normalise(posixpath.join(posixpath.dirname(from_rel), target))
            as_url = normalise(
                posixpath.join(posixpath.dirname(from_page.url if from_page else from_rel), target)
            )
        locale = from_page.locale if from_page else None
        inside = not rel.startswith("..")
        found = self._file(rel, locale) if inside else None
        if found is None and not as_url.startswith(".."):
            found = self._url(as_url)
        if found is None and inside:
            found = self._meant(rel, locale)
        return found

    def _file(self, rel: str, locale: str | None) -> str | None:
        """The URL of the page or file at ``rel`` (docs-relative), when the site publishes it."""
        page = self._page(rel, locale)
        if page is not None:
            return page.url
        if posixpath.splitext(rel)[1].lower() not in MARKDOWN_SUFFIXES:
            path = self.layout.source_path(rel)
            if path in self.layout.paths and not self.layout.is_excluded(rel):
                return rel
        return None

    def _meant(self, rel: str, locale: str | None) -> str | None:
        for candidate in (rel, posixpath.join(rel, "index.md"), posixpath.join(rel, "README.md")):
            page = self._page(candidate, locale)
            if page is not None and candidate != rel:
                return page.url
            if candidate in self._redirects:
                return self._redirected(self._redirects[candidate], locale)
        return None

    def _page(self, rel: str, locale: str | None) -> PageAt | None:
        page = self._by_rel.get(rel)
        if page is None or locale is None or page.locale == locale:
            return page
        # mkdocs-static-i18n: a link from a page in another language lands on that
        # language's version of the target when there is one.
        doc = self.layout.doc(self.layout.source_path(rel))
        translated = self._by_base.get((doc.base, locale)) if doc is not None else None
        return translated or page

    def _redirected(self, target: str, locale: str | None) -> str | None:
        if target.lower().startswith(("http://", "https://")):
            return None
        page = self._page(normalise(target), locale)
        return page.url if page is not None else None

    def _url(self, url: str) -> str | None:
        """The page published at the site-relative ``url`` (``a/b/``, ``a/b``, ``a/b.html``), or
        the file of ``docs_dir`` copied there (``assets/logo.png``)."""
        key = url.strip("/")
        stem, suffix = posixpath.splitext(key)
        candidates = [f"{key}/" if key else "", key, key.removesuffix("index.html")]
        if suffix == ".html":
            candidates.append(f"{stem}/")
        for candidate in candidates:
            page = self._by_url.get(candidate)
            if page is not None:
                return page.url
        return self._file(key, None) if suffix.lower() not in MARKDOWN_SUFFIXES else None
