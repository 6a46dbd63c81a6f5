"""Which files of a Hugo site are content, in which language, and what kind of page each is.

A file under a content root (``content/``, a language's ``contentDir``, a mount) is content
when Hugo renders its format; ``_index.md`` is a section (the home page at the root),
``index.md`` a leaf bundle whose other files are its resources, anything else a regular page.
``name.fr.md`` is French when ``fr`` is one of the site's languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from wcmatch import glob

from ingest.sites.hugo.config import ContentRoot, HugoConfig

#: The formats Hugo renders without an external tool (AsciiDoc, Org, Pandoc, reST need one).
CONTENT_SUFFIXES = (".md", ".markdown", ".mdown", ".html", ".htm")

Kind = Literal["home", "section", "page"]


@dataclass(frozen=True, slots=True)
class ContentFile:
    """One content file of the site, placed in the site's content tree."""

    path: str
    #: Its path in the content tree, language suffix removed (``functions/lang/translate.md``).
    logical: str
    language: str
    kind: Kind
    #: ``index.md``: the page of a leaf bundle (its folder is the page).
    leaf_bundle: bool
    #: Whether its place names its language (a language's content folder, ``name.fr.md``).
    language_named: bool = False

    @property
    def key(self) -> str:
        """The page's path in the content tree without extension nor ``index``/``_index``:
        ``functions/lang/translate``; ``""`` for the home page."""
        stem = self.logical.rsplit(".", 1)[0]
        if self.kind != "page" or self.leaf_bundle:
            return stem.rpartition("/")[0]
        return stem

    @property
    def directory(self) -> str:
        """The folder of the content tree the file sits in (``functions/lang``)."""
        return self.logical.rpartition("/")[0]

    @property
    def section(self) -> str:
        """The top-level section (``functions``); ``""`` for pages at the root."""
        key = self.key
        if self.kind == "page" and "/" not in key:
            return ""
        return key.split("/")[0]

    @property
    def base_name(self) -> str:
        """Hugo's content base name: the file's name without extension, or the bundle's folder."""
        return self.key.rpartition("/")[2]


def place(path: str, config: HugoConfig) -> tuple[ContentRoot, str] | None:
    """The content root ``path`` is under (the deepest) and its path inside it, or None."""
    best: tuple[ContentRoot, str] | None = None
    for root in config.roots:
        prefix = f"{root.source}/" if root.source else ""
        if path.startswith(prefix) and (best is None or len(root.source) > len(best[0].source)):
            best = (root, path[len(prefix) :])
    return best


def content_file(path: str, config: HugoConfig) -> ContentFile | None:
    """``path`` as a content file of the site, or None when it is not content."""
    if not path.lower().endswith(CONTENT_SUFFIXES):
        return None
    placed = place(path, config)
    if placed is None:
        return None
    root, inner = placed
    posix = PurePosixPath(inner)
    if any(part.startswith(".") for part in posix.parts):
        return None
    stem, suffix = posix.stem, posix.suffix
    language = root.language
    name, _, tag = stem.rpartition(".")
    if name and config.language(tag.lower()) is not None:
        stem = name
        language = language or tag.lower()
    folder = str(posix.parent).strip(".")
    top, _, rest = folder.partition("/")
    named = config.language(top.lower()) if language is None and not root.target else None
    if named is not None and named.key != config.default_language and named.content_dir is None:
        # content/fr/ of a site with a French language: Hugo publishes it at /fr/ as a section of
        # the default language; its reader reads French, so it is the French page (same URL).
        language, folder = named.key, rest
    logical = "/".join(part for part in (root.target, folder, stem + suffix) if part)
    kind: Kind = "page"
    if stem == "_index":
        kind = "home" if "/" not in logical else "section"
    return ContentFile(
        path=path,
        logical=logical,
        language=language or config.default_language,
        kind=kind,
        leaf_bundle=stem == "index",
        language_named=language is not None,
    )


def content_files(paths: Iterable[str], config: HugoConfig) -> dict[str, ContentFile]:
    """Every content file among ``paths``, by source path."""
    found = {}
    for path in paths:
        if (item := content_file(path, config)) is not None:
            found[path] = item
    return found


def bundle_resources(files: Mapping[str, ContentFile]) -> set[str]:
    """The content files inside a leaf bundle's folder that are not its page: its resources."""
    leaf_folders = {item.directory for item in files.values() if item.leaf_bundle and item.directory}

    def inside(directory: str, *, strictly: bool) -> bool:
        parts = directory.split("/") if directory else []
        candidates = ("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
        return any(
            candidate in leaf_folders and not (strictly and candidate == directory)
            for candidate in candidates
        )

    return {path for path, item in files.items() if inside(item.directory, strictly=item.leaf_bundle)}


@dataclass(frozen=True, slots=True)
class Cascade:
    """Front matter a section (or the config) passes down to its pages, where its target matches."""

    #: The content-tree folder it applies under (``""``: everywhere).
    scope: str
    values: Mapping[str, Any]
    path: str | None = None
    kinds: frozenset[str] | None = None
    languages: frozenset[str] | None = None

    def applies(self, item: ContentFile) -> bool:
        if self.scope and item.key != self.scope and not item.key.startswith(self.scope + "/"):
            return False
        if self.kinds is not None and item.kind not in self.kinds:
            return False
        if self.languages is not None and item.language not in self.languages:
            return False
        return self.path is None or path_matches(item.key, self.path)


def path_matches(key: str, pattern: str) -> bool:
    """Whether the page at ``key`` matches a Hugo path glob (``{/news/**}``): Hugo's globs read a
    brace group of one pattern as that pattern, which wcmatch would take literally."""
    if pattern.startswith("{") and pattern.endswith("}") and "," not in pattern:
        pattern = pattern[1:-1]
    return glob.globmatch("/" + key, pattern, flags=glob.BRACE | glob.GLOBSTAR)


def cascades(scope: str, value: object) -> list[Cascade]:
    """The cascade entries a ``cascade`` value (a table or a list of tables) declares."""
    entries = value if isinstance(value, list) else [value]
    found = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        lowered = {str(key).lower(): item for key, item in entry.items()}
        target = lowered.pop("_target", None) or lowered.pop("target", None)
        target = {str(key).lower(): item for key, item in target.items()} if isinstance(target, dict) else {}
        kinds = _names(target.get("kind"))
        languages = _names(target.get("lang")) or _names(
            ((target.get("sites") or {}).get("matrix") or {}).get("languages")
            if isinstance(target.get("sites"), dict)
            else None
        )
        path = target.get("path")
        found.append(Cascade(scope, lowered, str(path) if path else None, kinds, languages))
    return found


def _names(value: object) -> frozenset[str] | None:
    if isinstance(value, str) and value:
        return frozenset(part.strip().lower() for part in value.strip("{}").split(","))
    if isinstance(value, list) and value:
        return frozenset(str(part).lower() for part in value)
    return None


def unrendered(front: Mapping[str, Any]) -> str | None:
    """Why front matter keeps a page from being published (headless, ``build.render``), or None."""
    lowered = {str(key).lower(): value for key, value in front.items()}
    if lowered.get("headless") is True:
        return "headless bundle"
    build = lowered.get("build", lowered.get("_build"))
    if isinstance(build, dict):
        render = {str(key).lower(): value for key, value in build.items()}.get("render")
        if render in (False, "never", "link", "false"):
            return f"build render: {str(render).lower()}"
    return None
