"""An Obsidian source opened as its Obsidian Publish site(s): roles, digest, pages, links."""

from __future__ import annotations

import asyncio
import hashlib
import posixpath
import re
from collections.abc import Mapping
from typing import Any

from ingest.sites.budget import IncludesTooLarge
from ingest.sites.contract import (
    CrossPageReads,
    NotAPage,
    PageProblem,
    PreparedPage,
    Role,
    SiteFiles,
    SiteLinks,
    SiteSettings,
)
from ingest.sites.obsidian.dependencies import embeds, link_digest
from ingest.sites.obsidian.lines import strip_comments
from ingest.sites.obsidian.links import ObsidianLinks
from ingest.sites.obsidian.notes import Note, VaultFiles, is_published, read_note
from ingest.sites.obsidian.render import NestedTooDeeply, Renderer, embedded_links
from ingest.sites.obsidian.vault import Layout, Vault

#: Front matter worth keeping with a page (text or lists of text).
_KEPT_FRONT = ("description", "aliases", "tags")
_FIRST_HEADING = re.compile(r"\A\s*# +(?P<text>[^\n]*?)(?: +#+)? *(?:\n|\Z)")


class ObsidianSite:
    """The vaults of one source, as :func:`~ingest.sites.obsidian.vault.read_layout` found them."""

    dialect = "obsidian"

    def __init__(self, files: SiteFiles, settings: SiteSettings, layout: Layout) -> None:
        self._files = files
        self._settings = settings
        self._layout = layout
        by_vault: dict[str, list[str]] = {vault.root: [] for vault in layout.vaults}
        for path in files.paths():
            vault = layout.vault_of(path)
            if vault is not None and not _hidden(vault.relative(path)):
                by_vault[vault.root].append(vault.relative(path))
        self._vault_files = {root: VaultFiles(relatives) for root, relatives in by_vault.items()}
        self._notes: dict[str, Note | None] = {}
        self._links: ObsidianLinks | None = None
        self._index_lock = asyncio.Lock()

    def role(self, path: str) -> Role:
        return self._layout.role(path)

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        """Which notes and other files exist (attachments resolve by name) and the vaults'
        config; not Obsidian's workspace state, nor files outside. What a note reads of other
        notes (their headings and aliases, what it embeds) are its dependencies."""
        digest = hashlib.sha256(f"obsidian 2\n{self._settings!r}\n".encode())
        for path in sorted(fingerprints):
            vault = self._layout.vault_of(path)
            if path in self._layout.config_files:
                digest.update(f"config {path} {fingerprints[path]}\n".encode())
            elif vault is not None and not _hidden(relative := vault.relative(path)):
                kind = "note" if relative.lower().endswith(".md") else "file"
                digest.update(f"{kind} {path}\n".encode())
        return digest.hexdigest()

    def listed_files(self, path: str) -> list[str]:
        return []  # a note lists no other note by its path alone

    async def cross_page_reads(self) -> CrossPageReads:
        await self._index()
        notes = {path: note for path, note in self._notes.items() if note is not None}
        shows: dict[str, frozenset[str]] = {}
        for vault in self._layout.vaults:
            shows |= embeds(vault.root, self._vault_files[vault.root], notes)
        return CrossPageReads(links=link_digest(notes), shows=shows)

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        vault = self._layout.vault_of(path)
        if vault is None or vault.role(relative := vault.relative(path)) is not Role.PAGE:
            return NotAPage(
                "not a note of an Obsidian vault (a template, a hidden folder or outside the vaults)"
            )
        if not is_published(front):
            return NotAPage("front matter says publish: false")
        if relative.lower().endswith(".excalidraw.md") or "excalidraw-plugin" in front:
            return NotAPage("an Excalidraw drawing")
        # Links and embeds may name a note's alias: every note is read once (links() needs them too).
        await self._index()
        lines = strip_comments(body).split("\n")
        notes: dict[str, Note | None] = {relative: Note(relative, lines, dict(front))}
        await self._load_embedded(vault, lines, relative, notes)
        renderer = Renderer(self._vault_files[vault.root], notes, relative)
        try:
            text = renderer.page(lines)
        except (IncludesTooLarge, NestedTooDeeply) as exc:
            return PageProblem(str(exc))
        if renderer.problems:
            return PageProblem("; ".join(dict.fromkeys(renderer.problems)))
        title = _title(front, relative)
        text = _without_title_heading(text, title)
        if not text.strip():
            return NotAPage("an empty note")
        return PreparedPage(
            body=text,
            title=title,
            url=vault.url_of(relative, front.get("permalink")),
            locale=vault.locale_of(relative, front, self._settings.locale),
            warnings=tuple(dict.fromkeys(renderer.warnings)),
            unknown=dict(renderer.unknown),
            metadata=_kept_front(front),
        )

    async def links(self) -> SiteLinks:
        await self._index()
        assert self._links is not None
        return self._links

    async def _index(self) -> None:
        """Reads every note once, for the aliases links and embeds may name and the headings
        anchors name."""
        async with self._index_lock:
            if self._links is not None:
                return
            notes: dict[str, Note] = {}
            for vault in self._layout.vaults:
                files = self._vault_files[vault.root]
                mine = [note for relative in files.paths() if (note := await self._note(vault, relative))]
                notes.update((vault.root + note.relative, note) for note in mine)
                self._vault_files[vault.root] = files.with_aliases(mine)
            self._links = ObsidianLinks(self._layout, self._vault_files, notes)

    async def _load_embedded(
        self, vault: Vault, lines: list[str], relative: str, notes: dict[str, Note | None]
    ) -> None:
        """Loads into ``notes`` every note ``lines`` embeds, and those they embed."""
        for link in embedded_links(lines):
            target = self._vault_files[vault.root].find(link.path, relative) if link.path else relative
            if target is None or not target.lower().endswith(".md") or target in notes:
                continue
            notes[target] = note = await self._note(vault, target)
            if note is not None:
                await self._load_embedded(vault, note.lines, target, notes)

    async def _note(self, vault: Vault, relative: str) -> Note | None:
        if not relative.lower().endswith(".md"):
            return None
        path = vault.root + relative
        if path not in self._notes:
            raw = await self._files.read(path)
            self._notes[path] = None if raw is None else read_note(raw, relative)
        return self._notes[path]


def _hidden(relative: str) -> bool:
    """Obsidian ignores files and folders whose name starts with a dot."""
    return any(part.startswith(".") for part in relative.split("/"))


def _title(front: Mapping[str, Any], relative: str) -> str:
    title = front.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return posixpath.splitext(posixpath.basename(relative))[0]


def _without_title_heading(text: str, title: str) -> str:
    """Obsidian shows the title above the note: a first ``# Heading`` saying the same goes."""
    match = _FIRST_HEADING.match(text)
    if match is not None and match["text"].strip().casefold() == title.casefold():
        return text[match.end() :].lstrip("\n")
    return text


def _kept_front(front: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key in _KEPT_FRONT:
        value = front.get(key)
        if isinstance(value, str):
            kept[key] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            kept[key] = list(value)
    return kept
