"""Connector -> converted pages: scan, skip what the fingerprint says is unchanged, load and convert the rest.

This is the only stage that reads documents. Its result is plain data for the planner.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import AsyncGenerator, Collection, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field

from wcmatch import glob

from ingest.availability_rules import RuleCheck
from ingest.canonical import digest
from ingest.connector import Connector, LoadsElsewhere, ProvidesLinks, ProvidesSiteLinks, Resumable
from ingest.conversion import POOL_THRESHOLD, BatchConverter
from ingest.conversion_task import ConvertOne, Read, ToRead, convert_one
from ingest.convert import LinkBuilder, converter_identity
from ingest.document import DocumentRef, DocumentWarning, Failure, Page, SkippedDocument
from ingest.document_limits import DocumentLimits
from ingest.errors import ConnectorError
from ingest.gc_pause import collector_paused
from ingest.read_queue import Fingerprinted, ReadQueue
from ingest.secret_scan.policy import ScanPolicy
from ingest.sites.contract import SiteLinks
from ingest.state import DocumentRecord, RememberedSkip, unchanged_at

#: Documents loaded (and converted) at once; loading is I/O (files, git), conversion is CPU.
LOAD_BATCH = 32
#: Documents read at once when they convert on worker processes, and how many such batches are
#: read at a time: the workers convert the next ones while this process plans and sends one.
POOL_BATCH = 128
POOL_DEPTH = 3
_GLOB_FLAGS = glob.GLOBSTAR | glob.DOTGLOB | glob.NEGATE | glob.BRACE

_Fingerprinted = Fingerprinted


@dataclass
class Collected:
    """What a source holds now, as the planner needs it."""

    #: Documents read and converted: changed for at least one target.
    pages: list[Page] = field(default_factory=list)
    #: Per target, the external ids of documents skipped because nothing changed for it.
    unchanged_ids: dict[str, set[str]] = field(default_factory=dict)
    skipped: list[SkippedDocument] = field(default_factory=list)
    #: Effective fingerprints of the documents in ``skipped`` that were read (and left out then).
    skipped_fingerprints: dict[str, str] = field(default_factory=dict)
    #: Per target, documents not read because they are as they were when it last left them out.
    remembered_skips: dict[str, list[RememberedSkip]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    #: What the converted documents' sites (and their links) warned about; never a failure.
    warnings: list[DocumentWarning] = field(default_factory=list)
    #: Per converted document, the site constructs its dialect did not know, by name.
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    scanned: int = 0
    converted: int = 0
    #: What a resumable connector would start from next time, if this run ends without failure.
    checkpoint: str | None = None
    #: When asked for (a saved plan): a digest of the scan, every locator with its effective
    #: fingerprint and every failure of the scan, so that ``ingest apply`` sees a source move.
    scan_digest: str | None = None

    def absorb(self, batch: Collected) -> None:
        """Add what reading one batch found (:func:`read`) to what the scan decided."""
        self.pages += batch.pages
        self.skipped += batch.skipped
        self.skipped_fingerprints |= batch.skipped_fingerprints
        self.failures += batch.failures
        self.warnings += batch.warnings
        self.unknown |= batch.unknown
        self.converted += batch.converted


def effective_fingerprint(connector_fingerprint: str, settings_digest: str) -> str:
    """The connector's fingerprint bound to everything else that shapes the payload, so a
    change of converter version, link template or availability re-sends every page."""
    return hashlib.sha256(f"{connector_fingerprint}\0{settings_digest}".encode()).hexdigest()[:40]


class PathFilter:
    """The source's ``include`` / ``exclude`` globs (``**`` spans folders)."""

    def __init__(self, include: Collection[str], exclude: Collection[str]) -> None:
        # Compiled once: matching 10,000 paths one globmatch call at a time costs 5x more.
        self._include = glob.compile(list(include) or ["**"], flags=_GLOB_FLAGS)
        self._exclude = glob.compile(list(exclude), flags=_GLOB_FLAGS) if exclude else None
        # The default (every path) needs no matcher: 2 µs a path, 0.1 s of a no-op run at 50,000.
        self._everything = list(include) in ([], ["**"]) and not exclude

    def __call__(self, path: str) -> bool:
        if self._everything:
            return not _has_dot_segment(path)  # the one thing ``**`` does not match
        return self._include.match(path) and not (self._exclude is not None and self._exclude.match(path))


def _has_dot_segment(path: str) -> bool:
    """Whether a segment of ``path`` is ``.`` or ``..``."""
    return (
        path in (".", "..")
        or path.startswith(("./", "../"))
        or path.endswith(("/.", "/.."))
        or "/./" in path
        or "/../" in path
    )


def links_for(connector: Connector, url_template: str | None) -> LinkBuilder:
    """The source's link builder: its template (or the connector's default) and the
    connector's variables. Call after the scan: a git connector knows its commit only then."""
    if isinstance(connector, ProvidesLinks):
        return LinkBuilder(url_template or connector.default_url_template(), connector.link_variables())
    return LinkBuilder(url_template)


@dataclass(frozen=True)
class TargetRecords:
    """What ``collect`` needs of one target: what was sent for each document, what it left out
    on purpose, and whether its own settings changed since (then every document must be
    compared again)."""

    records: Mapping[str, DocumentRecord]
    settings_changed: bool = False
    skips: Mapping[str, RememberedSkip] = field(default_factory=dict)
    #: What a change of the source's availability rules changes among the recorded documents
    #: (:mod:`ingest.rule_changes`; None: the rules are those last applied): those it names are
    #: read again whatever their fingerprint.
    rule_check: RuleCheck | None = None

    @property
    def reread(self) -> Collection[str]:
        return () if self.rule_check is None else self.rule_check.reread


@dataclass
class Scanned:
    """What a scan found, before any document is read: references and ids, never a body.

    ``collected`` holds what the scan alone decides (documents unchanged or left out as they
    were, the scan's failures and skips, the checkpoint); reading ``to_read`` adds the rest."""

    collected: Collected
    #: The documents some target needs read, with their effective fingerprints, in locator order,
    #: packed; :func:`read` takes them off as it reads them (a reference is not kept past its batch).
    to_read: ReadQueue
    #: Every locator the scan listed (past the path filter), read or not, as far as anything is to be
    #: looked up in it: only a recorded document's locator is ever asked for, so with no record
    #: (a first sync) it is empty rather than one string per document held for the whole run.
    locators: frozenset[str]
    links: LinkBuilder


async def collect(
    connector: Connector,
    *,
    targets: Mapping[str, TargetRecords],
    settings_digest: str,
    path_filter: PathFilter,
    url_template: str | None,
    only: Collection[str] | None = None,
    limits: DocumentLimits | None = None,
    jobs: int = 1,
    digest_scan: bool = False,
    secrets: ScanPolicy | None = None,
) -> Collected:
    """Scan ``connector``; read and convert only documents that changed for some target.

    A document is skipped for a target when its effective fingerprint equals the one
    recorded for that target, or the one it had when the target last left it out on
    purpose; it is read when any target needs it, and the planner then finds it unchanged
    for the others by its payload hash. ``only``, when given, limits
    reading to those locators (the watcher's changed files); every other scanned document
    counts as present and unchanged. A :class:`~ingest.connector.Resumable` connector must
    have been told its checkpoint. A document past ``limits`` (size, time, nesting) fails alone.
    With ``jobs`` above 1, a large collection converts on that many worker processes. With
    ``digest_scan``, the result holds :attr:`Collected.scan_digest`. Under ``secrets`` (a source's
    scan policy), a converted document carrying a secret is a failure.
    """
    scanned = await scan(
        connector,
        targets=targets,
        settings_digest=settings_digest,
        path_filter=path_filter,
        url_template=url_template,
        only=only,
        digest_scan=digest_scan,
    )
    result = scanned.collected
    async with aclosing(read(connector, scanned, limits=limits, jobs=jobs, secrets=secrets)) as batches:
        async for batch in batches:
            result.absorb(batch)
    return result


def reading_identity(secrets: ScanPolicy) -> str:
    """What, besides a document, decides what reading it finds: the converter (and the libraries
    that shape its HTML) and the secret scan. Part of every effective fingerprint, so that a change
    of either reads every document once."""
    return f"{converter_identity()};{secrets.identity()}"


async def scan(
    connector: Connector,
    *,
    targets: Mapping[str, TargetRecords],
    settings_digest: str,
    path_filter: PathFilter,
    url_template: str | None,
    only: Collection[str] | None = None,
    digest_scan: bool = False,
) -> Scanned:
    """The first half of :func:`collect`: scan ``connector`` and decide what must be read. The
    site's links are asked for here, once, when something is to be read: they are built before
    any document is converted."""
    result = Collected(
        unchanged_ids={name: set() for name in targets}, remembered_skips={name: [] for name in targets}
    )
    with collector_paused():
        found = [ref for ref in await _scan(connector, result) if path_filter(ref.locator)]
        result.scanned = len(found)
        if isinstance(connector, Resumable):
            result.checkpoint = connector.checkpoint()
        links = links_for(connector, url_template)
        if digest_scan:  # only for a saved plan: a run's scan (the no-op path) pays nothing for it
            result.scan_digest = _scan_digest(found, _shaping_digest(settings_digest, links), result)
        to_read = _decide_what_to_read(found, _shaping_digest(settings_digest, links), targets, only, result)
        recorded = any(view.records for view in targets.values())
        locators = frozenset(ref.locator for ref in found) if recorded else frozenset()
        del found  # the references of unchanged documents: only their locators are kept
    if to_read:
        links = links.with_site(await _site_links(connector))
    # Read in locator order: the planner takes pages in that order, batch after batch.
    to_read.sort()
    return Scanned(result, to_read, locators, links)


def batch_size_for(jobs: int, expected: int) -> int:
    """Documents read at once when ``expected`` documents convert with ``jobs`` processes: more
    when they go to worker processes, so that the workers are seldom idle."""
    return POOL_BATCH if jobs > 1 and expected >= POOL_THRESHOLD else LOAD_BATCH


async def read(
    connector: Connector,
    scanned: Scanned,
    *,
    limits: DocumentLimits | None = None,
    jobs: int = 1,
    batch_size: int | None = None,
    convert: ConvertOne = convert_one,
    secrets: ScanPolicy | None = None,
) -> AsyncGenerator[Collected, None]:
    """The second half of :func:`collect`: ``scanned.to_read`` taken off, loaded and converted
    ``batch_size`` documents at a time (default :func:`batch_size_for`), in order, each batch's
    pages, skips and failures as a :class:`Collected` of its own (what the scan decided is not
    repeated in it). With ``jobs`` above 1 and enough documents, the batches convert on worker
    processes, stopped when reading ends (also when the reader is closed or cancelled: iterate
    it under :func:`contextlib.aclosing`). ``convert`` converts each loaded document (``ingest check``
    gives one that keeps what it checks beside the page). Under ``secrets``, each converted document
    is scanned where it converts (:class:`~ingest.secret_gate.ScanThenConvert`), the source's
    baseline read once first, only when there is something to read."""
    to_read = scanned.to_read
    size = batch_size or batch_size_for(jobs, len(to_read))
    loader = connector.loader() if isinstance(connector, LoadsElsewhere) else None
    if secrets is not None and secrets.enabled and to_read:
        # detect-secrets loads only when something is converted: a no-op run never imports it.
        from ingest.secret_gate import ScanThenConvert, read_baseline

        convert = ScanThenConvert(await read_baseline(connector, secrets), convert)
    converter = BatchConverter(
        limits or DocumentLimits(), jobs=jobs, expected=len(to_read), loader=loader, convert=convert
    )
    # Batches being read ahead of the one handed on: with workers, the next ones are queued in
    # them while this one is planned and sent, so they never wait on this process.
    in_flight: deque[tuple[list[_Fingerprinted], asyncio.Task[list[Read]]]] = deque()
    depth = POOL_DEPTH if converter.pooled else 1
    with converter:
        try:
            while to_read:
                batch = to_read.take(size)
                documents = [ToRead(ref, fingerprint) for ref, fingerprint in batch]
                in_flight.append(
                    (batch, asyncio.create_task(converter.read_batch(documents, connector, scanned.links)))
                )
                del documents
                if len(in_flight) >= depth:
                    yield await _collected(*in_flight.popleft())
                    await asyncio.sleep(0)  # let in-flight I/O (a watcher, a signal, uploads) breathe
            while in_flight:
                yield await _collected(*in_flight.popleft())
                await asyncio.sleep(0)
        finally:
            for _, task in in_flight:
                task.cancel()
            # A batch cancelled mid-read has ended before its workers are stopped.
            await asyncio.gather(*(task for _, task in in_flight), return_exceptions=True)


async def _collected(batch: list[_Fingerprinted], reading: asyncio.Task[list[Read]]) -> Collected:
    """One batch's pages, skips and failures, in the batch's order."""
    result = Collected()
    for (_, fingerprint), read in zip(batch, await reading, strict=True):
        if isinstance(read, SkippedDocument):
            result.skipped.append(read)
            result.skipped_fingerprints[read.locator] = fingerprint
        else:
            _record_converted(read, result)
    return result


async def _site_links(connector: Connector) -> SiteLinks | None:
    """The source's site links, asked once, and only when something is to be converted."""
    if not isinstance(connector, ProvidesSiteLinks):
        return None
    try:
        return await connector.site_links()
    except ConnectorError:
        raise
    except Exception as exc:  # a dialect's bug: the source cannot be read as its site shows it
        raise ConnectorError(f"the site's links could not be read: {type(exc).__name__}: {exc}") from exc


async def _scan(connector: Connector, result: Collected) -> list[DocumentRef]:
    """The documents the source lists; the scan's failures and skips go to ``result``."""
    found: list[DocumentRef] = []
    async for item in connector.scan():
        if isinstance(item, Failure):
            result.failures.append(item)
        elif isinstance(item, SkippedDocument):
            result.skipped.append(item)
        else:
            found.append(item)
    return found


def _scan_digest(found: list[DocumentRef], shaping_digest: str, result: Collected) -> str:
    """The digest of what the scan listed (each locator and effective fingerprint, in locator
    order) and of what it could not list or left out, hashed in a stream."""
    hashed = hashlib.sha256(shaping_digest.encode())
    for ref in sorted(found, key=lambda ref: ref.locator):
        fingerprint = effective_fingerprint(ref.fingerprint, shaping_digest)
        hashed.update(f"\x1e{ref.locator}\x1f{fingerprint}".encode("utf-8", "surrogatepass"))
    for failure in sorted(result.failures, key=lambda failure: failure.locator):
        hashed.update(
            f"\x1dfailed\x1f{failure.locator}\x1f{failure.message}".encode("utf-8", "surrogatepass")
        )
    for skipped in sorted(result.skipped, key=lambda skipped: skipped.locator):
        hashed.update(
            f"\x1dskipped\x1f{skipped.locator}\x1f{skipped.reason}".encode("utf-8", "surrogatepass")
        )
    return hashed.hexdigest()


def _shaping_digest(settings_digest: str, links: LinkBuilder) -> str:
    """The digest of everything besides the document that shapes its payload: the targets'
    settings, the template and the link variables it uses."""
    # Variables the template does not use (a git {commit} moving) must not reread the source.
    used = sorted((name, value) for name, value in links.variables.items() if name in links.placeholders)
    return digest([settings_digest, links.url_template, used])


def _decide_what_to_read(
    found: list[DocumentRef],
    shaping_digest: str,
    targets: Mapping[str, TargetRecords],
    only: Collection[str] | None,
    result: Collected,
) -> ReadQueue:
    """The documents some target needs read, with their effective fingerprints. Every other one
    is recorded in ``result`` as it was: unchanged where it was sent, left out again where it was
    left out. An unchanged document leaves nothing behind but its external id."""
    fingerprints = [effective_fingerprint(ref.fingerprint, shaping_digest) for ref in found]
    # A document kept (not among ``only``) counts as it was whatever its fingerprint: None matches any.
    scanned = [
        (ref.locator, None if only is not None and ref.locator not in only else fingerprint)
        for ref, fingerprint in zip(found, fingerprints, strict=True)
    ]
    unchanged = {
        name: [None] * len(scanned) if view.settings_changed else unchanged_at(view.records, scanned)
        for name, view in targets.items()
    }
    del scanned
    to_read = ReadQueue()
    for position, (ref, fingerprint) in enumerate(zip(found, fingerprints, strict=True)):
        kept = only is not None and ref.locator not in only  # counts as it was, unread
        as_it_was: list[tuple[str, str | RememberedSkip]] = []
        for name, view in targets.items():
            state = _as_it_was(view, unchanged[name][position], ref.locator, fingerprint, kept=kept)
            if state is None:  # this target needs it read: then every target takes it as read
                to_read.append(ref, fingerprint)
                break
            as_it_was.append((name, state))
        else:
            for name, state in as_it_was:
                if isinstance(state, RememberedSkip):
                    result.remembered_skips[name].append(state)
                else:
                    result.unchanged_ids[name].add(state)
    return to_read


def _as_it_was(
    view: TargetRecords, unchanged_id: str | None, locator: str, fingerprint: str, *, kept: bool
) -> str | RememberedSkip | None:
    """What one target still holds for a document it need not read: the external id of what was
    sent unchanged (``unchanged_id``, found by the state's comparison), or the skip that left it
    out; None when the target needs the document read."""
    if view.settings_changed:
        return None
    if unchanged_id is not None:
        return None if locator in view.reread else unchanged_id
    skip = view.skips.get(locator)
    if skip is not None and (skip.fingerprint == fingerprint or kept):
        return skip
    return None


def _record_converted(converted: Page | Failure, result: Collected) -> None:
    if isinstance(converted, Failure):
        result.failures.append(converted)
        return
    result.pages.append(converted)
    result.converted += 1
    result.warnings += [DocumentWarning(converted.locator, warning) for warning in converted.warnings]
    if converted.unknown:
        result.unknown[converted.locator] = dict(converted.unknown)
