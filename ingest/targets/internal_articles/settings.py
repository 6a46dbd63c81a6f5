"""``[sources.<name>.internal_articles]``: the internal articles target's own table.

The Intercom API sets an internal article's title, body, author and owner and, from 2.16 (the
default version), who may use it; nothing else in any version fin-ingest speaks: no state (so
no draft to retire an article into), no translations (each article is in the workspace's
language). 2.16's ``ai_chatbot_availability`` (Fin, the AI Agent), ``ai_copilot_availability``
and ``ai_sales_agent_availability`` are each *false* unless sent on create: they are this
table's ``ai_agent``, ``ai_copilot`` and ``ai_sales_agent``, with defaults for knowledge
customers never see (Copilot on, the customer-facing agent and Fin for sales off). With API
2.15, which cannot set them, they are refused by name (:func:`check_version`), so nobody
believes they were set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from ingest.api_versions import ApiFeatures
    from ingest.targets.source_keys import SourceKeys

NAME: Final = "internal_articles"

#: The keys of this table that say who may answer from the internal articles.
AVAILABILITY_KEYS: Final = ("ai_agent", "ai_copilot", "ai_sales_agent")
#: The request fields of 2.16 behind them, which a user may write instead.
_REQUEST_FIELDS: Final = {
    "ai_chatbot_availability": "ai_agent",
    "ai_copilot_availability": "ai_copilot",
    "ai_sales_agent_availability": "ai_sales_agent",
}


class InternalArticlesSettings(BaseModel):
    """``[sources.<name>.internal_articles]``: how the source's documents become internal articles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    author_id: int = Field(description="Admin id the articles are written by (checked against GET /admins).")
    owner_id: int | None = Field(
        None, description="Admin id that owns the articles (checked against GET /admins); default: author_id."
    )
    on_delete: Literal["delete", "keep"] = Field(
        "delete", description="What happens to the internal article of a document gone from the source."
    )
    default_locale: str = Field(
        "en",
        description="The workspace's language, which every internal article is in; documents in "
        "another are skipped.",
    )
    ai_agent: bool = Field(
        False, description="Fin (the AI Agent, which answers customers) may use them (API 2.16 or Preview)."
    )
    ai_copilot: bool = Field(True, description="Copilot may use them (API 2.16 or Preview).")
    ai_sales_agent: bool = Field(False, description="Fin for sales may use them (API 2.16 or Preview).")

    @model_validator(mode="before")
    @classmethod
    def _our_names_for_availability(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for field, key in sorted(_REQUEST_FIELDS.items()):
                if field in data:
                    raise ValueError(f"{field}: unknown key; the availability key of this table is {key}")
        return data

    @field_validator("on_delete", mode="before")
    @classmethod
    def _no_draft(cls, value: Any) -> Any:
        if value == "draft":
            raise ValueError(
                'internal articles have no draft state in the Intercom API: "delete" the article or "keep" it'
            )
        return value

    @property
    def owner(self) -> int:
        """The admin that owns the articles: ``owner_id``, else the author."""
        return self.author_id if self.owner_id is None else self.owner_id


def check_version(settings: SourceKeys, table: InternalArticlesSettings, features: ApiFeatures) -> str | None:
    """Why ``table`` cannot be used with an API version that sets no availability on internal
    articles (2.15), naming the key; None when it can."""
    if features.article_availability:
        return None
    for key in AVAILABILITY_KEYS:
        if key in table.model_fields_set:
            return (
                f"{key}: Intercom API {features.version} cannot set the availability of internal "
                "articles; set intercom.api_version to 2.16 or Preview, or remove the key"
            )
    return None
