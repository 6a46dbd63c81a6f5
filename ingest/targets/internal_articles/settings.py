"""``[sources.<name>.internal_articles]``: the internal articles target's own table.

API 2.15 sets an internal article's title, body, author and owner, nothing else: no state
(so no draft to retire an article into), no translations (each article is in the workspace's
language), no availability. Intercom 2.16 adds ``ai_chatbot_availability``,
``ai_copilot_availability`` and ``ai_sales_agent_availability``, each *false* unless sent on
create: when API versions come, they become keys of this table, sent on every write as the
External Pages flags are. Until then they are refused by name, so nobody believes they were set.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME: Final = "internal_articles"

#: Request fields of 2.16 that 2.15 cannot send, and the source keys a user may try for them.
AVAILABILITY_KEYS: Final = frozenset(
    {
        "ai_chatbot_availability",
        "ai_copilot_availability",
        "ai_sales_agent_availability",
        "ai_agent",
        "ai_copilot",
    }
)


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

    @model_validator(mode="before")
    @classmethod
    def _no_availability_yet(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in sorted(AVAILABILITY_KEYS & set(data)):
                raise ValueError(
                    f"{key}: Intercom API 2.15 cannot set the availability of internal articles (2.16 "
                    "can); the key is not read until fin-ingest speaks 2.16"
                )
        return data

    @field_validator("on_delete", mode="before")
    @classmethod
    def _no_draft(cls, value: Any) -> Any:
        if value == "draft":
            raise ValueError(
                "internal articles have no draft state in Intercom API 2.15: "
                '"delete" the article or "keep" it'
            )
        return value

    @property
    def owner(self) -> int:
        """The admin that owns the articles: ``owner_id``, else the author."""
        return self.author_id if self.owner_id is None else self.owner_id
