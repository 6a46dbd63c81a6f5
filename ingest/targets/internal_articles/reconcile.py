"""Internal articles, compared with what Intercom holds (``ingest reconcile``), in reads only.

Each internal article state records is read by its id, a bounded number at a time: a 404 means it
was deleted; a title or body changed since fin-ingest last wrote it means a person edited it (known
from a digest of the answer to that write, as for Help Center articles); from API 2.16 the flags an
answer carries are compared with what the document wants, and set in bulk, which leaves what a
person wrote as it is. Internal articles sit in no container fin-ingest owns, so one it does not
know is never its to adopt or delete.
"""

from __future__ import annotations

from ingest.availability import UNSAID, Availability
from ingest.errors import NotFoundError
from ingest.intercom import IntercomClient
from ingest.state import DocumentRecord, TargetStore
from ingest.targets.base import payload_digest
from ingest.targets.internal_articles.planning import InternalArticlesPlanner
from ingest.targets.internal_articles.wire import InternalArticle, InternalArticlesApi
from ingest.targets.reconciling import (
    Drift,
    DriftKind,
    Reconciliation,
    Repair,
    changed_since_written,
    contradicted,
    describe,
    each_bounded,
)


def internal_article_digest(article: InternalArticle) -> str:
    """What an internal article holds, as a person may edit it."""
    return payload_digest([article.title, article.body])


def held_by(article: InternalArticle) -> Availability:
    """The availability an answer says an internal article holds (2.15 says nothing: unknown)."""
    return Availability(
        article.ai_chatbot_availability, article.ai_copilot_availability, article.ai_sales_agent_availability
    )


class InternalArticlesInspection:
    """One source's internal articles against their twins; see the module docstring."""

    def __init__(self, planner: InternalArticlesPlanner, client: IntercomClient, store: TargetStore) -> None:
        self._planner = planner
        self._client = client
        self._api = InternalArticlesApi(client)
        self._store = store
        self._found = Reconciliation()

    async def run(self) -> Reconciliation:
        records = [record for record in self._store.records().values() if record.remote_id is not None]
        twins: dict[str, InternalArticle | None] = {}

        async def read(record: DocumentRecord) -> None:
            assert record.remote_id is not None
            try:
                twins[record.external_id] = await self._api.get(record.remote_id)
            except NotFoundError:
                twins[record.external_id] = None

        await each_bounded(records, read, self._client.max_concurrency)
        for record in sorted(records, key=lambda record: record.locator):
            self._found.checked += 1
            twin = twins[record.external_id]
            if twin is None:
                self._found.drift.append(
                    self._drift(
                        DriftKind.DELETED,
                        record,
                        f"internal article {record.remote_id} ({record.title}) was deleted in Intercom: "
                        "--fix creates it again",
                        Repair.RECREATE,
                    )
                )
            else:
                self._compare(record, twin)
        return self._found

    def _compare(self, record: DocumentRecord, twin: InternalArticle) -> None:
        now = internal_article_digest(twin)
        as_sent = twin.title == record.title and twin.body == self._store.sent_html(record.external_id)
        name = f"internal article {twin.id} ({twin.title or record.title})"
        if changed_since_written(record, now, as_sent=as_sent, updated_at=twin.updated_at):
            self._found.drift.append(
                self._drift(
                    DriftKind.EDITED,
                    record,
                    f"{name} was edited in Intercom since fin-ingest last wrote it: left as it is; "
                    "--fix --overwrite-edits writes the document's version over it",
                    Repair.RESEND,
                )
            )
        elif record.remote_digest is None:
            self._found.baselines.append((record.external_id, now))
        if not self._planner.settles_apart:
            return  # 2.15 answers carry no flags, and no request sets them
        held = held_by(twin)
        differs = contradicted((record.declared or UNSAID).over(self._planner.defaults), held)
        if not differs.is_empty():
            self._found.drift.append(
                self._drift(
                    DriftKind.AVAILABILITY,
                    record,
                    f"{name} is {describe(held.only(*differs.said()))} in Intercom, not "
                    f"{describe(differs)}: --fix sets it",
                    Repair.SET_AVAILABILITY,
                    held=held,
                )
            )

    @staticmethod
    def _drift(
        kind: DriftKind, record: DocumentRecord, message: str, repair: Repair, *, held: Availability = UNSAID
    ) -> Drift:
        return Drift(
            kind,
            message,
            repair,
            record.locator,
            record.external_id,
            record.remote_id,
            documents=(record.external_id,),
            held=held,
        )
