"""Typed request bodies and response objects of the Help Center: articles, collections, admins.

As in :mod:`ingest.intercom.models`, request bodies are strict and frozen (a wrong type or
an unknown locale is caught before anything is sent) and response objects are lenient.
Ids follow the spec: article, collection, help center and admin ids are strings in
answers; ``author_id``, an article's ``parent_id`` and ``help_center_id`` are integers;
``parent_id`` is an integer when creating an article but a string when updating one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.intercom.models import UnixTimestamp, encode_json

ArticleState = Literal["published", "draft"]
ParentType = Literal["collection"]

#: The locales ``translated_content`` may hold (the keys of the spec's ``article_translated_content``).
ARTICLE_LOCALES = frozenset(
    {
        "ar",
        "bg",
        "bs",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fi",
        "fr",
        "he",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "mn",
        "nb",
        "nl",
        "pl",
        "pt",
        "ro",
        "ru",
        "sl",
        "sr",
        "sv",
        "tr",
        "vi",
        "pt-BR",
        "zh-CN",
        "zh-TW",
    }
)

_REQUEST = ConfigDict(frozen=True, strict=True, extra="forbid")


class _Request(BaseModel):
    model_config = _REQUEST

    def to_body(self) -> dict[str, Any]:
        """The JSON object sent to the API: fields that are ``None`` are left out, not sent as null."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json_bytes(self) -> bytes:
        """The exact bytes the client sends for this request (see :func:`encode_json`)."""
        return encode_json(self.to_body())


class ArticleContent(_Request):
    """An article's content in one locale, for ``translated_content``; ``None`` fields are not sent.

    When a locale is new to an article, send at least ``title``; on an update, omitted
    fields keep their value.
    """

    title: str | None = Field(default=None, min_length=1)
    description: str | None = None
    body: str | None = None
    author_id: int | None = None
    state: ArticleState | None = None


def _known_locales(value: Mapping[str, ArticleContent] | None) -> Mapping[str, ArticleContent] | None:
    unknown = sorted(set(value or ()) - ARTICLE_LOCALES)
    if unknown:
        raise ValueError(
            f"unknown locale(s) {', '.join(unknown)}; Intercom knows {', '.join(sorted(ARTICLE_LOCALES))}"
        )
    return value


class _ArticleRequest(_Request):
    description: str | None = None
    body: str | None = None
    state: ArticleState | None = None
    parent_type: ParentType | None = None
    translated_content: Mapping[str, ArticleContent] | None = None
    # 2.16: who may answer from the article (its default language); "chatbot" is Fin, the AI Agent.
    ai_chatbot_availability: bool | None = None
    ai_copilot_availability: bool | None = None
    ai_sales_agent_availability: bool | None = None

    @field_validator("translated_content")
    @classmethod
    def _check_locales(
        cls, value: Mapping[str, ArticleContent] | None
    ) -> Mapping[str, ArticleContent] | None:
        return _known_locales(value)

    @model_validator(mode="before")
    @classmethod
    def _parent_type_with_parent(cls, data: Any) -> Any:
        # An article filed by parent_id names its parent_type too, so the API never guesses.
        if isinstance(data, dict) and data.get("parent_id") is not None and data.get("parent_type") is None:
            return {**data, "parent_type": "collection"}
        return data


class ArticleCreateRequest(_ArticleRequest):
    """The body of ``POST /articles``. ``state`` ``None`` lets the API default to ``draft``.

    ``parent_id`` (an integer here) files the article in that collection; ``parent_type``
    then defaults to ``"collection"``. Without it the article stands alone.
    """

    title: str = Field(min_length=1)
    author_id: int
    parent_id: int | None = None


class ArticleUpdateRequest(_ArticleRequest):
    """The body of ``PUT /articles/{id}``: only the fields set are sent, the others keep their value.

    ``state`` left ``None`` leaves the publish state as it is. ``parent_id`` is a string
    here (the spec types it so for updates); ``translated_content`` merges per locale.
    """

    title: str | None = Field(default=None, min_length=1)
    author_id: int | None = None
    parent_id: str | None = Field(default=None, min_length=1)


class _ApiObject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)


class ArticleTranslation(_ApiObject):
    """An article's content in one locale, as Intercom returns it in ``translated_content``."""

    title: str | None = None
    description: str | None = None
    body: str | None = None
    author_id: int | None = None
    state: str | None = None
    url: str | None = None
    created_at: UnixTimestamp | None = None
    updated_at: UnixTimestamp | None = None


class Article(_ApiObject):
    """A Help Center article; ``translated_content`` maps a locale to its content (``type`` tag dropped)."""

    id: str
    title: str
    description: str | None = None
    body: str | None = None
    author_id: int | None = None
    state: str = "draft"
    parent_id: int | None = None
    parent_ids: tuple[int, ...] = ()
    parent_type: str | None = None
    translated_content: dict[str, ArticleTranslation] = Field(default_factory=dict)
    url: str | None = None
    created_at: UnixTimestamp | None = None
    updated_at: UnixTimestamp | None = None
    #: Availability (2.16 and later; ``None`` in 2.15, whose answers do not say).
    ai_chatbot_availability: bool | None = None
    ai_copilot_availability: bool | None = None
    ai_sales_agent_availability: bool | None = None
    #: The ids of the tags the article carries (``None`` when the answer does not say).
    tag_ids: frozenset[str] | None = Field(default=None, validation_alias="tags")

    @field_validator("tag_ids", mode="before")
    @classmethod
    def _tag_list(cls, value: Any) -> Any:
        """A ``tag.list`` object (``{"tags": [{"id": ...}]}``) as the ids it names; another shape says
        nothing (None), so that an answer is never refused for its tags."""
        if not isinstance(value, dict) or not isinstance(value.get("tags"), list):
            return None
        return frozenset(str(tag["id"]) for tag in value["tags"] if isinstance(tag, dict) and "id" in tag)

    @field_validator("translated_content", mode="before")
    @classmethod
    def _locales_only(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != "type" and v is not None}
        return value

    @field_validator("parent_ids", mode="before")
    @classmethod
    def _no_parents(cls, value: Any) -> Any:
        return () if value is None else value

    @property
    def collection_ids(self) -> frozenset[str]:
        """The collections the article is placed in: 2.15 names its one in ``parent_id``, 2.16 and
        later only in ``parent_ids`` (the parent collections it is placed in), so read both."""
        ids = {str(parent) for parent in self.parent_ids}
        if self.parent_id is not None:
            ids.add(str(self.parent_id))
        return frozenset(ids)


class Collection(_ApiObject):
    """A Help Center collection; ``parent_id`` ``None`` is a top-level one."""

    id: str
    name: str
    description: str | None = None
    parent_id: str | None = None
    help_center_id: int | None = None
    url: str | None = None
    created_at: UnixTimestamp | None = None
    updated_at: UnixTimestamp | None = None


class HelpCenter(_ApiObject):
    """A Help Center of the workspace."""

    id: str
    display_name: str | None = None
    identifier: str | None = None
    url: str | None = None


class Admin(_ApiObject):
    """A teammate: a possible ``author_id`` of articles (compare ``str(author_id)`` with ``id``)."""

    id: str
    name: str | None = None
    email: str | None = None
