"""How ``site = "auto"`` tells each dialect's sources by their file paths alone, importing no dialect.

A dialect's package loads its whole reader (config parsers, MDX, tree-sitter, its renderers);
recognising a source needs none of it. The registry asks these functions first and imports the
one dialect that recognises the source, so a plain Markdown source loads no dialect at all. Each
dialect's ``recognises`` is the same function.

Each one looks for what marks its sources (a config's name, a folder) in the paths joined into one
text before it looks at any path: a source that is not a site (plain Markdown, asked of every
dialect on every scan) then costs a few substring searches in C rather than a loop per dialect
over every path (0.05-0.07 s of CPU at 50,000 paths). A marker found in the text is only a
candidate: the path-by-path test decides, as before.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from functools import cached_property
from pathlib import PurePosixPath

_HUGO_FORMATS = (".toml", ".yaml", ".yml", ".json")
_HUGO_ROOT_NAMES = tuple(f"{stem}{suffix}" for stem in ("hugo", "config") for suffix in _HUGO_FORMATS)
_HUGO_CONFIG_DIRS = ("config/_default/", "config/production/")
#: Docusaurus' config at the root of a site, in the order Docusaurus looks for it.
DOCUSAURUS_CONFIG_NAMES = tuple(
    f"docusaurus.config.{suffix}" for suffix in ("ts", "mts", "cts", "js", "mjs", "cjs")
)
MKDOCS_CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
#: What makes a folder an Obsidian vault: Obsidian Publish's site stylesheet at its root, or
#: Obsidian's own config folder (which git repositories often ignore).
OBSIDIAN_PUBLISH_CSS = "publish.css"
OBSIDIAN_CONFIG_FOLDER = ".obsidian/"


#: A page file of a Confluence export: ``Title_123456.md`` (the page id, four digits or more).
CONFLUENCE_PAGE_FILE = re.compile(r"(?:^|_)(\d{4,})(?:\.html?)?\.(?:md|html?)$", re.IGNORECASE)
CONFLUENCE_MARKDOWN = (".md", ".markdown")
#: The space overview the export writes as index.html, as converters name it.
CONFLUENCE_INDEXES = ("index.md", "index.html.md")
CONFLUENCE_MIN_PAGES = 3


class Listing(Collection[str]):
    """A source's paths, with the text :func:`marked` searches built once for every dialect."""

    def __init__(self, paths: Collection[str]) -> None:
        self._paths = paths

    def __contains__(self, path: object) -> bool:
        return path in self._set

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    @cached_property
    def text(self) -> str:
        return "\n".join(self._paths)

    @cached_property
    def _set(self) -> frozenset[str]:
        return frozenset(self._paths)


def marked(paths: Collection[str], *markers: str) -> bool:
    """Whether some path holds one of ``markers`` (a necessary condition, not the test)."""
    text = paths.text if isinstance(paths, Listing) else "\n".join(paths)
    return any(marker in text for marker in markers)


def hugo_config_paths(paths: Collection[str]) -> list[str]:
    """The configuration files of the Hugo site in ``paths``, in the order they are merged."""
    present = set(paths)
    root = next((name for name in _HUGO_ROOT_NAMES if name in present), None)
    found: list[str] = []
    for directory in _HUGO_CONFIG_DIRS:
        in_directory = sorted(
            path
            for path in present
            if path.startswith(directory)
            and "/" not in path[len(directory) :]
            and path.endswith(_HUGO_FORMATS)
        )
        # hugo.* / config.* of a directory first: the files named after keys refine it.
        found.extend(
            sorted(in_directory, key=lambda path: PurePosixPath(path).stem not in ("hugo", "config"))
        )
    return [*found, root] if root else found


def is_hugo_site(paths: Collection[str]) -> bool:
    """A Hugo configuration at the root and a ``content/`` folder; a bare ``config.toml``
    counts only without the ``templates/`` folder of a Zola site."""
    if not marked(paths, "content/"):
        return False
    listed = set(paths)
    has_content = any(path.startswith("content/") for path in listed)
    if not has_content or not hugo_config_paths(listed):
        return False
    if any(name in listed for name in ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")):
        return True
    if any(path.startswith("config/_default/") for path in listed):
        return True
    hugo_folders = ("layouts/", "archetypes/", "themes/", "assets/", "static/")
    zola = any(path.startswith("templates/") for path in listed)
    return not zola or any(path.startswith(hugo_folders) for path in listed)


def docusaurus_config(paths: Collection[str]) -> str | None:
    """The Docusaurus config file at the root of a source holding ``paths``, or None."""
    return next((name for name in DOCUSAURUS_CONFIG_NAMES if name in paths), None)


def is_docusaurus_site(paths: Collection[str]) -> bool:
    return marked(paths, "docusaurus.config.") and docusaurus_config(paths) is not None


def mkdocs_config(paths: Collection[str]) -> str | None:
    """The config of the MkDocs site held in ``paths``: ``mkdocs.yml`` at the root; else the only
    config at the shallowest depth (three folders at most); else, among configs in sibling
    language folders (``docs/en/mkdocs.yml``, ``docs/hi/mkdocs.yml``), the English one."""
    for name in MKDOCS_CONFIG_NAMES:
        if name in paths:
            return name
    found: dict[int, list[str]] = {}
    for path in paths:
        parts = path.split("/")
        if parts[-1] in MKDOCS_CONFIG_NAMES and len(parts) <= 4:
            found.setdefault(len(parts), []).append(path)
    if not found:
        return None
    shallowest = sorted(found[min(found)])
    if len(shallowest) == 1:
        return shallowest[0]
    english = [path for path in shallowest if path.split("/")[-2].lower() == "en"]
    return english[0] if len(english) == 1 else None


def is_mkdocs_site(paths: Collection[str]) -> bool:
    return marked(paths, "mkdocs.y") and mkdocs_config(frozenset(paths)) is not None


def is_obsidian_marker(path: str, marker: str) -> bool:
    """Whether ``path`` is the vault marker ``marker`` (a file, or anything in a marker folder)."""
    return path.startswith(marker) if marker.endswith("/") else path == marker


def is_obsidian_vault(paths: Collection[str]) -> bool:
    """Whether the source's root or one of its top-level folders is marked as a vault."""
    if not marked(paths, OBSIDIAN_PUBLISH_CSS, OBSIDIAN_CONFIG_FOLDER):
        return False
    # One pass of string methods, not a generator per marker: it looks at every path of the
    # source on every scan (0.1 s of CPU at 50,000 paths the other way).
    for path in paths:
        below = path.partition("/")[2]
        if (
            path == OBSIDIAN_PUBLISH_CSS
            or below == OBSIDIAN_PUBLISH_CSS
            or path.startswith(OBSIDIAN_CONFIG_FOLDER)
            or below.startswith(OBSIDIAN_CONFIG_FOLDER)
        ):
            return True
    return False


def is_confluence_export(paths: Collection[str]) -> bool:
    """Whether some folder holds an ``index.md`` and at least three export page files, half or
    more of its Markdown files."""
    if not marked(paths, *CONFLUENCE_INDEXES):
        return False
    pages: dict[str, int] = {}
    markdown: dict[str, int] = {}
    indexed: set[str] = set()
    # One pass, splitting each path once.
    for path in paths:
        folder, _, name = path.rpartition("/")
        if name in CONFLUENCE_INDEXES:
            indexed.add(folder)
        if name.lower().endswith(CONFLUENCE_MARKDOWN):
            markdown[folder] = markdown.get(folder, 0) + 1
            if CONFLUENCE_PAGE_FILE.search(name) is not None:
                pages[folder] = pages.get(folder, 0) + 1
    return any(
        folder in indexed and count >= CONFLUENCE_MIN_PAGES and 2 * count >= markdown[folder]
        for folder, count in pages.items()
    )
