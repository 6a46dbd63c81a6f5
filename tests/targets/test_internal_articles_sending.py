"""Internal articles, sending half: admins checked, one article per document however a create
fails, updates by id, deletes as the policy says; every request within its version's contract."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from contract import validate_recorded

from ingest.emulator import EmulatorAdmin, EmulatorConfig, RunningEmulator, start_emulator
from ingest.errors import ConfigError, RejectedError, RetryableApiError
from ingest.intercom import IntercomClient
from ingest.plan import Deletion, Plan, Upsert
from ingest.state import StateStore, TargetStore
from ingest.targets.base import Sent
from ingest.targets.internal_articles.planning import InternalArticlesPlanner
from ingest.targets.internal_articles.sending import InternalArticlesSender
from ingest.targets.internal_articles.settings import NAME, InternalArticlesSettings
from ingest.targets.internal_articles.wire import InternalArticleRequest, InternalArticlesApi
from tests.targets.conftest import TOKEN
from tests.targets.pages import create, page, update

ADMINS = (EmulatorAdmin(1, "Ada", "ada@example.com"), EmulatorAdmin(2, "Bob", "bob@example.com"))
PATH = "/internal_articles"


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN, admins=ADMINS, per_page=2)) as running:
        yield running


@pytest.fixture
def store(state: StateStore) -> TargetStore:
    return state.target("docs", NAME)


def sender_for(client: IntercomClient, store: TargetStore, **settings: Any) -> InternalArticlesSender:
    table = InternalArticlesSettings(**{"author_id": 1, **settings})
    return InternalArticlesSender(InternalArticlesPlanner(table), client, store)


async def send(sender: InternalArticlesSender, store: TargetStore, item: Upsert) -> Sent:
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
    )
    return sent


async def existing(client: IntercomClient, title: str, owner_id: int = 1, body: str = "<p>old</p>") -> str:
    """An internal article made behind this tool's back (or by a run whose answer was lost)."""
    request = InternalArticleRequest(title=title, body=body, author_id=1, owner_id=owner_id)
    return (await InternalArticlesApi(client).create(request)).id


def writes(emulator: RunningEmulator) -> list[tuple[str, str, int | None]]:
    return [(r.method, r.path, r.status) for r in emulator.requests(PATH) if r.method != "GET"]


#: Attempts of the client a test of retried creates uses.
CREATE_ATTEMPTS = 3


async def no_wait(seconds: float) -> None:
    """The client's back-off, not waited for."""


def retrying_client(emulator: RunningEmulator) -> IntercomClient:
    """A client that retries as configured clients do (``CREATE_ATTEMPTS``), without waiting."""
    return IntercomClient(
        base_url=emulator.base_url, token=TOKEN, max_attempts=CREATE_ATTEMPTS, sleep=no_wait
    )


def by_title(emulator: RunningEmulator) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for article in emulator.internal_articles():
        found.setdefault(article["title"], []).append(article)
    return found


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"author_id": 9}, "sources.docs.internal_articles.author_id: 9 is not an admin"),
        ({"owner_id": 7}, "sources.docs.internal_articles.owner_id: 7 is not an admin"),
    ],
)
async def test_an_author_or_owner_who_is_no_admin_is_a_config_error(
    client: IntercomClient,
    store: TargetStore,
    emulator: RunningEmulator,
    settings: dict[str, int],
    expected: str,
) -> None:
    """Checked before anything is written, naming the key and the admins there are."""
    with pytest.raises(ConfigError) as caught:
        await sender_for(client, store, **settings).prepare(Plan(source="docs", target=NAME))
    assert str(caught.value) == f"{expected} of this workspace (admins: 1 (Ada), 2 (Bob))"
    assert writes(emulator) == []


async def test_known_admins_prepare_nothing_else(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """Admins are the only thing to check: no container to find, nothing to plan again."""
    assert await sender_for(client, store, owner_id=2).prepare(Plan(source="docs", target=NAME)) is False
    assert [r.path for r in emulator.requests()] == ["/admins"]


async def test_a_document_becomes_one_internal_article(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """Title, body, author and owner as planned; the intent written before the create is cleared."""
    sent = await send(
        sender_for(client, store, owner_id=2), store, create(page("a.md", "Restart", "<p>Go.</p>"))
    )
    (article,) = emulator.internal_articles()
    assert sent.remote_id == article["id"]
    assert (article["title"], article["body"], article["author_id"], article["owner_id"]) == (
        "Restart",
        "<p>Go.</p>",
        1,
        2,
    )
    assert store.book.intents() == []


async def test_an_update_goes_by_id_and_one_deleted_meanwhile_is_created_again(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """A PUT to the recorded id; a 404 there creates the article again (looking first)."""
    sender = sender_for(client, store)
    first = await send(sender, store, create(page("a.md", "Restart")))
    assert first.remote_id is not None
    emulator.clear_requests()
    again = await send(sender, store, update(page("a.md", "Restart", "<p>v2</p>"), first.remote_id))
    assert again.remote_id == first.remote_id and again.availability == first.availability
    assert again.remote_digest != first.remote_digest  # the digest of what the answer holds: v2 now
    assert writes(emulator) == [("PUT", f"{PATH}/{first.remote_id}", 200)]
    await InternalArticlesApi(client).delete(first.remote_id)
    emulator.clear_requests()
    recreated = await send(sender, store, update(page("a.md", "Restart", "<p>v3</p>"), first.remote_id))
    assert recreated.remote_id != first.remote_id
    assert writes(emulator) == [("PUT", f"{PATH}/{first.remote_id}", 404), ("POST", PATH, 200)]
    assert [a["body"] for a in emulator.internal_articles()] == ["<p>v3</p>"]


async def test_a_missing_mapping_adopts_the_article_with_the_same_title_and_owner(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """Lost state: the article is found among every page of the list, updated, and no POST is sent."""
    for n in range(4):
        await existing(client, f"Other {n}")
    twin = await existing(client, "Restart")
    await existing(client, "Older")
    emulator.clear_requests()
    sent = await send(sender_for(client, store), store, create(page("a.md", "Restart", "<p>now</p>")))
    assert sent.remote_id == twin
    assert writes(emulator) == [("PUT", f"{PATH}/{twin}", 200)]
    assert [a["body"] for a in by_title(emulator)["Restart"]] == ["<p>now</p>"]


async def test_another_owners_article_of_that_title_is_not_adopted(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """The owner is part of what ties an article to this source: Bob's "Restart" is not Ada's."""
    bobs = await existing(client, "Restart", owner_id=2)
    sent = await send(sender_for(client, store), store, create(page("a.md", "Restart")))
    assert sent.remote_id != bobs and len(by_title(emulator)["Restart"]) == 2


async def test_an_article_another_document_or_source_owns_is_not_adopted(
    client: IntercomClient, state: StateStore, store: TargetStore, emulator: RunningEmulator
) -> None:
    """Two documents of one title get two articles; and another source's article in the same
    state file (same owner, same title) stays that source's."""
    sender = sender_for(client, store)
    first = await send(sender, store, create(page("a.md", "FAQ")))
    second = await send(sender_for(client, store), store, create(page("b.md", "FAQ")))
    assert first.remote_id != second.remote_id
    other = state.target("wiki", NAME)
    theirs = await send(sender_for(client, other), other, create(page("x.md", "Runbook")))
    ours = await send(sender_for(client, store), store, create(page("r.md", "Runbook")))
    assert theirs.remote_id != ours.remote_id
    assert {title: len(found) for title, found in by_title(emulator).items()} == {"FAQ": 2, "Runbook": 2}


async def test_a_create_killed_under_an_old_title_is_adopted_under_the_new_one(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """The intent keeps the title the lost create used; the renamed document finds its article by it."""
    store.book.record_intent("article", "a.md", "Restart")
    lost = await existing(client, "Restart")
    sent = await send(sender_for(client, store), store, create(page("a.md", "Restart the worker")))
    assert sent.remote_id == lost
    assert [a["title"] for a in emulator.internal_articles()] == ["Restart the worker"]
    assert store.book.intents() == []


@pytest.mark.parametrize("after", [False, True], ids=["before-the-write", "after-the-write"])
async def test_a_5xx_on_create_is_looked_for_before_it_is_sent_again(
    store: TargetStore, emulator: RunningEmulator, after: bool
) -> None:
    """A 503 that left the article uncreated is sent again; one that came after the create
    finds it instead. Either way: one article, recorded, no intent left."""
    emulator.set_faults(fail_next=1, fail_path=f"POST {PATH}", fail_after=after)
    async with retrying_client(emulator) as client:
        sent = await send(sender_for(client, store), store, create(page("a.md", "Restart")))
    (article,) = emulator.internal_articles()
    assert sent.remote_id == article["id"] and store.book.intents() == []
    expected = [("POST", PATH, 503), ("PUT", f"{PATH}/{article['id']}", 200)]
    assert writes(emulator) == (expected if after else [("POST", PATH, 503), ("POST", PATH, 200)])


async def test_a_create_failing_every_time_keeps_its_intent_for_the_next_run(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """After the client's last attempt the error is the document's and the intent stays; when that
    last answer was lost though the create happened, the next run's sender adopts the article."""
    emulator.set_faults(fail_next=CREATE_ATTEMPTS, fail_path=f"POST {PATH}")
    async with retrying_client(emulator) as retrying:
        with pytest.raises(RetryableApiError):
            await send(sender_for(retrying, store), store, create(page("a.md", "Restart")))
    assert [(i.kind, i.key, i.title) for i in store.book.intents()] == [("article", "a.md", "Restart")]
    assert [status for _, _, status in writes(emulator)] == [503] * CREATE_ATTEMPTS
    lost = await existing(client, "Restart")
    sent = await send(sender_for(client, store), store, create(page("a.md", "Restart")))
    assert sent.remote_id == lost and len(emulator.internal_articles()) == 1
    assert store.book.intents() == []


async def test_a_refused_create_leaves_no_intent(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator
) -> None:
    """A 4xx certainly created nothing: the error is the document's and no intent lingers."""
    emulator.set_faults(fail_next=1, fail_path=f"POST {PATH}", fail_status=400)
    with pytest.raises(RejectedError):
        await send(sender_for(client, store), store, create(page("a.md", "Restart")))
    assert store.book.intents() == [] and emulator.internal_articles() == []


async def test_concurrent_creates_of_one_title_under_faults_never_share_an_article(
    store: TargetStore, emulator: RunningEmulator
) -> None:
    """Two documents titled alike, created at once: the first create is answered 503 after it
    happened, the second's answer is held back after it happened. The look after the 503 must
    not take the second's article while its answer is on the way: each document gets its own."""
    emulator.set_faults(
        fail_next=1,
        fail_path=f"POST {PATH}",
        fail_after=True,
        stall_next=1,
        stall_path=f"POST {PATH}",
        stall_seconds=0.5,
    )
    items = [create(page(f"faq-{n}.md", "FAQ", f"<p>{n}</p>")) for n in range(2)]
    async with retrying_client(emulator) as client:
        sender = sender_for(client, store)
        sent = await asyncio.gather(*(send(sender, store, item) for item in items))
    ids = [s.remote_id for s in sent]
    assert sorted(ids) == sorted(a["id"] for a in emulator.internal_articles()), "an article left orphaned"
    bodies = {a["id"]: a["body"] for a in emulator.internal_articles()}
    assert [bodies[remote_id] for remote_id in ids] == ["<p>0</p>", "<p>1</p>"]


@pytest.mark.parametrize(("policy", "remains"), [("delete", 0), ("keep", 1)])
async def test_deletes_follow_on_delete(
    client: IntercomClient, store: TargetStore, emulator: RunningEmulator, policy: str, remains: int
) -> None:
    """delete removes the article (one already gone counts as removed); keep leaves it alone."""
    sender = sender_for(client, store, on_delete=policy)
    sent = await send(sender, store, create(page("a.md", "Restart")))
    gone = Deletion(external_id="a.md", locator="a.md", title="Restart", remote_id=sent.remote_id)
    await sender.delete(gone)
    assert len(emulator.internal_articles()) == remains
    await sender.delete(gone)  # again: a 404 is as good as deleted


async def test_every_request_keeps_the_contract(store: TargetStore, emulator: RunningEmulator) -> None:
    """Admins, list, create, update and delete, as this target sends them, validate against the
    description of the version they are sent in (the default, 2.16)."""
    async with retrying_client(emulator) as client:
        await send_every_request(client, store, emulator)
    methods = {r.method for r in emulator.requests(PATH)}
    assert methods == {"GET", "POST", "PUT", "DELETE"}
    validate_recorded(emulator.requests())


async def send_every_request(client: IntercomClient, store: TargetStore, emulator: RunningEmulator) -> None:
    sender = sender_for(client, store, owner_id=2)
    await sender.prepare(Plan(source="docs", target=NAME))
    await existing(client, "Adopted", owner_id=2)
    emulator.set_faults(fail_next=1, fail_path=f"POST {PATH}", fail_after=True)
    sent = await send(sender, store, create(page("a.md", "Restart")))
    await send(sender, store, create(page("b.md", "Adopted")))
    assert sent.remote_id is not None
    await send(sender, store, update(page("a.md", "Restart", "<p>v2</p>"), sent.remote_id))
    await sender.delete(
        Deletion(external_id="a.md", locator="a.md", title="Restart", remote_id=sent.remote_id)
    )
