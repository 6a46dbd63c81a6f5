"""The Help Center client against the emulator over loopback: both sides of the contract agree."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from contract import validate_request

from ingest.emulator import RunningEmulator, start_emulator
from ingest.emulator.config import EmulatorConfig
from ingest.errors import RejectedError, RetryableApiError
from ingest.intercom import ArticleContent, ArticleCreateRequest, ArticleUpdateRequest, IntercomClient

TOKEN = "loopback-token"


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    """An emulator whose lists hold one item per page, so every list is paginated."""
    async with start_emulator(EmulatorConfig(token=TOKEN, per_page=1)) as running:
        yield running


async def _no_wait(seconds: float) -> None:
    """Retry back-offs end at once: the tests wait for answers, not for time."""


@pytest.fixture
async def intercom(emulator: RunningEmulator) -> AsyncIterator[IntercomClient]:
    """A client on the emulator whose retries do not wait."""
    async with IntercomClient(base_url=emulator.base_url, token=TOKEN, sleep=_no_wait) as client:
        yield client


async def test_a_help_center_round_trip(intercom: IntercomClient, emulator: RunningEmulator) -> None:
    """Collections, articles, translations, paging and search work end to end, every request in contract."""
    [admin] = await intercom.list_admins()
    [center] = await intercom.list_help_centers()
    top = await intercom.create_collection("Guides", help_center_id=int(center.id))
    child = await intercom.create_collection("Install", parent_id=top.id, description="How to install")
    created = await intercom.create_article(
        ArticleCreateRequest(
            title="Install on Linux",
            author_id=int(admin.id),
            body="<p>Run the installer</p>",
            state="published",
            parent_id=int(child.id),
            translated_content={"fr": ArticleContent(title="Installer sous Linux", state="published")},
        )
    )
    await intercom.create_article(ArticleCreateRequest(title="Release notes", author_id=int(admin.id)))

    assert {c.id for c in await intercom.list_collections()} == {top.id, child.id}
    assert (await intercom.get_collection(child.id)).parent_id == top.id
    assert created.parent_ids == (int(child.id),)
    assert created.translated_content["fr"].title == "Installer sous Linux"
    assert [a.title async for a in intercom.list_articles()] == ["Release notes", "Install on Linux"]
    found = await intercom.search_articles("INSTALLER", state="published", help_center_id=int(center.id))
    assert [a.id for a in found] == [created.id]

    updated = await intercom.update_article(
        created.id,
        ArticleUpdateRequest(
            body="<p>v2</p>", translated_content={"de": ArticleContent(title="Installieren")}
        ),
    )
    assert (updated.state, updated.body, updated.title) == ("published", "<p>v2</p>", "Install on Linux")
    assert set(updated.translated_content) == {"fr", "de"}
    assert (await intercom.get_article(created.id)) == updated

    with pytest.raises(RejectedError) as not_empty:
        await intercom.delete_collection(child.id)
    assert not_empty.value.status == 400
    await intercom.delete_article(created.id)
    await intercom.delete_collection(child.id)
    assert [c.id for c in await intercom.list_collections()] == [top.id]

    entries = emulator.requests()
    assert len(entries) == 18  # lists of 2 items took 2 pages each
    for entry in entries:  # the log keeps no Authorization header: put the token back
        body = None if entry.body is None else json.dumps(entry.body).encode()
        headers = {**entry.headers, "Authorization": f"Bearer {TOKEN}"}
        validate_request(entry.method, f"{entry.path}?{urlencode(entry.query)}", headers, body)


async def test_faults_reach_the_help_center_endpoints(
    intercom: IntercomClient, emulator: RunningEmulator
) -> None:
    """A dropped create is sent once and raised; an injected 503 on an update is retried."""
    emulator.set_faults(drop_next=1)
    with pytest.raises(RetryableApiError):
        await intercom.create_article(ArticleCreateRequest(title="Once", author_id=1))
    assert [(r.method, r.status) for r in emulator.requests("/articles")] == [("POST", None)]
    created = await intercom.create_article(ArticleCreateRequest(title="Once", author_id=1))
    emulator.set_faults(fail_next=1, fail_status=503)
    updated = await intercom.update_article(created.id, ArticleUpdateRequest(state="published"))
    assert updated.state == "published"
    assert [r.status for r in emulator.requests(f"/articles/{created.id}")] == [503, 200]
