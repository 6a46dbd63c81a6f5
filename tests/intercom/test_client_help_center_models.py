"""Help Center request bodies are strict and keep the contract; response objects are lenient."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from contract import SPEC_PATH, validate_request
from pydantic import ValidationError

from ingest.emulator.help_center_wire import LOCALES as EMULATOR_LOCALES
from ingest.intercom import (
    ARTICLE_LOCALES,
    Article,
    ArticleContent,
    ArticleCreateRequest,
    ArticleUpdateRequest,
    Collection,
)

from .fakes import TOKEN

HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "Intercom-Version": "2.15",
    "Accept": "application/json",
    "Content-Type": "application/json",
}


def test_create_body_leaves_out_what_is_not_set() -> None:
    """A minimal create request sends title and author_id only: no nulls."""
    assert ArticleCreateRequest(title="T", author_id=1).to_body() == {"title": "T", "author_id": 1}


def test_parent_type_defaults_to_collection_with_a_parent() -> None:
    """Setting parent_id also sends parent_type collection, on create and on update."""
    assert ArticleCreateRequest(title="T", author_id=1, parent_id=5).to_body()["parent_type"] == "collection"
    assert ArticleUpdateRequest(parent_id="5").to_body() == {"parent_id": "5", "parent_type": "collection"}
    assert ArticleUpdateRequest().to_body() == {}


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "T", "author_id": "1"},
        {"title": "", "author_id": 1},
        {"title": "T", "author_id": 1, "state": "live"},
        {"title": "T", "author_id": 1, "parent_id": "5"},
        {"title": "T", "author_id": 1, "parent_type": "section"},
        {"title": "T", "author_id": 1, "tags": ["x"]},
        {"title": "T", "author_id": 1, "translated_content": {"xx": {"title": "X"}}},
        {"title": "T", "author_id": 1, "translated_content": {"fr": {"title": 1}}},
    ],
)
def test_create_request_refuses_wrong_values(fields: dict[str, Any]) -> None:
    """Wrong types, unknown fields or locales, and empty titles fail before anything is sent."""
    with pytest.raises(ValidationError):
        ArticleCreateRequest.model_validate(fields)


@pytest.mark.parametrize(
    "fields",
    [{"parent_id": 5}, {"parent_id": ""}, {"title": ""}, {"state": "archived"}, {"author_id": 1.5}],
)
def test_update_request_refuses_wrong_values(fields: dict[str, Any]) -> None:
    """On update parent_id is a non-empty string, as the spec types it; other fields keep their types."""
    with pytest.raises(ValidationError):
        ArticleUpdateRequest.model_validate(fields)


def test_requests_are_frozen_and_bytes_deterministic() -> None:
    """Requests cannot change after creation; equal requests give equal bytes."""
    request = ArticleCreateRequest(
        title="T", author_id=1, translated_content={"fr": ArticleContent(title="F")}
    )
    with pytest.raises(ValidationError):
        request.title = "Other"  # type: ignore[misc]
    again = ArticleCreateRequest(title="T", author_id=1, translated_content={"fr": ArticleContent(title="F")})
    assert request.to_json_bytes() == again.to_json_bytes()


@pytest.mark.parametrize(
    ("method", "path", "request_body"),
    [
        (
            "POST",
            "/articles",
            ArticleCreateRequest(
                title="T",
                author_id=1,
                description="d",
                body="<p>b</p>",
                state="published",
                parent_id=5,
                translated_content={"fr": ArticleContent(title="F", author_id=1, state="draft")},
            ),
        ),
        ("PUT", "/articles/42", ArticleUpdateRequest(parent_id="5", state="draft", body="<p>x</p>")),
        ("PUT", "/articles/42", ArticleUpdateRequest(translated_content={"pt-BR": ArticleContent(body="x")})),
    ],
)
def test_request_bodies_keep_the_contract(
    method: str, path: str, request_body: ArticleCreateRequest | ArticleUpdateRequest
) -> None:
    """Create and update bodies validate against the spec's request schemas."""
    validate_request(method, f"https://api.intercom.test{path}", HEADERS, request_body.to_json_bytes())


def test_locales_are_the_specs() -> None:
    """The client's and the emulator's locale lists are exactly the spec's article_translated_content keys."""
    schemas = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))["components"]["schemas"]
    spec_locales = set(schemas["article_translated_content"]["properties"]) - {"type"}
    assert set(ARTICLE_LOCALES) == spec_locales
    assert set(EMULATOR_LOCALES) == spec_locales


def test_article_answers_are_read_leniently() -> None:
    """Numeric ids become strings, string author ids integers, null parents and translations empty."""
    parsed = Article.model_validate(
        {
            "id": 55,
            "title": "Title 1",
            "author_id": "991267521",
            "state": "draft",
            "parent_id": None,
            "parent_ids": None,
            "translated_content": None,
            "url": None,
            "statistics": {"views": 3},
        }
    )
    assert (parsed.id, parsed.author_id, parsed.parent_ids, parsed.translated_content) == (
        "55",
        991267521,
        (),
        {},
    )


def test_translated_content_drops_its_type_tag() -> None:
    """translated_content maps locales only: its type tag and null locales are dropped."""
    parsed = Article.model_validate(
        {
            "id": "1",
            "title": "T",
            "translated_content": {"type": "article_translated_content", "fr": {"title": "F"}, "de": None},
        }
    )
    assert list(parsed.translated_content) == ["fr"]
    assert parsed.translated_content["fr"].title == "F"


def test_collection_ids_are_strings() -> None:
    """A collection's id and parent_id are strings even when sent as numbers."""
    parsed = Collection.model_validate({"id": 160, "name": "S", "parent_id": 159, "help_center_id": None})
    assert (parsed.id, parsed.parent_id, parsed.help_center_id) == ("160", "159", None)


@pytest.mark.parametrize(
    ("answer", "collections"),
    [
        ({"parent_id": 145, "parent_type": "collection", "parent_ids": [145]}, {"145"}),
        ({"parent_id": 145, "parent_type": "collection", "parent_ids": []}, {"145"}),
        ({"parent_ids": [145]}, {"145"}),
        ({"parent_ids": [18, 19]}, {"18", "19"}),
        ({"parent_id": None, "parent_ids": []}, set()),
        ({}, set()),
    ],
    ids=["2.15", "2.15-example", "2.16", "two-help-centers", "standalone", "bare"],
)
def test_an_articles_collections_are_read_from_either_versions_shape(
    answer: dict[str, Any], collections: set[str]
) -> None:
    """2.15 names the collection in parent_id, 2.16 and Preview only in parent_ids: both are read."""
    article = Article.model_validate({"id": "42", "title": "T", **answer})
    assert article.collection_ids == collections


def test_a_2_16_articles_availability_is_read() -> None:
    """2.16 answers carry the three flags; 2.15 answers leave them unknown (None), not false."""
    flags = {
        "ai_chatbot_availability": True,
        "ai_copilot_availability": False,
        "ai_sales_agent_availability": True,
    }
    read = Article.model_validate({"id": "1", "title": "T", "parent_ids": [], **flags})
    assert (read.ai_chatbot_availability, read.ai_copilot_availability, read.ai_sales_agent_availability) == (
        True,
        False,
        True,
    )
    assert Article.model_validate({"id": "1", "title": "T"}).ai_chatbot_availability is None


@pytest.mark.parametrize(
    ("tags", "ids"),
    [
        ({"type": "tag.list", "tags": [{"type": "tag", "id": "7", "name": "docs"}, {"id": 8}]}, {"7", "8"}),
        ({"type": "tag.list", "tags": []}, set()),
        (None, None),
        (["7"], None),
        ({"type": "tag.list"}, None),
    ],
)
def test_an_article_answer_says_its_tag_ids_or_nothing(tags: object, ids: set[str] | None) -> None:
    """The ``tags`` tag.list of an article answer as the ids it names; a shape not expected says
    nothing, and never refuses the answer."""
    body = {"id": "1", "title": "Guide", **({} if tags is None else {"tags": tags})}
    article = Article.model_validate(body)
    assert article.tag_ids == (None if ids is None else frozenset(ids))
