"""The options every Markdown source has for its docs site: which dialect, its URL, versions, locale.

One mixin, so that the ``filesystem`` and ``git`` connectors (and any connector reading a docs
site's sources) take the same keys with the same checks and meaning.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.connector import ConnectorOptions
from ingest.hrefs import lower_case_scheme
from ingest.sites.contract import ShownField, SiteSettings
from ingest.sites.registry import unavailable

#: What ``site`` may say: a dialect's name, or ``auto``.
SiteName = Literal["auto", "plain", "hugo", "docusaurus", "mkdocs", "obsidian", "confluence"]

_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


class ShownFrontMatter(BaseModel):
    """One entry of ``shown_front_matter``: a table, or the field's name alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    label: str | None = None
    style: Literal["markdown", "code"] = "markdown"
    plural_label: str | None = None
    in_lists: Literal["first", "all"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_alone(cls, value: Any) -> Any:
        return {"field": value} if isinstance(value, str) else value

    @field_validator("field")
    @classmethod
    def _dotted_path(cls, value: str) -> str:
        value = value.strip()
        if not value or any(not part.strip() for part in value.split(".")):
            raise ValueError(
                "must name a front matter key, or a dotted path to a nested one such as "
                f"params.signatures, got {value!r}"
            )
        return value

    @field_validator("label", "plural_label")
    @classmethod
    def _some_label(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be some text (leave it out for no label)")
        return value

    @model_validator(mode="after")
    def _plural_of_a_label(self) -> ShownFrontMatter:
        if self.plural_label is not None and self.label is None:
            raise ValueError("plural_label needs a label: the one a single item is shown under")
        return self


class SiteOptions(ConnectorOptions):
    """Options of a source holding a docs site's Markdown (a mixin of connector options)."""

    site: SiteName = Field(
        "auto",
        description=(
            "How the Markdown is read: hugo, docusaurus, mkdocs, obsidian or confluence (a docs site's "
            "sources: site syntax, includes, page URLs), plain (CommonMark as written), or auto (the first "
            "dialect that recognises the source, else plain)."
        ),
    )
    site_url: str | None = Field(
        None,
        description=(
            "The published site's root (an http(s) URL): pages get their URL on it and links between "
            "pages point there; without it, url_template makes the links."
        ),
    )
    versions: tuple[str, ...] = Field(
        ("current",),
        description='Versioned docs to take: "current", or version names such as "10.x".',
    )
    locale: str | None = Field(
        None,
        description="The locale of pages whose path and front matter name none, e.g. fr or zh-CN.",
    )
    empty_sections: Literal["list", "skip"] = Field(
        "list",
        description="A section page with no text of its own: list its child pages, or skip it.",
    )
    shown_front_matter: tuple[ShownFrontMatter, ...] = Field(
        (),
        description=(
            "Front matter fields the site's theme shows on a page, in the order shown above its body: "
            'each {field = "params.signatures", label = "Syntax", style = "markdown" or "code", '
            'plural_label = "Syntaxes" (for a list of several), in_lists = "first" or "all" (what a '
            "section's list of its pages shows of it under each page)}, or a field's name alone; a list "
            "shows one item per line."
        ),
    )

    @field_validator("site")
    @classmethod
    def _installed(cls, value: str) -> str:
        if value != "auto" and (reason := unavailable(value)) is not None:
            raise ValueError(reason)
        return value

    @field_validator("shown_front_matter", mode="before")
    @classmethod
    def _list_of_fields(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"must be a list of fields, such as [{json.dumps(value)}]")
        for item in value if isinstance(value, list | tuple) else ():
            if not isinstance(item, str | dict):
                raise ValueError(
                    "each entry is a front matter field's name or a table such as "
                    f'{{ field = "description", label = "Summary" }}, not {item!r}'
                )
        return value

    @field_validator("site_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = lower_case_scheme(value)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(
                f"site_url must be an http(s) URL such as https://docs.example.com/, got {value!r}"
            )
        return value if value.endswith("/") else value + "/"

    @field_validator("versions")
    @classmethod
    def _some_versions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(name.strip() for name in value))
        if not cleaned or any(not name for name in cleaned):
            raise ValueError('versions must name at least one version, e.g. ["current"]')
        return cleaned

    @field_validator("locale")
    @classmethod
    def _locale_shape(cls, value: str | None) -> str | None:
        if value is not None and not _LOCALE.match(value.strip()):
            raise ValueError(f"locale must be a language code such as en, fr or zh-CN, got {value!r}")
        return value.strip() if value is not None else None

    def site_settings(self) -> SiteSettings:
        """What a dialect is told about the site."""
        return SiteSettings(
            site_url=self.site_url,
            versions=self.versions,
            locale=self.locale,
            empty_sections=self.empty_sections,
            shown_front_matter=tuple(
                ShownField(shown.field, shown.label, shown.style, shown.plural_label, shown.in_lists)
                for shown in self.shown_front_matter
            ),
        )
