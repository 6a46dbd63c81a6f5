"""Where a document's links and images point once it lives in Intercom.

A document's own relative links (``../billing/invoices.md#vat``) mean nothing inside
Intercom, so each is resolved against the document's path and made absolute through
the source's URL template, or dropped (unlinked) when there is no template or the link
leaves the source. Absolute ``http``, ``https`` and ``mailto`` links and fragment-only
links are kept; every other scheme (``javascript:``, ``data:``, ``file:``, ...) is
dropped, whatever its case, entity encoding or embedded whitespace (the rules of
:mod:`ingest.hrefs`, which connectors resolving their own links follow too).
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Collection, Mapping
from types import MappingProxyType
from urllib.parse import quote, unquote, urlsplit

from ingest.hrefs import settle_href, url_scheme
from ingest.sites.contract import SiteLinks
from ingest.sites.slugs import github_slug
from ingest.urltemplate import UrlTemplate

#: Placeholders every template may use, whatever the connector.
BUILTIN_PLACEHOLDERS = frozenset({"path"})

_NO_VARIABLES: Mapping[str, str] = MappingProxyType({})


def _parse_template(url_template: str) -> UrlTemplate:
    try:
        return UrlTemplate.parse(url_template, example="path")
    except ValueError as exc:
        raise ValueError(f"url_template {exc}") from exc


class LinkBuilder:
    """Builds public URLs for a source's documents from its ``url_template``, and for a docs
    site's pages through its :class:`~ingest.sites.SiteLinks`.

    The template is a ``str.format``-style string with plain placeholders:
    ``{path}`` (the document's POSIX path, percent-encoded except ``/``) and any name in
    ``variables`` (a connector's ``{ref}`` or ``{commit}``). Without a template no
    document has a URL and every relative link is unlinked. ``site``, when given, is asked
    first about every relative link (and names headings); where it has no opinion, the
    template's rules apply.
    """

    def __init__(
        self,
        url_template: str | None,
        variables: Mapping[str, str] = _NO_VARIABLES,
        site: SiteLinks | None = None,
    ) -> None:
        self.url_template = url_template
        self.variables: Mapping[str, str] = MappingProxyType(dict(variables))
        self.site = site
        self._template = _parse_template(url_template) if url_template is not None else None

    def __reduce__(self) -> tuple[type[LinkBuilder], tuple[str | None, dict[str, str], SiteLinks | None]]:
        # To each conversion worker once; a read-only view of the variables cannot be pickled.
        return type(self), (self.url_template, dict(self.variables), self.site)

    def with_site(self, site: SiteLinks | None) -> LinkBuilder:
        """The same builder, asking ``site`` about links and headings."""
        return LinkBuilder(self.url_template, self.variables, site)

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        """The id a heading reading ``text`` gets: the site's, else GitHub's."""
        if self.site is not None:
            return self.site.heading_id(text, taken)
        return github_slug(text, taken)

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the template uses (``{path}`` included); empty without a template."""
        return self._template.placeholders if self._template is not None else frozenset()

    def __repr__(self) -> str:
        site = f", site={self.site!r}" if self.site is not None else ""
        return f"LinkBuilder({self.url_template!r}, {dict(self.variables)!r}{site})"

    @staticmethod
    def check(url_template: str, allowed: set[str]) -> None:
        """Raise ValueError naming the first placeholder that is neither built in nor in ``allowed``.

        ``allowed`` holds the extra placeholders a connector provides (e.g. ``{"ref",
        "commit"}``); ``{path}`` is always allowed. Malformed templates (an unclosed
        brace, ``{path.x}``, ``{path:>10}``) raise ValueError too.
        """
        template = _parse_template(url_template)
        try:
            template.check(BUILTIN_PLACEHOLDERS | allowed)
        except ValueError as exc:
            raise ValueError(f"url_template has {exc}") from None

    def page_url(self, path: str, variables: Mapping[str, str] | None = None) -> str | None:
        """The public URL of the document at ``path``, or None without a template.

        ``variables`` add to (and override) those given to the constructor. The path is
        NFC-normalised first so that a file name decomposed by macOS gives the same URL.
        """
        if self._template is None:
            return None
        values = {**self.variables, **(variables or {})}
        values["path"] = quote(unicodedata.normalize("NFC", path), safe="/")
        try:
            return self._template.render(values)
        except ValueError as exc:
            raise ValueError(f"url_template {exc}") from None

    def resolve(self, href: str, from_path: str, warnings: list[str] | None = None) -> str | None:
        """Where a link found in the document at ``from_path`` should point, or None to unlink it.

        Fragment-only links and absolute http(s)/mailto links are returned as written
        (trimmed); other schemes give None. A relative link is first put to the site: the URL
        it resolves the link to is used as it is, and a link it says leads nowhere is unlinked,
        its warning added to ``warnings``. Otherwise (no site, or no opinion) it is taken
        against the directory of ``from_path`` (a leading ``/`` means the source root), made
        absolute through the template and keeps its query and fragment; it gives None
        without a template or when it climbs out of the source root.
        """
        href, settled = settle_href(href)
        if settled:
            return href or None
        if self.site is not None:
            resolved = self.site.resolve(href, from_path)
            if resolved is not None and resolved.url is None:
                if resolved.warning and warnings is not None:
                    warnings.append(resolved.warning)
                return None
            if resolved is not None and resolved.url is not None:
                settled_url, absolute = settle_href(resolved.url)
                if absolute:
                    return settled_url or None
        if self._template is None:
            return None
        target = self._target_path(href, from_path)
        if target is None:
            return None
        parts = urlsplit(href)
        url = self.page_url(target)
        if url is None:  # pragma: no cover - a template exists here
            return None
        if parts.query:
            url += ("&" if "?" in url else "?") + parts.query
        if parts.fragment:
            url += "#" + parts.fragment
        return url

    def resolve_src(self, src: str, from_path: str, warnings: list[str] | None = None) -> str | None:
        """Where an image found in the document at ``from_path`` loads from, or None to drop it.

        Like :meth:`resolve`, except that only a URL that can serve an image is kept:
        fragments and ``mailto:`` give None.
        """
        target = self.resolve(src, from_path, warnings)
        if target is None or target.startswith("#") or url_scheme(target) == "mailto":
            return None
        return target

    @staticmethod
    def _target_path(href: str, from_path: str) -> str | None:
        raw = unquote(urlsplit(href).path)
        if not raw:
            return from_path
        # A leading "/" means the source root, not the web server's.
        joined = raw.lstrip("/") if raw.startswith("/") else posixpath.join(posixpath.dirname(from_path), raw)
        target = posixpath.normpath(joined)
        if target == ".." or target.startswith("../") or target.startswith("/"):
            return None
        if target == ".":
            target = ""
        if raw.endswith("/") and target:
            target += "/"
        return target
