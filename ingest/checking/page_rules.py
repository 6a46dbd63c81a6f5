"""The rules held against one page at a time: each a small function of the page and its context
that yields what it found. A rule over the whole set of pages is in :mod:`.corpus_rules`."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ingest.check_rules import RULES
from ingest.checking.checked_page import CheckedPage
from ingest.checking.findings import Finding, Severities
from ingest.checking.source_files import Lines
from ingest.language_id import THRESHOLD, identify, prose_of
from ingest.locales import detected_locale, foreign_language, language_of
from ingest.secret_scan.finding import SecretFinding
from ingest.secret_scan.policy import ScanPolicy
from ingest.settings import CheckSettings

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
#: Template and directive syntax of docs sites that should never reach a reader as text: Hugo
#: shortcodes, Jinja/Liquid tags, Docusaurus admonition fences, wiki links and embeds.
_LEAKED = re.compile(r"\{\{[<%]|[>%]\}\}|\{%-?|-?%\}|(?:^|\s):::\w*|!?\[\[[^\]\n]{1,200}\]\]")


@dataclass(frozen=True)
class PageContext:
    """What a rule knows besides the page: the source, the configuration, where the page's lines are."""

    source: str
    settings: CheckSettings
    severities: Severities
    default_locale: str
    lines: Lines
    file: str | None
    #: The source's secret scan, its baseline read (None: the source does not scan).
    secrets: ScanPolicy | None = None

    def finding(self, rule: str, page: CheckedPage, message: str, line: int | None = None) -> Finding | None:
        """A finding of ``rule`` about ``page`` at its configured severity; None when the rule is off."""
        assert rule in RULES, rule
        severity = self.severities.of(rule)
        if severity is None:
            return None
        return Finding(rule, severity, self.source, page.locator, message, line, self.file)


#: A rule over one page.
PageRule = Callable[[CheckedPage, PageContext], Iterator[Finding | None]]


def text_of(page_html: str) -> str:
    """Every word a reader of the page sees (code included), spaces squeezed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", page_html))).strip()


def empty_pages(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    length = len(text_of(page.html))
    if length == 0:
        yield context.finding("empty-page", page, "the page has no text")
    elif length < (threshold := context.settings.near_empty_chars):
        yield context.finding(
            "near-empty-page",
            page,
            f"the page has {length} characters of text (near_empty_chars is {threshold})",
        )


def oversize_pages(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    size = len(page.html.encode("utf-8"))
    if size > context.settings.max_page_bytes:
        yield context.finding(
            "oversize-page",
            page,
            f"the page's HTML is {size:,} bytes (max_page_bytes is {context.settings.max_page_bytes:,})",
        )


def citation_urls(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    if page.url is None:
        yield context.finding(
            "no-citation-url", page, "the page has no URL: set the source's url_template or front matter url"
        )


def broken_site_links(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    for link in page.broken_links:
        message = link.problem or f"links to {link.href}, which leads nowhere"
        yield context.finding("broken-link", page, message, context.lines.line_of(f"({link.href}", link.href))


def site_warnings(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    said = {link.problem for link in page.broken_links}
    for warning in page.warnings:
        if warning not in said:
            yield context.finding("site-warning", page, warning)


def site_syntax(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    for construct, count in sorted(page.unknown.items()):
        name = construct.partition(":")[2] or construct
        times = "once" if count == 1 else f"{count} times"
        line = context.lines.line_of(
            *(f"{opening}{name}" for opening in ("{{< ", "{{<", "{{% ", "{{%", "{% ", ":::", "<"))
        )
        yield context.finding(
            "site-syntax",
            page,
            f"{construct} is unknown to the site's dialect: shown as written ({times})",
            line,
        )
    if page.unknown:
        return  # what the dialect counted is said; the text's own syntax would say it again
    leaked = list(dict.fromkeys(match.group().strip() for match in _LEAKED.finditer(prose_of(page.html))))
    if leaked:
        shown = ", ".join(leaked[:5]) + (", ..." if len(leaked) > 5 else "")
        yield context.finding(
            "site-syntax",
            page,
            f"the page's text shows site syntax as written: {shown}",
            context.lines.line_of(*leaked),
        )


def languages(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    expected = language_of(page, context.default_locale).locale
    if "detected_language" in page.metadata:  # undeclared, and clearly not English: filed under the default
        expected = context.default_locale
    prose = prose_of(page.html)
    found = identify(prose)
    if found is None:
        return
    foreign = foreign_language(prose)
    if foreign is None:
        reads_as = "en" if found[1] <= 1 - THRESHOLD else None
    else:
        reads_as = detected_locale(foreign) or foreign
    if reads_as is not None and _primary(reads_as) != _primary(expected):
        yield context.finding(
            "language-mismatch",
            page,
            f"the page reads as {reads_as} but its locale is {expected}",
        )


def _primary(locale: str) -> str:
    return locale.replace("_", "-").split("-")[0].lower()


def secrets(page: CheckedPage, context: PageContext) -> Iterator[Finding | None]:
    """What a run's secret scan would refuse the page for (the same scan, the same allow-lists)."""
    found = _secret_scan(page, context)
    if isinstance(found, Exception):
        yield context.finding("secret", page, f"the secret scan cannot be trusted: {found}")
        return
    for secret in found:
        yield context.finding(
            "secret",
            page,
            f"{secret.detector} (fingerprint {secret.fingerprint})"
            + ("" if secret.line is not None else " in what the page includes"),
            secret.line,
        )


def holds_secret(page: CheckedPage, context: PageContext) -> bool:
    """Whether a run's scan would refuse ``page`` (also when the scan cannot be trusted), whatever
    the severity of the ``secret`` rule: the HTML report then shows nothing of the page's text."""
    return bool(_secret_scan(page, context))


def _secret_scan(page: CheckedPage, context: PageContext) -> tuple[SecretFinding, ...] | Exception:
    """The run's scan of ``page``: its findings (none when the source does not scan), or why the
    scan cannot be trusted (a front matter allow-list that is not one)."""
    if context.secrets is None or not context.secrets.enabled or page.document is None:
        return ()
    from ingest.secret_scan.document_scan import AllowListError, findings_in

    try:
        return findings_in(page.document, page, context.secrets)
    except AllowListError as exc:
        return exc


#: Every rule over one page, in the order their findings are listed.
PAGE_RULES: tuple[PageRule, ...] = (
    secrets,
    empty_pages,
    oversize_pages,
    citation_urls,
    broken_site_links,
    site_syntax,
    site_warnings,
    languages,
)


def check_page(page: CheckedPage, context: PageContext) -> list[Finding]:
    """What every page rule finds about ``page``."""
    return [finding for rule in PAGE_RULES for finding in rule(page, context) if finding is not None]
