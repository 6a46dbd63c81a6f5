"""What a source folder holds, as the ``filesystem`` connector names it.

One set of rules, used by the scan and by the watch daemon's mapping of a changed path to
locators: names starting with a dot are hidden at any depth, a name is NFC-normalised, a
name that is not UTF-8 is a failure, a document has a suffix :func:`ingest.textdoc.format_for`
knows, and a symlink is followed only while its target stays inside the root (and is not a
folder above it).
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ingest.document import DocumentRef, Failure, SkippedDocument
from ingest.errors import ConnectorError
from ingest.sites.registry import HIDDEN_CONFIGS
from ingest.textdoc import format_for

Found = DocumentRef | SkippedDocument | Failure

#: A real folder, the locator prefix it is listed under (``""`` for the root, else ending in
#: ``/``) and the real folders above it on that path.
_Listing = tuple[str, str, frozenset[str]]


def child_locator(prefix: str, name: str) -> str | None:
    """The locator of the entry ``name`` of the folder listed as ``prefix``, or ``None`` when the
    name is hidden. A name that is not UTF-8 is shown with replacement characters."""
    if name.startswith("."):
        return None
    if has_undecodable(name):
        return printable(prefix + name)
    return prefix + nfc(name)


def locator_of(parts: Sequence[str]) -> str | None:
    """The locator of the entry reached through the real folders ``parts`` below the root, or
    ``None`` when the walk never lists it (a hidden name on the way, a folder that is not UTF-8,
    ``..``)."""
    prefix, locator = "", None
    for depth, part in enumerate(parts):
        locator = child_locator(prefix, part)
        if locator is None or (depth < len(parts) - 1 and has_undecodable(part)):
            return None
        prefix = locator + "/"
    return locator


@dataclass(slots=True)
class Walker:
    """One walk of the tree. Besides what it finds, it records the shape of the tree: each real
    folder with every locator prefix it is listed under (more than one when a symlink leads to
    it), the symlinks it met, the locators of symlinks naming each real file, and the real paths
    symlinks lead to: all of them, and those that did not exist (a link made before its target)."""

    root: str
    follow_symlinks: bool
    #: False: record the shape only, without reading each document's size and time.
    documents: bool = True
    #: True: list every file (a docs site's config, partials, assets), not only documents.
    every_file: bool = False
    folders: dict[str, list[str]] = field(default_factory=dict)
    links: set[str] = field(default_factory=set)
    linked_files: dict[str, list[str]] = field(default_factory=dict)
    targets: set[str] = field(default_factory=set)
    dangling: set[str] = field(default_factory=set)
    #: With ``every_file``: the hidden names at the root and in its top-level folders
    #: (``.obsidian/`` for a folder, ``en/.nojekyll`` for a file), which mark what a source is
    #: (an Obsidian vault); only named, never listed inside nor read.
    hidden: set[str] = field(default_factory=set)

    def walk(self) -> Iterator[Found]:
        # An explicit stack: deep trees cannot hit the recursion limit.
        stack: list[_Listing] = [(self.root, "", frozenset({self.root}))]
        while stack:
            real_dir, prefix, ancestors = stack.pop()
            self.folders.setdefault(real_dir, []).append(prefix)
            try:
                with os.scandir(real_dir) as entries:
                    listed = list(entries)
            except OSError as exc:
                if not prefix:
                    message = f"source folder {self.root} cannot be listed: {reason(exc)}"
                    raise ConnectorError(message) from exc
                folder = prefix.rstrip("/")
                yield Failure(folder, f"cannot list folder {folder}: {reason(exc)}")
                continue
            for entry in listed:
                locator = child_locator(prefix, entry.name)
                if locator is None:
                    if self.every_file and prefix.count("/") <= 1 and not has_undecodable(entry.name):
                        self.hidden.add(prefix + nfc(entry.name) + ("/" if _is_folder(entry) else ""))
                        yield from self._hidden_configs(real_dir, prefix, entry.name)
                    continue
                if has_undecodable(entry.name):
                    if format_for(locator) or entry.is_dir():
                        yield Failure(locator, f"{locator}: file name is not valid UTF-8")
                elif entry.is_symlink():
                    yield from self._symlink(entry, locator, ancestors, stack)
                elif entry.is_dir(follow_symlinks=False):
                    real = os.path.join(real_dir, entry.name)
                    stack.append((real, locator + "/", ancestors | {real}))
                elif self.documents and self._listed(locator) and entry.is_file(follow_symlinks=False):
                    ref = _ref(locator, entry)
                    if ref is not None:
                        yield ref

    def _hidden_configs(self, real_dir: str, prefix: str, name: str) -> Iterator[Found]:
        """The config files a dialect reads (:data:`HIDDEN_CONFIGS`) in the hidden folder ``name``:
        regular files reached through no symlink, the only files of a hidden folder listed."""
        for config in HIDDEN_CONFIGS:
            head, _, rest = config.partition("/")
            if head != name:
                continue
            path = os.path.join(real_dir, name, *rest.split("/"))
            if os.path.realpath(path) != os.path.normpath(path):
                continue  # missing, or through a symlink
            try:
                info = os.stat(path, follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                yield DocumentRef(prefix + config, fingerprint(info))

    def _listed(self, locator: str) -> bool:
        return self.every_file or format_for(locator) is not None

    def _symlink(
        self, entry: os.DirEntry[str], locator: str, ancestors: frozenset[str], stack: list[_Listing]
    ) -> Iterator[Found]:
        if not self.follow_symlinks:
            return
        self.links.add(entry.path)
        target = os.path.realpath(entry.path)
        self.targets.add(target)
        try:
            info = os.stat(target)
        except OSError as exc:
            self.dangling.add(target)
            if format_for(locator):
                yield SkippedDocument(locator, f"broken symlink ({reason(exc)}): {target}")
            return
        is_dir = stat.S_ISDIR(info.st_mode)
        if not inside(self.root, target):
            if is_dir or format_for(locator):
                yield SkippedDocument(locator, f"symlink points outside the source root: {target}")
        elif is_dir and target in ancestors:
            yield SkippedDocument(locator, f"symlink loop: {target} is a folder above it")
        elif is_dir:
            stack.append((target, locator + "/", ancestors | {target}))
        elif self._listed(locator) and stat.S_ISREG(info.st_mode):
            self.linked_files.setdefault(target, []).append(locator)
            yield DocumentRef(locator, fingerprint(info))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _ref(locator: str, entry: os.DirEntry[str]) -> DocumentRef | Failure | None:
    try:
        info = entry.stat(follow_symlinks=False)
    except FileNotFoundError:
        return None  # deleted while we walked: it is simply not there any more
    except OSError as exc:
        return Failure(locator, f"cannot read {locator}: {reason(exc)}")
    return DocumentRef(locator, fingerprint(info))


def unique(found: list[Found]) -> Iterator[Found]:
    """Two files whose names differ only in Unicode normalisation would share a locator."""
    index = 0
    while index < len(found):
        end = index + 1
        while end < len(found) and found[end].locator == found[index].locator:
            end += 1
        if end - index == 1 or not all(isinstance(item, DocumentRef) for item in found[index:end]):
            yield from found[index:end]
        else:
            locator = found[index].locator
            yield Failure(locator, f"{locator}: several files have this name after Unicode normalisation")
        index = end


def find_on_disk(root: str, locator: str) -> str:
    """The on-disk path for an NFC locator, matching names stored in another normal form."""
    direct = os.path.join(root, *locator.split("/"))
    if os.path.lexists(direct):
        return direct
    current = root
    for part in locator.split("/"):
        candidate = os.path.join(current, part)
        if not os.path.lexists(candidate):
            try:
                names = os.listdir(current)
            except OSError:
                return direct
            match = next((name for name in names if nfc(name) == part), None)
            if match is None:
                return direct
            candidate = os.path.join(current, match)
        current = candidate
    return current


def inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def fingerprint(info: os.stat_result) -> str:
    return f"{info.st_size}-{info.st_mtime_ns}"


def nfc(name: str) -> str:
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def has_undecodable(name: str) -> bool:
    # os.scandir hands back bytes that are not UTF-8 as lone surrogates.
    return not name.isascii() and any("\udc80" <= char <= "\udcff" for char in name)


def printable(locator: str) -> str:
    return locator.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
