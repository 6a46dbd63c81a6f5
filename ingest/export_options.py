"""The options every export connector shares: the export's path (a ``.zip``, or the folder it
unpacks to) and the limits a zip must keep to be read at all (:mod:`ingest.zipsafety`)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from pydantic import ByteSize, Field, field_validator

from ingest.connector import ConfigPath, ConnectorOptions
from ingest.zipsafety import ZipLimits


class ExportOptions(ConnectorOptions):
    """Base of an export connector's options; a connector restates ``path``'s description."""

    path: ConfigPath = Field(description="The export: a .zip, or the folder it unpacks to.")
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

    def zip_limits(self) -> ZipLimits:
        """The limits these options set, as the zip reader takes them."""
        return ZipLimits(
            max_entries=self.max_entries,
            max_total_size=int(self.max_total_size),
            max_entry_size=int(self.max_entry_size),
            max_compression_ratio=self.max_compression_ratio,
        )
