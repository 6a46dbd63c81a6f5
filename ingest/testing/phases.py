"""The phases of one conformance check: the unchanged source, an edit, a broken document, a broken source.

Each phase builds fresh connector instances, as the engine builds one per run, and records
what it sees in the report; nothing a connector does (raising included) stops the check.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from ingest.connector import Connector, ConnectorFactory, ConnectorOptions, Resumable
from ingest.document import DocumentRef, Failure, SourceDocument
from ingest.errors import ConnectorError
from ingest.testing.baseline import Baseline, check_baseline
from ingest.testing.bodyreads import files_opened_under
from ingest.testing.report import ConformanceReport
from ingest.testing.session import Raised, Scan, Session, build, describe, run_hook

#: Changes one document in the sample source; receives the ref of the document to act on.
DocumentHook = Callable[[DocumentRef], object]
#: Makes the whole sample source unreadable (removes its folder, say).
SourceHook = Callable[[], object]

_SHOWN = 3


class Phases:
    """The phases of one check, sharing the report and how to build a connector."""

    def __init__(
        self,
        report: ConformanceReport,
        factory: ConnectorFactory[Any],
        options: ConnectorOptions | None,
        *,
        documents_at: Path | None,
        scan_reads_bodies: bool,
    ) -> None:
        self.report = report
        self.factory = factory
        self.options = options
        self.documents_at = documents_at
        self.scan_reads_bodies = scan_reads_bodies

    def session(self, rule: str, when: str) -> Session | None:
        assert self.options is not None
        built = build(self.factory, self.options)
        if isinstance(built, Raised):
            self.report.broken(rule, f"building the connector {when} raised {built}")
            return None
        if not isinstance(built.connector, Connector):
            what = type(built.connector).__name__
            self.report.broken("factory", f"the factory built a {what}, which has no scan() and load()")
            return None
        return built

    def close(self, session: Session) -> None:
        """Close ``session`` as the engine does after every run; a close that raises breaks the run."""
        raised = session.close()
        if raised is not None:
            self.report.broken(
                "sample", f"close() raised {raised}: the engine closes the connector after every run"
            )

    async def baseline(self) -> Baseline | None:
        """Scan and load the unchanged source several ways; check what must not vary."""
        # What a run does before it loads anything (build the connector, scan) must read no body.
        watch = None if self.scan_reads_bodies else self.documents_at
        with files_opened_under(watch) if watch is not None else nullcontext(list[str]()) as opened:
            first = self.session("sample", "over the sample source")
            second = self.session("sample", "a second time") if first is not None else None
            scanned = await first.scan() if first is not None and second is not None else None
        if first is None:
            return None
        if second is None or scanned is None:
            self.close(first)
            return None
        scanned.opened = list(opened)
        try:
            if scanned.raised is not None:
                self.report.broken("sample", f"scan of the sample source raised {scanned.raised}")
                return None
            refs = scanned.refs
            together = await first.load_together(refs)
            one_by_one = await first.load_one_by_one(refs)
            rescanned = await second.scan()
            fresh = await second.load_one_by_one(rescanned.refs)
        finally:
            self.close(first)
            self.close(second)
        baseline = Baseline(scanned, together, one_by_one, rescanned, fresh)
        check_baseline(self.report, baseline, self.documents_at)
        await self._resumed(first, scanned)
        return baseline if baseline.documents else None

    async def _resumed(self, first: Session, scanned: Scan) -> None:
        if not isinstance(first.connector, Resumable):
            self.report.not_applicable["resume-hides-nothing"] = "the connector is not Resumable"
            return
        resumed = self.session("resume-hides-nothing", "to resume")
        if resumed is None:
            return
        try:
            again = await resumed.scan(resume_from=scanned.checkpoint)
        finally:
            self.close(resumed)
        if again.raised is not None or again.fingerprints() != scanned.fingerprints():
            seen = f"raised {again.raised}" if again.raised else f"listed {len(again.refs)} document(s)"
            self.report.broken(
                "resume-hides-nothing",
                f"resumed from its checkpoint {scanned.checkpoint!r}, scan {seen} instead of the "
                f"{len(scanned.refs)} the source holds: a checkpoint may save reading, never hide a document",
            )

    async def edit(self, baseline: Baseline, hook: DocumentHook) -> None:
        """Edit one document: its fingerprint, and only its, changes; its identity does not."""
        ref, before = baseline.documents[0]
        await run_hook(hook, ref)
        resumed = await self._resume_after_edit(baseline.scanned)
        session = self.session("fingerprints-change", "after an edit")
        if session is None:
            return
        try:
            scanned = await session.scan()
            now = scanned.by_locator().get(ref.locator)
            loaded = await session.load(now) if isinstance(now, DocumentRef) else None
        finally:
            self.close(session)
        if scanned.raised is not None:
            self.report.broken(
                "fingerprints-change", f"scan after editing {ref.locator} raised {scanned.raised}"
            )
            return
        if now is None:
            self.report.broken(
                "ids-stable", f"after an edit of its content, the scan no longer lists {ref.locator}"
            )
            return
        if not isinstance(now, DocumentRef):
            self.report.broken(
                "fingerprints-change", f"after an edit, scan gave {describe(now)} for {ref.locator}"
            )
            return
        if now.fingerprint == ref.fingerprint:
            self.report.broken(
                "fingerprints-change",
                f"editing {ref.locator} left its fingerprint {ref.fingerprint!r}: the engine would never "
                "read the edit",
            )
        old = baseline.scanned.fingerprints()
        if "fingerprints-stable" in self.report.violated:
            old = {}  # fingerprints that move on their own say nothing about what an edit moves
        moved = [
            loc for loc, fp in scanned.fingerprints().items() if loc != ref.locator and old.get(loc, fp) != fp
        ]
        if moved:
            self.report.broken(
                "fingerprints-change",
                f"editing {ref.locator} also changed the fingerprint of {len(moved)} other document(s) "
                f"({', '.join(moved[:3])}): every edit would re-read them",
            )
        self._edited_load(ref.locator, before, loaded, now.fingerprint)
        if resumed is not None:
            self._judge_resumed(ref.locator, resumed, scanned)

    async def _resume_after_edit(self, before: Scan) -> Scan | None:
        """The scan of a Resumable connector resumed from the checkpoint taken before the edit, as
        the engine's next run after a clean one is (before any scan from scratch, which a connector
        keeping state between instances could learn from); None when there is nothing to judge."""
        if "resume-hides-nothing" in self.report.not_applicable or {
            "fingerprints-stable",  # fingerprints moving on their own cannot show what resuming hides
            "resume-hides-nothing",  # already broken over the unchanged source: no need to repeat it
        } & set(self.report.violated):
            return None
        resumed = self.session("resume-hides-nothing", "to resume after an edit")
        if resumed is None:
            return None
        try:
            return await resumed.scan(resume_from=before.checkpoint)
        finally:
            self.close(resumed)

    def _judge_resumed(self, locator: str, again: Scan, after: Scan) -> None:
        """The resumed scan lists what a scan from scratch lists: the edit included."""
        expected, found = after.fingerprints(), again.fingerprints()
        if again.raised is not None:
            seen = f"raised {again.raised}"
        elif missing := sorted(set(expected) - set(found)):
            seen = f"left out {', '.join(missing[:_SHOWN])}, which a scan from scratch lists"
        elif stale := [
            f"{loc} {found[loc]!r} (from scratch: {fp!r})" for loc, fp in expected.items() if found[loc] != fp
        ]:
            seen = f"gave other fingerprints than a scan from scratch: {'; '.join(stale[:_SHOWN])}"
        else:
            return
        self.report.broken(
            "resume-hides-nothing",
            f"resumed from the checkpoint of its scan before {locator} was edited, scan {seen}: a checkpoint "
            "may save reading, never hide a change made since",
        )

    def _edited_load(self, locator: str, before: SourceDocument, loaded: object, fingerprint: str) -> None:
        if isinstance(loaded, Raised):
            self.report.broken("failure-is-a-value", f"load({locator}) after an edit raised {loaded}")
        elif not isinstance(loaded, SourceDocument):
            self.report.broken("load-consistent", f"load({locator}) after an edit gave {describe(loaded)}")
        elif loaded.external_id != before.external_id:
            self.report.broken(
                "ids-stable",
                f"editing {locator}'s content changed its external id from {before.external_id!r} to "
                f"{loaded.external_id!r}: an id must survive edits (never a hash of content)",
            )
        elif (loaded.title, loaded.body) == (before.title, before.body):
            self.report.broken(
                "load-consistent", f"after an edit, load({locator}) still gave the old content"
            )
        elif loaded.fingerprint != fingerprint:
            self.report.broken(
                "load-consistent",
                f"after an edit, load({locator}) carried fingerprint {loaded.fingerprint!r}, "
                f"its ref {fingerprint!r}",
            )

    async def break_one(self, baseline: Baseline, hook: DocumentHook) -> None:
        """Make one body unreadable: a Failure value, from load (or scan, if declared), and the rest loads."""
        ref, _ = baseline.documents[-1]
        await run_hook(hook, ref)
        session = self.session("failure-is-a-value", "after one document was made unreadable")
        if session is None:
            return
        try:
            scanned = await session.scan()
            if scanned.raised is not None:
                self.report.broken(
                    "failure-is-a-value",
                    f"one unreadable document ({ref.locator}) made scan raise {scanned.raised}: the whole "
                    "source would fail; yield a Failure for that document instead",
                )
                return
            found = scanned.by_locator()
            await self._judge_unreadable(session, ref.locator, found.get(ref.locator))
            others = [item for loc, item in found.items() if loc != ref.locator and loc in baseline.loadable]
            loaded = await session.load_together([item for item in others if isinstance(item, DocumentRef)])
        finally:
            self.close(session)
        lost = [describe(item) for item in others if not isinstance(item, DocumentRef)]
        lost += [describe(item) for item in loaded if not isinstance(item, SourceDocument)]
        if lost:
            self.report.broken(
                "failure-is-a-value",
                f"with {ref.locator} unreadable, {len(lost)} other document(s) no longer load: "
                + "; ".join(lost[:_SHOWN]),
            )

    async def _judge_unreadable(self, session: Session, locator: str, item: object) -> None:
        if item is None:
            if "ids-stable" in self.report.violated:
                return  # locators that move on their own: "vanished" would only repeat that
            self.report.broken(
                "failure-is-a-value",
                f"once its body was unreadable, {locator} vanished from the scan: the engine would delete "
                "its page instead of reporting a failure",
            )
        elif isinstance(item, Failure):
            if not self.scan_reads_bodies:
                self.report.broken(
                    "scan-reads-no-body",
                    f"scan reported {locator}'s unreadable body ({describe(item)}), so it read the body; "
                    "a connector whose fingerprint hashes content declares scan_reads_bodies=True",
                )
        elif isinstance(item, DocumentRef):
            loaded = await session.load(item)
            if isinstance(loaded, Raised):
                self.report.broken(
                    "failure-is-a-value", f"load({locator}) of an unreadable body raised {loaded}"
                )
            elif not isinstance(loaded, Failure):
                self.report.broken(
                    "failure-is-a-value",
                    f"load({locator}) of an unreadable body gave {describe(loaded)}, not a Failure "
                    "(or break_document left it readable)",
                )
        else:
            self.report.broken(
                "failure-is-a-value", f"an unreadable body made scan give {describe(item)} for {locator}"
            )

    async def source_unreadable(self, hook: SourceHook) -> None:
        """Make the whole source unreadable: scan must raise ConnectorError."""
        await run_hook(hook)
        assert self.options is not None
        built = build(self.factory, self.options)
        if isinstance(built, Raised):
            if not isinstance(built.error, ConnectorError):
                self.report.broken(
                    "source-failure-raises",
                    f"building the connector for an unreadable source raised {built}; raise ConnectorError",
                )
            return
        try:
            scanned = await built.scan()
        finally:
            self.close(built)
        if scanned.raised is None:
            self.report.broken(
                "source-failure-raises",
                f"scan of an unreadable source ended normally with {len(scanned.items)} item(s): the engine "
                "would take every document as deleted; raise ConnectorError",
            )
        elif not isinstance(scanned.raised.error, ConnectorError):
            self.report.broken(
                "source-failure-raises",
                f"scan of an unreadable source raised {scanned.raised}; raise ConnectorError "
                "(one sentence) instead",
            )
