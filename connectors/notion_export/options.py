"""The options of a ``notion_export`` source, validated before anything runs."""

from __future__ import annotations

from dataclasses import replace

from pydantic import ByteSize, Field, field_validator

from ingest.connector import ConfigPath
from ingest.export_options import ExportOptions
from ingest.urltemplate import UrlTemplate
from ingest.zipsafety import ZipLimits

#: Placeholders each URL template may use.
PAGE_URL_FIELDS = frozenset({"page_id", "page_id_without_dashes", "title_slug"})
ATTACHMENT_URL_FIELDS = frozenset({"path", "filename", "page_id", "page_id_without_dashes"})

DEFAULT_PAGE_URL = "https://www.notion.so/{page_id_without_dashes}"


def _check_template(template: str, allowed: frozenset[str]) -> str:
    parsed = UrlTemplate.parse(template, example="page_id_without_dashes")
    parsed.check(allowed)
    if not template.lower().startswith(("http://", "https://")):
        raise ValueError(f"{template!r} must start with http:// or https://")
    return template


class NotionExportOptions(ExportOptions):
    """Options of a ``notion_export`` source: one Notion export (HTML, or Markdown & CSV)."""

    path: ConfigPath = Field(
        description="The export: the .zip Notion delivers (zips inside it are read in place) or the "
        "folder it unpacks to."
    )
    page_url_template: str = Field(
        default=DEFAULT_PAGE_URL,
        description="A page's public URL; placeholders {page_id} (a UUID with dashes), "
        "{page_id_without_dashes}, {title_slug}.",
    )
    attachment_url_template: str | None = Field(
        default=None,
        description="Where the export's images and files are served, e.g. "
        "https://files.example.com/notion/{path}; placeholders {path} (within the export), {filename}, "
        "{page_id}, {page_id_without_dashes} (of the page showing it). Unset: they are dropped, each "
        "reported.",
    )
    rows_without_body_as_pages: bool = Field(
        default=False,
        description="Send a database row with nothing but its properties as a page of its own; by "
        "default it is only a row of its database's table.",
    )
    max_total_size: ByteSize = Field(
        default=ByteSize(32 * 1024**3),
        description="Zips (with the zips inside them) whose entries add up to more than this, "
        "uncompressed, are refused (zip bomb); a part zip counts once spooled and again for its "
        "files.",
    )
    max_nested_zip_size: ByteSize = Field(
        default=ByteSize(8 * 1024**3),
        description="A zip inside the export's zip (a part, Export-<uuid>-Part-N.zip) larger than "
        "this, uncompressed, is refused; it is spooled to the system temporary folder, not held in "
        "memory, while the export is read.",
    )

    @field_validator("page_url_template")
    @classmethod
    def _page_template(cls, value: str) -> str:
        return _check_template(value, PAGE_URL_FIELDS)

    @field_validator("attachment_url_template")
    @classmethod
    def _attachment_template(cls, value: str | None) -> str | None:
        return None if value is None else _check_template(value, ATTACHMENT_URL_FIELDS)

    def zip_limits(self) -> ZipLimits:
        """The shared limits, and how large a part zip inside the export may be."""
        return replace(super().zip_limits(), max_nested_zip_size=int(self.max_nested_zip_size))
