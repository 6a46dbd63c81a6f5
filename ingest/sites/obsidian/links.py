"""How links of an Obsidian vault read on its Obsidian Publish site.

A link's path is found as Obsidian finds it (:class:`~ingest.sites.obsidian.notes.VaultFiles`),
else among the notes' ``aliases`` (Publish follows them: the Obsidian Help vaults keep a
moved note's old path as an alias). A heading anchor is the heading's text as Publish writes
it in URLs: ``#Link+to+a+heading``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from urllib.parse import quote, unquote

from ingest.hrefs import clean_url, url_scheme
from ingest.sites.contract import ResolvedLink, Role
from ingest.sites.obsidian.lines import heading_key
from ingest.sites.obsidian.notes import Note, VaultFiles
from ingest.sites.obsidian.vault import Layout
from ingest.sites.slugs import unique


def heading_anchor(text: str) -> str:
    """A heading's anchor on Obsidian Publish: its text percent-encoded, spaces as ``+``."""
    return quote(text.strip(), safe="!~*'()").replace("%20", "+")


class ObsidianLinks:
    """Links of every vault of a source: ``files`` by vault (aliases known), ``notes`` every
    note by source-relative path."""

    def __init__(self, layout: Layout, files: Mapping[str, VaultFiles], notes: Mapping[str, Note]) -> None:
        self._layout = layout
        self._files = files
        self._notes = notes
        self._headings: dict[str, list[str]] = {}

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        href = clean_url(href)
        vault = self._layout.vault_of(from_path)
        if not href or href.startswith("//") or url_scheme(href) is not None or vault is None:
            return None
        written, _, fragment = href.partition("#")
        path, fragment = unquote(written), unquote(fragment).rpartition("#")[2]
        from_relative = vault.relative(from_path)
        target = self._files[vault.root].find(path, from_relative) if path else from_relative
        if target is None:
            return ResolvedLink(None, f"links to {path}, which is not a note or file of the vault")
        if not target.lower().endswith(".md"):
            return None  # an attachment: Publish serves it from an address of its own
        note = self._notes.get(vault.root + target)
        if vault.role(target) is not Role.PAGE or note is None or not note.published:
            return ResolvedLink(None, f"links to {target}, which is not published")
        url = vault.url_of(target, note.permalink)
        if url is None:
            return None
        if fragment and not fragment.startswith("^"):
            url += "#" + heading_anchor(self._heading(vault.root + target, note, fragment))
        return ResolvedLink(url)

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        return unique(heading_anchor(text), taken)

    def _heading(self, path: str, note: Note, fragment: str) -> str:
        """The heading of ``note`` a link's ``#fragment`` names, as written in the note."""
        if path not in self._headings:
            self._headings[path] = note.heading_texts()
        key = heading_key(fragment)
        return next((text for text in self._headings[path] if heading_key(text) == key), fragment)
