"""``[sources.<name>.articles]``: the articles target's own table."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

NAME: Final = "articles"


class ArticlesSettings(BaseModel):
    """``[sources.<name>.articles]``: how the source's documents become Help Center articles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    author_id: int = Field(description="Admin id the articles are written by (checked against GET /admins).")
    collection: str = Field(
        min_length=1, description="Root collection; folders (or Confluence ancestors) nest below it."
    )
    state: Literal["draft", "published"] = Field(
        "draft", description="State of created and updated articles."
    )
    help_center_id: int | None = Field(
        None, description="Help Center for the collections (default: the first)."
    )
    on_delete: Literal["delete", "draft", "keep"] = Field(
        "draft", description="What happens to the article of a document gone from the source."
    )
    default_locale: str = Field("en", description="Locale of documents that do not name one.")
