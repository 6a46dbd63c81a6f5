"""What a shortcode's rendering sees: the page being rendered (:class:`Context`) and its site
(:class:`Pages`). Handlers are plain async functions of a context, a shortcode and the prefix
of the tag's line (its indentation, or None when text precedes the tag on its line)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from ingest.sites.hugo.config import HugoConfig
from ingest.sites.hugo.content import ContentFile
from ingest.sites.hugo.shortcodes import Shortcode


class Pages(Protocol):
    """**Protocol**: what rendering a page needs of its site."""

    config: HugoConfig

    def find(self, target: str, from_path: str, language: str) -> ContentFile | None:
        """The content file a ``GetPage``-style path names, seen from ``from_path``."""
        ...

    async def text(self, path: str) -> str | None:
        """The text of a file of the source, or None."""
        ...

    def site_param(self, name: str) -> object | None:
        """A site parameter (``params.<name>``, dotted), or None."""
        ...

    async def data(self, name: str) -> object | None:
        """The site data file ``data/<name>.*``, parsed, or None."""
        ...

    def glossary(self, language: str) -> tuple[ContentFile, dict[str, ContentFile]] | None:
        """The glossary section of the site and its terms (by file base name), or None."""
        ...

    async def front(self, item: ContentFile) -> Mapping[str, Any]:
        """The front matter of a content file, keys lower-cased."""
        ...

    async def section_pages(self, section: ContentFile) -> list[tuple[ContentFile, str]]:
        """The published regular pages of a section, with their link titles."""
        ...

    async def section_children(self, section: ContentFile) -> list[tuple[ContentFile, str]]:
        """The published pages and subsections of a section (its ``.Pages``), with their link titles."""
        ...

    async def static_shortcode(self, name: str) -> str | None:
        """The text a shortcode of the site's own writes when its template is plain text, or None."""
        ...

    async def page_path(self, item: ContentFile) -> str:
        """The published path of a page (``/fr/guide/``)."""
        ...


class Context(Protocol):
    """**Protocol**: the page being rendered, as a shortcode handler uses it."""

    pages: Pages
    front: Mapping[str, Any]
    language: str
    unknown: Counter[str]
    warnings: list[str]

    @property
    def current_path(self) -> str:
        """The file being rendered (the page, or the include being inlined)."""
        ...

    async def inner(self, node: Shortcode, prefix: str | None) -> str:
        """The shortcode's inner content rendered, without the indentation of its line."""
        ...

    async def include_file(self, item: ContentFile) -> str:
        """The body of another content file, rendered (empty when it would include itself)."""
        ...

    def term(self, term: str) -> ContentFile | None:
        """The glossary page of a term, or None."""
        ...


Handler = Callable[[Context, Shortcode, "str | None"], Awaitable[str]]
