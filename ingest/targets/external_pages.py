"""External Pages: a source's documents become Fin content under one Content Import Source."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ingest.document import Page
from ingest.errors import RejectedError
from ingest.intercom import ExternalPageRequest, IntercomClient
from ingest.locales import language_of
from ingest.plan import Deletion, Plan, Upsert
from ingest.settings import EXTERNAL_PAGES, SourceSettings
from ingest.state import StateStore
from ingest.targets.base import Sent, payload_digest

log = logging.getLogger("ingest.targets.external_pages")

NAME = EXTERNAL_PAGES


class ExternalPagesTarget:
    """Upserts pages by ``(source_id, external_id)``; POST is idempotent, so retries are safe."""

    name = NAME

    def __init__(
        self, *, source: str, settings: SourceSettings, client: IntercomClient | None, state: StateStore
    ) -> None:
        """``client`` may be None for planning: payloads are hashed, nothing is sent."""
        self._source = source
        self._settings = settings
        self._client = client
        self._state = state
        self._import_source_id: int | None = None

    def _request(self, page: Page, source_id: int) -> ExternalPageRequest:
        return ExternalPageRequest(
            title=page.title,
            html=page.html,
            url=page.url,
            locale="en",
            source_id=source_id,
            external_id=page.external_id,
            ai_agent_availability=self._settings.ai_agent,
            ai_copilot_availability=self._settings.ai_copilot,
        )

    @property
    def _api(self) -> IntercomClient:
        if self._client is None:
            raise RuntimeError("this target was built for planning only; it has no client")
        return self._client

    def settings_digest(self) -> str:
        return payload_digest([self._settings.url, self._settings.ai_agent, self._settings.ai_copilot, "en"])

    def accepts(self, page: Page) -> str | None:
        locale = language_of(page, "en").locale
        if locale != "en":
            return f"External Pages are English-only; this document is in {locale!r}"
        return None

    def payload_hash(self, page: Page) -> str:
        # Every field of the request except source_id, which is not known while planning
        # and does not change while the Content Import Source stays the same.
        body = self._request(page, source_id=0).to_body()
        del body["source_id"]
        return payload_digest(body)

    async def prepare(self, plan: Plan) -> bool:
        """Find the Content Import Source (remembered id, else by URL, else create it).

        Returns True when what state records changed, so the engine must plan again:
        the remembered source is gone or the configured URL changed (its pages are gone
        from state), or state knew no page but the source already existed remotely (a
        lost or fresh state file: its pages are adopted, so documents deleted meanwhile
        are deleted remotely too, and nothing is duplicated).
        """
        url = self._settings.url
        assert url is not None, "the config layer requires url for the external_pages target"
        remembered_id, remembered_url = self._state.import_source(self._source)
        if remembered_id is not None and remembered_url == url:
            try:
                await self._api.get_content_import_source(remembered_id)
            except RejectedError as exc:
                if exc.status != 404:
                    raise
                log.warning(
                    "source %s: Content Import Source %s no longer exists; every page will be sent again",
                    self._source,
                    remembered_id,
                )
            else:
                self._import_source_id = remembered_id
                return False
        elif remembered_id is not None:
            log.warning(
                "source %s: url changed from %s to %s; pages will be sent to the new Content Import Source "
                "(the old one and its pages are left as they are)",
                self._source,
                remembered_url,
                url,
            )
        changed = remembered_id is not None
        if changed:
            self._state.forget_source(self._source, NAME)
        self._import_source_id, existed = await self._find_or_create(url)
        self._state.remember_import_source(self._source, self._import_source_id, url)
        if existed and self._state.count_documents(self._source, NAME) == 0:
            changed = await self._adopt_remote_pages() or changed
        return changed

    async def _adopt_remote_pages(self) -> bool:
        adopted = [
            (page.external_id, page.id, page.title or page.external_id)
            async for page in self._api.list_external_pages()
            if page.source_id == self._import_source_id and page.external_id
        ]
        if adopted:
            log.warning(
                "source %s: state knows no page but Content Import Source %s holds %d; adopting them",
                self._source,
                self._import_source_id,
                len(adopted),
            )
            self._state.adopt(self._source, NAME, adopted)
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

    def batches(self, upserts: Sequence[Upsert]) -> list[list[Upsert]]:
        return [list(upserts)]

    async def upsert(self, item: Upsert) -> Sent:
        assert self._import_source_id is not None, "prepare() must run first"
        page = await self._api.upsert_external_page(self._request(item.page, self._import_source_id))
        return Sent(page.id)

    async def delete(self, item: Deletion) -> None:
        if item.remote_id is None:
            return
        try:
            await self._api.delete_external_page(item.remote_id)
        except RejectedError as exc:
            if exc.status != 404:
                raise

    async def finish(self, plan: Plan) -> None:
        pass
