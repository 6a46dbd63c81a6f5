"""Which documents of a ``filesystem`` source a changed path affects, for the watch daemon.

A changed file is named as the scan names it (:mod:`connectors.filesystem.tree`): under its
own path, and under every other path a symlink inside the root gives it (``alias/x.md`` for
``shared/x.md`` when ``alias -> shared``; ``guide.md`` for ``.drafts/guide.md`` when
``guide.md -> .drafts/guide.md``). Those other paths come from the tree's shape, read with the
scan's own walk when the daemon starts observing and again after every change to a link, to a
path a link leads to that was missing (a link made before its document), or to a folder on the
way to where a link leads. Any other folder made since is named under the names of its parent:
a walk per folder event would cost a checkout or an ``rm -rf`` a walk of the whole tree per
folder. A folder or a symlink that changed affects the whole source: the scan, not the event,
decides what is there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from connectors.filesystem.tree import Walker, child_locator, has_undecodable, inside, locator_of
from ingest.connector import Affected
from ingest.errors import ConnectorError
from ingest.textdoc import format_for

_NOTHING = Affected()
_WHOLE = Affected(whole=True)


def _is_document(locator: str) -> bool:
    return format_for(locator) is not None


@dataclass(frozen=True)
class TreeShape:
    """What a walk of the tree under ``root`` learned of its shape (see :class:`Walker`)."""

    root: str
    folders: dict[str, list[str]] = field(default_factory=dict)
    links: frozenset[str] = frozenset()
    linked_files: dict[str, list[str]] = field(default_factory=dict)
    dangling: frozenset[str] = frozenset()
    #: Every real path a link leads to, and each folder on the way to it below the root.
    anchors: frozenset[str] = frozenset()

    @classmethod
    def read(cls, root: str, follow_symlinks: bool) -> TreeShape:
        walker = Walker(root, follow_symlinks, documents=False)
        try:
            for _ in walker.walk():
                pass
        except ConnectorError:  # the root is gone: the daemon watches it again once it is back
            return cls(root)
        anchors = set()
        for target in walker.targets:
            while target != root and inside(root, target) and target not in anchors:
                anchors.add(target)
                target = os.path.dirname(target)
        return cls(
            root,
            walker.folders,
            frozenset(walker.links),
            walker.linked_files,
            frozenset(walker.dangling),
            frozenset(anchors),
        )

    def names(self, path: str) -> set[str]:
        """Every locator under which the walk lists the entry at the real ``path``."""
        names = set()
        direct = locator_of(os.path.relpath(path, self.root).split(os.sep))
        if direct is not None:
            names.add(direct)
        parent, name = os.path.split(path)
        for prefix in self._prefixes(parent):
            locator = child_locator(prefix, name)
            if locator is not None:
                names.add(locator)
        names.update(self.linked_files.get(path, ()))
        return names

    def _prefixes(self, folder: str) -> list[str]:
        """The locator prefixes under which the walk lists the real ``folder``. One made since the
        walk is listed under those of its nearest folder the walk saw, followed by the names below
        it: a folder made, moved or deleted changes no other folder's prefixes, unless a link leads
        to it or below it (an anchor)."""
        below: list[str] = []
        while folder not in self.folders:
            parent, name = os.path.split(folder)
            if parent == folder or not inside(self.root, parent):
                return []
            below.append(name)
            folder = parent
        prefixes = self.folders[folder]
        for name in reversed(below):
            if has_undecodable(name):
                return []  # the walk does not enter a folder whose name is not UTF-8
            prefixes = [f"{locator}/" for prefix in prefixes if (locator := child_locator(prefix, name))]
        return prefixes


class ChangeMap:
    """Maps changed paths below a source folder to the locators they affect; thread-safe."""

    def __init__(self, folder: Path, *, follow_symlinks: bool) -> None:
        self._folder = folder
        self._follow_symlinks = follow_symlinks
        self._lock = threading.Lock()
        self._shape: TreeShape | None = None

    def affected_by(
        self, path: Path, *, folder: bool, keep: Callable[[str], bool] = _is_document
    ) -> Affected:
        """What a change at ``path`` (a real path below the folder) affects; see the module
        docstring. ``keep``: which locators name documents (by default, those with a document's
        suffix)."""
        changed = os.fspath(path)
        root = os.path.realpath(self._folder)
        with self._lock:
            if changed == root:
                self._shape = TreeShape.read(root, self._follow_symlinks)
                return _WHOLE
            # A path a link leads to but that was missing: the link names it now. A folder on the way
            # to where a link leads: the link may lead to another folder, or to one at last.
            if (
                self._shape is None
                or self._shape.root != root
                or changed in self._shape.dangling
                or (folder and changed in self._shape.anchors)
            ):
                self._shape = TreeShape.read(root, self._follow_symlinks)
            names = self._shape.names(changed)
            if not names:
                return _NOTHING
            # Not followed, a link is no document: a change there is one to whatever the path held (a
            # document or folder replaced by a link is gone).
            is_link = self._follow_symlinks and (changed in self._shape.links or os.path.islink(changed))
            if is_link:
                self._shape = TreeShape.read(root, self._follow_symlinks)
            if folder or is_link:
                return _WHOLE
            return Affected(locators=frozenset(name for name in names if keep(name)))
