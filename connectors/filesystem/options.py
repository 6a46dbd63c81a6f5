"""The options of a ``filesystem`` source, validated before anything runs."""

from __future__ import annotations

import os
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
        # A folder missing now (unmounted, not yet checked out) is the source's failure when it is
        # read, not a config mistake: the other sources still sync and the daemon waits for it.
        # os.path, not Path: a path stat() answers with an error (an unmounted FUSE disk's ENOTCONN,
        # a stale NFS handle) must not raise out of the configuration either.
        if os.path.exists(value) and not os.path.isdir(value):
            raise ValueError(f"path {value} is not a folder")
        return value
