"""One call that checks a connector against the contract of :mod:`ingest.connector`.

The check drives fresh connector instances over a sample source the test provides, the
way the engine does (:mod:`ingest.testing.phases`): the unchanged source, then through the
test's hooks one document edited, one made unreadable, and last the whole source.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ingest.connector import ConnectorFactory, ConnectorOptions, OptionsT
from ingest.errors import ConfigError
from ingest.registry import check_options_boundary
from ingest.testing.phases import DocumentHook, Phases, SourceHook
from ingest.testing.report import RULES, ConformanceError, ConformanceReport


async def check_connector(
    factory: ConnectorFactory[OptionsT],
    options: Mapping[str, Any] | OptionsT,
    *,
    edit_document: DocumentHook | None = None,
    break_document: DocumentHook | None = None,
    break_source: SourceHook | None = None,
    documents_at: Path | None = None,
    scan_reads_bodies: bool = False,
    base_dir: Path | None = None,
) -> ConformanceReport:
    """Check ``factory`` over the sample source ``options`` describe; return the report.

    ``options`` are the source's connector keys as in ``[sources.<name>]`` (validated by
    the factory's ``options_model``, relative paths from ``base_dir``) or an options
    instance. The source should hold a few documents that load. The hooks, sync or async,
    let the kit change the source between scans; each receives the
    :class:`~ingest.document.DocumentRef` it should act on:

    * ``edit_document(ref)``: change that document's content, keeping its identity;
    * ``break_document(ref)``: make that document's body unreadable (invalid bytes, a
      missing blob); what a cheap scan looks at may change, as an edit would;
    * ``break_source()``: make the whole source unreadable (remove its folder).

    ``documents_at`` names the folder holding document files, so the kit can see a scan
    open one. A connector whose fingerprint is a hash of content (it must read bodies to
    scan) says so with ``scan_reads_bodies=True``. A rule left without the hook or folder
    it needs is reported as not checked, never as kept.
    """
    report = ConformanceReport(_name_of(factory))
    validated = _validated_options(report, factory, options, base_dir)
    phases = Phases(
        report, factory, validated, documents_at=documents_at, scan_reads_bodies=scan_reads_bodies
    )
    baseline = await phases.baseline() if validated is not None else None
    if baseline is None:
        for rule in RULES:
            if rule != "factory":
                report.skip(rule, "not reached: no document of the sample could be built, scanned and loaded")
        return report
    if edit_document is not None:
        await phases.edit(baseline, edit_document)
    else:
        report.skip("fingerprints-change", "pass edit_document= to check it")
    if break_document is not None:
        await phases.break_one(baseline, break_document)
    else:
        report.skip("failure-is-a-value", "pass break_document= to check it")
    if scan_reads_bodies:
        report.not_applicable["scan-reads-no-body"] = (
            "declared: the fingerprint hashes content (scan_reads_bodies)"
        )
    elif documents_at is None and break_document is None:
        report.skip(
            "scan-reads-no-body", "pass documents_at= (the folder of document files) or break_document="
        )
    if break_source is not None:
        await phases.source_unreadable(break_source)
    else:
        report.skip("source-failure-raises", "pass break_source= to check it")
    return report


async def assert_conforms(
    factory: ConnectorFactory[OptionsT],
    options: Mapping[str, Any] | OptionsT,
    *,
    edit_document: DocumentHook | None = None,
    break_document: DocumentHook | None = None,
    break_source: SourceHook | None = None,
    documents_at: Path | None = None,
    scan_reads_bodies: bool = False,
    base_dir: Path | None = None,
) -> ConformanceReport:
    """:func:`check_connector`, raising :class:`ConformanceError` (the whole report) unless every rule
    was checked and kept; returns the report otherwise."""
    report = await check_connector(
        factory,
        options,
        edit_document=edit_document,
        break_document=break_document,
        break_source=break_source,
        documents_at=documents_at,
        scan_reads_bodies=scan_reads_bodies,
        base_dir=base_dir,
    )
    if not report.ok:
        raise ConformanceError(report)
    return report


def _name_of(factory: object) -> str:
    return str(getattr(factory, "__qualname__", None) or repr(factory))


def _validated_options(
    report: ConformanceReport, factory: object, options: object, base_dir: Path | None
) -> ConnectorOptions | None:
    model = getattr(factory, "options_model", None)
    if not (isinstance(model, type) and issubclass(model, ConnectorOptions)):
        report.broken("factory", f"options_model is {model!r}, not a subclass of ConnectorOptions")
        return None
    try:
        check_options_boundary(report.connector, model)
    except ConfigError as exc:
        report.broken("factory", str(exc))
    if isinstance(options, ConnectorOptions):
        if isinstance(options, model):
            return options
        report.broken("factory", f"the sample options are {type(options).__name__}, not {model.__name__}")
        return None
    try:
        return model.model_validate(options, context={"base_dir": base_dir})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        report.broken("factory", f"the sample options do not validate: {where}: {first['msg']}")
        return None
