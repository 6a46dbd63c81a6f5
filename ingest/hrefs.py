"""Which hrefs need no resolving, and the scheme of a URL as a browser reads it.

Absolute ``http``, ``https`` and ``mailto`` links, protocol-relative and fragment-only
links are kept as written; every other scheme (``javascript:``, ``data:``, ``file:``, ...)
is dropped, whatever its case, entity encoding or embedded whitespace. What is left is a
path for the caller to resolve: the converter's :class:`~ingest.convert.links.LinkBuilder`
against a URL template, a connector against its own site (the Confluence export's pages).
Both follow these rules, so a link is kept or dropped the same way whoever resolves it.
"""

from __future__ import annotations

import re

_KEPT_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# What a browser ignores in a URL (WHATWG URL parser): C0 controls and spaces at
# either end, tabs and newlines anywhere. Stripped before looking at the scheme so
# that " java\tscript:" is seen for what a browser would run.
_EDGE_JUNK = "".join(chr(c) for c in range(0x21))
_INNER_JUNK = re.compile(r"[\t\n\r]")


def lower_case_scheme(url: str) -> str:
    """``url`` (stripped) with its scheme in lower case: schemes are case-insensitive (RFC 3986,
    3.1), so ``HTTPS://`` is ``https://``; the rest is left alone (it may hold placeholders)."""
    return _SCHEME.sub(lambda match: match[0].lower(), url.strip(), count=1)


def clean_url(href: str) -> str:
    """``href`` as a browser reads it: edge controls and spaces gone, tabs/newlines removed."""
    return _INNER_JUNK.sub("", href.strip(_EDGE_JUNK))


def url_scheme(href: str) -> str | None:
    """The lower-cased scheme of an already cleaned URL, or None for a relative one."""
    match = _SCHEME.match(href)
    return match.group(1).lower() if match else None


def settle_href(href: str) -> tuple[str, bool]:
    """``(href, settled)``: ``href`` cleaned, and whether it needs no resolving.

    Settled are fragment-only links, absolute links with a kept scheme (http, https,
    mailto) and protocol-relative ones, all returned as written; and links to drop (empty,
    or any other scheme such as ``javascript:``), returned as ``""``. Anything else is a
    path for the caller to resolve.
    """
    href = clean_url(href)
    if not href:
        return "", True
    if href.startswith(("#", "//")):
        return href, True
    scheme = url_scheme(href)
    if scheme is not None:
        return (href if scheme in _KEPT_SCHEMES else ""), True
    return href, False
