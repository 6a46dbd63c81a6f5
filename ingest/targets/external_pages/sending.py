"""External Pages, the sending half: find the Content Import Source, upsert and delete pages."""

from __future__ import annotations

import contextlib
import logging

from ingest.errors import NotFoundError
from ingest.intercom import IntercomClient
from ingest.plan import Deletion, Plan, Upsert
from ingest.state import TargetStore
from ingest.targets.base import Sent
from ingest.targets.external_pages.adoption import remote_pages
from ingest.targets.external_pages.planning import ExternalPagesPlanner

log = logging.getLogger("ingest.targets.external_pages")


class ExternalPagesSender:
    """Upserts pages by ``(source_id, external_id)``; POST is idempotent, so retries are safe."""

    def __init__(self, planner: ExternalPagesPlanner, client: IntercomClient, store: TargetStore) -> None:
        self._planner = planner
        self._api = client
        self._store = store
        self._source = store.source
        self._import_source_id: int | None = None

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
        if remembered is not None and remembered.url == url:
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
        self._import_source_id, existed = await self._find_or_create(url)
        self._store.import_source.remember(self._import_source_id, url)
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
            if existing.url == url:
                log.info("source %s: using Content Import Source %s (%s)", self._source, existing.id, url)
                return existing.id, True
        created = await self._api.create_content_import_source(url)
        log.info("source %s: created Content Import Source %s (%s)", self._source, created.id, url)
        return created.id, False

    async def upsert(self, item: Upsert) -> Sent:
        assert self._import_source_id is not None, "prepare() must run first"
        page = await self._api.upsert_external_page(self._planner.request(item.page, self._import_source_id))
        return Sent(page.id)

    async def delete(self, item: Deletion) -> None:
        if item.remote_id is None:
            return
        with contextlib.suppress(NotFoundError):  # already gone: as good as deleted
            await self._api.delete_external_page(item.remote_id)

    async def finish(self, plan: Plan) -> None:
        pass
