"""The secret scan alone, as ``ingest scan`` runs it: no token, no request, no state.

A source is scanned as a run reads it (its connector, its site, its path filter, its links) but
every document is loaded, not only those changed since the last run; files given by path (what
pre-commit passes) are scanned as the source holding them would, through its connector, and a
file in no configured source as a plain document under the default policy.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.collect import PathFilter, links_for
from ingest.config import Source
from ingest.connector import Closeable, Connector, ProvidesSiteLinks
from ingest.conversion_task import ToConvert, convert_one, load_one
from ingest.convert import LinkBuilder
from ingest.document import DocumentRef, Failure, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.errors import ConnectorError
from ingest.secret_gate import gate, read_baseline
from ingest.secret_scan.finding import SecretFinding
from ingest.secret_scan.policy import ScanPolicy
from ingest.textdoc import read_text_document

#: The name findings in files of no configured source are reported under.
LOOSE_FILES = "(files in no source)"


@dataclass
class SourceScan:
    """What scanning one source (or the loose files) found."""

    source: str
    scanned: int = 0
    findings: list[SecretFinding] = field(default_factory=list)
    #: Documents that could not be read, converted or scanned: the check cannot vouch for them.
    failures: list[Failure] = field(default_factory=list)
    #: Why the source was not scanned (``scan_secrets = false``), if it was not.
    off: str | None = None

    @property
    def clean(self) -> bool:
        return not self.findings and not self.failures


async def scan_source(
    source: Source, connector: Connector, only: Collection[str] | None = None
) -> SourceScan:
    """Every document of ``source`` (or those whose locator is in ``only``) loaded, converted and
    scanned under its policy. A source that cannot be read raises
    :class:`~ingest.errors.ConnectorError`."""
    result = SourceScan(source.name)
    policy = source.settings.scan_policy
    if not policy.enabled:
        result.off = "scan_secrets = false"
        return result
    try:
        wanted = PathFilter(source.settings.include, source.settings.exclude)
        refs: list[DocumentRef] = []
        async for item in connector.scan():
            if isinstance(item, Failure):
                result.failures.append(item)
            elif (
                isinstance(item, DocumentRef)
                and wanted(item.locator)
                and (only is None or item.locator in only)
            ):
                refs.append(item)
        links = links_for(connector, source.settings.url_template)
        if refs and isinstance(connector, ProvidesSiteLinks):
            links = links.with_site(await connector.site_links())
        policy = await read_baseline(connector, policy)
        for ref in refs:
            loaded = await load_one(connector, ref)
            if isinstance(loaded, SourceDocument):
                _scan_one(loaded, ref, links, source.settings.document_limits, policy, result)
            elif isinstance(loaded, Failure):
                result.failures.append(loaded)
    finally:
        if isinstance(connector, Closeable):
            connector.close()
    return result


def _scan_one(
    document: SourceDocument,
    ref: DocumentRef,
    links: LinkBuilder,
    limits: DocumentLimits,
    policy: ScanPolicy,
    result: SourceScan,
) -> None:
    result.scanned += 1
    page = convert_one(ToConvert(document, ref.locator, ref.fingerprint), links, limits)
    checked = page if isinstance(page, Failure) else gate(document, page, policy)
    if isinstance(checked, Failure):
        if checked.secrets:
            result.findings.extend(checked.secrets)
        else:
            result.failures.append(checked)


def scan_loose_file(path: Path, policy: ScanPolicy, result: SourceScan) -> None:
    """``path`` (in no configured source) read as a plain document and scanned under ``policy``."""
    locator = path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.failures.append(Failure(locator, f"cannot read {locator}: {exc.strerror or exc}"))
        return
    loaded = read_text_document(raw, path=locator, fingerprint="", modified=datetime.now(UTC))
    if isinstance(loaded, SourceDocument):
        _scan_one(loaded, DocumentRef(locator, ""), LinkBuilder(None), DocumentLimits(), policy, result)
    elif isinstance(loaded, Failure):
        result.failures.append(loaded)


async def scan_paths(
    files: Sequence[Path], sources: Sequence[Source], connector_for: Callable[[Source], Connector]
) -> list[SourceScan]:
    """``files`` scanned as the sources holding them would (a source's folder: the ``path`` its
    connector's options name), the others as plain documents under the default policy."""
    remaining = {file.resolve(): file for file in files}
    results: list[SourceScan] = []
    for source in sources:
        root = _folder_of(source)
        if root is None:
            continue
        inside = {real: real.relative_to(root).as_posix() for real in remaining if real.is_relative_to(root)}
        if not inside:
            continue
        for real in inside:
            del remaining[real]
        try:
            results.append(await scan_source(source, connector_for(source), set(inside.values())))
        except ConnectorError as exc:
            results.append(SourceScan(source.name, failures=[Failure(source.name, str(exc))]))
    if remaining:
        loose = SourceScan(LOOSE_FILES)
        for file in remaining.values():
            scan_loose_file(file, ScanPolicy(), loose)
        results.append(loose)
    return results


def _folder_of(source: Source) -> Path | None:
    folder = getattr(source.options, "path", None)
    if not isinstance(folder, Path | str):
        return None
    resolved = Path(folder).resolve()
    return resolved if resolved.is_dir() else None
