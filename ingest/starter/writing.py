"""Survey a folder, write its ``ingest.toml``, and prove it loads as a run would load it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.config import DEFAULT_CONFIG_FILE, load_settings
from ingest.errors import ConfigError
from ingest.starter.config_text import Starter, config_text
from ingest.starter.remote import repository
from ingest.starter.survey import survey


@dataclass(frozen=True)
class Written:
    """The file written and what to tell the user about it."""

    path: Path
    lines: list[str]


def _source_name(name: str) -> str:
    if not name or not all(char.isalnum() or char in "-_" for char in name):
        raise ConfigError(f"--source-name: {name!r} must be letters, digits, - or _ (e.g. docs)")
    return name


def write_starter(
    folder: Path, *, source_name: str, connector: str, url: str | None, region: str, force: bool
) -> Written:
    """Write ``folder/ingest.toml``; a ConfigError (exit 2) when it exists and ``force`` is not given,
    or when what would be written does not load (then nothing is left behind)."""
    target = folder / DEFAULT_CONFIG_FILE
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists: pass --force to overwrite it, or edit it")
    found = survey(folder)
    site_root = folder / found.folder
    repo = repository(folder)
    template = repo.url_template(site_root) if repo is not None else None
    if connector == "git":
        if repo is None:
            raise ConfigError(f"--connector git: {folder} is not in a git repository (no .git folder)")
        inside = site_root.resolve().relative_to(repo.top.resolve()).as_posix()
        starter = Starter(
            source_name=_source_name(source_name),
            connector="git",
            site=found.kind,
            location=repo.clone_url or os.path.relpath(repo.top, folder),
            url=url,
            url_template=None,  # the git connector links each file's blob view on GitHub and GitLab itself
            git_ref=repo.branch,
            git_paths=() if inside == "." else (inside,),
            region=region,
        )
    else:
        starter = Starter(
            source_name=_source_name(source_name),
            connector="filesystem",
            site=found.kind,
            location=str(found.folder),
            url=url,
            url_template=template,
            region=region,
        )
    text = config_text(starter)
    staged = target.with_name(f".{target.name}.init")
    try:
        staged.write_text(text, encoding="utf-8")
        load_settings(staged)  # what is written must pass `ingest config check`
        os.replace(staged, target)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise ConfigError(f"{target} cannot be written: {exc.strerror or type(exc).__name__}") from exc
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    lines = [
        f"wrote {target}: source {starter.source_name!r}, {found.kind} at {found.folder}, "
        f"connector {starter.connector}"
    ]
    if starter.connector == "git":
        lines.append("url_template left out: the git connector links each document's blob view itself")
    elif template is not None:
        lines.append(f"url_template from the origin remote: {template}")
    elif repo is not None:
        lines.append("url_template left commented out: origin is not on GitHub or GitLab (set it by hand)")
    if url is None:
        lines.append(
            "url is a placeholder (https://docs.example.com): set it to where the docs are published"
        )
    return Written(target, lines)
