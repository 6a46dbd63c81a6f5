"""Help Center articles, compared with what Intercom holds (``ingest reconcile``), in reads only.

Each article state records is read once by its id (its translations come with it), a bounded
number at a time. A 404 means it was deleted (its translations with it); a locale gone from its
``translated_content``, that translation was removed. An article (or a translation) changed since
fin-ingest last wrote it was edited by a person: the Help Center is where people write. That is
known from a digest of what the answer to fin-ingest's own write held (title, description, body,
state), kept in state: comparing with what was sent would take Intercom's own rewriting of the HTML
for an edit, and ``updated_at`` moves with changes nobody wrote (availability set in bulk). From API
2.16 the flags an answer carries are compared with what the document wants.

Articles have no container of their own to list (a collection may hold articles people wrote), so
an article fin-ingest does not know is never its to adopt or delete: none is reported.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.availability import UNSAID, Availability
from ingest.errors import NotFoundError
from ingest.intercom import Article, ArticleTranslation, IntercomClient
from ingest.state import DocumentRecord, TargetStore
from ingest.targets.articles.planning import ArticlesPlanner
from ingest.targets.base import payload_digest
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

_LEFT_AS_IT_IS = "left as it is; --fix --overwrite-edits writes the document's version over it"


def article_digest(article: Article | ArticleTranslation) -> str:
    """What an article (or one translation of it) holds, as a person may edit it."""
    return payload_digest([article.title, article.description, article.body, article.state])


def translation_digest(article: Article, locale: str) -> str | None:
    """The digest of ``article``'s translation into ``locale``; None when it has none."""
    translation = article.translated_content.get(locale)
    return None if translation is None else article_digest(translation)


def held_by(article: Article) -> Availability:
    """The availability an answer says an article holds (flags it leaves out, as 2.15's: unknown)."""
    return Availability(
        article.ai_chatbot_availability, article.ai_copilot_availability, article.ai_sales_agent_availability
    )


class ArticlesInspection:
    """One source's articles against their twins; see the module docstring."""

    def __init__(
        self,
        planner: ArticlesPlanner,
        client: IntercomClient,
        store: TargetStore,
        owner_tag: int | None = None,
    ) -> None:
        self._planner = planner
        self._api = client
        self._store = store
        self._owner_tag = owner_tag
        self._found = Reconciliation()

    async def run(self) -> Reconciliation:
        groups: dict[str, list[DocumentRecord]] = {}
        for record in self._store.records().values():
            if record.remote_id is not None:
                groups.setdefault(record.remote_id, []).append(record)
        twins: dict[str, Article | None] = {}

        async def read(article_id: str) -> None:
            try:
                twins[article_id] = await self._api.get_article(article_id)
            except NotFoundError:
                twins[article_id] = None

        await each_bounded(sorted(groups), read, self._api.max_concurrency)
        for article_id, records in sorted(groups.items(), key=lambda item: _original(item[1]).locator):
            self._found.checked += len(records)
            twin = twins[article_id]
            if twin is None:
                self._deleted(article_id, records)
                continue
            for record in sorted(records, key=lambda record: record.locator):
                if record.placement.locale is None:
                    self._compare_original(record, twin)
                else:
                    self._compare_translation(record, twin, record.placement.locale)
        return self._found

    def _deleted(self, article_id: str, records: Sequence[DocumentRecord]) -> None:
        original = _original(records)
        translations = len(records) - 1
        also = f", with its {translations} translation(s)" if translations else ""
        self._found.drift.append(
            Drift(
                DriftKind.DELETED,
                f"article {article_id} ({original.title}) was deleted in Intercom{also}: "
                "--fix creates it again",
                Repair.RECREATE,
                original.locator,
                original.external_id,
                article_id,
                documents=tuple(sorted(record.external_id for record in records)),
            )
        )

    def _compare_original(self, record: DocumentRecord, twin: Article) -> None:
        now = article_digest(twin)
        as_sent = twin.title == record.title and twin.body == self._store.sent_html(record.external_id)
        if changed_since_written(record, now, as_sent=as_sent, updated_at=twin.updated_at):
            self._edited(record, f"article {twin.id} ({twin.title}) was edited in Intercom")
        elif record.remote_digest is None:
            self._found.baselines.append((record.external_id, now))
        self._compare_tag(record, twin)
        if not self._planner.features.article_availability:
            return  # 2.15 answers carry no flags, and no request sets them
        wanted = (record.declared or UNSAID).over(self._planner.defaults)
        held = held_by(twin)
        differs = contradicted(wanted, held)
        if not differs.is_empty():
            self._found.drift.append(
                Drift(
                    DriftKind.AVAILABILITY,
                    f"article {twin.id} ({twin.title}) is {describe(held.only(*differs.said()))} in "
                    f"Intercom, not {describe(differs)}: --fix updates the article with its flags",
                    Repair.RESEND,
                    record.locator,
                    record.external_id,
                    twin.id,
                    documents=(record.external_id,),
                    held=held,
                )
            )

    def _compare_tag(self, record: DocumentRecord, twin: Article) -> None:
        """The owner tag state says the article carries, which its answer does not show: taken off in
        Intercom (a translation has no tags of its own: its article carries them)."""
        tag = self._owner_tag
        if tag is None or record.owner_tag != tag or twin.tag_ids is None or str(tag) in twin.tag_ids:
            return
        self._found.drift.append(
            Drift(
                DriftKind.TAG,
                f"article {twin.id} ({twin.title}) does not carry the owner tag {tag} in Intercom: "
                "--fix tags it again",
                Repair.RETAG,
                record.locator,
                record.external_id,
                twin.id,
                documents=(record.external_id,),
            )
        )

    def _compare_translation(self, record: DocumentRecord, twin: Article, locale: str) -> None:
        translation = twin.translated_content.get(locale)
        if translation is None:
            self._found.drift.append(
                Drift(
                    DriftKind.DELETED,
                    f"the {locale} translation of article {twin.id} ({twin.title}) was removed in "
                    "Intercom: --fix writes it again",
                    Repair.RECREATE,
                    record.locator,
                    record.external_id,
                    twin.id,
                    documents=(record.external_id,),
                )
            )
            return
        now = article_digest(translation)
        sent = self._store.sent_html(record.external_id)
        as_sent = translation.title == record.title and translation.body == sent
        if changed_since_written(record, now, as_sent=as_sent, updated_at=translation.updated_at):
            self._edited(record, f"the {locale} translation of article {twin.id} ({twin.title}) was edited")
        elif record.remote_digest is None:
            self._found.baselines.append((record.external_id, now))

    def _edited(self, record: DocumentRecord, what: str) -> None:
        assert record.remote_id is not None
        self._found.drift.append(
            Drift(
                DriftKind.EDITED,
                f"{what} since fin-ingest last wrote it: {_LEFT_AS_IT_IS}",
                Repair.RESEND,
                record.locator,
                record.external_id,
                record.remote_id,
                documents=(record.external_id,),
            )
        )


def _original(records: Sequence[DocumentRecord]) -> DocumentRecord:
    """The record of the article's own document (its translations' records otherwise)."""
    return min(records, key=lambda record: (record.placement.locale is not None, record.locator))
