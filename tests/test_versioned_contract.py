"""The per-version contract check used by the availability tests can fail: a field a version does
not describe is a problem there and not where it is described."""

from __future__ import annotations

import json

import pytest
from versioned_contract import unknown_properties, validate_request_as

BODY = {
    "title": "A",
    "html": "<p>A</p>",
    "locale": "en",
    "source_id": 1,
    "external_id": "a.md",
    "ai_agent_availability": True,
    "ai_copilot_availability": True,
    "ai_sales_agent_availability": True,
}


def headers(version: str) -> dict[str, str]:
    return {
        "Authorization": "Bearer t",
        "Intercom-Version": version,
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


def test_fin_for_sales_in_a_pages_request_breaks_2_16_and_keeps_preview() -> None:
    """2.16's description has no ``ai_sales_agent_availability`` in a page's POST; Preview's has."""
    assert list(unknown_properties("2.16", "POST", "/ai/external_pages", BODY)) == [
        "body.ai_sales_agent_availability is not in the 2.16 description"
    ]
    assert list(unknown_properties("Preview", "POST", "/ai/external_pages", BODY)) == []
    with pytest.raises(AssertionError, match=r"breaks the Intercom 2\.16 contract"):
        validate_request_as("2.16", "POST", "/ai/external_pages", headers("2.16"), json.dumps(BODY))
    validate_request_as("Preview", "POST", "/ai/external_pages", headers("Preview"), json.dumps(BODY))


def test_a_bulk_action_is_checked_against_its_schema_and_its_version_header() -> None:
    """Nested items are checked too, and a request sent with another version's header is refused."""
    body = {"action": "set_availability", "content_ids": [{"type": "external_content", "id": "1", "x": 1}]}
    assert list(unknown_properties("2.16", "POST", "/content/bulk_actions", body)) == [
        "body.content_ids[0].x is not in the 2.16 description"
    ]
    good = {"action": "set_availability", "content_ids": [{"type": "external_content", "id": "1"}]}
    validate_request_as("2.16", "POST", "/content/bulk_actions", headers("2.16"), json.dumps(good))
    with pytest.raises(AssertionError, match=r"Intercom-Version .2\.15., not .2\.16."):
        validate_request_as("2.16", "POST", "/content/bulk_actions", headers("2.15"), json.dumps(good))
    with pytest.raises(AssertionError, match=r"breaks the Intercom 2\.15 contract"):
        validate_request_as("2.15", "POST", "/content/bulk_actions", headers("2.15"), json.dumps(good))
