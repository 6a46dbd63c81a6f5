"""Typed request bodies and response objects of the Intercom endpoints fin-ingest uses.

Request bodies are strict and frozen: a wrong type is a bug in the caller, caught before
any request is sent. Response objects are lenient: unknown fields are ignored and absent
optional fields are ``None``, so a server that adds fields breaks nothing.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.canonical import canonical_json
from ingest.errors import ApiError

#: UNIX time in seconds, as Intercom gives ``created_at`` and friends.
UnixTimestamp = int

_Model = TypeVar("_Model", bound=BaseModel)


def encode_json(value: Any) -> bytes:
    """The exact bytes the client sends for a JSON body.

    Keys are sorted and separators compact so that equal bodies give equal bytes, which is
    what lets a target hash "the payload sent" and compare it with the last one.
    """
    return canonical_json(value).encode("utf-8")


class ExternalPageRequest(BaseModel):
    """The body of ``POST /ai/external_pages``: create, or update by ``(source_id, external_id)``.

    Both availability flags are required here although the API makes them optional:
    they default to ``false`` on create and keep their old value on update, so a page
    sent without them may silently never be used by Fin. They must come from
    configuration every time. ``ai_sales_agent_availability`` (Fin for sales) only Preview
    takes; ``None`` leaves it out of the body.
    """

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    title: str = Field(min_length=1)
    html: str
    url: str | None = None
    locale: Literal["en"] = "en"
    source_id: int
    external_id: str = Field(min_length=1)
    ai_agent_availability: bool
    ai_copilot_availability: bool
    ai_sales_agent_availability: bool | None = None

    def to_body(self) -> dict[str, Any]:
        """The JSON object sent to the API (``url`` and the sales flag are left out when ``None``)."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json_bytes(self) -> bytes:
        """The exact bytes the client sends for this request (see :func:`encode_json`)."""
        return encode_json(self.to_body())


class _ApiObject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)


class ContentImportSource(_ApiObject):
    """A Content Import Source: the container External Pages are upserted under.

    It has no name: a configured source is matched to its remote twin by ``url``.
    """

    id: int
    url: str
    sync_behavior: str
    status: str = "active"
    audience_ids: tuple[int, ...] | None = None
    created_at: UnixTimestamp | None = None
    updated_at: UnixTimestamp | None = None
    last_synced_at: UnixTimestamp | None = None


class ExternalPage(_ApiObject):
    """An External Page as Intercom returns it (the server may have rewritten ``html``)."""

    id: str
    title: str
    html: str
    source_id: int
    external_id: str
    url: str | None = None
    locale: str = "en"
    ai_agent_availability: bool | None = None
    ai_copilot_availability: bool | None = None
    #: Fin for sales: in every version's answers, false unless set (Preview's request, bulk actions).
    ai_sales_agent_availability: bool | None = None
    created_at: UnixTimestamp | None = None
    updated_at: UnixTimestamp | None = None
    last_ingested_at: UnixTimestamp | None = None


def id_segment(identifier: int | str) -> str:
    """An Intercom id quoted into exactly one path segment (``a/b`` cannot reach another endpoint).

    Raises ``ValueError`` for an empty id and for ``.`` and ``..``, which no quoting keeps in
    their segment.
    """
    text = str(identifier)
    if not text:
        raise ValueError("an Intercom id cannot be empty")
    if text in (".", ".."):
        # Not quoted by quote() and resolved by URL handling: "/ai/external_pages/.." is "/ai/".
        raise ValueError(f"{text!r} is not an Intercom id: it would address another path, not one object")
    return quote(text, safe="")


def parse_answer(model: type[_Model], data: Any, path: str) -> _Model:
    """``data`` (an answer for ``path``) as ``model``; an answer of the wrong shape is an ApiError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(
            f"Intercom's answer for {path} is not a valid {model.__name__}: "
            f"{exc.error_count()} problem(s), first: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}"
        ) from None
