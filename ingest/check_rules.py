"""What ``ingest check`` looks for: each rule's id, default severity and what it means.

A leaf: the configuration validates ``[check.severity]`` against these ids, the checks and every
output (text, JSON, SARIF, HTML) describe their findings with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Severity(StrEnum):
    """How much a finding matters; ``--severity`` gates on it (error > warning > note)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS: Final = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.NOTE: 1}

#: What ``[check.severity]`` may set a rule to besides a severity: the rule is not run.
OFF: Final = "off"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One rule: its id (stable, used in config and SARIF), default severity, one-line summary
    and the help a reader needs to fix what it found."""

    id: str
    severity: Severity
    summary: str
    help: str


_ALL = (
    RuleInfo(
        "secret",
        Severity.ERROR,
        "The document holds a secret.",
        "A run refuses to send this document (its page stays as it was). Remove the secret and rotate "
        "it; if it is not one (an example key), allow it: `pragma: allowlist secret` on its line, "
        "its fingerprint in front matter secrets_allow, or the source's secrets_baseline.",
    ),
    RuleInfo(
        "conversion-failed",
        Severity.ERROR,
        "The document could not be read or converted.",
        "A run would fail this document and send nothing for it. The message says why: fix the "
        "document (or raise max_document_bytes / max_convert_seconds if it is legitimately large).",
    ),
    RuleInfo(
        "unreadable-source",
        Severity.ERROR,
        "The source could not be read at all.",
        "A run would sync nothing of this source (and delete nothing). Check its path, export or repository.",
    ),
    RuleInfo(
        "empty-page",
        Severity.ERROR,
        "The page has no text.",
        "Fin cannot answer from a page with no words; fill it in, or leave it out (front matter "
        "skip: true, or the source's exclude).",
    ),
    RuleInfo(
        "near-empty-page",
        Severity.WARNING,
        "The page has almost no text.",
        "Fewer characters of text than [check] near_empty_chars: a stub or a page of links, which "
        "Fin can cite but seldom answer from.",
    ),
    RuleInfo(
        "duplicate-title",
        Severity.WARNING,
        "Another page has the same title.",
        "Pages sharing a title (in this source or another) look alike to Fin and in its citations; "
        "give each a title that says what it is about.",
    ),
    RuleInfo(
        "oversize-page",
        Severity.WARNING,
        "The page is larger than [check] max_page_bytes.",
        "A very long page is cited as a whole: a reader lands at its top. Split it by subject.",
    ),
    RuleInfo(
        "no-citation-url",
        Severity.WARNING,
        "The page has no URL for Fin to cite.",
        "Set the source's url_template (or front matter url) so that Fin's answers link to the page.",
    ),
    RuleInfo(
        "broken-link",
        Severity.WARNING,
        "A link points to no page of the source.",
        "The converter unlinks it (its text stays): fix the link or publish the page it names.",
    ),
    RuleInfo(
        "site-syntax",
        Severity.WARNING,
        "Docs-site syntax would reach Fin as text.",
        "A shortcode, directive or template tag the converter does not know is shown as written. "
        "Rewrite it in Markdown, or report the construct so that its dialect learns it.",
    ),
    RuleInfo(
        "site-warning",
        Severity.NOTE,
        "The docs site warned about this page.",
        "An include not found, a shortcode naming nothing: the page is sent without that part.",
    ),
    RuleInfo(
        "language-mismatch",
        Severity.WARNING,
        "The page's text is not in its locale's language.",
        "Fin answers in the locale the page is filed under; declare the right locale (front matter "
        "locale, a .fr.md file name) or translate the page.",
    ),
)

RULES: Final[Mapping[str, RuleInfo]] = MappingProxyType({rule.id: rule for rule in _ALL})
