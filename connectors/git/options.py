"""Options of a ``git`` source, validated before anything runs."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from connectors.git.location import RepoLocation, parse_location
from ingest.connector import ConfigPath
from ingest.sites.options import SiteOptions

# A revision may use ^ and ~ (v1.2^0, main~3); only what can never name one is refused here.
_BAD_REV = re.compile(r"[\x00-\x20\x7f]|^-|^$")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/fin-ingest/git``, else ``~/.cache/fin-ingest/git``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fin-ingest" / "git"


class GitOptions(SiteOptions):
    """Options of a ``git`` source."""

    # A rejected value may be a URL with a password in it: never echo it in an error.
    model_config = ConfigDict(hide_input_in_errors=True)

    repo: str = Field(
        repr=False,  # a URL may hold credentials; the parsed location prints safely
        description=(
            "The repository: a local folder (relative paths start at the config file's folder) or a "
            "remote URL (https://, ssh://, git@host:owner/repo.git, file://)."
        ),
    )
    ref: str | None = Field(
        None,
        description=(
            "Branch, tag or commit to sync; default: the remote's default branch (a local "
            "repository's checked-out branch)."
        ),
    )
    paths: tuple[str, ...] = Field(
        (),
        description='Folders (or files) inside the repository to take, e.g. ["docs"]; default: all of it.',
    )
    cache_dir: ConfigPath | None = Field(
        None,
        description=(
            "Where remote repositories are cloned (one bare, blob-less clone per URL); default "
            "$XDG_CACHE_HOME/fin-ingest/git, else ~/.cache/fin-ingest/git."
        ),
    )
    timeout: float = Field(
        600.0, gt=0, description="Seconds one git command (a clone or fetch included) may take."
    )

    @field_validator("repo")
    @classmethod
    def _usable_repo(cls, value: str, info: ValidationInfo) -> str:
        base = (info.context or {}).get("base_dir")
        location = parse_location(value, Path(base) if base is not None else None)
        return str(location.local_path) if location.local_path is not None else value.strip()

    @field_validator("ref")
    @classmethod
    def _usable_ref(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if _BAD_REV.search(value):
            raise ValueError(f"ref {value!r} is not a branch, tag or commit name")
        return value

    @field_validator("paths")
    @classmethod
    def _relative_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned: list[str] = []
        for raw in value:
            path = posixpath.normpath(raw.strip().replace("\\", "/")).strip("/")
            if raw.strip().startswith("/") or path == ".." or path.startswith("../") or "\0" in path:
                raise ValueError(f"paths entry {raw!r} must be a folder inside the repository, like docs")
            if path in ("", "."):
                return ()  # the whole repository
            cleaned.append(path)
        return tuple(dict.fromkeys(cleaned))

    def location(self) -> RepoLocation:
        """The parsed ``repo`` (a folder already made absolute by validation)."""
        return parse_location(self.repo, None)

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()
