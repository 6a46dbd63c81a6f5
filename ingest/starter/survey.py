"""What kind of docs a folder holds, told by its paths as ``site = "auto"`` tells them."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingest.sites import recognition

#: Folders never part of a docs site's sources: listing them would only slow the survey down.
_SKIPPED = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", "public", "build", "site"})
#: Where a repository commonly keeps its docs site when it is not at the root.
_SUBFOLDERS = ("docs", "website", "documentation", "doc", "site-src")
#: Enough paths to recognise any site; a bigger folder is surveyed by its first ones.
_MAX_PATHS = 200_000

_KINDS: tuple[tuple[str, Callable[[Collection[str]], bool]], ...] = (
    ("hugo", recognition.is_hugo_site),
    ("docusaurus", recognition.is_docusaurus_site),
    ("mkdocs", recognition.is_mkdocs_site),
    ("obsidian", recognition.is_obsidian_vault),
)


@dataclass(frozen=True)
class Survey:
    """The docs found: the site's kind (``plain`` for Markdown alone) and its folder, relative."""

    kind: str
    folder: PurePosixPath  # relative to the folder surveyed; "." for the folder itself


def list_paths(root: Path) -> list[str]:
    """The files below ``root`` as POSIX paths relative to it, build output and tooling left out."""
    found: list[str] = []
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if name not in _SKIPPED)
        relative = PurePosixPath(Path(directory).relative_to(root).as_posix())
        found.extend(str(relative / name) if str(relative) != "." else name for name in sorted(files))
        if len(found) >= _MAX_PATHS:
            break
    return found


def site_kind(paths: Collection[str]) -> str:
    """The first dialect that recognises ``paths``, in ``site = "auto"``'s order, else ``plain``."""
    listing = recognition.Listing(paths)
    return next((kind for kind, recognises in _KINDS if recognises(listing)), "plain")


def survey(root: Path) -> Survey:
    """The site at ``root``, else in one of its usual docs subfolders, else plain Markdown at ``root``."""
    paths = list_paths(root)
    kind = site_kind(paths)
    if kind != "plain":
        return Survey(kind, PurePosixPath("."))
    for name in _SUBFOLDERS:
        prefix = f"{name}/"
        below = [path[len(prefix) :] for path in paths if path.startswith(prefix)]
        kind = site_kind(below) if below else "plain"
        if kind != "plain":
            return Survey(kind, PurePosixPath(name))
    return Survey("plain", PurePosixPath("."))
