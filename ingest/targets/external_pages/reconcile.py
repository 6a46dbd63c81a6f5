"""External Pages, compared with what Intercom holds (``ingest reconcile``), in reads only.

* The Content Import Source is read by the id state remembers: gone, every page went with it.
* Every page state records is compared with its twin: found in the workspace's page list where the
  list reaches, else read by its id (one GET each, a bounded number at a time, paced by the
  client's share of the rate limit). A twin that answers 404 was deleted; one whose title, html,
  url or locale differ from what was sent (compared as the planner hashes them, so a page as sent
  is never reported) was altered; one whose availability differs from what its document wants
  (as far as the answer says) drifted.
* Pages under the source that state does not know are found in the list; the list stops at 10,000
  results and cannot be filtered by source, so past that Preview looks up each current document
  state does not know by its ``external_id``, and what neither reaches is said plainly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ingest.availability import UNSAID, WITHDRAWN
from ingest.errors import ListCapError, NotFoundError
from ingest.intercom import ContentImportSource, ExternalPage, IntercomClient
from ingest.source_url import same_source_url
from ingest.state import AdoptedPage, DocumentRecord, TargetStore
from ingest.targets.base import RemoteFinding
from ingest.targets.external_pages.planning import ExternalPagesPlanner, held_by
from ingest.targets.reconciling import (
    Drift,
    DriftKind,
    ReconcileScope,
    Reconciliation,
    Repair,
    contradicted,
    describe,
    each_bounded,
)

#: The one list of the workspace's External Pages a reconcile reads, for all its sources.
_LIST = "external_pages.workspace_list"
#: The flags every version's POST carries, so that a 2.15 run can set them again.
_POSTED = ("ai_agent", "ai_copilot")


@dataclass(frozen=True)
class WorkspacePages:
    """What the workspace's External Page list showed under the Content Import Sources this state
    file remembers (the list cannot be filtered by source): by source id, then by external id."""

    by_source: Mapping[int, Mapping[str, ExternalPage]]
    #: False when the list stopped at what Intercom lists (10,000) before its end.
    complete: bool


async def list_workspace(client: IntercomClient, sources: set[int]) -> WorkspacePages:
    """The list, as far as it reaches; only pages under ``sources`` are kept."""
    by_source: dict[int, dict[str, ExternalPage]] = {source: {} for source in sources}
    try:
        async for page in client.list_external_pages():
            if page.source_id in by_source:
                by_source[page.source_id][page.external_id] = page
    except ListCapError:
        return WorkspacePages(by_source, complete=False)
    return WorkspacePages(by_source, complete=True)


class PagesInspection:
    """One source's External Pages against their twins; see the module docstring."""

    def __init__(
        self,
        planner: ExternalPagesPlanner,
        client: IntercomClient,
        store: TargetStore,
        *,
        container_drift: Callable[[ContentImportSource, str], list[RemoteFinding]],
    ) -> None:
        self._planner = planner
        self._api = client
        self._store = store
        self._container_drift = container_drift
        self._found = Reconciliation()

    async def run(self, scope: ReconcileScope) -> Reconciliation:
        url = self._planner.url
        remembered = self._store.import_source.get()
        records = self._store.records()
        if remembered is None or not same_source_url(remembered.url, url):
            self._found.notes.append(
                f"no Content Import Source of {url} is known yet (never synced, or the url changed): "
                "the next run finds or creates it; nothing to compare"
            )
            return self._found
        try:
            container = await self._api.get_content_import_source(remembered.remote_id)
        except NotFoundError:
            self._found.drift.append(
                Drift(
                    DriftKind.CONTAINER,
                    f"Content Import Source {remembered.remote_id} ({url}) was deleted in Intercom, and "
                    f"its {len(records)} known page(s) with it: the next run (or --fix) creates it again "
                    "and sends every page",
                    Repair.SYNC,
                    remote_id=str(remembered.remote_id),
                    documents=tuple(sorted(records)),
                )
            )
            return self._found
        for finding in self._container_drift(container, url):
            self._found.drift.append(
                Drift(DriftKind.CONTAINER, finding.message, Repair.NONE, remote_id=str(container.id))
            )
        listing = await scope.shared.once(
            _LIST, lambda: list_workspace(self._api, self._store.import_source.every_remembered_id())
        )
        listed = listing.by_source.get(container.id, {})
        await self._compare_known(records, listed)
        unknown = [page for external_id, page in listed.items() if external_id not in records]
        if not listing.complete:
            unknown += await self._past_the_list(records, listed, scope)
        for page in sorted(unknown, key=lambda page: page.external_id):
            self._found.drift.append(self._unknown(page, scope))
        return self._found

    async def _compare_known(
        self, records: Mapping[str, DocumentRecord], listed: Mapping[str, ExternalPage]
    ) -> None:
        by_id = {page.id: page for page in listed.values()}
        twins: dict[str, ExternalPage | None] = {}

        async def read(record: DocumentRecord) -> None:
            assert record.remote_id is not None
            try:
                twins[record.external_id] = await self._api.get_external_page(record.remote_id)
            except NotFoundError:
                twins[record.external_id] = None

        unlisted = [r for r in records.values() if r.remote_id is not None and r.remote_id not in by_id]
        await each_bounded(unlisted, read, self._api.max_concurrency)
        for record in sorted(records.values(), key=lambda record: record.locator):
            if record.remote_id is None:
                continue
            self._found.checked += 1
            twin = by_id.get(record.remote_id) or twins.get(record.external_id)
            if twin is None:
                self._found.drift.append(
                    Drift(
                        DriftKind.DELETED,
                        f"External Page {record.remote_id} was deleted in Intercom: --fix sends it again",
                        Repair.RECREATE,
                        record.locator,
                        record.external_id,
                        record.remote_id,
                        documents=(record.external_id,),
                    )
                )
                continue
            self._compare(record, twin)

    def _compare(self, record: DocumentRecord, twin: ExternalPage) -> None:
        held = held_by(twin)
        now = self._planner.remote_hash(twin, record.availability.over(held))
        if record.content_hash and now not in (record.content_hash, record.remote_digest):
            self._found.drift.append(
                Drift(
                    DriftKind.ALTERED,
                    f"External Page {twin.id} holds another {self._what_differs(record, twin)} than "
                    "fin-ingest sent: --fix sends it again",
                    Repair.RESEND,
                    record.locator,
                    record.external_id,
                    twin.id,
                    documents=(record.external_id,),
                )
            )
        wanted = (record.declared or UNSAID).over(self._planner.defaults)
        if record.withdrawn_at is not None:  # its document is gone: unavailable is what it should be
            wanted = WITHDRAWN
        differs = contradicted(wanted, held)
        if differs.is_empty():
            return
        said = f"External Page {twin.id} is {describe(held.only(*differs.said()))} in Intercom, "
        said += f"not {describe(differs)}"
        if self._planner.settles_apart:
            repair, fix = Repair.SET_AVAILABILITY, "--fix sets it"
        elif not differs.only(*_POSTED).is_empty():
            repair, fix = Repair.RESEND, "--fix sends the page again with its flags"
        else:
            repair = Repair.NONE
            version = self._planner.features.version
            fix = f"API {version} cannot set Fin for sales; api_version 2.16 or Preview can"
        self._found.drift.append(
            Drift(
                DriftKind.AVAILABILITY,
                f"{said}: {fix}",
                repair,
                record.locator,
                record.external_id,
                twin.id,
                documents=(record.external_id,),
                held=held,
            )
        )

    def _what_differs(self, record: DocumentRecord, twin: ExternalPage) -> str:
        sent_html = self._store.sent_html(record.external_id)
        fields = [
            name
            for name, differs in (
                ("title", twin.title != record.title),
                ("html", sent_html is not None and twin.html != sent_html),
            )
            if differs
        ]
        return " and ".join(fields) or "url or locale"

    async def _past_the_list(
        self, records: Mapping[str, DocumentRecord], listed: Mapping[str, ExternalPage], scope: ReconcileScope
    ) -> list[ExternalPage]:
        """The unknown pages found past the list's reach (Preview's look-up of the current documents
        state does not know); a note says what stays out of sight."""
        unseen = [
            external_id
            for external_id in sorted(scope.documents or ())
            if external_id not in records and external_id not in listed
        ]
        if not self._api.api_features.external_page_lookup:
            self._found.notes.append(
                "the workspace holds more External Pages than Intercom lists (10,000), and this source's "
                "pages past them cannot be listed: each page state knows was read by its id, but a page "
                "under this source that state does not know (a crash, another tool) cannot be found "
                f"there with API {self._api.api_features.version}"
                + (
                    f" ({len(unseen)} document(s) state does not know could not be looked up: the next run "
                    "upserts them by external_id, so none is duplicated)"
                    if unseen
                    else ""
                )
                + '; api_version = "Preview" can look up the current documents'
            )
            return []
        found: list[ExternalPage] = []
        remembered = self._store.import_source.get()
        assert remembered is not None, "run() compares nothing without it"
        source_id = remembered.remote_id

        async def look_up(external_id: str) -> None:
            page = await self._api.find_external_page(source_id, external_id)
            if page is not None:
                found.append(page)

        await each_bounded(unseen, look_up, self._api.max_concurrency)
        self._found.notes.append(
            "the workspace holds more External Pages than Intercom lists (10,000): each page state knows "
            f"was read by its id, and the {len(unseen)} current document(s) state does not know were looked "
            "up by external_id; a page past them that no document makes cannot be found by any version"
        )
        return found

    def _unknown(self, page: ExternalPage, scope: ReconcileScope) -> Drift:
        adopted = AdoptedPage(page.external_id, page.id, page.title or page.external_id)
        said = f"External Page {page.id} ({page.external_id}) is under this source, unknown to state"
        makes = scope.makes(page.external_id)
        if makes and scope.documents is not None:
            locator = scope.documents[page.external_id]
            return Drift(
                DriftKind.UNKNOWN,
                f"{said}, and document {locator} makes it: --fix adopts it and updates it from the document",
                Repair.ADOPT,
                locator,
                page.external_id,
                page.id,
                documents=(page.external_id,),
                page=adopted,
            )
        if makes is False and scope.complete:
            return Drift(
                DriftKind.UNKNOWN,
                f"{said}, and no document makes it: --fix deletes it (within max_delete_share)",
                Repair.DELETE,
                "",
                page.external_id,
                page.id,
                documents=(page.external_id,),
                page=adopted,
            )
        return Drift(
            DriftKind.UNKNOWN,
            f"{said}; whether a document makes it is not known, since the source could not be read whole: "
            "left as it is",
            Repair.NONE,
            "",
            page.external_id,
            page.id,
        )
