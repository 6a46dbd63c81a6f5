"""Conversion of a source document's body into the clean, safe HTML sent to Intercom.

``to_html`` picks the converter for a :class:`~ingest.document.BodyFormat`; every path
ends in the same nh3 allow-list and whitespace tidy, so the output is safe and
byte-identical for the same input on any machine. ``render_page`` turns a whole
:class:`~ingest.document.SourceDocument` into a :class:`~ingest.document.Page`.

Each converter's module (and its parser: markdown-it, BeautifulSoup, markdownify) is imported
on its first use, so a run that converts nothing (every document unchanged) never loads them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import metadata
from typing import Any
from urllib.parse import quote

from ingest.convert.links import LinkBuilder
from ingest.document import BodyFormat, Page, SourceDocument
from ingest.document_limits import Budget, DocumentLimits

__all__ = [
    "CONVERTER_VERSION",
    "LinkBuilder",
    "converter_identity",
    "html_to_markdown",
    "render_page",
    "to_html",
]

#: Changes whenever the HTML produced for the same input changes, so that fingerprints
#: recorded by an older version no longer match and every document is converted again.
CONVERTER_VERSION = "3"

#: The libraries whose upgrade may change the HTML for the same input.
_CONVERTER_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "beautifulsoup4", "lxml")


@functools.cache
def converter_identity() -> str:
    """``CONVERTER_VERSION`` plus the versions of the libraries that shape the HTML.

    Part of every stored fingerprint: after an upgrade every document is converted once
    more, and only those whose HTML really changed are sent (the payload hash decides).
    """
    versions = []
    for name in _CONVERTER_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return ";".join([CONVERTER_VERSION, *versions])


def to_html(
    body: str,
    fmt: BodyFormat,
    *,
    path: str,
    title: str | None,
    links: LinkBuilder,
    warnings: list[str] | None = None,
    budget: Budget | None = None,
) -> str:
    """The HTML to send for ``body`` written in ``fmt``, found at ``path`` in its source.

    Relative links and images are resolved through ``links`` (or unlinked; a link the site says
    leads nowhere adds its warning to ``warnings``); a leading ``<h1>`` equal to ``title`` is
    dropped because Intercom shows the title itself; every heading gets an id. ``budget`` (none:
    no time limit) raises :class:`~ingest.document_limits.ConversionTooSlow` once spent.
    """
    if fmt is BodyFormat.MARKDOWN:
        from ingest.convert.markdown import markdown_to_html

        return markdown_to_html(body, path=path, title=title, links=links, warnings=warnings, budget=budget)
    if fmt is BodyFormat.HTML:
        from ingest.convert.html import clean_html

        return clean_html(body, path=path, title=title, links=links, warnings=warnings, budget=budget)
    if fmt is BodyFormat.TEXT:
        from ingest.convert.text import text_to_html

        return text_to_html(body)
    raise ValueError(f"no converter for body format {fmt!r}")


def html_to_markdown(html: str) -> str:
    """``html`` as Markdown a person can read (``plan --diff``): see :mod:`ingest.convert.preview`."""
    from ingest.convert.preview import html_to_markdown as to_markdown

    return to_markdown(html)


def document_variables(values: Mapping[str, Any]) -> dict[str, str]:
    """A document's metadata as ``url_template`` placeholders (a git file's ``{last_commit}``,
    say): its text and number values, percent-encoded for a URL."""
    return {
        key: quote(str(value), safe=":")
        for key, value in values.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def render_page(doc: SourceDocument, links: LinkBuilder, limits: DocumentLimits | None = None) -> Page:
    """``doc`` converted: its HTML, and its URL (front matter ``url`` first, else the template).

    ``limits`` (default: the defaults of ``max_document_bytes`` and ``max_convert_seconds``)
    bound its body, its HTML and the time converting takes: past one, a
    :class:`~ingest.document_limits.DocumentLimitExceeded` names it.

    The page's ``locator`` is the document's ``path``, the key its connector loads it by. Its
    ``warnings`` are those its connector gave (``metadata["warnings"]``, a docs site's) and the
    links its site says lead nowhere; its ``unknown`` constructs come from ``metadata["unknown"]``.
    Neither stays in its metadata.
    """
    metadata = dict(doc.metadata)
    warnings = _texts(metadata.pop("warnings", None))
    unknown = _counts(metadata.pop("unknown", None))
    limits = limits or DocumentLimits()
    limits.check_size(doc.body, "the document")
    budget = limits.budget()
    html = to_html(
        doc.body, doc.format, path=doc.path, title=doc.title, links=links, warnings=warnings, budget=budget
    )
    limits.check_size(html, "its HTML")
    return Page(
        external_id=doc.external_id,
        title=doc.title,
        html=html,
        url=doc.url or links.page_url(doc.path, document_variables(metadata)),
        locator=doc.path,
        fingerprint=doc.fingerprint,
        metadata=metadata,
        warnings=tuple(dict.fromkeys(warnings)),
        unknown=unknown,
    )


def _texts(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list | tuple) else []


def _counts(value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    return {
        str(name): count
        for name, count in value.items()
        if isinstance(count, int) and not isinstance(count, bool) and count > 0
    }
