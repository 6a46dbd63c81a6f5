"""Fail closed: a converted document carrying a secret becomes a failure, and is not sent.

:class:`ScanThenConvert` wraps a :data:`~ingest.conversion_task.ConvertOne` so that the scan
runs wherever a document is converted, in this process or in a conversion worker (it pickles
with its policy and baseline). A document with a finding, or whose scan raised, is a
:class:`~ingest.document.Failure` carrying the findings and its external id: a new page is not
created, a changed one keeps what it was sent last (state is untouched for it, and the planner
deletes nothing a failure names), and the next run scans it again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.connector import Connector, ReadsSourceFiles
from ingest.conversion_task import ConvertOne, ToConvert, convert_one
from ingest.convert import LinkBuilder
from ingest.document import Failure, Page, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.errors import ConnectorError
from ingest.secret_scan.baseline import Baseline, BaselineError, parse_baseline
from ingest.secret_scan.document_scan import findings_in
from ingest.secret_scan.finding import SecretFinding
from ingest.secret_scan.policy import ScanPolicy

log = logging.getLogger("ingest.secrets")

#: The source key naming the baseline, for messages.
BASELINE_KEY = "secrets_baseline"


@dataclass(frozen=True, slots=True)
class ScanThenConvert:
    """``convert``, then the scan of what it converted under ``policy``."""

    policy: ScanPolicy
    convert: ConvertOne = convert_one

    def __call__(self, item: ToConvert, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
        page = self.convert(item, links, limits)
        if isinstance(page, Failure):
            return page
        return gate(item.document, page, self.policy)


def gate(document: SourceDocument, page: Page, policy: ScanPolicy) -> Page | Failure:
    """``page`` when ``document`` and ``page`` carry no secret ``policy`` does not allow, else
    the failure that keeps it from being sent (also when the scan itself raised)."""
    try:
        findings = findings_in(document, page, policy)
    except Exception as exc:  # a scan that cannot be trusted sends nothing
        return Failure(
            page.locator,
            f"{page.locator}: not sent: the secret scan failed: {exc}",
            external_id=page.external_id,
        )
    if not findings:
        return page
    for finding in findings:
        log.warning("%s: secret found, not sent: %s", page.locator, finding.describe())
    return Failure(
        page.locator, secrets_message(page.locator, findings), external_id=page.external_id, secrets=findings
    )


def secrets_message(locator: str, findings: Sequence[SecretFinding]) -> str:
    """One sentence for the summary: where each secret is, by which detector, its fingerprint."""
    listed = "; ".join(finding.describe() for finding in findings)
    count = f"{len(findings)} secret{'s' if len(findings) != 1 else ''}"
    return f"{locator}: not sent: {count} found ({listed})"


async def read_baseline(connector: Connector, policy: ScanPolicy) -> ScanPolicy:
    """``policy`` with the baseline it names read from the source, through ``connector``.

    Raises :class:`~ingest.errors.ConnectorError` (the source cannot be synced safely) when the
    connector reads no files, or the baseline is missing or unreadable."""
    path = policy.baseline_path
    if not policy.enabled or path is None:
        return policy
    if not isinstance(connector, ReadsSourceFiles):
        raise ConnectorError(f"{BASELINE_KEY}: this source's connector reads no files to find {path} in")
    raw = await connector.read_source_file(path)
    if raw is None:
        raise ConnectorError(f"{BASELINE_KEY}: the source has no file {path}")
    folder = path.rpartition("/")[0]
    try:
        baseline: Baseline = parse_baseline(raw, folder)
    except BaselineError as exc:
        raise ConnectorError(f"{BASELINE_KEY}: {path} cannot be read: {exc}") from None
    return policy.with_baseline(baseline)
