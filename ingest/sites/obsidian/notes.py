"""The files of a vault as links find them, and notes as other notes see them.

Obsidian resolves a link's path (``[[Note]]``, ``[[folder/Note]]``, ``[text](Note.md)``) case
insensitively: as a path from the vault's root, then from the linking note's folder, then as
the end of any file's path (the "shortest path" rule: ``[[Note]]`` finds ``a/b/Note.md``).
Among several notes of the same name the one nearest the linking note wins.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.document import SkippedDocument, SourceDocument
from ingest.sites.obsidian.lines import headings, strip_comments
from ingest.textdoc import read_text_document


class VaultFiles:
    """Every file of one vault (vault-relative paths), found by link paths."""

    def __init__(self, relatives: Iterable[str], aliases: Mapping[str, str] | None = None) -> None:
        self._exact: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        for relative in sorted(relatives):
            lowered = relative.casefold()
            self._exact.setdefault(lowered, relative)
            self._by_name.setdefault(posixpath.basename(lowered), []).append(relative)
        self._aliases = aliases

    def with_aliases(self, notes: Iterable[Note]) -> VaultFiles:
        """These files, where a link that names no file may also name a note's alias."""
        aliases: dict[str, str] = {}
        for note in sorted(notes, key=lambda note: note.relative):
            for alias in note.aliases:
                aliases.setdefault(alias.strip().casefold(), note.relative)
        return VaultFiles(self._exact.values(), aliases)

    def paths(self) -> list[str]:
        """Every file, sorted."""
        return sorted(self._exact.values())

    def find(self, link: str, from_relative: str) -> str | None:
        """The file ``link`` (a link's path, decoded) names from the note at ``from_relative``."""
        link = link.strip().replace("\\", "/")
        if not link or link.endswith("/"):
            return None
        candidates = [link] if link.casefold().endswith(".md") else [link, link + ".md"]
        folder = posixpath.dirname(from_relative)
        for candidate in candidates:
            if candidate.startswith("/"):
                tries = [candidate.lstrip("/")]
            elif candidate.startswith(("./", "../")):
                tries = [posixpath.join(folder, candidate)]
            else:
                tries = [candidate, posixpath.join(folder, candidate)]
            for path in tries:
                if (found := self._exact.get(posixpath.normpath(path).casefold())) is not None:
                    return found
        for candidate in candidates:
            if candidate.startswith(("/", "./", "../")):
                continue
            lowered = candidate.casefold()
            matches = [
                path
                for path in self._by_name.get(posixpath.basename(lowered), [])
                if path.casefold() == lowered or path.casefold().endswith("/" + lowered)
            ]
            if matches:
                return min(matches, key=lambda path: _distance(path, folder))
        name = link[:-3] if link.casefold().endswith(".md") else link
        return (self._aliases or {}).get(name.strip().casefold())


def _distance(path: str, folder: str) -> tuple[int, int, str]:
    """Nearest first: most folders shared with the linking note, then the shortest path."""
    shared = 0
    for mine, theirs in zip(posixpath.dirname(path).split("/"), folder.split("/"), strict=False):
        if mine != theirs:
            break
        shared += 1
    return -shared, path.count("/"), path


@dataclass(frozen=True, slots=True)
class Note:
    """A note as other notes see it: its text (front matter and comments gone) and what its
    front matter says about linking to it."""

    relative: str
    lines: list[str]
    front: Mapping[str, Any] = field(default_factory=dict)
    #: Whether the site publishes it (not ``publish: false``, not ``skip: true``).
    published: bool = True

    @property
    def aliases(self) -> list[str]:
        aliases = self.front.get("aliases", self.front.get("alias"))
        if isinstance(aliases, str):
            aliases = [aliases]
        return [alias for alias in aliases if isinstance(alias, str)] if isinstance(aliases, list) else []

    @property
    def permalink(self) -> object:
        return self.front.get("permalink")

    def heading_texts(self) -> list[str]:
        return [heading.text for heading in headings(self.lines)]


def read_note(raw: bytes, relative: str) -> Note | None:
    """A note from its bytes, or None when it cannot be read (not UTF-8, broken front matter)."""
    document = read_text_document(raw, path=relative, fingerprint="", modified=None)
    if not isinstance(document, SourceDocument):
        # skip: true, or a file that is not a readable document: nothing to embed or link to.
        return Note(relative, [], {}, published=False) if isinstance(document, SkippedDocument) else None
    front = dict(document.metadata)
    return Note(relative, strip_comments(document.body).split("\n"), front, published=is_published(front))


def is_published(front: Mapping[str, Any]) -> bool:
    """Obsidian Publish leaves out notes whose front matter says ``publish: false``."""
    return front.get("publish") is not False
