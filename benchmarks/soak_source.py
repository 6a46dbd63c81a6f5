"""The soak test's docs folder: random edits, creates, renames and deletes, and what it should hold.

The folder is the truth: :meth:`SoakSource.titles` reads each document's title back from disk, so
the check at the end compares Intercom with the files, not with what the soak meant to write.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

FOLDERS = ("guides", "how-to", "reference", "runbooks", "faq")
#: Never fewer documents than this, so deletes stay far under ``max_delete_share``.
MIN_DOCS = 20


class SoakSource:
    """A docs folder changed at random, one operation at a time."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self._rng = rng
        self._next_id = 0
        self._revisions: dict[int, int] = {}
        self.operations: Counter[str] = Counter()

    def populate(self, count: int) -> None:
        for _ in range(count):
            self._create()
        self.operations.clear()

    def change(self) -> str:
        """One random change; its name (``edit``, ``create``, ``rename``, ``delete``)."""
        roll = self._rng.random()
        if roll < 0.1 and len(self._files()) > MIN_DOCS:
            self._delete()
            name = "delete"
        elif roll < 0.25:
            self._create()
            name = "create"
        elif roll < 0.4:
            self._rename()
            name = "rename"
        else:
            self._edit()
            name = "edit"
        self.operations[name] += 1
        return name

    def titles(self) -> dict[str, str]:
        """Every document's path (relative, POSIX) and title, read from disk."""
        return {
            path.relative_to(self.root).as_posix(): path.read_text(encoding="utf-8").splitlines()[0][2:]
            for path in self._files()
        }

    def folders(self) -> set[str]:
        """The folders holding at least one document."""
        return {path.parent.name for path in self._files()}

    def _files(self) -> list[Path]:
        return sorted(self.root.rglob("*.md"))

    def _write(self, path: Path, doc_id: int) -> None:
        revision = self._revisions[doc_id]
        text = f"# Document {doc_id} r{revision}\n\nThe text of document {doc_id}, revision {revision}.\n"
        if self._rng.random() < 0.5:
            path.write_text(text, encoding="utf-8")
        else:  # an editor's save: a temporary file renamed over the document
            temporary = path.with_name(f".{path.name}.swp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)

    def _create(self) -> None:
        doc_id = self._next_id
        self._next_id += 1
        self._revisions[doc_id] = 0
        folder = self.root / self._rng.choice(FOLDERS)
        folder.mkdir(parents=True, exist_ok=True)
        self._write(folder / f"doc-{doc_id:05d}.md", doc_id)

    def _pick(self) -> tuple[Path, int]:
        path = self._rng.choice(self._files())
        return path, int(path.stem.split("-")[1])

    def _edit(self) -> None:
        path, doc_id = self._pick()
        self._revisions[doc_id] += 1
        self._write(path, doc_id)

    def _rename(self) -> None:
        path, doc_id = self._pick()
        folder = self.root / self._rng.choice(FOLDERS)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"doc-{doc_id:05d}.md"
        if target == path:
            target = folder / f"doc-{doc_id:05d}-moved.md"
        os.replace(path, target)

    def _delete(self) -> None:
        path, _ = self._pick()
        path.unlink()


def differences(
    titles: dict[str, str], folders: set[str], state: dict[str, Any], root_collection: str
) -> list[str]:
    """How the emulator's ``state`` (``GET /_emulator/state``) differs from the source, one line
    each: duplicates first. Empty when remote == source for every target."""
    problems = []
    pages = state["pages"]
    page_ids = Counter(page["external_id"] for page in pages)
    problems += [f"page {key} exists {count} times" for key, count in page_ids.items() if count > 1]
    wanted = Counter(titles.values())
    for target, items in (("article", state["articles"]), ("internal article", state["internal_articles"])):
        held = Counter(item["title"] for item in items)
        problems += [f"{target} {title!r} exists {count} times" for title, count in held.items() if count > 1]
        problems += [f"{target} {title!r} missing" for title in wanted - held]
        problems += [f"{target} {title!r} not in the source" for title in set(held) - set(wanted)]
    remote_pages = {page["external_id"]: page["title"] for page in pages}
    problems += [f"page {key} missing or stale" for key in titles if remote_pages.get(key) != titles[key]]
    problems += [f"page {key} not in the source" for key in set(remote_pages) - set(titles)]
    collections = Counter(
        (c["name"], str(c.get("parent_id")), tuple(c.get("parent_ids") or ())) for c in state["collections"]
    )
    problems += [f"collection {key[0]!r} exists {n} times" for key, n in collections.items() if n > 1]
    names = {name for name, *_ in collections}
    expected = {root_collection} | {folder.replace("-", " ").capitalize() for folder in folders}
    problems += [f"collection {name!r} missing" for name in expected - names]
    problems += [f"collection {name!r} not in the source" for name in names - expected]
    return problems
