"""Where a link or image of an exported page points once the page lives in Intercom.

Inside the export, pages link to each other by relative file path (``Other%20Page%20<id>.html``,
``../Tasks%20<id>.csv``), and Notion's own links carry the page id (``https://www.notion.so/
Other-<id>?pvs=21``). Either becomes the page's public URL (``page_url_template``), its
fragment (a block's id) kept. A database row with no body is no page: a link to it points at its
database's page, where the row is (Intercom keeps no anchor on a table row). A file of the
export (an image, a PDF) becomes its URL under ``attachment_url_template``, or is dropped and
reported when there is none.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from connectors.notion_export.names import dashed, id_in, read_name, title_slug
from ingest.hrefs import settle_href, url_scheme
from ingest.urltemplate import UrlTemplate

_NOTION_HOSTS = ("notion.so", "www.notion.so", "notion.site")


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """URLs of pages and attachments, from the source's options and the export's titles."""

    page_url_template: str
    attachment_url_template: str | None
    # Titles by page id, for {title_slug}; left out of repr, which the connector's digest is taken from.
    titles: Mapping[str, str] = field(repr=False, compare=False)
    _page: UrlTemplate = field(init=False, repr=False, compare=False)
    _attachment: UrlTemplate | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_page", UrlTemplate.parse(self.page_url_template, example="page_id"))
        attachment = self.attachment_url_template
        object.__setattr__(
            self, "_attachment", UrlTemplate.parse(attachment, example="path") if attachment else None
        )

    def page_url(self, page_id: str) -> str:
        """The public URL of the page with this id."""
        return self._page.render(
            {
                "page_id": dashed(page_id),
                "page_id_without_dashes": page_id,
                "title_slug": quote(title_slug(self.titles.get(page_id, "")), safe="-"),
            }
        )

    def attachment_url(self, path: str, page_id: str) -> str | None:
        """The URL of a file of the export, or None when attachments are not served."""
        if self._attachment is None:
            return None
        return self._attachment.render(
            {
                "path": quote(path, safe="/"),
                "filename": quote(path.rsplit("/", 1)[-1], safe=""),
                "page_id": dashed(page_id),
                "page_id_without_dashes": page_id,
            }
        )


class PageLinks:
    """Resolves the links and images of the page at ``path`` (its id ``page_id``)."""

    def __init__(
        self, site: SiteLinks, path: str, page_id: str, files: frozenset[str], moved: Mapping[str, str]
    ) -> None:
        self._site = site
        #: Pages of the export that are no page in Intercom (database rows without a body), each to
        #: the page it lives on (its database's).
        self._moved = moved
        self._folder = posixpath.dirname(path)
        self._page_id = page_id
        self._files = files
        #: One sentence per file dropped for want of an attachment_url_template.
        self.dropped: list[str] = []

    def href(self, href: str) -> str | None:
        """Where a link should point, or None to unlink it (a fragment alone is left to the caller)."""
        href, settled = settle_href(href)
        if settled:
            return self._notion_url(href) if url_scheme(href) in ("http", "https") else href or None
        return self._relative(href)

    def src(self, src: str) -> str | None:
        """Where an image loads from, or None to drop it."""
        target = self.href(src)
        if target is None or target.startswith("#") or url_scheme(target) not in ("http", "https"):
            return None
        return target

    def _notion_url(self, href: str) -> str | None:
        parts = urlsplit(href)
        host = (parts.hostname or "").lower()
        page_id = id_in(parts.path)
        if page_id is None or not (host in _NOTION_HOSTS or host.endswith(".notion.site")):
            return href
        return self._page_url(page_id, parts.fragment)

    def _page_url(self, page_id: str, fragment: str) -> str | None:
        home = self._moved.get(page_id)
        if home is not None:  # the row's block ids are no anchors on its database's page
            return None if home == self._page_id else self._site.page_url(home)
        return self._site.page_url(page_id) + (f"#{fragment}" if fragment else "")

    def _relative(self, href: str) -> str | None:
        parts = urlsplit(href)
        if not parts.path:
            return None
        path = posixpath.normpath(posixpath.join(self._folder, unquote(parts.path)))
        name = read_name(path.rsplit("/", 1)[-1])
        if name.suffix and name.page_id is not None:
            return self._page_url(name.page_id, parts.fragment)
        if path.startswith("../") or path not in self._files:
            return None
        return self.file_url(path)

    def export_file(self, href: str, *, from_top: bool = False) -> str | None:
        """The file of the export (an image, a PDF: no page) ``href`` names, by its path in the
        export, or None; ``from_top``: the path may start at the export's top, as in a CSV."""
        if not href or href.startswith("#") or url_scheme(href):
            return None
        raw = unquote(urlsplit(href).path)
        candidates = [posixpath.normpath(raw)] if from_top else []
        candidates.append(posixpath.normpath(posixpath.join(self._folder, raw)))
        for path in candidates:
            if path in self._files and not read_name(path.rsplit("/", 1)[-1]).suffix:
                return path
        return None

    def file_url(self, path: str) -> str | None:
        """The URL of the export's file at ``path``; None (and a line in ``dropped``) without an
        attachment_url_template."""
        url = self._site.attachment_url(path, self._page_id)
        if url is None:
            self.dropped.append(f"{path} is not sent: set attachment_url_template to link the export's files")
        return url
