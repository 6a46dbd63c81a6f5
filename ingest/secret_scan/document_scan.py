"""The secrets a loaded document carries: in its source text, and in what its page will show.

The source text (front matter included, where people paste keys) gives each finding its line;
the page adds what the document shows of other files (a snippet, a shortcode's include, an
embed, an export's body) and what sits in link targets and attributes. A secret the page shows
that the source text holds is reported once, at its line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Final

from ingest.document import Page, SourceDocument
from ingest.secret_scan import detector
from ingest.secret_scan.finding import FINGERPRINT_LENGTH, SecretFinding
from ingest.secret_scan.policy import ALLOW_KEY, ScanPolicy

# Tags start a line of their own: a plugin then reads an attribute apart from the text around it.
_TAG_START: Final = re.compile(r"(?=<[A-Za-z/])")
# What a secret cannot span: whitespace, quotes, brackets and the marks around Markdown links.
_TOKEN_BREAK: Final = re.compile(r"""[\s"'<>()\[\]{}`|*]+""")
# Inline markup a reader reads through: a secret it splits (``AKIA**...**``) is whole in the text.
_INLINE_TAG: Final = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub"
    r"|sup|time|u|var|wbr)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG: Final = re.compile(r"<[^>]*>")
# A tag's name and its attributes' names: markup the converter wrote, never a secret.
_MARKUP: Final = re.compile(r"</?[A-Za-z][\w:-]*|\s[\w:-]+=|/?>")


class AllowListError(ValueError):
    """Front matter ``secrets_allow`` of the wrong shape."""


def findings_in(document: SourceDocument, page: Page, policy: ScanPolicy) -> tuple[SecretFinding, ...]:
    """The secrets ``document`` (and ``page``, what it converts to) carry that ``policy`` does not
    allow, in line order then page order. Reads no file: the baseline is in ``policy``.

    Raises :class:`AllowListError` when the front matter's ``secrets_allow`` is not a list of
    fingerprints (the caller fails the document: a scan that cannot be trusted sends nothing)."""
    if not policy.enabled:
        return ()
    allowed = _front_matter_allows(document)
    detector.use_plugins(policy.plugins)
    source = document.source if document.source is not None else document.body
    found = list(detector.detect(source.split("\n"), document.path))
    shown_in_source = detector.hashes_in(found)
    findings: dict[tuple[int | None, str], SecretFinding] = {}
    for item in found:
        if item.pragma or policy.baseline.accepts(document.path, item.hashed_secret):
            continue
        _add(findings, document, item.line, item.detector, item.hashed_secret, allowed)
    for item in detector.detect(_shown_beyond(source, _page_lines(document, page)), document.path):
        if item.hashed_secret in shown_in_source or item.pragma:
            continue  # reported at its line, or allowed there
        if policy.baseline.accepts(None, item.hashed_secret):
            continue
        _add(findings, document, None, item.detector, item.hashed_secret, allowed)
    return tuple(findings.values())


def _add(
    findings: dict[tuple[int | None, str], SecretFinding],
    document: SourceDocument,
    line: int | None,
    detector_name: str,
    hashed_secret: str,
    allowed: frozenset[str],
) -> None:
    fingerprint = hashed_secret[:FINGERPRINT_LENGTH]
    if fingerprint in allowed or hashed_secret in allowed:
        return
    # Two plugins finding one secret on one line (a URL's password) are one finding.
    findings.setdefault((line, hashed_secret), SecretFinding(document.path, line, detector_name, fingerprint))


def _shown_beyond(source: str, page_lines: list[str]) -> list[str]:
    """The page's lines that hold a token the source text does not: what it includes from other
    files, links it built, text its converter unescaped. A line whose every token is the source's
    shows nothing the scan of the source missed, and scanning it again doubled the scan's cost."""
    known = set(_TOKEN_BREAK.split(source))
    return [line for line in page_lines if not known.issuperset(_TOKEN_BREAK.split(_MARKUP.sub(" ", line)))]


def _page_lines(document: SourceDocument, page: Page) -> list[str]:
    # What a request carries besides the page: its external_id and an article's collections are
    # the document's path (or an export's ancestors), its description may be the connector's.
    named = [document.path, page.external_id, *_metadata_text(page.metadata)]
    text = "\n".join(part for part in (*named, page.title, page.url or "", page.html) if part)
    tagged = [line for chunk in _TAG_START.split(html.unescape(text)) for line in chunk.split("\n") if line]
    # The text as read, each block on lines of its own: what inline markup split is joined again.
    read = html.unescape(_ANY_TAG.sub("\n", _INLINE_TAG.sub("", page.html)))
    return tagged + [line for line in read.split("\n") if line]


def _metadata_text(metadata: Mapping[str, object]) -> Iterable[str]:
    for key in ("ancestors", "description"):
        value = metadata.get(key)
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple):
            yield from (str(item) for item in value)


def _front_matter_allows(document: SourceDocument) -> frozenset[str]:
    value = document.metadata.get(ALLOW_KEY)
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise AllowListError(f"front matter {ALLOW_KEY} must be a list of fingerprints from a finding")
    return frozenset(_normalised(value))


def _normalised(values: Iterable[str]) -> Iterable[str]:
    return (value.strip().lower() for value in values)
