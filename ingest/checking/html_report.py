"""``ingest check --html``: one self-contained page people read, the findings by source and
severity, then each page as Fin will be sent it, rendered (in a section with its own styles)
beside its source text.

Nothing in it runs or loads: no script, inline CSS only, and a Content-Security-Policy that
allows no script and no fetch (the previews' images included), so opening a report made from
hostile documents is as safe as reading a text file. Jinja2 escapes every value; a preview is the
one piece of markup let through, and it is the converter's sanitised HTML (a short allow-list of
tags, no style, no event handler, no ``javascript:``), sanitised again here so that the report's
safety never rests on what reached it. The previews are sections of the page rather than
sandboxed frames: a frame per page is a browsing context each, and a report of the 1,400 pages
of six real docs sites took Chromium 113 s to load that way, 15 s as sections.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

import jinja2
from markupsafe import Markup

from ingest.check_rules import Severity
from ingest.checking.findings import Finding, at_or_above
from ingest.checking.outputs import totals, where
from ingest.checking.run import CheckOutcome, Preview
from ingest.convert.sanitize import sanitize

#: Nothing may be fetched or run; styles only inline. A srcdoc frame inherits this policy.
CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
_LEVEL_NAMES: Final = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.NOTE: "Notes"}


@dataclass(frozen=True)
class _ShownFinding:
    severity: str
    rule: str
    where: str
    message: str
    anchor: str | None


@dataclass(frozen=True)
class _Level:
    name: str
    findings: list[_ShownFinding]


@dataclass(frozen=True)
class _Group:
    source: str
    levels: list[_Level]


@dataclass(frozen=True)
class _ShownPage:
    anchor: str
    source: str
    locator: str
    title: str
    url: str | None
    preview: Markup
    source_text: str
    findings: list[_ShownFinding]
    withheld: bool


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ingest.checking", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html_report(outcome: CheckOutcome, *, threshold: Severity) -> str:
    """The report of ``outcome`` (made with previews), as one HTML document."""
    anchors = {
        (preview.source, preview.locator): f"ingest-check-page-{index}"
        for index, preview in enumerate(outcome.previews, 1)
    }
    by_page: defaultdict[tuple[str, str], list[_ShownFinding]] = defaultdict(list)
    by_source: defaultdict[str, list[_ShownFinding]] = defaultdict(list)
    for finding in outcome.findings:
        shown = _shown(finding, anchors.get((finding.source, finding.path)))
        by_page[(finding.source, finding.path)].append(shown)
        by_source[finding.source].append(shown)
    groups = [
        _Group(
            source,
            [
                _Level(_LEVEL_NAMES[level], found)
                for level in Severity
                if (found := [item for item in by_source[source] if item.severity == level.value])
            ],
        )
        for source in sorted(by_source)
    ]
    pages = [_page(preview, anchors, by_page) for preview in outcome.previews]
    gating = len(at_or_above(outcome.findings, threshold))
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            csp=CSP,
            totals=totals(outcome),
            threshold=threshold.value,
            gating=f"{gating} finding{'s' if gating != 1 else ''}",
            tallies=outcome.sources,
            groups=groups,
            pages=pages,
        )
    )


def _shown(finding: Finding, anchor: str | None) -> _ShownFinding:
    return _ShownFinding(finding.severity.value, finding.rule, where(finding), finding.message, anchor)


def _page(
    preview: Preview,
    anchors: dict[tuple[str, str], str],
    by_page: dict[tuple[str, str], list[_ShownFinding]],
) -> _ShownPage:
    key = (preview.source, preview.locator)
    return _ShownPage(
        anchor=anchors[key],
        source=preview.source,
        locator=preview.locator,
        title=preview.title,
        url=preview.url,
        preview=Markup(sanitize(preview.html)),  # noqa: S704 - sanitised: the allow-list the converter sends
        source_text=preview.source_text,
        findings=by_page.get(key, []),
        withheld=preview.withheld,
    )
