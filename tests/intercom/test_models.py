"""Request bodies are strict and exact; response objects are lenient."""

from __future__ import annotations

import json

import pytest
from contract import validate_request
from pydantic import ValidationError

from ingest.intercom import ContentImportSource, ExternalPage, ExternalPageRequest, encode_json

from .fakes import TOKEN, external_page

HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "Intercom-Version": "2.15",
    "Accept": "application/json",
    "Content-Type": "application/json",
}


def page_request(**overrides: object) -> ExternalPageRequest:
    fields: dict[str, object] = {
        "title": "Guide",
        "html": "<p>Hi</p>",
        "url": "https://docs.example.com/guide",
        "source_id": 7,
        "external_id": "guide.md",
        "ai_agent_availability": True,
        "ai_copilot_availability": False,
    }
    return ExternalPageRequest.model_validate({**fields, **overrides})


def test_body_has_every_field_and_both_availability_flags() -> None:
    """The body carries title, html, url, locale en, ids and both availability flags, even when false."""
    assert page_request().to_body() == {
        "title": "Guide",
        "html": "<p>Hi</p>",
        "url": "https://docs.example.com/guide",
        "locale": "en",
        "source_id": 7,
        "external_id": "guide.md",
        "ai_agent_availability": True,
        "ai_copilot_availability": False,
    }


def test_body_leaves_out_a_missing_url() -> None:
    """Without a url the body has no url key at all (not null)."""
    assert "url" not in page_request(url=None).to_body()


def test_json_bytes_are_deterministic() -> None:
    """Equal requests give byte-identical JSON, so the payload can be hashed."""
    assert page_request().to_json_bytes() == page_request().to_json_bytes()
    assert page_request().to_json_bytes() == encode_json(dict(reversed(page_request().to_body().items())))
    assert json.loads(page_request(title="Tür").to_json_bytes())["title"] == "Tür"


@pytest.mark.parametrize(
    "bad",
    [
        {"ai_agent_availability": None},
        {"source_id": "7"},
        {"external_id": ""},
        {"locale": "fr"},
        {"fin_availability": True},
    ],
    ids=["availability-missing", "source-id-as-text", "empty-external-id", "locale-not-en", "unknown-field"],
)
def test_request_rejects_what_the_api_would(bad: dict[str, object]) -> None:
    """A wrong type, a missing flag, a non-en locale or an unknown field fails before any request."""
    with pytest.raises(ValidationError):
        page_request(**bad)


def test_request_is_frozen() -> None:
    """A built request cannot be changed (its hash is what was sent)."""
    with pytest.raises(ValidationError):
        page_request().title = "Other"  # type: ignore[misc]


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
@pytest.mark.parametrize("url", ["https://docs.example.com/guide", None])
def test_request_body_keeps_the_contract(url: str | None, version: str) -> None:
    """The body, with or without url, validates against every version's description."""
    headers = {**HEADERS, "Intercom-Version": version}
    validate_request("POST", "/ai/external_pages", headers, page_request(url=url).to_json_bytes())


def test_fin_for_sales_is_read_from_a_page() -> None:
    """ai_sales_agent_availability, in every version's answers, is read; absent, it is None."""
    shown = ExternalPage.model_validate({**external_page(), "ai_sales_agent_availability": True})
    assert shown.ai_sales_agent_availability is True
    assert ExternalPage.model_validate(external_page()).ai_sales_agent_availability is None


def test_response_objects_tolerate_extra_and_missing_optional_fields() -> None:
    """Unknown fields are ignored, numeric ids become strings, absent optional fields are None."""
    page = ExternalPage.model_validate({**external_page(), "id": 21, "brand_new_field": 1})
    source = ContentImportSource.model_validate(
        {"id": "3", "url": "https://d.example.com", "sync_behavior": "api"}
    )

    assert page.id == "21"
    assert source.id == 3
    assert source.audience_ids is None
    assert source.last_synced_at is None
