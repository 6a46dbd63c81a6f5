"""The options of a ``filesystem`` source, validated before anything runs."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from ingest.connector import ConfigPath
from ingest.sites.options import SiteOptions


class FilesystemOptions(SiteOptions):
    """Options of a ``filesystem`` source."""

    path: ConfigPath = Field(
        description="The folder to sync; relative paths start at the config file's folder."
    )
    follow_symlinks: bool = Field(
        default=True,
        description="Follow symlinks whose target is inside the folder; when false every symlink is ignored.",
    )

    @field_validator("path")
    @classmethod
    def _must_be_a_folder(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError(f"path {value} does not exist")
        if not value.is_dir():
            raise ValueError(f"path {value} is not a folder")
        return value
