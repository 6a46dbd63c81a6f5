"""The options of a ``confluence_export`` source, validated before anything runs."""

from __future__ import annotations

from pydantic import Field, field_validator

from ingest.connector import ConfigPath
from ingest.export_options import ExportOptions
from ingest.hrefs import lower_case_scheme
from ingest.urltemplate import UrlTemplate

#: Placeholders each URL template may use.
PAGE_URL_FIELDS = frozenset({"base_url", "page_id", "space_key"})
ATTACHMENT_URL_FIELDS = frozenset({"base_url", "page_id", "space_key", "filename"})

DEFAULT_PAGE_URL = "{base_url}/pages/viewpage.action?pageId={page_id}"
DEFAULT_ATTACHMENT_URL = "{base_url}/download/attachments/{page_id}/{filename}"


def template_fields(template: str) -> set[str]:
    """The placeholders of a URL template; ValueError unless they are plain names."""
    return set(UrlTemplate.parse(template, example="page_id").placeholders)


def _check_template(template: str, allowed: frozenset[str]) -> str:
    UrlTemplate.parse(template, example="page_id").check(allowed)
    return template


class ConfluenceExportOptions(ExportOptions):
    """Options of a ``confluence_export`` source: one HTML space export, zipped or unpacked."""

    path: ConfigPath = Field(
        description="The export: a .zip as Confluence delivers it, or the folder it unpacks to."
    )
    base_url: str = Field(
        description="The wiki's address, for links back to it, e.g. https://wiki.example.com "
        "(Cloud: https://example.atlassian.net/wiki)."
    )
    space_key: str | None = Field(
        default=None, description="The space's key; read from the export's index.html when absent."
    )
    page_url_template: str = Field(
        default=DEFAULT_PAGE_URL,
        description="A page's public URL; placeholders {base_url}, {page_id}, {space_key}.",
    )
    attachment_url_template: str = Field(
        default=DEFAULT_ATTACHMENT_URL,
        description="An attachment's URL; placeholders {base_url}, {page_id}, {space_key}, {filename}.",
    )
    include_titles: tuple[str, ...] = Field(
        default=(),
        description="Title globs (case-insensitive); when set, only pages whose own title or an "
        "ancestor's title matches one are taken. Empty: every page.",
    )
    exclude_titles: tuple[str, ...] = Field(
        default=(),
        description="Title globs (case-insensitive); a page whose own title or an ancestor's title "
        "matches one is left out, with its whole subtree.",
    )
    skip_empty: bool = Field(
        default=True,
        description="Leave out pages with nothing to read once macros are mapped (nothing, or only a "
        "table of contents); a page listing its child pages is kept, as that list.",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = lower_case_scheme(value)
        if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ValueError("must be an http(s) URL, e.g. https://wiki.example.com")
        return value.rstrip("/")

    @field_validator("space_key")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank (leave it out to read it from the export)")
        return value.strip() if value is not None else None

    @field_validator("page_url_template")
    @classmethod
    def _page_template(cls, value: str) -> str:
        return _check_template(value, PAGE_URL_FIELDS)

    @field_validator("attachment_url_template")
    @classmethod
    def _attachment_template(cls, value: str) -> str:
        return _check_template(value, ATTACHMENT_URL_FIELDS)
