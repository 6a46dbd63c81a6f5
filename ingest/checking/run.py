"""``ingest check``'s work: every document of each source scanned, read and converted by the
run's own path (:func:`ingest.collect.scan` and :func:`ingest.collect.read`, the conversion pool
included), each page held to the page rules as its batch arrives and summarised for the rules
over the whole set. Nothing is sent, nothing recorded, no token needed."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.checking.checked_page import CheckedPage, convert_for_check
from ingest.checking.corpus_rules import LinkOut, PageSummary, duplicate_titles, missing_link_targets
from ingest.checking.findings import Finding, Severities, ordered
from ingest.checking.page_rules import PageContext, check_page, holds_secret
from ingest.checking.source_files import Lines, SourceFiles
from ingest.collect import PathFilter, TargetRecords, read, scan
from ingest.config import Settings, Source
from ingest.connector import Closeable, Connector, Resumable
from ingest.conversion import default_jobs
from ingest.document import Failure
from ingest.errors import ConnectorError
from ingest.registry import load_connector
from ingest.secret_scan.finding import FINGERPRINT_LENGTH
from ingest.secret_scan.policy import ScanPolicy

#: The one pretend target of a check: it has sent nothing, so every document is read.
_EVERYTHING = {"check": TargetRecords(records={}, settings_changed=True)}


@dataclass(frozen=True, slots=True)
class Preview:
    """One page as the HTML report shows it: what Fin would be sent beside the source text."""

    source: str
    locator: str
    title: str
    url: str | None
    html: str
    source_text: str
    #: The page holds a secret: the report shows its findings, never its title, URL, HTML or text.
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class SourceTally:
    """How many documents of a source were checked, and how the check went."""

    source: str
    scanned: int = 0
    converted: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass
class CheckOutcome:
    """Everything a check found, in a stable order, and per source what it looked at."""

    findings: list[Finding] = field(default_factory=list)
    sources: list[SourceTally] = field(default_factory=list)
    #: Only when asked for (the HTML report): every page's HTML and source text.
    previews: list[Preview] = field(default_factory=list)


ConnectorFactory = Callable[[Source], Connector]


def build_connector(source: Source) -> Connector:
    return load_connector(source.settings.connector)(source.options)


async def check_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    previews: bool = False,
    connector_factory: ConnectorFactory = build_connector,
) -> CheckOutcome:
    """Check ``sources``; with ``previews``, keep each page for the HTML report."""
    severities = Severities(settings.check.severity)
    outcome = CheckOutcome()
    summaries: list[PageSummary] = []
    for source in sources:
        started = time.perf_counter()
        checker = _SourceCheck(settings, source, severities, previews=previews)
        try:
            tally = await checker.run(connector_factory(source))
        except ConnectorError as exc:
            tally = SourceTally(source.name, error=str(exc))
            severity = severities.of("unreadable-source")
            if severity is not None:
                checker.findings.append(Finding("unreadable-source", severity, source.name, "", str(exc)))
        outcome.sources.append(replace(tally, seconds=round(time.perf_counter() - started, 3)))
        outcome.findings += checker.findings
        outcome.previews += checker.previews
        summaries += checker.summaries
    outcome.findings += duplicate_titles(summaries, severities)
    policies = {source.name: source.settings.scan_policy for source in sources}
    outcome.findings = ordered(_quoting_no_secret(outcome.findings, policies))
    return outcome


def _quoting_no_secret(findings: Sequence[Finding], policies: Mapping[str, ScanPolicy]) -> list[Finding]:
    """``findings``, each message that quotes a secret from the page (a link's href, a title, a
    construct shown as written) said again without it: outputs are shared where the page is not."""
    kept: list[Finding] = []
    for finding in findings:
        policy = policies.get(finding.source)
        if finding.rule != "secret" and policy is not None and policy.enabled:
            from ingest.secret_scan import detector

            detector.use_plugins(policy.plugins)
            quoted = next(detector.detect([finding.message], finding.path), None)
            if quoted is not None:
                finding = replace(
                    finding,
                    message=f"(the {finding.rule} finding's message is withheld: it quotes a secret, "
                    f"{quoted.detector} fingerprint {quoted.hashed_secret[:FINGERPRINT_LENGTH]})",
                )
        kept.append(finding)
    return kept


class _SourceCheck:
    """One source's check: its findings, its pages' summaries and (when asked) previews."""

    def __init__(self, settings: Settings, source: Source, severities: Severities, *, previews: bool) -> None:
        self._settings = settings
        self._source = source
        self._severities = severities
        self._keep_previews = previews
        self._files = SourceFiles(_folder_of(source))
        self._default_locale = _default_locale(source)
        self.findings: list[Finding] = []
        self.summaries: list[PageSummary] = []
        self.previews: list[Preview] = []
        self._secrets: ScanPolicy | None = None

    async def run(self, connector: Connector) -> SourceTally:
        source = self._source
        if isinstance(connector, Resumable):
            connector.resume_from(None)  # a check reads everything, whatever a run last saw
        try:
            scanned = await scan(
                connector,
                targets=_EVERYTHING,
                settings_digest="",
                path_filter=PathFilter(source.settings.include, source.settings.exclude),
                url_template=source.settings.url_template,
            )
            collected = scanned.collected
            # Every document the source holds (past its include and exclude), read or not.
            every_locator = {item.locator for item in collected.failures} | {
                s.locator for s in collected.skipped
            }
            converted = failed = skipped = 0
            for failure in collected.failures:
                self._failed(failure)
            failed += len(collected.failures)
            skipped += len(collected.skipped)
            policy = source.settings.scan_policy
            if policy.enabled and scanned.to_read:
                # A baseline that cannot be read fails the source, as it fails a run.
                from ingest.secret_gate import read_baseline

                self._secrets = await read_baseline(connector, policy)
            jobs = self._settings.run.jobs or default_jobs()
            limits = source.settings.document_limits
            own_pages: list[PageSummary] = []
            reading = read(connector, scanned, limits=limits, jobs=jobs, convert=convert_for_check)
            async with aclosing(reading) as batches:
                async for batch in batches:
                    for failure in batch.failures:
                        self._failed(failure)
                    failed += len(batch.failures)
                    skipped += len(batch.skipped)
                    every_locator.update(item.locator for item in batch.failures)
                    every_locator.update(item.locator for item in batch.skipped)
                    every_locator.update(page.locator for page in batch.pages)
                    for page in batch.pages:
                        assert isinstance(page, CheckedPage)
                        own_pages.append(self._page(page))
                        converted += 1
        finally:
            if isinstance(connector, Closeable):
                connector.close()
        self.findings += missing_link_targets(own_pages, every_locator, self._severities)
        self.summaries += own_pages
        return SourceTally(
            source.name, scanned=collected.scanned, converted=converted, failed=failed, skipped=skipped
        )

    def _page(self, page: CheckedPage) -> PageSummary:
        """``page`` held to the page rules; what the whole-set rules need of it."""
        text = self._files.text_of(page.locator)
        lines = Lines(text)
        file = self._files.repository_path(page.locator)
        context = PageContext(
            self._source.name,
            self._settings.check,
            self._severities,
            self._default_locale,
            lines,
            file,
            self._secrets,
        )
        found = check_page(page, context)
        self.findings += found
        if self._keep_previews:
            if any(finding.rule == "secret" for finding in found) or (
                self._severities.of("secret") is None and holds_secret(page, context)
            ):
                self.previews.append(
                    Preview(self._source.name, page.locator, "", None, "", "", withheld=True)
                )
            else:
                body = text if text is not None else (page.document.body if page.document is not None else "")
                self.previews.append(
                    Preview(self._source.name, page.locator, page.title, page.url, page.html, body)
                )
        links = tuple(
            LinkOut(link.href, link.target, lines.line_of(f"({link.href}", link.href))
            for link in page.relative_links
            if link.target is not None
        )
        title_line = lines.line_of(f"title: {page.title}", page.title) if page.title else None
        return PageSummary(self._source.name, page.locator, page.title, file, title_line, links)

    def _failed(self, failure: Failure) -> None:
        severity = self._severities.of("conversion-failed")
        if severity is not None:
            self.findings.append(
                Finding(
                    "conversion-failed",
                    severity,
                    self._source.name,
                    failure.locator,
                    failure.message,
                    None,
                    self._files.repository_path(failure.locator),
                )
            )


def _folder_of(source: Source) -> Path | None:
    """The folder a ``filesystem`` source's documents are files of; other connectors' documents
    (an export's entries, a repository's objects at a commit) are not the files on disk."""
    if source.settings.connector != "filesystem":
        return None
    path = getattr(source.options, "path", None)
    return path if isinstance(path, Path) else None


def _default_locale(source: Source) -> str:
    for table in source.target_tables.values():
        locale = getattr(table, "default_locale", None)
        if isinstance(locale, str):
            return locale
    return "en"
