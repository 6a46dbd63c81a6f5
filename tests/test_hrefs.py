"""Which hrefs need no resolving: the rules the converter and connectors resolving their own links share."""

from __future__ import annotations

import pytest

from ingest.hrefs import clean_url, settle_href, url_scheme


@pytest.mark.parametrize(
    "href",
    [
        "#vat",
        "//cdn.example.com/a.png",
        "https://example.com/x",
        "HTTP://Example.com/A",
        "mailto:help@example.com",
    ],
)
def test_fragments_protocol_relative_and_kept_schemes_are_settled_as_written(href: str) -> None:
    """Fragment-only, protocol-relative and http(s)/mailto links need no resolving and keep their spelling."""
    assert settle_href(href) == (href, True)


@pytest.mark.parametrize(
    "href",
    [
        "",
        "  \n",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " java\tscript:alert(1)",
        "data:,x",
        "file:///etc",
    ],
)
def test_empty_links_and_other_schemes_are_settled_as_dropped(href: str) -> None:
    """An empty link or any other scheme, whatever its case or the whitespace inside it, is dropped."""
    assert settle_href(href) == ("", True)


@pytest.mark.parametrize("href", ["invoices.md", "../setup.md?tab=mac#install", "/faq.md", "?print=1"])
def test_paths_are_left_for_the_caller_to_resolve(href: str) -> None:
    """A relative or root-relative path is not settled: the caller resolves it against its source."""
    assert settle_href(f" {href}\n") == (href, False)


def test_clean_url_drops_what_a_browser_ignores() -> None:
    """Controls and spaces at either end go, tabs and newlines anywhere; inner spaces stay."""
    assert clean_url("\x00 ht\ttp://a.example/b c\r\n ") == "http://a.example/b c"


@pytest.mark.parametrize(
    ("href", "scheme"),
    [("HTTPS://a.example", "https"), ("svn+ssh://host/x", "svn+ssh"), ("a/b:c", None), ("1http://x", None)],
)
def test_url_scheme_is_lower_cased_or_none_for_a_relative_url(href: str, scheme: str | None) -> None:
    """The scheme is read as a URL parser reads it: a letter first, then letters, digits, + . -."""
    assert url_scheme(href) == scheme
