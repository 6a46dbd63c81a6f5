"""Help Center articles, sending half: collections found or made, articles never duplicated,
translations written into their original, deletes as the policy says."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.api_versions import features_of
from ingest.availability import UNSAID, Availability
from ingest.emulator import RunningEmulator
from ingest.errors import ConfigError, DocumentError
from ingest.intercom import Article, ArticleCreateRequest, IntercomClient
from ingest.plan import Deletion, Plan, Upsert
from ingest.state import Placement, StateStore, TargetStore
from ingest.targets.articles.planning import ArticlesPlanner
from ingest.targets.articles.reconcile import article_digest, translation_digest
from ingest.targets.articles.sending import ArticlesSender
from ingest.targets.articles.settings import NAME, ArticlesSettings
from ingest.targets.base import Sent
from tests.targets.conftest import TOKEN
from tests.targets.pages import create, page, update


def sender_for(client: IntercomClient, store: TargetStore, **settings: Any) -> ArticlesSender:
    options = {"author_id": 1, "collection": "Handbook", **settings}
    return ArticlesSender(ArticlesPlanner(ArticlesSettings(**options)), client, store)


async def send(sender: ArticlesSender, store: TargetStore, item: Upsert) -> Sent:
    """Send one item and record it, as the engine does after a success."""
    sent = await sender.upsert(item)
    store.record_sent(
        external_id=item.page.external_id,
        locator=item.page.locator,
        fingerprint=item.page.fingerprint,
        content_hash=item.content_hash,
        remote_id=sent.remote_id,
        title=item.page.title,
        html=item.page.html,
        placement=sent.placement,
    )
    return sent


def plan_of(*items: Upsert) -> Plan:
    return Plan(source="docs", target=NAME, creates=items)


def names_by_id(emulator: RunningEmulator) -> dict[str, str]:
    return {str(c["id"]): c["name"] for c in emulator.collections()}


@pytest.fixture
def store(state: StateStore) -> TargetStore:
    return state.target("docs", NAME)


async def test_an_author_who_is_no_admin_is_a_config_error(
    client: IntercomClient, store: TargetStore
) -> None:
    """Checked before anything is written, naming the key and the admins there are."""
    with pytest.raises(ConfigError) as caught:
        await sender_for(client, store, author_id=9).prepare(plan_of(create(page("a.md"))))
    assert str(caught.value) == (
        "sources.docs.articles.author_id: 9 is not an admin of this workspace (admins: 1 (Emulator Admin))"
    )


async def test_prepare_makes_the_collections_the_plan_needs(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """The root and every folder below it, remembered as this tool's, with no intent left over."""
    sender = sender_for(client, store)
    await sender.prepare(plan_of(create(page("guides/billing/invoices.md")), create(page("guide.fr.md"))))
    assert sorted(names_by_id(emulator).values()) == ["Billing", "Guides", "Handbook"]
    known = store.book.collections()
    assert set(known) == {(), ("Guides",), ("Guides", "Billing")}
    assert all(collection.created_by_us for collection in known.values())
    assert store.book.intents() == []


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
async def test_an_article_is_created_in_its_collection(
    store: TargetStore, emulator: RunningEmulator, version: str
) -> None:
    """The article goes into the collection its folders name; its place is returned to be recorded,
    with the availability its answer shows (the source's defaults, sent with it) from 2.16, and
    none in 2.15, which answers none."""
    async with IntercomClient(
        base_url=emulator.base_url, token=TOKEN, max_attempts=1, api_version=version
    ) as client:
        planner = ArticlesPlanner(
            ArticlesSettings(author_id=1, collection="Handbook"), features=features_of(version)
        )
        sender = ArticlesSender(planner, client, store)
        item = create(page("guides/setup.md", "Setup", "<p>Do this.</p>"))
        await sender.prepare(plan_of(item))
        sent = await sender.upsert(item)
    (article,) = emulator.articles()
    held = UNSAID if version == "2.15" else Availability(ai_agent=True, ai_copilot=True, ai_sales_agent=False)
    digest = article_digest(Article.model_validate(article))  # what reconcile compares it with later
    assert sent == Sent(str(article["id"]), Placement(collection=("Guides",)), held, digest)
    assert names_by_id(emulator)[str(article["parent_id"])] == "Guides"
    assert (article["title"], article["description"]) == ("Setup", "Do this.")
    assert store.book.intents() == []


async def test_an_article_with_the_same_title_in_the_collection_is_adopted(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """With no record (a lost state file), the article already there is updated, not duplicated."""
    sender = sender_for(client, store)
    item = create(page("setup.md", "Setup", "<p>New text.</p>"))
    await sender.prepare(plan_of(item))
    (root,) = emulator.collections()
    existing = await client.create_article(
        ArticleCreateRequest(title="Setup", author_id=1, parent_id=int(root["id"]), parent_type="collection")
    )
    emulator.clear_requests()
    assert (await sender.upsert(item)).remote_id == existing.id
    assert [r.method for r in emulator.requests() if r.method != "GET"] == ["PUT"]
    (article,) = emulator.articles()
    assert "New text." in article["body"]


async def test_a_translation_is_written_into_its_originals_article(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """The translation's content fills the original article's translated_content for its locale."""
    sender = sender_for(client, store)
    original, translation = create(page("guide.md", "Guide")), create(page("guide.fr.md", "Guide (FR)"))
    await sender.prepare(plan_of(original, translation))
    article_id = (await send(sender, store, original)).remote_id
    sent = await sender.upsert(translation)
    (article,) = emulator.articles()
    digest = translation_digest(Article.model_validate(article), "fr")
    assert digest is not None and sent == Sent(article_id, Placement(locale="fr"), remote_digest=digest)
    assert article["translated_content"]["fr"]["title"] == "Guide (FR)"


async def test_a_translation_without_its_original_is_a_document_error(
    client: IntercomClient, store: TargetStore
) -> None:
    """Nothing is sent for a translation whose original has no article yet."""
    sender = sender_for(client, store)
    await sender.prepare(plan_of())
    with pytest.raises(DocumentError, match=r"translation of guide\.md, which has no article"):
        await sender.upsert(create(page("guide.fr.md")))


async def test_an_article_deleted_by_hand_is_created_again_and_its_translations_forgotten(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """An update's 404 creates the article again; the translations written into the old one are
    forgotten, so the next run writes them into the new one."""
    sender = sender_for(client, store)
    original, translation = create(page("guide.md", "Guide")), create(page("guide.fr.md", "Guide (FR)"))
    await sender.prepare(plan_of(original, translation))
    old_id = (await send(sender, store, original)).remote_id
    await send(sender, store, translation)
    assert old_id is not None
    await client.delete_article(old_id)
    sent = await sender.upsert(update(page("guide.md", "Guide", "<p>Edited.</p>"), old_id))
    assert sent.remote_id not in (None, old_id)
    assert [article["id"] for article in emulator.articles()] == [sent.remote_id]
    assert set(store.records()) == {"guide.md"}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("draft", ["draft"]), ("delete", []), ("keep", ["published"])],
)
async def test_a_gone_document_s_article_goes_as_on_delete_says(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator, policy: str, expected: list[str]
) -> None:
    """draft turns it into a draft, delete deletes it, keep leaves it as it is."""
    sender = sender_for(client, store, state="published", on_delete=policy)
    item = create(page("guide.md"))
    await sender.prepare(plan_of(item))
    sent = await send(sender, store, item)
    await sender.delete(Deletion("guide.md", "guide.md", "Guide", sent.remote_id))
    assert [article["state"] for article in emulator.articles()] == expected


async def test_a_gone_translation_is_withdrawn_as_a_draft(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """A translation cannot be deleted on its own: its locale of the article becomes a draft."""
    sender = sender_for(client, store, state="published", on_delete="delete")
    original, translation = create(page("guide.md")), create(page("guide.fr.md", "Guide (FR)"))
    await sender.prepare(plan_of(original, translation))
    await send(sender, store, original)
    sent = await send(sender, store, translation)
    await sender.delete(Deletion("guide.fr.md", "guide.fr.md", "Guide (FR)", sent.remote_id))
    (article,) = emulator.articles()
    assert (article["state"], article["translated_content"]["fr"]["state"]) == ("published", "draft")


async def test_deleting_an_article_already_gone_counts_as_deleted(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """The 404 of an article someone deleted by hand is no failure."""
    sender = sender_for(client, store, on_delete="delete")
    await sender.delete(Deletion("gone.md", "gone.md", "Gone", "424242"))
    assert [r.status for r in emulator.requests() if r.method == "DELETE"] == [404]


async def test_finish_removes_the_collections_its_deletes_emptied(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """With on_delete = "delete", a collection this tool made and left empty is removed; the
    root and collections still in use stay."""
    sender = sender_for(client, store, on_delete="delete")
    kept, gone = create(page("guides/kept.md", "Kept")), create(page("old/gone.md", "Gone"))
    await sender.prepare(plan_of(kept, gone))
    await send(sender, store, kept)
    sent = await send(sender, store, gone)
    deletion = Deletion("old/gone.md", "old/gone.md", "Gone", sent.remote_id)
    await sender.delete(deletion)
    store.record_deleted("old/gone.md")
    await sender.finish(Plan(source="docs", target=NAME, deletes=(deletion,)))
    assert sorted(names_by_id(emulator).values()) == ["Guides", "Handbook"]
    assert set(store.book.collections()) == {(), ("Guides",)}
