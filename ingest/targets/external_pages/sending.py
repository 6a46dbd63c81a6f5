"""External Pages, the sending half: find the Content Import Source, upsert and delete pages, and
set the availability the pages' requests cannot (bulk actions)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from ingest.errors import NotFoundError
from ingest.intercom import ContentImportSource, IntercomClient
from ingest.plan import AvailabilityChange, Deletion, Plan, TagChange, Upsert, WholePlanNeeded
from ingest.source_url import same_source_url
from ingest.state import RememberedImportSource, TargetStore
from ingest.targets.access import prove_access
from ingest.targets.availability import set_availability_request
from ingest.targets.base import FindingKind, RemoteCheck, RemoteFinding, Sent
from ingest.targets.external_pages.adoption import remote_pages
from ingest.targets.external_pages.audiences import settle_audiences
from ingest.targets.external_pages.planning import ExternalPagesPlanner, held_by
from ingest.targets.external_pages.reconcile import PagesInspection
from ingest.targets.reconciling import ReconcileScope, Reconciliation
from ingest.targets.tagging import move_owner_tags

log = logging.getLogger("ingest.targets.external_pages")


class ExternalPagesSender:
    """Upserts pages by ``(source_id, external_id)``; POST is idempotent, so retries are safe."""

    def __init__(self, planner: ExternalPagesPlanner, client: IntercomClient, store: TargetStore) -> None:
        self._planner = planner
        self._api = client
        self._store = store
        self._source = store.source
        self._import_source_id: int | None = None
        #: The remembered Content Import Source this run's check found in Intercom (no need to
        #: read it again before writing).
        self._checked_id: int | None = None
        #: The caller read the remembered source a moment ago (:meth:`trust_remembered`).
        self._trusted = False

    def trust_remembered(self) -> None:
        """Upsert under the remembered Content Import Source without reading it first (the watch
        daemon read it within its poll interval). A source deleted meanwhile refuses the upserts,
        and the daemon then checks it; a configured url that differs is still never trusted."""
        self._trusted = True

    async def check(self, *, must_read: bool) -> RemoteCheck:
        """Read the remembered Content Import Source by its id, once, and act on what Intercom says:

        - gone (deleted in Intercom, its pages with it): forget it and every page state records,
          so that this run creates it again and sends every page;
        - ``url`` configured anew: when the remembered source now has that url in Intercom (the
          configuration followed a change made there), remember the new url and send nothing;
          otherwise forget it and its pages too, so that this run sends every page to the source
          of the new url (found or created) and leaves the old one as it is;
        - there: report a url or status that differs from the configuration (drift).

        Nothing remembered (a first run): nothing of its own to read, so ``GET /me`` only when
        ``must_read``.
        """
        url = self._planner.url
        remembered = self._store.import_source.get()
        if remembered is None:
            return await prove_access(self._api, must_read=must_read)
        try:
            remote: ContentImportSource | None = await self._api.get_content_import_source(
                remembered.remote_id
            )
        except NotFoundError:
            remote = None
        moved = not same_source_url(remembered.url, url)
        if moved and remote is not None and same_source_url(remote.url, url):
            self._store.import_source.remember(remote.id, url)  # the configuration followed Intercom
        elif moved:
            return self._forget(self._moved(remembered, url, still_there=remote is not None))
        elif remote is None:
            log.warning(
                "source %s: Content Import Source %s was deleted in Intercom; creating it again",
                self._source,
                remembered.remote_id,
            )
            recreated = RemoteFinding(
                FindingKind.RECREATED,
                f"Content Import Source {remembered.remote_id} ({url}) was deleted in Intercom, and its "
                f"pages with it: it is created again and every page ({self._store.count()} known) sent again",
            )
            return self._forget(recreated)
        self._checked_id = remote.id
        findings = self._drift(remote, url)
        applied = await settle_audiences(
            self._api, self._store, self._planner.audiences, import_source_id=remote.id, url=remote.url
        )
        return RemoteCheck(read=True, findings=(*findings, *([applied] if applied else ())))

    async def reconcile(self, scope: ReconcileScope) -> Reconciliation:
        """Compare the source's pages with what Intercom holds, in reads only
        (:mod:`ingest.targets.external_pages.reconcile`)."""
        inspection = PagesInspection(self._planner, self._api, self._store, container_drift=self._drift)
        return await inspection.run(scope)

    def _forget(self, finding: RemoteFinding) -> RemoteCheck:
        """Forget the remembered source and every page recorded under it: the run sends them all."""
        self._store.forget()
        self._store.import_source.forget()
        return RemoteCheck(read=True, forgot=True, findings=(finding,))

    def _moved(self, old: RememberedImportSource, url: str, *, still_there: bool) -> RemoteFinding:
        log.warning(
            "source %s: url changed from %s to %s; pages will be sent to the new Content Import Source "
            "(the old one and its pages are left as they are)",
            self._source,
            old.url,
            url,
        )
        old_one = (
            f"Content Import Source {old.remote_id} is left as it is in Intercom with its pages (delete "
            "it there when Fin should no longer use them)"
            if still_there
            else f"Content Import Source {old.remote_id} no longer exists in Intercom"
        )
        return RemoteFinding(
            FindingKind.MOVED,
            f"sources.{self._source}.url changed from {old.url} to {url}: every page is sent to the "
            f"Content Import Source of {url}, and {old_one}",
        )

    def _drift(self, remote: ContentImportSource, url: str) -> list[RemoteFinding]:
        """How the remote twin differs from the configuration, in sentences saying what to do."""
        found = []
        if not same_source_url(remote.url, url):
            found.append(
                RemoteFinding(
                    FindingKind.URL_CHANGED,
                    f"Content Import Source {remote.id} has the url {remote.url} in Intercom, not {url} "
                    f"as sources.{self._source}.url says: set it back in Intercom, or set "
                    f"sources.{self._source}.url to it (a lost state file would otherwise create a "
                    "second source, and send every page again)",
                )
            )
        if remote.status != "active":
            found.append(
                RemoteFinding(
                    FindingKind.DEACTIVATED,
                    f"Content Import Source {remote.id} is {remote.status} in Intercom: Fin "
                    "ignores its pages until it is activated again (Knowledge Hub, or its status "
                    "through the API)",
                )
            )
        return found

    async def prepare(self, plan: Plan) -> bool:
        """Find the Content Import Source (remembered id, else by URL, else create it).

        Returns True when what state records changed, so the engine must plan again:
        the remembered source is gone or the configured URL changed (its pages are gone
        from state), or state knew no page but the source already existed remotely (a
        lost or fresh state file: its pages are adopted, so documents deleted meanwhile
        are deleted remotely too, and nothing is duplicated).
        """
        url = self._planner.url
        remembered = self._store.import_source.get()
        same = remembered is not None and same_source_url(remembered.url, url)
        if remembered is not None and same and (self._trusted or remembered.remote_id == self._checked_id):
            self._import_source_id = remembered.remote_id  # read by this run's check, or just before
            return False
        if remembered is not None and same:
            try:
                await self._api.get_content_import_source(remembered.remote_id)
            except NotFoundError:
                log.warning(
                    "source %s: Content Import Source %s no longer exists; every page will be sent again",
                    self._source,
                    remembered.remote_id,
                )
            else:
                self._import_source_id = remembered.remote_id
                return False
        elif remembered is not None:
            log.warning(
                "source %s: url changed from %s to %s; pages will be sent to the new Content Import Source "
                "(the old one and its pages are left as they are)",
                self._source,
                remembered.url,
                url,
            )
        changed = remembered is not None
        if changed:
            self._store.forget()
            self._store.import_source.forget()
        import_source_id, existed = await self._find_or_create(url)
        if existed and self._store.count() == 0 and plan.outline:
            raise WholePlanNeeded(
                f"source {self._source}: adopting the pages under Content Import Source {import_source_id}"
            )
        self._import_source_id = import_source_id
        self._store.import_source.remember(self._import_source_id, url)
        applied = await settle_audiences(
            self._api, self._store, self._planner.audiences, import_source_id=import_source_id, url=url
        )
        if applied is not None:
            log.info("source %s: %s", self._source, applied.message)
        if existed and self._store.count() == 0:
            changed = await self._adopt_remote_pages(plan) or changed
        return changed

    async def _adopt_remote_pages(self, plan: Plan) -> bool:
        assert self._import_source_id is not None
        planned = [item.page.external_id for item in plan.upserts]
        adopted = await remote_pages(self._api, self._import_source_id, planned, source=self._source)
        if adopted:
            log.warning(
                "source %s: state knows no page but Content Import Source %s holds %d; adopting them",
                self._source,
                self._import_source_id,
                len(adopted),
            )
            self._store.adopt(adopted)
        return bool(adopted)

    async def _find_or_create(self, url: str) -> tuple[int, bool]:
        """The id of the Content Import Source with ``url``, and whether it existed already."""
        for existing in await self._api.list_content_import_sources():
            if same_source_url(existing.url, url):
                log.info("source %s: using Content Import Source %s (%s)", self._source, existing.id, url)
                return existing.id, True
        created = await self._api.create_content_import_source(url)
        log.info("source %s: created Content Import Source %s (%s)", self._source, created.id, url)
        return created.id, False

    async def upsert(self, item: Upsert) -> Sent:
        assert self._import_source_id is not None, "prepare() must run first"
        page = await self._api.upsert_external_page(self._planner.request(item.page, self._import_source_id))
        held = held_by(page)
        return Sent(page.id, availability=held, remote_digest=self._planner.remote_hash(page, held))

    async def set_availability(self, batch: Sequence[AvailabilityChange]) -> None:
        """One ``set_availability`` bulk action over ``batch`` (External Pages are ``external_content``)."""
        await self._api.bulk_content_action(set_availability_request("external_content", batch))

    async def delete(self, item: Deletion) -> None:
        if item.remote_id is None:
            return
        with contextlib.suppress(NotFoundError):  # already gone: as good as deleted
            await self._api.delete_external_page(item.remote_id)

    async def update_tags(self, batch: Sequence[TagChange]) -> None:
        """One ``update_tags`` bulk action over ``batch`` (items of type ``external_content``)."""
        await move_owner_tags(self._api, "external_content", batch)

    async def finish(self, plan: Plan) -> None:
        pass
