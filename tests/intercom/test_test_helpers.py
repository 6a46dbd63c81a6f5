"""The test helpers others rely on: the aioresponses shim and the contract checker."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult
from aioresponses_compat import CompatClientResponse, aioresponses
from contract import validate_recorded, validate_request

from ingest.emulator import RecordedRequest

from .fakes import TOKEN

HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "Intercom-Version": "2.15",
    "Accept": "application/json",
}
JSON_HEADERS = {**HEADERS, "Content-Type": "application/json"}
PAGE_BODY = {
    "title": "Guide",
    "html": "<p>Hi</p>",
    "locale": "en",
    "source_id": 7,
    "external_id": "guide.md",
    "ai_agent_availability": True,
    "ai_copilot_availability": True,
}


async def test_shim_builds_mocked_responses_on_this_aiohttp() -> None:
    """Plain, callback and custom-class mocked responses all build and read on the installed aiohttp."""

    class Custom(CompatClientResponse):
        pass

    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        return CallbackResult(status=201, payload={"made": True})

    with aioresponses() as mocked:
        mocked.get("http://mock.test/plain", payload={"ok": 1}, headers={"X-Thing": "1"})
        mocked.post("http://mock.test/callback", callback=answer)
        mocked.get("http://mock.test/custom", body="raw", response_class=Custom)
        async with aiohttp.ClientSession() as session:
            async with session.get("http://mock.test/plain") as plain:
                assert (plain.status, await plain.json(), plain.headers["X-Thing"]) == (200, {"ok": 1}, "1")
            async with session.post("http://mock.test/callback") as made:
                assert (made.status, await made.json()) == (201, {"made": True})
            async with session.get("http://mock.test/custom") as custom:
                assert isinstance(custom, Custom)
                assert await custom.text() == "raw"


def test_contract_accepts_what_the_client_sends() -> None:
    """A well-formed upsert, a list with a page query and a delete all pass."""
    validate_request("POST", "http://127.0.0.1:8000/ai/external_pages", JSON_HEADERS, json.dumps(PAGE_BODY))
    validate_request("GET", "/ai/external_pages?page=2&per_page=50", HEADERS, None)
    validate_request("DELETE", "https://api.eu.intercom.io/ai/content_import_sources/12", HEADERS, b"")


@pytest.mark.parametrize(
    ("method", "url", "headers", "body", "complaint"),
    [
        (
            "POST",
            "/ai/external_pages",
            JSON_HEADERS,
            {**PAGE_BODY, "source_id": "7"},
            "is not of type 'integer'",
        ),
        ("POST", "/ai/external_pages", JSON_HEADERS, {**PAGE_BODY, "locale": "fr"}, "is not one of ['en']"),
        (
            "POST",
            "/ai/external_pages",
            JSON_HEADERS,
            {k: v for k, v in PAGE_BODY.items() if k != "ai_copilot_availability"},
            "ai_copilot_availability not sent",
        ),
        (
            "POST",
            "/ai/content_import_sources",
            JSON_HEADERS,
            {"url": "https://d.example.com"},
            "sync_behavior",
        ),
        (
            "POST",
            "/ai/content_import_sources",
            HEADERS,
            {"url": "https://x.example.com", "sync_behavior": "api"},
            "Content-Type",
        ),
        ("GET", "/ai/external_pages", {**HEADERS, "Intercom-Version": "9.9"}, None, "Intercom-Version"),
        (
            "GET",
            "/ai/external_pages",
            {"Intercom-Version": "2.15", "Accept": "application/json"},
            None,
            "Security",
        ),
        ("GET", "/ai/external_pages", {k: v for k, v in HEADERS.items() if k != "Accept"}, None, "Accept"),
        ("GET", "/ai/nowhere", HEADERS, None, "Path not found"),
    ],
    ids=[
        "source-id-text",
        "locale",
        "availability",
        "no-sync-behavior",
        "no-content-type",
        "bad-version",
        "no-auth",
        "no-accept",
        "unknown-path",
    ],
)
def test_contract_names_what_is_wrong(
    method: str, url: str, headers: dict[str, str], body: dict[str, Any] | None, complaint: str
) -> None:
    """A request that breaks the description or API-NOTES raises AssertionError naming the problem."""
    payload = None if body is None else json.dumps(body)

    with pytest.raises(AssertionError) as caught:
        validate_request(method, url, headers, payload)

    assert complaint in str(caught.value)
    assert str(caught.value).startswith(f"{method} ")


@pytest.mark.parametrize(
    ("method", "url", "field", "knows"),
    [
        ("POST", "/ai/external_pages", {"ai_sales_agent_availability": True}, {"Preview"}),
        (
            "PUT",
            "/ai/external_pages/5",
            {"url": "https://docs.example.com/g", "ai_copilot_availability": True},
            {"Preview"},
        ),
    ],
    ids=["sales-agent-on-upsert", "availability-on-put"],
)
@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
def test_each_request_is_held_to_its_versions_description(
    method: str, url: str, field: dict[str, Any], knows: set[str], version: str
) -> None:
    """The Intercom-Version header picks the description: a field only a later version describes
    passes there and breaks the contract in the others, naming the field (the API would ignore it)."""
    headers = {**JSON_HEADERS, "Intercom-Version": version}
    body = json.dumps({**PAGE_BODY, **field})
    if version in knows:
        validate_request(method, url, headers, body)
        return
    with pytest.raises(AssertionError) as caught:
        validate_request(method, url, headers, body)
    assert f"breaks the Intercom {version} contract" in str(caught.value)
    named = next(iter(field.keys() - {"url"}))
    assert f"'{named}'" in str(caught.value) and "unexpected" in str(caught.value)


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
def test_article_availability_is_a_2_16_field(version: str) -> None:
    """POST /articles with ai_chatbot_availability keeps the 2.16 and Preview contracts, not 2.15's."""
    headers = {**JSON_HEADERS, "Intercom-Version": version}
    body = json.dumps({"title": "T", "author_id": 1, "ai_chatbot_availability": True})
    if version == "2.15":
        with pytest.raises(AssertionError, match="'ai_chatbot_availability' was unexpected"):
            validate_request("POST", "/articles", headers, body)
    else:
        validate_request("POST", "/articles", headers, body)


def test_a_request_without_a_version_breaks_the_contract() -> None:
    """No Intercom-Version header: the API would answer in the app's default, whatever it is."""
    headers = {k: v for k, v in HEADERS.items() if k != "Intercom-Version"}
    with pytest.raises(AssertionError, match="no Intercom-Version header"):
        validate_request("GET", "/ai/external_pages", headers, None)


@pytest.mark.parametrize("version", ["2.16", "Preview"])
def test_a_bulk_action_is_held_to_its_schema_nested_items_too(version: str) -> None:
    """An item of ``content_ids`` with a property the description does not name breaks the contract
    (the API would ignore it), as a top-level one does."""
    headers = {**JSON_HEADERS, "Intercom-Version": version}
    good = {"action": "set_availability", "content_ids": [{"type": "external_content", "id": "1"}]}
    validate_request("POST", "/content/bulk_actions", headers, json.dumps(good))
    bad = {**good, "content_ids": [{"type": "external_content", "id": "1", "x": 1}]}
    with pytest.raises(AssertionError) as caught:
        validate_request("POST", "/content/bulk_actions", headers, json.dumps(bad))
    assert f"breaks the Intercom {version} contract" in str(caught.value)
    assert "'x' was unexpected" in str(caught.value)


def test_a_bulk_action_breaks_the_2_15_contract() -> None:
    """2.15 has no ``/content/bulk_actions``: a client sending one there speaks the wrong version."""
    good = {"action": "set_availability", "content_ids": [{"type": "external_content", "id": "1"}]}
    with pytest.raises(AssertionError, match=r"breaks the Intercom 2\.15 contract"):
        validate_request("POST", "/content/bulk_actions", JSON_HEADERS, json.dumps(good))


def _recorded(version: str) -> RecordedRequest:
    return RecordedRequest(
        method="GET",
        path="/ai/external_pages",
        query={},
        headers={"Intercom-Version": version, "Accept": "application/json"},
        body=None,
        status=200,
        received_at=0.0,
        answered_at=0.0,
        request_id="r",
        endpoint="GET /ai/external_pages",
    )


def test_recorded_requests_are_counted_and_held_to_the_version_asked_for() -> None:
    """validate_recorded says how many requests it checked; with ``version``, one sent in another
    version breaks it, though it keeps its own version's description."""
    assert validate_recorded([_recorded("2.16"), _recorded("2.16")], version="2.16") == 2
    assert validate_recorded([_recorded("2.15"), _recorded("Preview")]) == 2
    with pytest.raises(AssertionError, match=r"Intercom-Version '2\.15', not '2\.16'"):
        validate_recorded([_recorded("2.16"), _recorded("2.15")], version="2.16")
