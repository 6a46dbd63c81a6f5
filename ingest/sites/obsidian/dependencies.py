"""What an Obsidian note shows of other notes, so that it is read again when they change.

* A link reads its target's URL (``permalink``), whether it is published (``publish``), the
  aliases it may be named by and the headings its anchors name: every note folds a digest of
  them, for every note.
* An embed (``![[Note]]``, ``![[Note#Heading]]``) shows the embedded note's text, and what that
  embeds: its fingerprint folds into the embedding note's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from ingest.sites.obsidian.notes import Note, VaultFiles
from ingest.sites.obsidian.render import embedded_links


def link_digest(notes: Mapping[str, Note]) -> str:
    """A digest of what links read of the notes they point to (``notes``: every note, by path)."""
    digest = hashlib.sha256(b"obsidian links 1")
    for path, note in sorted(notes.items()):
        linked = [note.published, str(note.permalink), note.aliases, note.heading_texts()]
        digest.update(f"\n{path}\0{json.dumps(linked)}".encode())
    return digest.hexdigest()


def embeds(root: str, files: VaultFiles, notes: Mapping[str, Note]) -> dict[str, frozenset[str]]:
    """Note by note of the vault at ``root`` (source paths), the notes it embeds, directly or not."""
    found: dict[str, frozenset[str]] = {}
    for path, note in notes.items():
        if not path.startswith(root):
            continue
        shown: set[str] = set()
        waiting = [note]
        while waiting:
            embedding = waiting.pop()
            for link in embedded_links(embedding.lines):
                target = files.find(link.path, embedding.relative) if link.path else embedding.relative
                if target is None or (target_path := root + target) in shown or target_path == path:
                    continue
                if (embedded := notes.get(target_path)) is not None:
                    shown.add(target_path)
                    waiting.append(embedded)
        if shown:
            found[path] = frozenset(shown)
    return found
