"""Where a link or image of an exported page points once the page lives in Intercom.

Inside the export, pages link to each other by file name (``Other-Page_123.html``) and
to attachments by export path (``attachments/123/456.png``); neither means anything
outside it. A link to another page becomes that page's public URL on the wiki, an
attachment its download URL (by its real file name, which the export replaces with an
id), a wiki-relative link (``/download/...``, ``/display/...``) an absolute one under
``base_url``. Whatever cannot be placed (export-only files such as ``images/`` icons and
``styles/``, attachments whose name is unknown, ``index.html``) is unlinked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from connectors.confluence_export.page import page_id_from_name
from ingest.hrefs import settle_href, url_scheme
from ingest.urltemplate import UrlTemplate

#: Paths relative to the export that are really paths of the wiki.
_WIKI_PATHS = ("download/", "display/", "pages/", "spaces/", "x/", "wiki/")


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """URLs on the wiki, from the source's options."""

    base_url: str
    page_url_template: str
    attachment_url_template: str
    space_key: str | None
    # Parsed once, as a page has many links; left out of repr, which the connector's digest is taken from.
    _page: UrlTemplate = field(init=False, repr=False, compare=False)
    _attachment: UrlTemplate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_page", UrlTemplate.parse(self.page_url_template, example="page_id"))
        attachment = UrlTemplate.parse(self.attachment_url_template, example="page_id")
        object.__setattr__(self, "_attachment", attachment)

    def page_url(self, page_id: str) -> str:
        """The public URL of the page with this id."""
        return self._page.render(
            {"base_url": self.base_url, "page_id": page_id, "space_key": self._quoted_space_key()}
        )

    def attachment_url(self, page_id: str, filename: str) -> str:
        """The download URL of a page's attachment, by its real file name."""
        return self._attachment.render(
            {
                "base_url": self.base_url,
                "page_id": page_id,
                "space_key": self._quoted_space_key(),
                "filename": quote(filename, safe=""),
            }
        )

    def _quoted_space_key(self) -> str:
        # A personal space's key is "~" and the user name, which need not be URL-safe.
        return quote(self.space_key or "", safe="@")

    def wiki_url(self, path: str) -> str:
        """An absolute URL for a path on the wiki (``/download/...`` or ``download/...``)."""
        parts = urlsplit(self.base_url)
        context = parts.path.rstrip("/")
        if path.startswith("/"):
            # Confluence writes its context path into such links ("/wiki/spaces/..."): keep it once.
            if context and (path == context or path.startswith(context + "/")):
                return f"{parts.scheme}://{parts.netloc}{path}"
            return self.base_url + path
        return f"{self.base_url}/{path}"


class PageLinks:
    """Resolves the links and images found in one page."""

    def __init__(self, site: SiteLinks, attachments: Mapping[str, str]) -> None:
        self._site = site
        self._attachments = attachments

    def href(self, href: str, alias: str | None = None) -> str | None:
        """Where a link should point, or None to unlink it. ``alias`` is the attachment's
        real file name when the element names it (``data-linked-resource-default-alias``)."""
        href, settled = settle_href(href)
        if settled:
            return href or None
        if href.startswith("/"):
            return self._site.wiki_url(href)
        return self._relative(href, alias)

    def src(self, src: str, alias: str | None = None) -> str | None:
        """Where an image loads from, or None to drop it."""
        target = self.href(src, alias)
        if target is None or target.startswith("#") or url_scheme(target) == "mailto":
            return None
        return target

    def _relative(self, href: str, alias: str | None) -> str | None:
        parts = urlsplit(href)
        path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
        if path.startswith("../") or path == "..":
            return None
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if "/" not in path and path.lower().endswith(".html"):
            page_id = page_id_from_name(path)
            return self._site.page_url(page_id) + fragment if page_id is not None else None
        if path.startswith("attachments/"):
            return self._attachment(path, alias)
        if path.startswith(_WIKI_PATHS):
            return self._site.wiki_url(href)
        return None

    def _attachment(self, path: str, alias: str | None) -> str | None:
        # attachments/<page id>/<attachment id>.<ext>: the real name is in the element or the page's list.
        pieces = path.split("/")
        name = alias or self._attachments.get(path)
        if len(pieces) != 3 or not pieces[1].isdigit() or not name:
            return None
        return self._site.attachment_url(pieces[1], name)
