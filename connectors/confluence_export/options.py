"""The options of a ``confluence_export`` source, validated before anything runs."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from pydantic import ByteSize, Field, field_validator

from ingest.connector import ConfigPath, ConnectorOptions
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


class ConfluenceExportOptions(ConnectorOptions):
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
    max_entries: int = Field(
        default=200_000, ge=1, description="A zip with more entries than this is refused (zip bomb)."
    )
    max_total_size: ByteSize = Field(
        default=ByteSize(8 * 1024**3),
        description="A zip whose entries add up to more than this, uncompressed, is refused (zip bomb).",
    )
    max_entry_size: ByteSize = Field(
        default=ByteSize(256 * 1024**2),
        description="A zip entry larger than this, uncompressed, is refused; a page file larger than "
        "this in a folder is a failure.",
    )
    max_compression_ratio: float = Field(
        default=200.0,
        gt=1.0,
        description="A zip entry of 1 MiB or more that expands more than this many times is refused.",
    )

    @field_validator("path")
    @classmethod
    def _folder_or_zip(cls, value: Path) -> Path:
        # A missing export is the source's failure when it is read (see the filesystem source).
        # os.path, not Path: a path stat() answers with an error (an unmounted disk) is no mistake
        # of the configuration either, and must not raise out of it.
        if os.path.exists(value) and not os.path.isdir(value) and not zipfile.is_zipfile(value):
            raise ValueError(f"path {value} is neither a folder nor a zip file")
        return value

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
