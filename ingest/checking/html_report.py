"""``ingest check --html``: one self-contained page people read, the findings by source and
severity, then each page as Fin will be sent it (rendered, in a sandboxed frame) beside its source.

Nothing in it runs or loads: no script, inline CSS only, and a Content-Security-Policy that
forbids every fetch (the previews' images included), so opening a report made from hostile
documents is as safe as reading a text file. Jinja2 escapes every value, the previews too (they
are an attribute's text until the sandboxed frame parses them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

import jinja2

from ingest.check_rules import Severity
from ingest.checking.findings import Finding, at_or_above
from ingest.checking.outputs import totals, where
from ingest.checking.run import CheckOutcome, Preview

#: Nothing may be fetched or run; styles only inline. A srcdoc frame inherits this policy.
CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
#: The previews' own styles: how a help-center page might look, not how this report does.
_PREVIEW_HEAD: Final = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><style>'
    "body{font:15px/1.6 Georgia,'Times New Roman',serif;margin:12px 16px;color:#222}"
    "img{max-width:100%}pre{white-space:pre-wrap;background:#f4f4f4;padding:8px}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
    "</style></head><body>"
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
    srcdoc: str
    source_text: str
    findings: list[_ShownFinding]


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
        (preview.source, preview.locator): f"page-{index}"
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
        srcdoc=_PREVIEW_HEAD + preview.html + "</body></html>",
        source_text=preview.source_text,
        findings=by_page.get(key, []),
    )
