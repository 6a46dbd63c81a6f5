"""The unchanged sample source, scanned twice and loaded three ways, and the rules it must keep."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path, PurePosixPath

from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.testing.report import ConformanceReport
from ingest.testing.session import Loaded, Raised, Scan, describe

#: Examples named in one report line, at most.
_SHOWN = 3


@dataclass
class Baseline:
    """Two connector instances over the unchanged source.

    ``together`` and ``one_by_one`` are the first instance's loads of ``scanned.refs`` (all at
    once, then each again in turn); ``fresh`` the second instance's loads of ``rescanned.refs``.
    """

    scanned: Scan
    together: list[Loaded]
    one_by_one: list[Loaded]
    rescanned: Scan
    fresh: list[Loaded]

    @cached_property
    def documents(self) -> list[tuple[DocumentRef, SourceDocument]]:
        """The refs of the first scan that loaded as documents, with the document."""
        pairs = zip(self.scanned.refs, self.together, strict=True)
        return [(ref, loaded) for ref, loaded in pairs if isinstance(loaded, SourceDocument)]

    @cached_property
    def loadable(self) -> frozenset[str]:
        return frozenset(ref.locator for ref, _ in self.documents)


def check_baseline(report: ConformanceReport, baseline: Baseline, documents_at: Path | None) -> None:
    """Every rule the unchanged source can show broken."""
    _sample(report, baseline)
    _shapes(report, baseline)
    _no_body_opened(report, baseline.scanned, documents_at)
    _unique_ids(report, baseline)
    _stable(report, baseline)
    _consistent_loads(report, baseline)


def _sample(report: ConformanceReport, baseline: Baseline) -> None:
    if len(baseline.documents) < 2:
        report.broken(
            "sample",
            f"the sample source gave {len(baseline.documents)} loadable document(s); give it at least two "
            "so that uniqueness, edits and failures can be told apart",
        )


def _shapes(report: ConformanceReport, baseline: Baseline) -> None:
    for scan in (baseline.scanned, baseline.rescanned):
        for item in scan.items:
            if not isinstance(item, DocumentRef | SkippedDocument | Failure):
                report.broken(
                    "shapes", f"scan yielded {describe(item)}, not a DocumentRef, SkippedDocument or Failure"
                )
            elif isinstance(item, DocumentRef) and not (
                isinstance(item.fingerprint, str) and item.fingerprint
            ):
                report.broken(
                    "shapes",
                    f"scan gave {item.locator} the fingerprint {item.fingerprint!r}: use a non-empty str",
                )
    for ref, loaded in _all_loads(baseline):
        if isinstance(loaded, Raised):
            report.broken(
                "failure-is-a-value",
                f"load({ref.locator}) raised {loaded}: a document that cannot be read is a Failure value",
            )
        elif not isinstance(loaded, SourceDocument | SkippedDocument | Failure):
            report.broken("shapes", f"load({ref.locator}) returned {describe(loaded)}")


def _no_body_opened(report: ConformanceReport, scan: Scan, documents_at: Path | None) -> None:
    if documents_at is not None and scan.opened:
        shown = ", ".join(scan.opened[:_SHOWN])
        report.broken(
            "scan-reads-no-body",
            f"building the connector and its scan opened {len(scan.opened)} document file(s) under "
            f"{documents_at} ({shown}): a run must list and fingerprint without reading bodies (read one "
            "in load, when asked), or declare scan_reads_bodies=True",
        )


def _unique_ids(report: ConformanceReport, baseline: Baseline) -> None:
    locators = Counter(item.locator for item in baseline.scanned.items if isinstance(item, _LISTED))
    repeated = [locator for locator, count in locators.items() if count > 1]
    if repeated:
        report.broken(
            "ids-unique", f"one scan listed the same locator more than once: {', '.join(repeated[:_SHOWN])}"
        )
    odd = [locator for locator in locators if not _relative_posix(locator)]
    if odd:
        report.broken(
            "ids-unique", f"locators must be relative POSIX paths, not {', '.join(map(repr, odd[:_SHOWN]))}"
        )
    owners: dict[str, list[str]] = {}
    for ref, document in baseline.documents:
        owners.setdefault(document.external_id, []).append(ref.locator)
    shared = [f"{external_id!r} ({', '.join(locs)})" for external_id, locs in owners.items() if len(locs) > 1]
    if shared:
        report.broken(
            "ids-unique",
            "documents share an external id, so one page would overwrite another: "
            + "; ".join(shared[:_SHOWN]),
        )


def _stable(report: ConformanceReport, baseline: Baseline) -> None:
    first, second = baseline.scanned.fingerprints(), baseline.rescanned.fingerprints()
    added, missing = sorted(set(second) - set(first)), sorted(set(first) - set(second))
    if added or missing:
        report.broken(
            "ids-stable",
            "a second scan of the unchanged source listed other locators: "
            f"new {added[:_SHOWN]}, gone {missing[:_SHOWN]}",
        )
    changed = [
        f"{loc} ({first[loc]!r} then {fp!r})"
        for loc, fp in second.items()
        if loc in first and first[loc] != fp
    ]
    if changed:
        report.broken(
            "fingerprints-stable",
            f"two scans of the unchanged source gave {len(changed)} document(s) other fingerprints: "
            f"{'; '.join(changed[:_SHOWN])}; the engine would re-read them on every run",
        )
    fresh = {ref.locator: loaded for ref, loaded in zip(baseline.rescanned.refs, baseline.fresh, strict=True)}
    renamed = [
        f"{ref.locator} ({document.external_id!r} then {again.external_id!r})"
        for ref, document in baseline.documents
        if isinstance(again := fresh.get(ref.locator), SourceDocument)
        and again.external_id != document.external_id
    ]
    if renamed:
        report.broken(
            "ids-stable",
            f"loading the unchanged source again gave other external ids: {'; '.join(renamed[:_SHOWN])}",
        )


def _consistent_loads(report: ConformanceReport, baseline: Baseline) -> None:
    fresh = {ref.locator: loaded for ref, loaded in zip(baseline.rescanned.refs, baseline.fresh, strict=True)}
    differing: dict[str, list[str]] = {"one by one": [], "from a fresh connector": []}
    pairs = zip(baseline.scanned.refs, baseline.together, baseline.one_by_one, strict=True)
    for ref, together, one_by_one in pairs:
        # A fresh connector loads the ref of its own scan: whether fingerprints agree across
        # scans is fingerprints-stable's business, so only the rest of the document counts here.
        for how, other, same_ref in (
            ("one by one", one_by_one, True),
            ("from a fresh connector", fresh.get(ref.locator), False),
        ):
            difference = _difference(together, other, same_ref=same_ref)
            if difference is not None:
                differing[how].append(f"{ref.locator} ({difference})")
    for how, found in differing.items():
        if found:
            report.broken(
                "load-consistent",
                f"loading unchanged documents {how} gave other results than loading them all at once for "
                f"{len(found)} document(s): {'; '.join(found[:_SHOWN])}",
            )
    for ref, loaded in _all_loads(baseline):
        if isinstance(loaded, SourceDocument) and loaded.fingerprint != ref.fingerprint:
            report.broken(
                "load-consistent",
                f"load({ref.locator}) carried fingerprint {loaded.fingerprint!r}, its ref "
                f"{ref.fingerprint!r}: an unchanged document keeps its ref's fingerprint",
            )
            return


_LISTED = DocumentRef | SkippedDocument | Failure


def _all_loads(baseline: Baseline) -> list[tuple[DocumentRef, Loaded]]:
    refs = baseline.scanned.refs
    pairs = [*zip(refs, baseline.together, strict=True), *zip(refs, baseline.one_by_one, strict=True)]
    return pairs + list(zip(baseline.rescanned.refs, baseline.fresh, strict=True))


def _difference(first: Loaded, second: Loaded, *, same_ref: bool) -> str | None:
    """What differs between two loads of one document, or None when they agree."""
    if second is None:
        return None  # not listed again: ids-stable reports that
    if type(first) is not type(second):
        return f"{describe(first)} then {describe(second)}"
    if isinstance(first, SourceDocument) and isinstance(second, SourceDocument):
        for field in fields(SourceDocument):
            if field.name == "fingerprint" and not same_ref:
                continue
            if getattr(first, field.name) != getattr(second, field.name):
                return f"its {field.name} differs"
    return None


def _relative_posix(locator: str) -> bool:
    path = PurePosixPath(locator)
    return bool(locator) and "\0" not in locator and not path.is_absolute() and ".." not in path.parts
